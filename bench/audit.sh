#!/usr/bin/env bash
# Benchmark of permission audits through osspermfs (issue 7): against an ossemu that answers
# every request after --latency ms (a round trip to an OSS region), times
#   1. the baseline: N sequential GetObjectACL calls made by this project's C client
#      (bench/aclseq.c) over the objects of one N-object directory,
#   2. `grep -H . d/.acl.d/*` over that directory,
#   3. `getfattr -R -n user.oss.acl` over a tree of D directories of N/D objects,
#   4. `grep -r . BUCKET/.acl.d` over the same tree (the whole bucket),
# each on a fresh mount (nothing kept from an earlier walk), with the requests of each walk
# counted from ossemu's request log and the daemon's peak RSS (VmHWM). Ratios are walk time over
# baseline time from the same run. A benchmark, not a test: ctest does not run it. Needs root
# (FUSE), node with tests/conformance/node_modules (seeding through ali-oss), getfattr, jq, cc.
# Results: bench/RESULTS.md.
set -euo pipefail

usage() {
    cat <<'EOF2'
Usage: bench/audit.sh [options]
  --build DIR      build directory with bin/ossemu, bin/osspermfs, src/oss/libossclient.a
                   (default: build)
  --objects N      objects in the flat directory and in the tree (default 10000)
  --dirs D         directories of the tree (default 100)
  --latency MS     ossemu latency on every request (default 5)
  --prefetch N     osspermfs -o acl_prefetch (default: the daemon's default, 32)
  --workdir DIR    parent of the temporary directory (default ${TMPDIR:-/var/tmp})
EOF2
}

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=$REPO/build
N=10000
D=100
LATENCY=5
PREFETCH=""
PARENT=${TMPDIR:-/var/tmp}
while [ $# -gt 0 ]; do
    case "$1" in
    --build) BUILD=$2; shift 2 ;;
    --objects) N=$2; shift 2 ;;
    --dirs) D=$2; shift 2 ;;
    --latency) LATENCY=$2; shift 2 ;;
    --prefetch) PREFETCH=$2; shift 2 ;;
    --workdir) PARENT=$2; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
    esac
done
. "$REPO/bench/lib.sh"
need_numbers "$N" "$D" "$LATENCY" ${PREFETCH:+"$PREFETCH"}
[ "$D" -gt 0 ] && [ $((N % D)) -eq 0 ] || { echo "--objects must be a multiple of --dirs" >&2; exit 2; }
OSSEMU=$BUILD/bin/ossemu
OSSPERMFS=$BUILD/bin/osspermfs
LIB=$BUILD/src/oss/libossclient.a
for f in "$OSSEMU" "$OSSPERMFS" "$LIB"; do
    [ -e "$f" ] || { echo "missing $f (build first)" >&2; exit 2; }
done
need_root
need_tools node jq getfattr cc fusermount3 mountpoint openssl

bench_workdir audit-bench
bench_keys

# ---------------------------------------------------------------- seeding (no latency)
start_emu
seed() { EMU_URL=$EMU AK=$OSS_ACCESS_KEY_ID SK=$OSS_ACCESS_KEY_SECRET BUCKET=$1 \
    node "$REPO/tests/tools/seed.js" --public-every 7 "${@:2}"; }
node "$REPO/tests/tools/osscli.js" --endpoint "$EMU" put-bucket flat >/dev/null
node "$REPO/tests/tools/osscli.js" --endpoint "$EMU" put-bucket tree >/dev/null
t0=$(date +%s)
seed flat "d/:$N"
specs=()
for i in $(seq 0 $((D - 1))); do specs+=("$(printf 'p%03d/' "$i"):$((N / D))"); done
seed tree "${specs[@]}"
echo "# seeded $N + $N objects in $(($(date +%s) - t0)) s" >&2
stop_emu
start_emu --fault "latency=$LATENCY"

build_oss_helper aclseq
opts="url=$EMU"
[ -z "$PREFETCH" ] || opts="$opts,acl_prefetch=$PREFETCH"

# ---------------------------------------------------------------- 1. baseline
node "$REPO/tests/tools/osscli.js" --endpoint "$EMU" list flat d/ >"$W/keys"
mark
read -r base_n base_bad base_s < <("$W/aclseq" "$EMU" flat <"$W/keys")
base_req=$(count GetObjectACL)
[ "$base_bad" -eq 0 ] || { echo "baseline: $base_bad failures" >&2; exit 1; }

ROWS=()
# walk NAME BUCKET DIRS-LISTED SHELL-COMMAND: runs the command in $MNT on a fresh mount.
walk() {
    local name=$1 bucket=$2 dirs=$3 cmd=$4 t1 t2 lines
    mount_fs "$bucket" "$opts"
    mark
    t1=$(now)
    lines=$(cd "$MNT" && bash -c "$cmd" 2>>"$W/walk.err" | wc -l)
    t2=$(now)
    local s acl head list hwm cpu
    s=$(echo "$t2 - $t1" | bc)
    acl=$(count GetObjectACL)
    head=$(count HeadObject)
    list=$(count ListObjectsV2)
    hwm=$(hwm_of "$FS_PID")
    cpu=$(cpu_of "$FS_PID")
    umount_fs
    ROWS+=("| \`$name\` | $lines | $(printf '%.2f' "$s") | $(echo "scale=3; $s / $base_s" | bc | sed 's/^\./0./') | $acl | $head | $list (dirs: $dirs) | $((hwm / 1024)) | $cpu |")
}
walk 'grep -H . d/.acl.d/*' flat 1 'cd d/.acl.d && grep -H . *'
walk 'getfattr -R -n user.oss.acl .' tree "$D" "getfattr -R -n user.oss.acl . 2>/dev/null | grep '^user.oss.acl='"
walk 'grep -r . .acl.d' tree "$((D + 1))" 'grep -r . .acl.d'

echo "### audit $(date -u +%Y-%m-%dT%H:%MZ): $N objects, tree $D x $((N / D)), ossemu latency $LATENCY ms, acl_prefetch ${PREFETCH:-default}, tree at $(tree_rev)"
echo
echo "Baseline: $base_n sequential GetObjectACL (C client): $(printf '%.2f' "$base_s") s, $base_req GetObjectACL in the log."
echo
echo "| walk | lines out | seconds | / baseline | GetObjectACL | HeadObject | ListObjectsV2 | daemon peak RSS MiB | daemon CPU s |"
echo "|---|---|---|---|---|---|---|---|---|"
printf '%s\n' "${ROWS[@]}"
if [ -s "$W/walk.err" ]; then
    echo
    echo "stderr of the walks (first lines):"
    head -n 5 "$W/walk.err" | sed 's/^/    /'
fi
