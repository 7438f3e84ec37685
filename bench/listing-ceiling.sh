#!/usr/bin/env bash
# Benchmark of `ls -l` against its floor (issue 11): a directory of --objects objects (default
# 10,000) listed with `ls -l` through a fresh osspermfs mount, beside, in the same run,
# (a) the raw listing: the same ceil(N/1000) ListObjectsV2 pages fetched one after another by
# the project's C client (bench/listseq.c), as the mount does, and (b) the FUSE ceiling: `ls -l` of a directory of N entries served
# from memory by bench/fuse-ceiling.c (the kernel's and libfuse's own work). The mount's time is
# reported as a ratio to (a) + (b), at 0 and --latency ms (default 5) of injected latency per
# request, with its ListObjectsV2 and HeadObject counts from ossemu's request log. A second
# row per latency does the same with xattrs off on both sides (osspermfs -o noxattr, the
# ceiling's --no-xattr), where the kernel stops asking for every file's xattrs.
#
# Seeding as bench/listing-1m.sh: one object through the API, the other rows copied into
# ossemu's SQLite store while it is stopped. Repetitions alternate the five measurements.
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
. "$REPO/bench/lib.sh"
need_numbers "$N" "$REPS" "$LAT"
need_bins
need_root
need_tools sqlite3 curl openssl jq fusermount3 mountpoint cc pkg-config

bench_workdir listing-ceiling ceiling
CEIL=$W/ceiling
bench_keys
BUCKET=lsbench
build_fuse_ceiling

# start_emu_admin: start_emu with ossemu's admin endpoint (fault rules) at $ADMIN.
start_emu_admin() {
    rm -f "$W/admin.ready"
    start_emu --admin 127.0.0.1:0 --admin-ready-file "$W/admin.ready"
    ADMIN=http://$(head -n 1 "$W/admin.ready")
}

start_emu_admin
put_bucket "$BUCKET"
seed_first "$BUCKET"
seed_copies "$BUCKET" "$N"
start_emu_admin

set_latency() {
    local rules='{"faults":[]}'
    [ "$1" -eq 0 ] || rules="{\"faults\":[\"latency=$1\"]}"
    curl -sSf -o /dev/null -X PUT --data-binary "$rules" "$ADMIN/faults"
}

# The raw listing: the same ListObjectsV2 pages, in sequence, by the project's C client.
build_oss_helper listseq
raw_listing() {
    "$W/listseq" "$EMU" "$BUCKET" d/ | awk '{ print $3 }'
}

# ceiling_ls SUFFIX [ARGS]: one ls -l of the ceiling started with ARGS, its time to $W/ceilSUFFIX.
ceiling_ls() {
    ceiling_mount "$CEIL" --entries "$N" "${@:2}"
    local t0 lines t
    t0=$(now)
    lines=$(ls -l "$CEIL/dir" | wc -l)
    t=$(elapsed "$t0")
    ceiling_umount "$CEIL"
    [ "$lines" -eq $((N + 1)) ] || { echo "ceiling listed $lines lines" >&2; exit 1; }
    echo "$t" >>"$W/ceil$1"
}

# mount_ls SUFFIX [OPTS]: one ls -l through a fresh mount with OPTS, to $W/fsSUFFIX.
mount_ls() {
    mount_fs "$BUCKET" "url=$EMU${2:+,$2}"
    stat "$MNT/d" >/dev/null
    mark
    local t0 lines t
    t0=$(now)
    lines=$(ls -l "$MNT/d" | wc -l)
    t=$(elapsed "$t0")
    settle
    echo "$(count ListObjectsV2) $(count HeadObject)" >>"$W/counts"
    umount_fs
    [ "$lines" -eq $((N + 1)) ] || { echo "mount listed $lines lines" >&2; exit 1; }
    echo "$t" >>"$W/fs$1"
}

echo "### listing-ceiling $(date -u +%Y-%m-%dT%H:%MZ): ls -l of $N objects, $REPS reps, tree at $(tree_rev)"
echo
echo "Rows \"noxattr\": osspermfs with -o noxattr against the ceiling without xattrs (--no-xattr):"
echo "the kernel then asks no security.selinux / system.posix_acl_access of any file."
echo
echo "| latency ms | xattrs | raw listing s | FUSE ceiling ls -l s | osspermfs ls -l s | ratio to raw + ceiling | ListObjectsV2 | HeadObject |"
echo "|---|---|---|---|---|---|---|---|"
for lat in 0 "$LAT"; do
    set_latency "$lat"
    : >"$W/raw"; : >"$W/ceil"; : >"$W/fs"; : >"$W/ceil-nox"; : >"$W/fs-nox"; : >"$W/counts"
    for _ in $(seq "$REPS"); do
        raw_listing >>"$W/raw"
        ceiling_ls ""
        mount_ls ""
        ceiling_ls -nox --no-xattr
        mount_ls -nox noxattr
    done
    r=$(median <"$W/raw")
    for v in "" -nox; do
        c=$(median <"$W/ceil$v"); f=$(median <"$W/fs$v")
        echo "| $lat | $([ -n "$v" ] && echo noxattr || echo on) | $r | $c | $f | $(awk -v f="$f" -v r="$r" -v c="$c" 'BEGIN { printf "%.2f", f / (r + c) }') | $(tail -n 1 "$W/counts" | cut -d' ' -f1) | $(tail -n 1 "$W/counts" | cut -d' ' -f2) |"
    done
done
