# Shared pieces of the bench/ scripts that run ossemu and osspermfs: sourced, never run.
# A script sets REPO and BUILD (and its options), then calls need_* for its checks, bench_workdir
# for $W, $MNT and the cleanup on exit, bench_keys for a throwaway key pair, and the helpers below.

# need_numbers VALUE...: exit 2 unless every VALUE is a whole number.
need_numbers() {
    local n
    for n in "$@"; do
        case "$n" in '' | *[!0-9]*) echo "not a number: '$n'" >&2; exit 2 ;; esac
    done
}
# need_bins: exit 2 unless $BUILD/bin holds ossemu and osspermfs; sets OSSEMU and OSSPERMFS.
need_bins() {
    OSSEMU=$BUILD/bin/ossemu
    OSSPERMFS=$BUILD/bin/osspermfs
    [ -x "$OSSEMU" ] && [ -x "$OSSPERMFS" ] || { echo "no ossemu/osspermfs in $BUILD/bin" >&2; exit 2; }
}
need_root() {
    [ "$(id -u)" -eq 0 ] || { echo "needs root (FUSE mount)" >&2; exit 2; }
}
# need_tools TOOL...: exit 2 unless every TOOL is on PATH.
need_tools() {
    local t
    for t in "$@"; do
        command -v "$t" >/dev/null || { echo "missing tool: $t" >&2; exit 2; }
    done
}

# bench_workdir NAME [DIR...]: a fresh $W under $PARENT with the mount points $MNT ($W/mnt) and
# $W/DIR; on exit, whatever is still mounted there is unmounted, the processes in FS_PID, CEIL_PID
# and EMU_PID are stopped and $W is removed.
bench_workdir() {
    local d
    W=$(mktemp -d "$PARENT/$1.XXXXXX")
    MNT=$W/mnt
    EMU_PID=""
    FS_PID=""
    CEIL_PID=""
    BENCH_MOUNTS=("$MNT")
    for d in "${@:2}"; do BENCH_MOUNTS+=("$W/$d"); done
    mkdir -p "$W/emu" "${BENCH_MOUNTS[@]}"
    trap bench_cleanup EXIT
}
bench_cleanup() {
    local m p
    for m in "${BENCH_MOUNTS[@]}"; do
        if mountpoint -q "$m" 2>/dev/null; then
            fusermount3 -u "$m" 2>/dev/null || fusermount3 -uz "$m" 2>/dev/null || true
        fi
    done
    for p in "$FS_PID" "$CEIL_PID" "$EMU_PID"; do
        [ -z "$p" ] || { kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; }
    done
    rm -rf "$W"
}

# bench_keys: a throwaway key pair for this run, exported for ossemu, osspermfs and the clients.
bench_keys() {
    OSS_ACCESS_KEY_ID=LTAIbench$(openssl rand -hex 6)
    OSS_ACCESS_KEY_SECRET=$(openssl rand -hex 16)
    export OSS_ACCESS_KEY_ID OSS_ACCESS_KEY_SECRET
}

# emu_start [ARGS]: ossemu with ARGS on a free port over $W/emu; sets EMU_PID and EMU.
emu_start() {
    rm -f "$W/emu.ready"
    "$OSSEMU" --data "$W/emu" --listen 127.0.0.1:0 --ready-file "$W/emu.ready" "$@" >>"$W/emu.out" 2>&1 &
    EMU_PID=$!
    for _ in $(seq 100); do
        grep -qE '^127\.0\.0\.1:[0-9]+$' "$W/emu.ready" 2>/dev/null && break
        sleep 0.1
    done
    EMU=http://$(head -n 1 "$W/emu.ready")
}
# start_emu [ARGS]: emu_start that also logs every request to $W/requests.log (see mark, count).
start_emu() { emu_start --request-log "$W/requests.log" "$@"; }
stop_emu() {
    kill "$EMU_PID"
    wait "$EMU_PID" 2>/dev/null || true
    EMU_PID=""
}

# sign VERB CONTENT-TYPE RESOURCE: sets DATE and AUTH (OSS V1 header signature).
sign() {
    DATE=$(LC_ALL=C TZ=GMT date '+%a, %d %b %Y %H:%M:%S GMT')
    local sig
    sig=$(printf '%s\n\n%s\n%s\n%s' "$1" "$2" "$DATE" "$3" |
        openssl dgst -sha1 -hmac "$OSS_ACCESS_KEY_SECRET" -binary | base64)
    AUTH="OSS $OSS_ACCESS_KEY_ID:$sig"
}
# put_bucket BUCKET: a signed PutBucket against $EMU.
put_bucket() {
    sign PUT "" "/$1/"
    curl -sSf -o /dev/null -X PUT -H "Date: $DATE" -H "Authorization: $AUTH" "$EMU/$1/"
}
# seed_first BUCKET: the object d/f0000000 (3 bytes) through the API, then ossemu is stopped;
# seed_copies BUCKET N then copies its row in ossemu's SQLite store (meta.db, table objects) to
# d/f0000001 .. d/f(N-1), all pointing at the same data file.
seed_first() {
    sign PUT "" "/$1/d/f0000000"
    printf abc | curl -sSf -o /dev/null -X PUT -H "Date: $DATE" -H "Authorization: $AUTH" -H "Content-Type:" \
        --data-binary @- "$EMU/$1/d/f0000000"
    stop_emu
}
seed_copies() {
    local cols sel
    cols=$(sqlite3 "$W/emu/meta.db" "SELECT group_concat(name, ',') FROM pragma_table_info('objects')")
    sel=$(echo "$cols" | sed "s/\bkey\b/printf('d\/f%07d', n)/")
    sqlite3 "$W/emu/meta.db" "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < $(($2 - 1)))
    INSERT INTO objects($cols) SELECT $sel FROM objects, c WHERE bucket = '$1' AND key = 'd/f0000000';"
}

