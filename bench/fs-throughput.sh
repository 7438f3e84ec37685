#!/usr/bin/env bash
# Benchmark of osspermfs's data path: a large sequential write (dd conv=fsync, streamed into a
# multipart upload) and a sequential read (parallel read-ahead) through a real mount, side by
# side with curl's single-stream PutObject/GetObject against the same ossemu in the same run,
# plus the daemon's peak RSS (VmHWM) and CPU. A benchmark, not a test: ctest does not run it and
# its numbers pass or fail nothing. Needs root (FUSE mount), curl, openssl. See bench/RESULTS.md.
set -euo pipefail

usage() {
    cat <<'EOF'
Usage: bench/fs-throughput.sh [options]
  --build DIR        build directory holding bin/ossemu and bin/osspermfs (default: build)
  --size-mib N       object size in MiB (default 1024)
  --reps N           repetitions; the median is reported with min-max (default 3)
  --part-size MIB    osspermfs -o part_size (default: the daemon's default, 8)
  --concurrency N    osspermfs -o upload_concurrency (default: the daemon's default, 4)
  --latency MS       ossemu fault rule latency=MS on every request (default 0)
  --tls              also write and read through a mount over HTTPS (ossemu --tls-cert with a
                     CA made for the run, -o cafile=) beside the plain-HTTP mount
  --workdir DIR      parent of the temporary directory (default ${TMPDIR:-/var/tmp})
EOF
}

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=$REPO/build
SIZE_MIB=1024
REPS=3
PART=""
CONC=""
LATENCY=0
TLS=0
PARENT=${TMPDIR:-/var/tmp}
while [ $# -gt 0 ]; do
    case "$1" in
    --build) BUILD=$2; shift 2 ;;
    --size-mib) SIZE_MIB=$2; shift 2 ;;
    --reps) REPS=$2; shift 2 ;;
    --part-size) PART=$2; shift 2 ;;
    --concurrency) CONC=$2; shift 2 ;;
    --latency) LATENCY=$2; shift 2 ;;
    --tls) TLS=1; shift ;;
    --workdir) PARENT=$2; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
    esac
done
. "$REPO/bench/lib.sh"
need_numbers "$SIZE_MIB" "$REPS" "$LATENCY" ${PART:+"$PART"} ${CONC:+"$CONC"}
need_bins
need_root
need_tools curl openssl md5sum fusermount3 mountpoint

bench_workdir fs-throughput ceiling

# ---------------------------------------------------------------- ossemu and signing
bench_keys
BUCKET=fsbench
emu_args=()
[ "$LATENCY" -eq 0 ] || emu_args+=(--fault "latency=$LATENCY")
if [ "$TLS" -eq 1 ]; then
    "$REPO/tests/tools/make-test-ca.sh" "$W/ca"
    emu_args+=(--tls-cert "$W/ca/server.pem" --tls-key "$W/ca/server.key"
        --tls-listen 127.0.0.1:0 --tls-ready-file "$W/emu.tls-ready")
fi
emu_start "${emu_args[@]}"
[ "$TLS" -eq 0 ] || EMU_TLS=https://$(head -n 1 "$W/emu.tls-ready")
put_bucket "$BUCKET"

# ---------------------------------------------------------------- helpers
SIZE=$((SIZE_MIB << 20))
head -c "$SIZE" /dev/urandom >"$W/src"
SRC_MD5=$(md5sum <"$W/src" | cut -d' ' -f1)

mbps() { awk -v b="$SIZE" -v s="$1" 'BEGIN { printf "%.1f", b / s / 1e6 }'; }

