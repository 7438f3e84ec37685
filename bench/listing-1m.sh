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
case "$N" in '' | *[!0-9]*) echo "not a number: '$N'" >&2; exit 2 ;; esac
OSSEMU=$BUILD/bin/ossemu
OSSPERMFS=$BUILD/bin/osspermfs
[ -x "$OSSEMU" ] && [ -x "$OSSPERMFS" ] || { echo "no ossemu/osspermfs in $BUILD/bin" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "needs root (FUSE mount)" >&2; exit 2; }
for t in sqlite3 curl openssl jq fusermount3 mountpoint; do
    command -v "$t" >/dev/null || { echo "missing tool: $t" >&2; exit 2; }
done

W=$(mktemp -d "$PARENT/listing-1m.XXXXXX")
EMU_PID=""
FS_PID=""
MNT=$W/mnt
cleanup() {
    if [ -n "$FS_PID" ]; then
        fusermount3 -u "$MNT" 2>/dev/null || fusermount3 -uz "$MNT" 2>/dev/null || true
        kill "$FS_PID" 2>/dev/null || true
        wait "$FS_PID" 2>/dev/null || true
    fi
    if [ -n "$EMU_PID" ]; then
        kill "$EMU_PID" 2>/dev/null || true
        wait "$EMU_PID" 2>/dev/null || true
    fi
    rm -rf "$W"
}
trap cleanup EXIT
OSS_ACCESS_KEY_ID=LTAIbench$(openssl rand -hex 6)
OSS_ACCESS_KEY_SECRET=$(openssl rand -hex 16)
export OSS_ACCESS_KEY_ID OSS_ACCESS_KEY_SECRET
BUCKET=big
mkdir -p "$W/emu" "$MNT"

start_emu() {
    rm -f "$W/emu.ready"
    "$OSSEMU" --data "$W/emu" --listen 127.0.0.1:0 --ready-file "$W/emu.ready" \
        --request-log "$W/requests.log" >>"$W/emu.out" 2>&1 &
    EMU_PID=$!
    for _ in $(seq 100); do
        grep -qE '^127\.0\.0\.1:[0-9]+$' "$W/emu.ready" 2>/dev/null && break
        sleep 0.1
    done
    EMU=http://$(head -n 1 "$W/emu.ready")
}
sign() {
    DATE=$(LC_ALL=C TZ=GMT date '+%a, %d %b %Y %H:%M:%S GMT')
    local sig
    sig=$(printf '%s\n\n%s\n%s\n%s' "$1" "$2" "$DATE" "$3" |
        openssl dgst -sha1 -hmac "$OSS_ACCESS_KEY_SECRET" -binary | base64)
    AUTH="OSS $OSS_ACCESS_KEY_ID:$sig"
}

start_emu
sign PUT "" "/$BUCKET/"
curl -sSf -o /dev/null -X PUT -H "Date: $DATE" -H "Authorization: $AUTH" "$EMU/$BUCKET/"
sign PUT "" "/$BUCKET/d/f0000000"
printf abc | curl -sSf -o /dev/null -X PUT -H "Date: $DATE" -H "Authorization: $AUTH" -H "Content-Type:" \
    --data-binary @- "$EMU/$BUCKET/d/f0000000"
kill "$EMU_PID"
wait "$EMU_PID" 2>/dev/null || true
t0=$(date +%s)
cols=$(sqlite3 "$W/emu/meta.db" "SELECT group_concat(name, ',') FROM pragma_table_info('objects')")
sel=$(echo "$cols" | sed "s/\bkey\b/printf('d\/f%07d', n)/")
sqlite3 "$W/emu/meta.db" "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < $((N - 1)))
    INSERT INTO objects($cols) SELECT $sel FROM objects, c WHERE bucket = '$BUCKET' AND key = 'd/f0000000';"
echo "# $(sqlite3 "$W/emu/meta.db" "SELECT count(*) FROM objects WHERE bucket = '$BUCKET'") objects seeded in $(($(date +%s) - t0)) s" >&2
start_emu

mark() { MARK=$(wc -l <"$W/requests.log"); }
count() { tail -n +$((MARK + 1)) "$W/requests.log" | jq -r .op | grep -cxF "$1" || true; }
ROWS=()
run() {
    local name=$1 cmd=$2 t1 t2 lines
    "$OSSPERMFS" "$BUCKET" "$MNT" -f -o "url=$EMU" >>"$W/fs.log" 2>&1 &
    FS_PID=$!
    for _ in $(seq 100); do mountpoint -q "$MNT" && break; sleep 0.1; done
    mark
    t1=$(date +%s.%N)
    lines=$(cd "$MNT" && bash -c "$cmd" | wc -l)
    t2=$(date +%s.%N)
    local hwm cpu
    hwm=$(awk '/^VmHWM/ { print $2 }' "/proc/$FS_PID/status")
    cpu=$(awk -v t="$(getconf CLK_TCK)" '{ printf "%.1f", ($14 + $15) / t }' "/proc/$FS_PID/stat")
    ROWS+=("| \`$name\` | $lines | $(printf '%.1f' "$(echo "$t2 - $t1" | bc)") | $(count ListObjectsV2) | $(count HeadObject) | $((hwm / 1024)) | $cpu |")
    fusermount3 -u "$MNT"
    wait "$FS_PID" 2>/dev/null || true
    FS_PID=""
}
run 'ls -f d' 'ls -f d'
run 'find d' 'find d'
[ "$LSL" = 0 ] || run 'ls -l d' 'ls -l d'

echo "### listing-1m $(date -u +%Y-%m-%dT%H:%MZ): $N objects in one directory, tree at $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo ?)"
echo
echo "| command | lines out | seconds | ListObjectsV2 | HeadObject | daemon peak RSS MiB | daemon CPU s |"
echo "|---|---|---|---|---|---|---|"
printf '%s\n' "${ROWS[@]}"
