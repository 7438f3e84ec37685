#!/usr/bin/env bash
# Benchmark of `ls -l` against its floor (issue 11): a directory of --objects objects (default
# 10,000) listed with `ls -l` through a fresh osspermfs mount, beside, in the same run,
# (a) the raw listing: the same ceil(N/1000) ListObjectsV2 pages fetched one after another by
# the project's C client (bench/listseq.c), as the mount does, and (b) the FUSE ceiling: `ls -l` of a directory of N entries served
# from memory by bench/fuse-ceiling.c (the kernel's and libfuse's own work). The mount's time is
# reported as a ratio to (a) + (b), at 0 and --latency ms (default 5) of injected latency per
# request, with its ListObjectsV2 and HeadObject counts from ossemu's request log.
#
# Seeding as bench/listing-1m.sh: one object through the API, the other rows copied into
# ossemu's SQLite store while it is stopped. Repetitions alternate the three measurements.
# A benchmark, not a test: ctest does not run it. Needs root (FUSE), sqlite3, curl, openssl, jq.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=$REPO/build
N=10000
REPS=3
LAT=5
PARENT=${TMPDIR:-/var/tmp}
while [ $# -gt 0 ]; do
    case "$1" in
    --build) BUILD=$2; shift 2 ;;
    --objects) N=$2; shift 2 ;;
    --reps) REPS=$2; shift 2 ;;
    --latency) LAT=$2; shift 2 ;;
    --workdir) PARENT=$2; shift 2 ;;
    -h | --help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
    esac
done
for n in "$N" "$REPS" "$LAT"; do
    case "$n" in '' | *[!0-9]*) echo "not a number: '$n'" >&2; exit 2 ;; esac
done
OSSEMU=$BUILD/bin/ossemu
OSSPERMFS=$BUILD/bin/osspermfs
[ -x "$OSSEMU" ] && [ -x "$OSSPERMFS" ] || { echo "no ossemu/osspermfs in $BUILD/bin" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "needs root (FUSE mount)" >&2; exit 2; }
for t in sqlite3 curl openssl jq fusermount3 mountpoint cc pkg-config; do
    command -v "$t" >/dev/null || { echo "missing tool: $t" >&2; exit 2; }
done

W=$(mktemp -d "$PARENT/listing-ceiling.XXXXXX")
EMU_PID=""
FS_PID=""
CEIL_PID=""
MNT=$W/mnt
CEIL=$W/ceiling
cleanup() {
    for m in "$MNT" "$CEIL"; do
        mountpoint -q "$m" 2>/dev/null && { fusermount3 -u "$m" 2>/dev/null || fusermount3 -uz "$m"; }
    done
    for p in "$FS_PID" "$CEIL_PID" "$EMU_PID"; do
        [ -z "$p" ] || { kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; }
    done
    rm -rf "$W"
}
trap cleanup EXIT
OSS_ACCESS_KEY_ID=LTAIbench$(openssl rand -hex 6)
OSS_ACCESS_KEY_SECRET=$(openssl rand -hex 16)
export OSS_ACCESS_KEY_ID OSS_ACCESS_KEY_SECRET
BUCKET=lsbench
mkdir -p "$W/emu" "$MNT" "$CEIL"
cc -O2 -o "$W/fuse-ceiling" "$REPO/bench/fuse-ceiling.c" $(pkg-config --cflags --libs fuse3)

