#!/usr/bin/env bash
# Benchmark of listing memory (issue 11): a directory of --objects objects (default 1,000,000)
# listed through osspermfs with `ls -f` and `find`, each on a fresh mount, reporting time, the
# ListObjectsV2 and HeadObject requests (ossemu's request log) and the daemon's peak RSS
# (VmHWM). With --ls-l, `ls -l` too (it completes; past the listing cache's 131,072 entries
# its lookups cost a HeadObject each, so it is slow at this size).
#
# Seeding: one object is created through the API; the other rows are copied into ossemu's
# SQLite store (meta.db, table objects) while ossemu is stopped, all pointing at that one
# object's data file. Listing reads only those rows, so this measures exactly what a
# directory of that many objects costs a listing, without uploading a million bodies.
# A benchmark, not a test: ctest does not run it. Needs root (FUSE), sqlite3, curl, openssl.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=$REPO/build
N=1000000
LSL=0
PARENT=${TMPDIR:-/var/tmp}
while [ $# -gt 0 ]; do
    case "$1" in
    --build) BUILD=$2; shift 2 ;;
    --objects) N=$2; shift 2 ;;
    --ls-l) LSL=1; shift ;;
    --workdir) PARENT=$2; shift 2 ;;
    -h | --help) sed -n '2,12p' "$0"; echo "Usage: bench/listing-1m.sh [--build DIR] [--objects N] [--ls-l] [--workdir DIR]"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
    esac
done
. "$REPO/bench/lib.sh"
need_numbers "$N"
need_bins
need_root
need_tools sqlite3 curl openssl jq fusermount3 mountpoint

bench_workdir listing-1m
bench_keys
BUCKET=big

start_emu
put_bucket "$BUCKET"
seed_first "$BUCKET"
t0=$(date +%s)
seed_copies "$BUCKET" "$N"
echo "# $(sqlite3 "$W/emu/meta.db" "SELECT count(*) FROM objects WHERE bucket = '$BUCKET'") objects seeded in $(($(date +%s) - t0)) s" >&2
start_emu

ROWS=()
run() {
    local name=$1 cmd=$2 t1 t2 lines
    mount_fs "$BUCKET" "url=$EMU"
    mark
    t1=$(date +%s.%N)
    lines=$(cd "$MNT" && bash -c "$cmd" | wc -l)
    t2=$(date +%s.%N)
    local hwm cpu
    hwm=$(hwm_of "$FS_PID")
    cpu=$(cpu_of "$FS_PID" 1)
    ROWS+=("| \`$name\` | $lines | $(printf '%.1f' "$(echo "$t2 - $t1" | bc)") | $(count ListObjectsV2) | $(count HeadObject) | $((hwm / 1024)) | $cpu |")
    umount_fs
}
run 'ls -f d' 'ls -f d'
run 'find d' 'find d'
[ "$LSL" = 0 ] || run 'ls -l d' 'ls -l d'

echo "### listing-1m $(date -u +%Y-%m-%dT%H:%MZ): $N objects in one directory, tree at $(tree_rev)"
echo
echo "| command | lines out | seconds | ListObjectsV2 | HeadObject | daemon peak RSS MiB | daemon CPU s |"
echo "|---|---|---|---|---|---|---|"
printf '%s\n' "${ROWS[@]}"
