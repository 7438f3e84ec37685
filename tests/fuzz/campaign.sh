#!/bin/sh
# Runs a libFuzzer campaign of one harness (tests/fuzz/README.md): a working corpus under
# BUILD/fuzz-corpus/NAME that starts from the seeds of tests/data/fuzz/NAME, crash and leak
# reproducers under BUILD/fuzz-artifacts/NAME/. Usage: campaign.sh BUILD NAME [SECONDS]
# BUILD must have been configured with CC=clang -DFUZZ=ON (and -DSANITIZE=ON).
set -eu
build=$1
name=$2
seconds=${3:-300}
here=$(cd "$(dirname "$0")" && pwd)
seeds=$here/../data/fuzz/$name
bin=$build/tests/fuzz/fuzz_$name
[ -x "$bin" ] || { echo "campaign.sh: $bin not built" >&2; exit 2; }
mkdir -p "$build/fuzz-corpus/$name" "$build/fuzz-artifacts/$name"
exec "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -print_final_stats=1 -artifact_prefix="$build/fuzz-artifacts/$name/" \
    "$build/fuzz-corpus/$name" "$seeds"
