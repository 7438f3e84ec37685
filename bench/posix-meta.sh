#!/usr/bin/env bash
# `ls -l` of one directory of N objects (default 10,000) through a fresh mount, with and without
# -o posix_meta, at 0 ms and at MS ms (default 5) of ossemu latency per request (--fault
# latency=MS): wall time, and the ListObjectsV2 and HeadObject requests from ossemu's request
# log. Without the option a listing costs ceil(N/1000) ListObjectsV2 and nothing else; with it
# every listed file also costs one HeadObject (fetched ahead, many at a time: src/fs/metafetch.c).
# One run of each (ratios are from the same run). Needs root and /dev/fuse; cleans up after
# itself. Usage: sudo bench/posix-meta.sh [--objects N] [--latency MS]
set -euo pipefail
N=10000
LAT=5
while [ $# -gt 0 ]; do
    case "$1" in
    --objects) N=$2; shift 2 ;;
    --latency) LAT=$2; shift 2 ;;
    *) echo "usage: bench/posix-meta.sh [--objects N] [--latency MS]" >&2; exit 2 ;;
    esac
done
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OSSEMU=${OSSEMU:-$REPO/build/bin/ossemu}
OSSPERMFS=${OSSPERMFS:-$REPO/build/bin/osspermfs}
T=$(mktemp -d "${TMPDIR:-/tmp}/posix-meta-bench.XXXXXX")
M=$T/mnt
EMU_PID=""
FS_PID=""
cleanup() {
    if [ -n "$FS_PID" ]; then
        fusermount3 -u "$M" 2>/dev/null || fusermount3 -uz "$M" 2>/dev/null || true
        kill "$FS_PID" 2>/dev/null || true
        wait "$FS_PID" 2>/dev/null || true
    fi
    if [ -n "$EMU_PID" ]; then
        kill "$EMU_PID" 2>/dev/null || true
        wait "$EMU_PID" 2>/dev/null || true
    fi
    rm -rf "$T"
}
trap cleanup EXIT
mkdir -p "$T/emu" "$M"
AK=LTAIbench$(openssl rand -hex 4)
SK=$(openssl rand -hex 16)
printf '{"accounts":[{"id":"1000000000000009","name":"bench","keys":[{"id":"%s","secret":"%s"}]}]}\n' \
    "$AK" "$SK" >"$T/accounts.json"
printf '%s:%s\n' "$AK" "$SK" >"$T/passwd"
chmod 600 "$T/passwd"

emu_up() { # emu_up LATENCY
    local args=()
    [ "$1" -eq 0 ] || args=(--fault "latency=$1")
    : >"$T/requests.log"
    rm -f "$T/emu.ready"
    "$OSSEMU" --data "$T/emu" --listen 127.0.0.1:0 --accounts "$T/accounts.json" \
        --request-log "$T/requests.log" --ready-file "$T/emu.ready" "${args[@]}" \
        >"$T/emu.out" 2>&1 &
    EMU_PID=$!
    for _ in $(seq 100); do
        grep -qE '^127\.0\.0\.1:[0-9]+$' "$T/emu.ready" 2>/dev/null && break
        sleep 0.1
    done
    URL="http://$(head -n 1 "$T/emu.ready")"
}
emu_down() {
    kill "$EMU_PID"
    wait "$EMU_PID" 2>/dev/null || true
    EMU_PID=""
}
fs_up() { # fs_up EXTRA-OPTS
    "$OSSPERMFS" bench "$M" -f -o "url=$URL,passwd_file=$T/passwd$1" >"$T/fs.log" 2>&1 &
    FS_PID=$!
    for _ in $(seq 100); do
        mountpoint -q "$M" && return 0
        sleep 0.1
    done
    cat "$T/fs.log" >&2
    exit 1
}
fs_down() {
    fusermount3 -u "$M"
    wait "$FS_PID" 2>/dev/null || true
    FS_PID=""
}
count() { jq -r .op "$T/requests.log" | grep -cxF "$1" || true; }

# Seeding: N objects written through a posix_meta mount (each carries the six headers).
emu_up 0
now=$(date -uR | sed 's/+0000/GMT/')
sig=$(printf 'PUT\n\n\n%s\n/bench/' "$now" | openssl dgst -sha1 -hmac "$SK" -binary | base64)
curl -sf -X PUT "$URL/bench/" -H "Date: $now" -H "Authorization: OSS $AK:$sig" >/dev/null
fs_up ",posix_meta"
mkdir "$M/d"
seq 1 "$N" | xargs -P 8 -I{} sh -c "printf x > '$M/d/f{}'"
fs_down
emu_down

echo "### posix-meta $(date -u +%Y-%m-%dT%H:%MZ): ls -l of $N objects, one run each"
echo
echo "| latency | mount | ls -l s | ListObjectsV2 | HeadObject | time / plain |"
echo "|---|---|---|---|---|---|"
for lat in 0 "$LAT"; do
    emu_up "$lat"
    plain=""
    for mode in plain posix_meta; do
        opts=""
        [ "$mode" == plain ] || opts=",posix_meta"
        fs_up "$opts"
        stat "$M/d" >/dev/null
        : >"$T/requests.log"
        s=$(date +%s.%N)
        n=$(ls -l "$M/d" | wc -l)
        e=$(date +%s.%N)
        secs=$(echo "$e - $s" | bc -l)
        [ "$((n - 1))" -eq "$N" ] || { echo "ls -l listed $((n - 1)) of $N" >&2; exit 1; }
        sleep 0.5
        [ -n "$plain" ] || plain=$secs
        printf '| %s ms | %s | %.2f | %s | %s | %.2f |\n' "$lat" "$mode" "$secs" \
            "$(count ListObjectsV2)" "$(count HeadObject)" "$(echo "$secs / $plain" | bc -l)"
        fs_down
    done
    emu_down
done
