#!/usr/bin/env bash
# ossemu under a mixed load of concurrent clients for a long run (default 16 clients, 60 s): the
# load of tests/conformance/load.js (put, get, list, delete, copy, ACL changes, multipart with
# parallel part re-uploads and Complete/Abort races), then a full check of the bucket. Prints a
# Markdown block for bench/RESULTS.md: operations per type, requests per second, server errors
# and mismatches (both must be 0). A benchmark, not a test: the 4-second form of the same load
# is the ctest emu.concurrency. Needs node and `npm ci` in tests/conformance.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# The ossemu binary: --ossemu PATH, else build-bench/ or build/ of this tree (load.js parses
# the options).
for c in "$REPO/build-bench/bin/ossemu" "$REPO/build/bin/ossemu"; do
    if [ -z "${OSSEMU:-}" ] && [ -x "$c" ]; then OSSEMU=$c; fi
done
export OSSEMU=${OSSEMU:-}
[ -d "$REPO/tests/conformance/node_modules/ali-oss" ] ||
    { echo "run npm ci --no-audit --no-fund in tests/conformance first" >&2; exit 2; }
cd "$REPO/tests/conformance"
exec node load.js "$@"