opts="url=$EMU"
[ -z "$PART" ] || opts="$opts,part_size=$PART"
[ -z "$CONC" ] || opts="$opts,upload_concurrency=$CONC"
range() { sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%s-%s", lo, hi }'; }

# fs_write_read ROW OPTS KEY: rows ROW_write* and ROW_read* of a write of the source to KEY
# through a fresh mount with OPTS (dd conv=fsync: the upload is finished before dd exits), then
# a read of it through another fresh mount (nothing cached in the kernel or the daemon). Every
# timed step starts after a sync, so no step pays for the previous one's writeback.
fs_write_read() {
    local row=$1 o=$2 key=$3 c0 t0 t1
    sync
    mount_fs "$BUCKET" "$o"
    c0=$(cpu_of "$FS_PID")
    t0=$(now)
    dd if="$W/src" of="$MNT/$key" bs=1M conv=fsync status=none
    t1=$(now)
    echo "${row}_write $(mbps "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')")" >>"$W/rows"
    echo "${row}_write_cpu $(awk -v a="$c0" -v b="$(cpu_of "$FS_PID")" 'BEGIN { print b - a }')" >>"$W/rows"
    echo "${row}_write_hwm_mib $(awk -v k="$(hwm_of "$FS_PID")" 'BEGIN { printf "%.1f", k / 1024 }')" >>"$W/rows"
    umount_fs

    sync
    mount_fs "$BUCKET" "$o"
    c0=$(cpu_of "$FS_PID")
    t0=$(now)
    dd if="$MNT/$key" of=/dev/null bs=1M status=none
    t1=$(now)
    echo "${row}_read $(mbps "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')")" >>"$W/rows"
    echo "${row}_read_cpu $(awk -v a="$c0" -v b="$(cpu_of "$FS_PID")" 'BEGIN { print b - a }')" >>"$W/rows"
    echo "${row}_read_hwm_mib $(awk -v k="$(hwm_of "$FS_PID")" 'BEGIN { printf "%.1f", k / 1024 }')" >>"$W/rows"
    umount_fs
}

# The FUSE ceiling: bench/fuse-ceiling.c serves a file of the same size from memory through a
# libfuse3 filesystem set up like osspermfs, so the same dd measures what the kernel and libfuse
# alone allow on this machine (no network, no object store).
CEIL_MNT=$W/ceiling
build_fuse_ceiling
ceiling_read() {
    local t0 t1
    ceiling_mount "$CEIL_MNT" --file-mib "$SIZE_MIB"
    sync
    t0=$(now)
    dd if="$CEIL_MNT/big" of=/dev/null bs=1M status=none
    t1=$(now)
    echo "ceiling_read $(mbps "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')")" >>"$W/rows"
    ceiling_umount "$CEIL_MNT"
}

# ---------------------------------------------------------------- runs
: >"$W/rows"
for _ in $(seq "$REPS"); do
    # curl PutObject and GetObject of the same bytes (the ceiling of one HTTP stream). Every
    # timed step starts after a sync, so no step pays for the previous one's writeback.
    sync
    t=$(curl_put "$BUCKET" curl.bin "$W/src")
    echo "curl_put $(mbps "$t")" >>"$W/rows"
    sync
    t=$(curl_get "$BUCKET" curl.bin)
    echo "curl_get $(mbps "$t")" >>"$W/rows"

    fs_write_read fs "$opts" fs.bin
    ceiling_read
    [ "$TLS" -eq 0 ] || fs_write_read fs_tls "${opts/#url=$EMU/url=$EMU_TLS},cafile=$W/ca/ca.pem" fs-tls.bin
done

# The stored object is the source, byte for byte (checked with curl, not the mount).
sign GET "" "/$BUCKET/fs.bin"
got=$(curl -sSf -H "Date: $DATE" -H "Authorization: $AUTH" "$EMU/$BUCKET/fs.bin" | md5sum | cut -d' ' -f1)
[ "$got" == "$SRC_MD5" ] || { echo "MISMATCH: the object written through the mount differs" >&2; exit 1; }
if [ "$TLS" -eq 1 ]; then
    sign GET "" "/$BUCKET/fs-tls.bin"
    got=$(curl -sSf --cacert "$W/ca/ca.pem" -H "Date: $DATE" -H "Authorization: $AUTH" \
        "$EMU_TLS/$BUCKET/fs-tls.bin" | md5sum | cut -d' ' -f1)
    [ "$got" == "$SRC_MD5" ] || { echo "MISMATCH: the object written over TLS differs" >&2; exit 1; }
fi

# ---------------------------------------------------------------- report
col() { awk -v k="$1" '$1 == k { print $2 }' "$W/rows"; }
med() { col "$1" | median; }
rng() { col "$1" | range; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
echo "### fs-throughput $(date -u +%Y-%m-%dT%H:%MZ): ${SIZE_MIB} MiB, $REPS reps, part_size=${PART:-8} MiB, upload_concurrency=${CONC:-4}, ossemu latency ${LATENCY} ms$([ "$TLS" -eq 0 ] || echo ", with TLS rows")"
echo
echo "Machine: $(nproc) CPUs ($(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM, kernel $(uname -r), $(. /etc/os-release && echo "$PRETTY_NAME"), ossemu data and sources on $(df -T "$W" | awk 'NR == 2 { print $2 }')."
echo
echo "| row | median | min-max | ratio to curl |"
echo "|---|---|---|---|"
echo "| curl PutObject, MB/s | $(med curl_put) | $(rng curl_put) | 1.00 |"
echo "| mount write (dd bs=1M conv=fsync), MB/s | $(med fs_write) | $(rng fs_write) | $(ratio "$(med fs_write)" "$(med curl_put)") |"
echo "| curl GetObject, MB/s | $(med curl_get) | $(rng curl_get) | 1.00 |"
echo "| mount read (dd bs=1M, cold mount), MB/s | $(med fs_read) | $(rng fs_read) | $(ratio "$(med fs_read)" "$(med curl_get)") |"
echo "| FUSE ceiling read (bench/fuse-ceiling.c, memory-backed), MB/s | $(med ceiling_read) | $(rng ceiling_read) | mount read / ceiling: $(ratio "$(med fs_read)" "$(med ceiling_read)") |"
echo "| osspermfs CPU s during the write | $(med fs_write_cpu) | $(rng fs_write_cpu) | |"
echo "| osspermfs CPU s during the read | $(med fs_read_cpu) | $(rng fs_read_cpu) | |"
echo "| osspermfs peak RSS (VmHWM) after the write, MiB | $(med fs_write_hwm_mib) | $(rng fs_write_hwm_mib) | |"
echo "| osspermfs peak RSS (VmHWM) after the read, MiB | $(med fs_read_hwm_mib) | $(rng fs_read_hwm_mib) | |"
if [ "$TLS" -eq 1 ]; then
    echo
    echo "| over HTTPS (TLS via libcurl/OpenSSL and libmicrohttpd/GnuTLS) | median | min-max | ratio to the plain-HTTP mount |"
    echo "|---|---|---|---|"
    echo "| mount write over TLS, MB/s | $(med fs_tls_write) | $(rng fs_tls_write) | $(ratio "$(med fs_tls_write)" "$(med fs_write)") |"
    echo "| mount read over TLS, MB/s | $(med fs_tls_read) | $(rng fs_tls_read) | $(ratio "$(med fs_tls_read)" "$(med fs_read)") |"
    echo "| osspermfs CPU s during the TLS write | $(med fs_tls_write_cpu) | $(rng fs_tls_write_cpu) | $(ratio "$(med fs_tls_write_cpu)" "$(med fs_write_cpu)") |"
    echo "| osspermfs CPU s during the TLS read | $(med fs_tls_read_cpu) | $(rng fs_tls_read_cpu) | $(ratio "$(med fs_tls_read_cpu)" "$(med fs_read_cpu)") |"
fi
