#!/usr/bin/env bash
# Long run of the open-file model check (tests/tools/fsmodel.py): many seeds of many operations
# on a real mount of a fresh ossemu, each compared with the POSIX model at every step and, at the
# end, with the server (the model's md5s against GetObject through ali-oss). ctest runs the short form (tests/integration/test_open_files_model.sh);
# this one is for soaking: `sudo bench/fsmodel.sh [--seeds N] [--ops N] [--latency MS]`.
set -euo pipefail
SEEDS=20
OPS=5000
LATENCY=0
while [ $# -gt 0 ]; do
    case "$1" in
    --seeds) SEEDS=$2; shift 2 ;;
    --ops) OPS=$2; shift 2 ;;
    --latency) LATENCY=$2; shift 2 ;;
    *) echo "usage: bench/fsmodel.sh [--seeds N] [--ops N] [--latency MS]" >&2; exit 2 ;;
    esac
done
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
seeds=$(seq 1000 $((1000 + SEEDS - 1)) | tr '\n' ' ')
extra=""
[ "$LATENCY" -eq 0 ] || extra="--fault latency=$LATENCY"
start=$(date +%s)
REPO=$REPO FSMODEL_SEEDS="$seeds" FSMODEL_OPS=$OPS EMU_EXTRA_ARGS="$extra" \
    bash "$REPO/tests/integration/test_open_files_model.sh"
echo "fsmodel: $SEEDS seeds x $OPS operations, latency ${LATENCY} ms, $(( $(date +%s) - start )) s"
