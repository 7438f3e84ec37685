#!/usr/bin/env bash
# Benchmark of five everyday tasks through osspermfs (issue 11), each on fresh mounts and beside
# its floor measured in the same run against the same ossemu:
#
#   ls -l of --objects objects (fresh mount)    raw ListObjectsV2 pages (bench/listseq.c) plus
#                                                `ls -l` of as many files on bench/fuse-ceiling.c
#   --files small writes (`echo abc > f` loop)  as many PutObject by the C client, one connection
#   --files small reads after a remount (cat)   as many GetObject by the C client (bench/objseq.c)
#   dd --size-mib in (bs=1M, conv=fsync)        curl's single PutObject of the same file
#   dd --size-mib out, cold (fresh mount)       curl's single GetObject, and dd from the ceiling
#
# For each latency of --latency (ossemu --fault latency=MS on every request) it prints one
# Markdown table: seconds (median of --reps, min-max), the ratio to the floor, the requests of
# the task by op (ossemu's request log, last repetition), the daemon's CPU seconds during the
# task and its peak RSS (VmHWM). --ossfs PATH runs the same tasks through an ossfs 1.x binary
# built by the user, mounted on the same ossemu. A benchmark, not a test: ctest does not run it.
# Needs root (FUSE), sqlite3, curl, openssl, jq, cc, pkg-config. See bench/README.md.
set -euo pipefail

usage() {
    cat <<'EOF'
Usage: bench/tasks.sh [options]
  --build DIR       build directory holding bin/ossemu and bin/osspermfs (default: build)
  --latency LIST    comma-separated ossemu latencies in ms, one table each (default 0,5)
  --reps N          repetitions; the median is reported with min-max (default 3)
  --objects N       objects listed by ls -l (default 10000)
  --files N         small files written and read (default 500)
  --size-mib N      size of the dd file in MiB (default 1024)
  --ossfs PATH      also run the tasks through this ossfs 1.x binary
  --workdir DIR     parent of the temporary directory (default ${TMPDIR:-/var/tmp})
EOF
}

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=$REPO/build
LATENCIES=0,5
REPS=3
N=10000
FILES=500
SIZE_MIB=1024
OSSFS=""
PARENT=${TMPDIR:-/var/tmp}
while [ $# -gt 0 ]; do
    case "$1" in
    --build) BUILD=$2; shift 2 ;;
    --latency) LATENCIES=$2; shift 2 ;;
    --reps) REPS=$2; shift 2 ;;
    --objects) N=$2; shift 2 ;;
    --files) FILES=$2; shift 2 ;;
    --size-mib) SIZE_MIB=$2; shift 2 ;;
    --ossfs) OSSFS=$2; shift 2 ;;
    --workdir) PARENT=$2; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
    esac
done
. "$REPO/bench/lib.sh"
IFS=, read -r -a LATS <<<"$LATENCIES"
need_numbers "$REPS" "$N" "$FILES" "$SIZE_MIB" "${LATS[@]}"
for v in "$REPS" "$N" "$FILES" "$SIZE_MIB"; do
    [ "$v" -gt 0 ] || { echo "--reps, --objects, --files and --size-mib must be positive" >&2; exit 2; }
done
need_bins
need_root
need_tools sqlite3 curl openssl jq md5sum fusermount3 mountpoint cc pkg-config
KINDS=(osspermfs)
if [ -n "$OSSFS" ]; then
    [ -x "$OSSFS" ] || { echo "not an executable: $OSSFS" >&2; exit 2; }
    KINDS+=(ossfs)
    OSSFS_NAME="ossfs $("$OSSFS" --version 2>/dev/null | grep -oE 'V[0-9][0-9.]*' | head -n 1 | tr -d V)"
fi

bench_workdir tasks ceiling
CEIL=$W/ceiling
bench_keys
BUCKET=taskbench
build_fuse_ceiling
build_oss_helper listseq
build_oss_helper objseq
SIZE=$((SIZE_MIB << 20))
head -c "$SIZE" /dev/urandom >"$W/src"
SRC_MD5=$(md5sum <"$W/src" | cut -d' ' -f1)

# The directory d of N objects, seeded once for every latency (see seed_first in lib.sh).
emu_start
put_bucket "$BUCKET"
seed_first "$BUCKET"
seed_copies "$BUCKET" "$N"

# ossfs reads its key pair from a 0600 file of bucket:AKID:SECRET lines.
if [ -n "$OSSFS" ]; then
    (umask 077 && echo "$BUCKET:$OSS_ACCESS_KEY_ID:$OSS_ACCESS_KEY_SECRET" >"$W/passwd-ossfs")
fi