start_emu() {
    rm -f "$W/emu.ready" "$W/admin.ready"
    "$OSSEMU" --data "$W/emu" --listen 127.0.0.1:0 --ready-file "$W/emu.ready" \
        --admin 127.0.0.1:0 --admin-ready-file "$W/admin.ready" \
        --request-log "$W/requests.log" >>"$W/emu.out" 2>&1 &
    EMU_PID=$!
    for _ in $(seq 100); do
        grep -qE '^127\.0\.0\.1:[0-9]+$' "$W/emu.ready" 2>/dev/null && break
        sleep 0.1
    done
    EMU=http://$(head -n 1 "$W/emu.ready")
    ADMIN=http://$(head -n 1 "$W/admin.ready")
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
cols=$(sqlite3 "$W/emu/meta.db" "SELECT group_concat(name, ',') FROM pragma_table_info('objects')")
sel=$(echo "$cols" | sed "s/\bkey\b/printf('d\/f%07d', n)/")
sqlite3 "$W/emu/meta.db" "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < $((N - 1)))
    INSERT INTO objects($cols) SELECT $sel FROM objects, c WHERE bucket = '$BUCKET' AND key = 'd/f0000000';"
start_emu

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
set_latency() {
    local rules='{"faults":[]}'
    [ "$1" -eq 0 ] || rules="{\"faults\":[\"latency=$1\"]}"
    curl -sSf -o /dev/null -X PUT --data-binary "$rules" "$ADMIN/faults"
}

# The raw listing: the same ListObjectsV2 pages, in sequence, by the project's C client.
cc -O2 -std=gnu11 -I"$REPO/include" "$REPO/bench/listseq.c" "$BUILD/src/oss/libossclient.a" \
    $(pkg-config --libs libcurl libxml-2.0 libcrypto) -lpthread -o "$W/listseq"
raw_listing() {
    "$W/listseq" "$EMU" "$BUCKET" d/ | awk '{ print $3 }'
}

ceiling_ls() {
    "$W/fuse-ceiling" "$CEIL" --entries "$N" >>"$W/ceiling.log" 2>&1 &
    CEIL_PID=$!
    for _ in $(seq 100); do mountpoint -q "$CEIL" && break; sleep 0.1; done
    local t0 lines
    t0=$(now)
    lines=$(ls -l "$CEIL/dir" | wc -l)
    local t
    t=$(elapsed "$t0" "$(now)")
    fusermount3 -u "$CEIL"
    wait "$CEIL_PID" 2>/dev/null || true
    CEIL_PID=""
    [ "$lines" -eq $((N + 1)) ] || { echo "ceiling listed $lines lines" >&2; exit 1; }
    echo "$t" >>"$W/ceil"
}

mark() { MARK=$(wc -l <"$W/requests.log"); }
count() { tail -n +$((MARK + 1)) "$W/requests.log" | jq -r .op | grep -cxF "$1" || true; }
mount_ls() {
    "$OSSPERMFS" "$BUCKET" "$MNT" -f -o "url=$EMU" >>"$W/fs.log" 2>&1 &
    FS_PID=$!
    for _ in $(seq 100); do mountpoint -q "$MNT" && break; sleep 0.1; done
    stat "$MNT/d" >/dev/null
    mark
    local t0 lines
    t0=$(now)
    lines=$(ls -l "$MNT/d" | wc -l)
    local t
    t=$(elapsed "$t0" "$(now)")
    sleep 0.3 # the request log is written as answers leave
    echo "$(count ListObjectsV2) $(count HeadObject)" >>"$W/counts"
    fusermount3 -u "$MNT"
    wait "$FS_PID" 2>/dev/null || true
    FS_PID=""
    [ "$lines" -eq $((N + 1)) ] || { echo "mount listed $lines lines" >&2; exit 1; }
    echo "$t" >>"$W/fs"
}

median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
echo "### listing-ceiling $(date -u +%Y-%m-%dT%H:%MZ): ls -l of $N objects, $REPS reps, tree at $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo ?)"
echo
echo "| latency ms | raw listing s | FUSE ceiling ls -l s | osspermfs ls -l s | ratio to raw + ceiling | ListObjectsV2 | HeadObject |"
echo "|---|---|---|---|---|---|---|"
for lat in 0 "$LAT"; do
    set_latency "$lat"
    : >"$W/raw"; : >"$W/ceil"; : >"$W/fs"
    for _ in $(seq "$REPS"); do
        raw_listing >>"$W/raw"
        ceiling_ls
        mount_ls
    done
    r=$(median <"$W/raw"); c=$(median <"$W/ceil"); f=$(median <"$W/fs")
    echo "| $lat | $r | $c | $f | $(awk -v f="$f" -v r="$r" -v c="$c" 'BEGIN { printf "%.2f", f / (r + c) }') | $(tail -n 1 "$W/counts" | cut -d' ' -f1) | $(tail -n 1 "$W/counts" | cut -d' ' -f2) |"
done
