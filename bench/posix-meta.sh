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
. "$REPO/bench/lib.sh"
OSSEMU=${OSSEMU:-$REPO/build/bin/ossemu}
OSSPERMFS=${OSSPERMFS:-$REPO/build/bin/osspermfs}
PARENT=${TMPDIR:-/tmp}
bench_workdir posix-meta-bench
# The key pair reaches ossemu as an account and osspermfs as a passwd file (not exported).
OSS_ACCESS_KEY_ID=LTAIbench$(openssl rand -hex 4)
OSS_ACCESS_KEY_SECRET=$(openssl rand -hex 16)
printf '{"accounts":[{"id":"1000000000000009","name":"bench","keys":[{"id":"%s","secret":"%s"}]}]}\n' \
    "$OSS_ACCESS_KEY_ID" "$OSS_ACCESS_KEY_SECRET" >"$W/accounts.json"
printf '%s:%s\n' "$OSS_ACCESS_KEY_ID" "$OSS_ACCESS_KEY_SECRET" >"$W/passwd"
chmod 600 "$W/passwd"

emu_up() { # emu_up LATENCY
    local args=()
    [ "$1" -eq 0 ] || args=(--fault "latency=$1")
    start_emu --accounts "$W/accounts.json" "${args[@]}"
}
fs_up() { mount_fs bench "url=$EMU,passwd_file=$W/passwd$1"; } # fs_up EXTRA-OPTS

# Seeding: N objects written through a posix_meta mount (each carries the six headers).
emu_up 0
put_bucket bench
fs_up ",posix_meta"
mkdir "$MNT/d"
seq 1 "$N" | xargs -P 8 -I{} sh -c "printf x > '$MNT/d/f{}'"
umount_fs
stop_emu

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
        stat "$MNT/d" >/dev/null
        mark
        s=$(date +%s.%N)
        n=$(ls -l "$MNT/d" | wc -l)
        e=$(date +%s.%N)
        secs=$(echo "$e - $s" | bc -l)
        [ "$((n - 1))" -eq "$N" ] || { echo "ls -l listed $((n - 1)) of $N" >&2; exit 1; }
        sleep 0.5
        [ -n "$plain" ] || plain=$secs
        printf '| %s ms | %s | %.2f | %s | %s | %.2f |\n' "$lat" "$mode" "$secs" \
            "$(count ListObjectsV2)" "$(count HeadObject)" "$(echo "$secs / $plain" | bc -l)"
        umount_fs
    done
    stop_emu
done