# mount_kind KIND: a fresh mount of the bucket at $MNT by osspermfs or ossfs (foreground, both
# with their defaults); sets FS_PID.
mount_kind() {
    if [ "$1" == osspermfs ]; then
        mount_fs "$BUCKET" "url=$EMU"
        return
    fi
    "$OSSFS" "$BUCKET" "$MNT" -f -ourl="$EMU" -o use_path_request_style \
        -o passwd_file="$W/passwd-ossfs" >>"$W/ossfs.log" 2>&1 &
    FS_PID=$!
    wait_mounted "$MNT" "$W/ossfs.log"
}

# record TASK RUN SECONDS [CPU HWM_KIB]: one repetition's row in $W/rows, and the requests since
# the mark as the run's requests of the task (the last repetition's are kept).
record() {
    echo "$1|$2|$(awk -v s="$3" 'BEGIN { printf "%.3f", s }')|${4:-}|${5:+$(awk -v k="$5" 'BEGIN { printf "%.1f", k / 1024 }')}" >>"$W/rows"
    ops_since >"$W/ops.$1.$2"
}
check() { [ "$2" == "$3" ] || { echo "$1: expected $2, got $3" >&2; exit 1; }; }

# The tasks through a mount: setup_TASK runs on the fresh mount before the mark (untimed),
# do_TASK is timed. $DIR is the small files' directory of this run and repetition.
setup_ls() { stat "$MNT/d" >/dev/null; }
do_ls() { check "ls -l lines" $((N + 1)) "$(ls -l "$MNT/d" | wc -l)"; }
setup_write() { mkdir "$MNT/$DIR"; }
do_write() {
    local i
    for ((i = 1; i <= FILES; i++)); do echo abc >"$MNT/$DIR/f$i"; done
}
setup_read() { :; }
do_read() { check "bytes read" $((4 * FILES)) "$(cat "$MNT/$DIR"/f* | wc -c)"; }
setup_ddin() { :; }
do_ddin() { dd if="$W/src" of="$MNT/dd-$KIND.bin" bs=1M conv=fsync status=none; }
setup_ddout() { :; }
do_ddout() { dd if="$MNT/curl.bin" of=/dev/null bs=1M status=none; }

# run_mount KIND TASK: one repetition of TASK through a fresh mount of KIND, after a sync so
# that no task pays for an earlier one's writeback.
run_mount() {
    local c0 t0 t
    KIND=$1
    DIR=small-$1-$LAT-$REP
    [ "$2" != ddin ] || del_object "$BUCKET" "dd-$1.bin"
    sync
    mount_kind "$1"
    "setup_$2"
    mark
    c0=$(cpu_of "$FS_PID")
    t0=$(now)
    "do_$2"
    t=$(elapsed "$t0")
    settle
    record "$2" "$1" "$t" "$(awk -v a="$c0" -v b="$(cpu_of "$FS_PID")" 'BEGIN { printf "%.2f", b - a }')" \
        "$(hwm_of "$FS_PID")"
    umount_fs
}

# The floors, each timed alone: the C client's requests, curl, and the FUSE ceiling.
run_raw() {
    local out
    mark
    case "$1" in
    ls) out=$("$W/listseq" "$EMU" "$BUCKET" d/); check "raw listing entries" "$N" "$(echo "$out" | cut -d' ' -f2)" ;;
    write) out=$("$W/objseq" put "$EMU" "$BUCKET" "raw-$LAT-$REP/f" "$FILES") ;;
    read) out=$("$W/objseq" get "$EMU" "$BUCKET" "raw-$LAT-$REP/f" "$FILES") ;;
    esac
    case "$1" in write | read) check "objseq failures" 0 "$(echo "$out" | cut -d' ' -f2)" ;; esac
    settle
    record "$1" raw "$(echo "$out" | cut -d' ' -f3)"
}
run_curl() {
    local t
    sync
    mark
    if [ "$1" == ddin ]; then t=$(curl_put "$BUCKET" curl.bin "$W/src"); else t=$(curl_get "$BUCKET" curl.bin); fi
    settle
    record "$1" curl "$t"
}
run_ceiling() {
    local t0 t
    if [ "$1" == ls ]; then
        ceiling_mount "$CEIL" --entries "$N"
        t0=$(now)
        check "ceiling ls -l lines" $((N + 1)) "$(ls -l "$CEIL/dir" | wc -l)"
    else
        ceiling_mount "$CEIL" --file-mib "$SIZE_MIB"
        sync
        t0=$(now)
        dd if="$CEIL/big" of=/dev/null bs=1M status=none
    fi
    t=$(elapsed "$t0")
    ceiling_umount "$CEIL"
    echo "$1|ceiling|$t||" >>"$W/rows"
}