# del_object BUCKET KEY: a signed DeleteObject against $EMU (a missing key is no error).
del_object() {
    sign DELETE "" "/$1/$2"
    curl -sSf -o /dev/null -X DELETE -H "Date: $DATE" -H "Authorization: $AUTH" "$EMU/$1/$2"
}
# curl_put BUCKET KEY FILE, curl_get BUCKET KEY: one signed PutObject of FILE or GetObject (to
# /dev/null) by curl on one stream; print curl's time_total in seconds.
curl_put() {
    sign PUT application/octet-stream "/$1/$2"
    curl -sSf -o /dev/null -T "$3" -H "Content-Type: application/octet-stream" \
        -H "Date: $DATE" -H "Authorization: $AUTH" -w '%{time_total}' "$EMU/$1/$2"
}
curl_get() {
    sign GET "" "/$1/$2"
    curl -sSf -o /dev/null -H "Date: $DATE" -H "Authorization: $AUTH" -w '%{time_total}' "$EMU/$1/$2"
}

# mark, then count OP: how many OP requests ossemu logged since the mark; ops_since: every op
# since the mark with its count, most frequent first ("ListObjectsV2 10, HeadObject 2"), or
# "none". settle waits until the log stops growing (a line is written as its answer leaves).
mark() { MARK=$(wc -l <"$W/requests.log"); }
count() { tail -n +$((MARK + 1)) "$W/requests.log" | jq -r .op | grep -cxF "$1" || true; }
ops_since() {
    tail -n +$((MARK + 1)) "$W/requests.log" | jq -r .op | sort | uniq -c | sort -k1,1nr -k2 |
        awk '{ s = s (NR > 1 ? ", " : "") $2 " " $1 } END { print NR ? s : "none" }'
}
settle() {
    local n m
    n=$(wc -l <"$W/requests.log")
    for _ in $(seq 50); do
        sleep 0.1
        m=$(wc -l <"$W/requests.log")
        [ "$m" -ne "$n" ] || return 0
        n=$m
    done
}
now() { date +%s.%N; }
# elapsed T0 [T1]: seconds from T0 to T1 (default: now), 3 decimals.
elapsed() { awk -v a="$1" -v b="${2:-$(now)}" 'BEGIN { printf "%.3f", b - a }'; }
# cpu_of PID [DECIMALS]: CPU seconds (user + system) of a process so far (default 2 decimals).
cpu_of() { awk -v t="$(getconf CLK_TCK)" -v d="${2:-2}" '{ printf "%.*f", d, ($14 + $15) / t }' "/proc/$1/stat"; }
# hwm_of PID: its peak RSS (VmHWM) in KiB.
hwm_of() { awk '/^VmHWM/ { print $2 }' "/proc/$1/status"; }
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
# tree_rev: the short commit of the tree benchmarked, ? outside git.
tree_rev() { git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo ?; }

# mount_fs BUCKET OPTS: a fresh osspermfs mount of BUCKET at $MNT with -o OPTS; sets FS_PID.
mount_fs() {
    "$OSSPERMFS" "$1" "$MNT" -f -o "$2" >>"$W/fs.log" 2>&1 &
    FS_PID=$!
    wait_mounted "$MNT" "$W/fs.log"
}
# wait_mounted DIR LOG: wait up to 10 s for DIR to be a mount point; else show LOG and exit 1.
wait_mounted() {
    for _ in $(seq 100); do
        mountpoint -q "$1" && return 0
        sleep 0.1
    done
    echo "$1 did not mount; log:" >&2
    tail "$2" >&2
    exit 1
}
umount_fs() {
    fusermount3 -u "$MNT"
    wait "$FS_PID" 2>/dev/null || true
    FS_PID=""
}

# build_fuse_ceiling: bench/fuse-ceiling.c as $W/fuse-ceiling.
build_fuse_ceiling() {
    cc -O2 -o "$W/fuse-ceiling" "$REPO/bench/fuse-ceiling.c" $(pkg-config --cflags --libs fuse3)
}
# ceiling_mount DIR ARGS...: $W/fuse-ceiling mounted at DIR with ARGS (--entries N,
# --file-mib S); sets CEIL_PID. ceiling_umount DIR: unmounts it and waits for it to exit.
ceiling_mount() {
    "$W/fuse-ceiling" "$@" >>"$W/ceiling.log" 2>&1 &
    CEIL_PID=$!
    wait_mounted "$1" "$W/ceiling.log"
    # The kernel read-ahead osspermfs sets for itself (-o read_ahead, default 1024 KiB), so
    # both are read in requests of the same size.
    echo 1024 >"/sys/class/bdi/$(mountpoint -d "$1")/read_ahead_kb"
}
ceiling_umount() {
    fusermount3 -u "$1"
    wait "$CEIL_PID" 2>/dev/null || true
    CEIL_PID=""
}
# build_oss_helper NAME: bench/NAME.c (with bench/benchclient.c) against the project's C client,
# as $W/NAME.
build_oss_helper() {
    cc -O2 -std=gnu11 -I"$REPO/include" "$REPO/bench/$1.c" "$REPO/bench/benchclient.c" \
        "$BUILD/src/oss/libossclient.a" $(pkg-config --libs libcurl libxml-2.0 libcrypto) -lpthread -o "$W/$1"
}