# ---------------------------------------------------------------- report
col() { awk -F'|' -v t="$1" -v r="$2" -v c="$3" '$1 == t && $2 == r && $c != "" { print $c }' "$W/rows"; }
med() { col "$1" "$2" "${3:-3}" | median; }
rng() { col "$1" "$2" 3 | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%s-%s", lo, hi }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
mbps() { awk -v s="$1" -v b="$SIZE" 'BEGIN { printf "%.0f", b / s / 1e6 }'; }
ops() { cat "$W/ops.$1.$2" 2>/dev/null || true; }
# row TASK-LABEL TASK RUN LABEL RATIO: one line of the table.
row() {
    local m extra=""
    m=$(med "$2" "$3")
    case "$2" in ddin | ddout) extra=" ($(mbps "$m") MB/s)" ;; esac
    echo "| $1 | $4 | $m$extra | $(rng "$2" "$3") | $5 | $(ops "$2" "$3") | $(med "$2" "$3" 4) | $(med "$2" "$3" 5) |"
}
# fs_rows TASK FLOOR [CEILING]: the rows of the mounts, with their ratios to the floor seconds
# (and to the ceiling's).
fs_rows() {
    local k name r m
    for k in "${KINDS[@]}"; do
        name=$k
        [ "$k" != ossfs ] || name=$OSSFS_NAME
        m=$(med "$1" "$k")
        r=$(ratio "$m" "$2")
        [ -z "${3:-}" ] || r="$r; $(ratio "$m" "$3") of the ceiling"
        row "" "$1" "$k" "$name" "$r"
    done
}
report() {
    local pages floor
    pages=$(((N + 999) / 1000))
    echo "### tasks, ossemu latency $LAT ms, $(date -u +%Y-%m-%dT%H:%MZ), tree at $(tree_rev)"
    echo
    echo "$REPS reps; seconds are medians, ratios are median / floor median from the same run; requests are the last repetition's; CPU and peak RSS are the daemon's (medians)."
    echo
    echo "| task | run | seconds | min-max | ratio to floor | requests | daemon CPU s | peak RSS MiB |"
    echo "|---|---|---|---|---|---|---|---|"
    floor=$(awk -v a="$(med ls raw)" -v b="$(med ls ceiling)" 'BEGIN { printf "%.3f", a + b }')
    row "ls -l of $N objects, fresh mount" ls raw "raw: the $pages ListObjectsV2 page(s) in sequence (C client)" ""
    row "" ls ceiling "FUSE ceiling: ls -l of $N files from memory" ""
    echo "| | floor: raw + ceiling | $floor | | 1.00 | | | |"
    fs_rows ls "$floor"
    row "write $FILES small files (echo abc > f loop)" write raw "raw: $FILES PutObject in sequence (C client, keep-alive)" 1.00
    fs_rows write "$(med write raw)"
    row "read $FILES small files after a remount (cat)" read raw "raw: $FILES GetObject in sequence (C client, keep-alive)" 1.00
    fs_rows read "$(med read raw)"
    row "dd $SIZE_MIB MiB in (bs=1M conv=fsync)" ddin curl "floor: curl PutObject, one stream" 1.00
    fs_rows ddin "$(med ddin curl)"
    row "dd $SIZE_MIB MiB out, cold (fresh mount)" ddout curl "floor: curl GetObject, one stream" 1.00
    row "" ddout ceiling "FUSE ceiling: dd of as many bytes from memory" ""
    fs_rows ddout "$(med ddout curl)" "$(med ddout ceiling)"
    echo
}

# ---------------------------------------------------------------- runs
echo "Machine: $(nproc) CPUs ($(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM, kernel $(uname -r); load average $(cut -d' ' -f1-3 /proc/loadavg) at the start."
echo
for LAT in "${LATS[@]}"; do
    emu_args=()
    [ "$LAT" -eq 0 ] || emu_args=(--fault "latency=$LAT")
    start_emu "${emu_args[@]}"
    : >"$W/rows"
    for REP in $(seq "$REPS"); do
        for task in ls write read ddin ddout; do
            case "$task" in
            ls | write | read) run_raw "$task" ;;
            *) run_curl "$task" ;;
            esac
            case "$task" in ls | ddout) run_ceiling "$task" ;; esac
            for k in "${KINDS[@]}"; do run_mount "$k" "$task"; done
        done
    done
    # What dd wrote through each mount is the source, byte for byte (read back with curl).
    for k in "${KINDS[@]}"; do
        sign GET "" "/$BUCKET/dd-$k.bin"
        check "md5 of dd-$k.bin" "$SRC_MD5" \
            "$(curl -sSf -H "Date: $DATE" -H "Authorization: $AUTH" "$EMU/$BUCKET/dd-$k.bin" | md5sum | cut -d' ' -f1)"
    done
    stop_emu
    report
done
