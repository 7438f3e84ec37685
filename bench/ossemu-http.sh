#!/usr/bin/env bash
# Benchmark of ossemu's HTTP data path on loopback, side by side with nginx serving the same
# bytes in the same run: single-stream large GET and PUT through curl, and the small-request
# rate (HeadObject, GetObjectACL) on keep-alive connections. A benchmark, not a test: it is
# not run by ctest and its numbers pass or fail nothing. See bench/README.md.
set -euo pipefail

usage() {
    cat <<'EOF'
Usage: bench/ossemu-http.sh [options]
  --ossemu PATH      ossemu binary (default: build-bench/bin/ossemu, else build/bin/ossemu)
  --size-mib N       size of the large object in MiB (default 1024)
  --reps N           repetitions of every measurement; the median is reported (default 3)
  --small N          requests per small-request run of curl (default 2000)
  --wrk-seconds N    duration of each wrk run (default 5; 0 skips wrk)
  --wrk-conns N      connections of each wrk run (default 4)
  --workdir DIR      parent of the temporary directory (default ${TMPDIR:-/var/tmp})
  --profile          after the timed runs, strace -c (and perf, if it works) ossemu during
                     one extra GET and one extra PUT, and time MD5 and CRC64 alone
                     (bench/hashspeed.c, built with cc against the build's libossclient.a)
  --keep             keep the temporary directory
Needs: curl, openssl, nginx (Debian nginx-light or nginx-full: the dav module), optional wrk.
EOF
}

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OSSEMU=""
SIZE_MIB=1024
REPS=3
SMALL_N=2000
WRK_SECS=5
WRK_CONNS=4
PARENT=${TMPDIR:-/var/tmp}
PROFILE=0
KEEP=0
while [ $# -gt 0 ]; do
    case "$1" in
    --ossemu) OSSEMU=$2; shift 2 ;;
    --size-mib) SIZE_MIB=$2; shift 2 ;;
    --reps) REPS=$2; shift 2 ;;
    --small) SMALL_N=$2; shift 2 ;;
    --wrk-seconds) WRK_SECS=$2; shift 2 ;;
    --wrk-conns) WRK_CONNS=$2; shift 2 ;;
    --workdir) PARENT=$2; shift 2 ;;
    --profile) PROFILE=1; shift ;;
    --keep) KEEP=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
    esac
done
for n in "$SIZE_MIB" "$REPS" "$SMALL_N" "$WRK_SECS" "$WRK_CONNS"; do
    case "$n" in '' | *[!0-9]*) echo "not a number: '$n'" >&2; exit 2 ;; esac
done
if [ -z "$OSSEMU" ]; then
    for c in "$REPO/build-bench/bin/ossemu" "$REPO/build/bin/ossemu"; do
        if [ -x "$c" ]; then OSSEMU=$c; break; fi
    done
fi
[ -n "$OSSEMU" ] && [ -x "$OSSEMU" ] || { echo "ossemu binary not found (use --ossemu)" >&2; exit 2; }
for t in curl openssl nginx md5sum; do
    command -v "$t" >/dev/null || { echo "missing tool: $t (apt-get install curl openssl nginx-light coreutils)" >&2; exit 2; }
done
HAVE_WRK=0
if [ "$WRK_SECS" -gt 0 ] && command -v wrk >/dev/null; then HAVE_WRK=1; fi
if ! nginx -V 2>&1 | grep -q -- --with-http_dav_module; then
    echo "this nginx has no dav module (install nginx-light or nginx-full)" >&2
    exit 2
fi

SIZE=$((SIZE_MIB * 1024 * 1024))
need_kib=$((SIZE_MIB * 1024 * 6))
avail_kib=$(df -Pk "$PARENT" | awk 'NR==2 {print $4}')
if [ "$avail_kib" -lt "$need_kib" ]; then
    echo "need $((need_kib / 1024)) MiB free under $PARENT, have $((avail_kib / 1024))" >&2
    exit 2
fi

W=$(mktemp -d "$PARENT/ossemu-bench.XXXXXX")
EMU_PID=""
NGX_PID=""
cleanup() {
    local rc=$?
    if [ -n "$EMU_PID" ]; then kill "$EMU_PID" 2>/dev/null || true; wait "$EMU_PID" 2>/dev/null || true; fi
    if [ -n "$NGX_PID" ]; then kill "$NGX_PID" 2>/dev/null || true; wait "$NGX_PID" 2>/dev/null || true; fi
    if [ "$KEEP" = 1 ]; then echo "kept $W" >&2; else rm -rf "$W"; fi
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { echo "[bench] $*" >&2; }

# ---------------------------------------------------------------- credentials and signing
# A throwaway key pair made for this run; it is handed to ossemu through its environment and
# never printed. (openssl takes the secret on its command line, visible in ps for the run.)
AKID="LTAIbench$(openssl rand -hex 6)"
SECRET=$(openssl rand -hex 16)
BUCKET="bench-$(openssl rand -hex 4)"

# sign VERB CONTENT-TYPE RESOURCE: sets DATE and AUTH for an OSS V1 header signature,
# StringToSign = VERB \n Content-MD5(empty) \n Content-Type \n Date \n CanonicalizedResource.
sign() {
    DATE=$(LC_ALL=C date -u '+%a, %d %b %Y %H:%M:%S GMT')
    local sig
    sig=$(printf '%s\n\n%s\n%s\n%s' "$1" "$2" "$DATE" "$3" |
        openssl dgst -sha1 -hmac "$SECRET" -binary | base64)
    AUTH="OSS $AKID:$sig"
}

# ---------------------------------------------------------------- helpers
median() { # numbers on stdin -> median
    sort -g | awk '{v[NR] = $1} END {if (NR == 0) {print "nan"} else if (NR % 2) {print v[(NR + 1) / 2]} else {print (v[NR / 2] + v[NR / 2 + 1]) / 2}}'
}
minmax() { sort -g | awk 'NR == 1 {lo = $1} {hi = $1} END {printf "%s-%s", lo, hi}'; }
now_ns() { date +%s%N; }
TCK=$(getconf CLK_TCK)
# cpu_s PID...: user+system CPU seconds so far of the given processes (all their threads,
# finished ones included).
cpu_s() {
    local t=0 p
    for p in "$@"; do
        [ -r "/proc/$p/stat" ] || continue
        t=$((t + $(sed 's/^.*) //' "/proc/$p/stat" | awk '{print $12 + $13}')))
    done
    awk -v t="$t" -v k="$TCK" 'BEGIN {printf "%.3f", t / k}'
}
ngx_pids() { echo "$NGX_PID $(pgrep -P "$NGX_PID" | tr '\n' ' ')"; }
RES="$W/results.tsv" # metric <tab> server <tab> rep <tab> value <tab> server-cpu-seconds
: >"$RES"
record() { printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" >>"$RES"; }

# ---------------------------------------------------------------- data
mkdir -p "$W/emu-data" "$W/www" "$W/ngx/tmp" "$W/ngx/logs" "$W/sink/sink"
log "workdir $W; writing ${SIZE_MIB} MiB of random data"
head -c "$SIZE" /dev/urandom >"$W/www/big"
head -c 1024 /dev/urandom >"$W/www/small"
BIG_MD5=$(md5sum "$W/www/big" | cut -d' ' -f1)

# ---------------------------------------------------------------- ossemu
OSS_ACCESS_KEY_ID=$AKID OSS_ACCESS_KEY_SECRET=$SECRET \
    "$OSSEMU" --data "$W/emu-data" --listen 127.0.0.1:0 --ready-file "$W/emu.ready" \
    >"$W/emu.log" 2>&1 &
EMU_PID=$!
for _ in $(seq 100); do
    [ -s "$W/emu.ready" ] && break
    kill -0 "$EMU_PID" 2>/dev/null || { cat "$W/emu.log" >&2; log "ossemu exited"; exit 1; }
    sleep 0.1
done
[ -s "$W/emu.ready" ] || { log "ossemu did not write its ready file"; exit 1; }
EMU="http://$(head -n1 "$W/emu.ready")"
log "ossemu $OSSEMU pid $EMU_PID at $EMU"

# emu_put_file KEY FILE: signed PutObject; sets PUT_CODE, PUT_BYTES, PUT_SECS, PUT_ETAG.
emu_put_file() {
    sign PUT application/octet-stream "/$BUCKET/$1"
    local out
    out=$(curl -sS -o /dev/null -D "$W/put.hdr" -T "$2" -H "Content-Type: application/octet-stream" \
        -H "Date: $DATE" -H "Authorization: $AUTH" -w '%{http_code} %{size_upload} %{time_total}' \
        "$EMU/$BUCKET/$1")
    read -r PUT_CODE PUT_BYTES PUT_SECS <<<"$out"
    PUT_ETAG=$(tr -d '\r"' <"$W/put.hdr" | awk -F': ' 'tolower($1) == "etag" {print tolower($2)}')
    PUT_ETAG=${PUT_ETAG:-none}
}

sign PUT "" "/$BUCKET/"
code=$(curl -sS -o "$W/mkbucket.out" -w '%{http_code}' -X PUT -H "Date: $DATE" -H "Authorization: $AUTH" "$EMU/$BUCKET/")
[ "$code" = 200 ] || { cat "$W/mkbucket.out" >&2; log "PutBucket answered $code"; exit 1; }
emu_put_file big "$W/www/big"
[ "$PUT_CODE" = 200 ] && [ "$PUT_ETAG" = "$BIG_MD5" ] || { log "seeding PutObject: $PUT_CODE etag $PUT_ETAG (want $BIG_MD5)"; exit 1; }
emu_put_file small "$W/www/small"
[ "$PUT_CODE" = 200 ] || { log "seeding small PutObject: $PUT_CODE"; exit 1; }

# ---------------------------------------------------------------- nginx
# Private prefix, config, temp paths and logs; sendfile on and tcp_nopush on as in Debian's
# stock nginx.conf. PUT goes to the dav module (body spooled to client_body_temp_path in
# 128 KiB buffers, then renamed into place: the same shape as ossemu's spool-then-rename).
start_nginx() {
    local port tries=0 ngx_user=""
    [ "$(id -u)" = 0 ] && ngx_user="user $(id -un) $(id -gn);"
    while [ $tries -lt 20 ]; do
        tries=$((tries + 1))
        port=$((20000 + RANDOM % 40000))
        cat >"$W/ngx/nginx.conf" <<EOF
$ngx_user
daemon off;
worker_processes 1;
pid $W/ngx/nginx.pid;
error_log $W/ngx/logs/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    keepalive_timeout 300s;
    default_type application/octet-stream;
    client_body_temp_path $W/ngx/tmp;
    client_body_buffer_size 128k;
    proxy_temp_path $W/ngx/tmp;
    fastcgi_temp_path $W/ngx/tmp;
    uwsgi_temp_path $W/ngx/tmp;
    scgi_temp_path $W/ngx/tmp;
    server {
        listen 127.0.0.1:$port;
        location / { root $W/www; }
        location /sink/ { root $W/sink; dav_methods PUT; client_max_body_size 0; }
    }
}
EOF
        nginx -p "$W/ngx" -c "$W/ngx/nginx.conf" -e "$W/ngx/logs/error.log" &
        NGX_PID=$!
        for _ in $(seq 50); do
            kill -0 "$NGX_PID" 2>/dev/null || break
            if [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/small")" = 200 ]; then
                NGX="http://127.0.0.1:$port"
                return 0
            fi
            sleep 0.1
        done
        kill "$NGX_PID" 2>/dev/null || true
        wait "$NGX_PID" 2>/dev/null || true
        NGX_PID=""
    done
    tail -n 5 "$W/ngx/logs/error.log" >&2 || true
    return 1
}
start_nginx || { log "nginx did not start"; exit 1; }
log "nginx $(nginx -v 2>&1 | sed 's/.*\///') pid $NGX_PID at $NGX"

# ---------------------------------------------------------------- machine
machine() {
    echo "date_utc	$(date -u '+%Y-%m-%d %H:%M:%S')"
    echo "cpu	$(lscpu | awk -F': *' '/^Model name/ && !n++ {print $2}')"
    echo "cpus	$(nproc)"
    echo "kernel	$(uname -r)"
    echo "debian	$(cat /etc/debian_version 2>/dev/null || echo '?')"
    echo "mem	$(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
    echo "fs	$(df -PT "$W" | awk 'NR==2 {print $2}') ($W)"
    echo "ossemu	$OSSEMU, built $(date -u -r "$OSSEMU" '+%Y-%m-%d %H:%M UTC'); tree at run time: $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$REPO" diff --quiet -- src include 2>/dev/null || echo ' + uncommitted changes in src/ or include/')"
    echo "libmicrohttpd	$(dpkg-query -W -f '${Version}' libmicrohttpd12 2>/dev/null || echo '?')"
    echo "nginx	$(nginx -v 2>&1 | sed 's/.*\///') ($(dpkg-query -W -f '${db:Status-Abbrev} ${Package}\n' nginx-light nginx-full nginx-core nginx-extras 2>/dev/null | awk '$1 == "ii" {printf "%s ", $2}')package)"
    echo "curl	$(curl --version | awk 'NR == 1 {print $2}')"
    echo "wrk	$([ $HAVE_WRK = 1 ] && dpkg-query -W -f '${Version}' wrk 2>/dev/null || echo 'not used')"
}
machine >"$W/machine.tsv"
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)

# ---------------------------------------------------------------- measurements
# Each measurement sets RV="value server-cpu". They run in the main shell so that a failed
# check ends the whole run (through the EXIT trap).
# GET: one curl, body to /dev/null. Returns MB/s (10^6 bytes/s) and server CPU seconds.
get_big() { # server
    local url hdrs=() pids out c0 c1 code bytes speed
    if [ "$1" = ossemu ]; then
        sign GET "" "/$BUCKET/big"
        url="$EMU/$BUCKET/big"
        hdrs=(-H "Date: $DATE" -H "Authorization: $AUTH")
        pids=$EMU_PID
    else
        url="$NGX/big"
        pids=$(ngx_pids)
    fi
    sync
    c0=$(cpu_s $pids)
    out=$(curl -sS -o /dev/null "${hdrs[@]}" -w '%{http_code} %{size_download} %{speed_download}' "$url")
    c1=$(cpu_s $pids)
    read -r code bytes speed <<<"$out"
    [ "$code" = 200 ] && [ "$bytes" = "$SIZE" ] || { log "GET $1: status $code, $bytes bytes"; exit 1; }
    RV="$(awk -v s="$speed" 'BEGIN {printf "%.1f", s / 1e6}') $(awk -v a="$c0" -v b="$c1" 'BEGIN {printf "%.2f", b - a}')"
}

put_big() { # server
    local out c0 c1 code bytes secs pids
    sync
    if [ "$1" = ossemu ]; then
        pids=$EMU_PID
        c0=$(cpu_s $pids)
        emu_put_file put "$W/www/big"
        c1=$(cpu_s $pids)
        code=$PUT_CODE bytes=$PUT_BYTES secs=$PUT_SECS
        [ "$code" = 200 ] && [ "$PUT_ETAG" = "$BIG_MD5" ] || { log "PUT ossemu: status $code etag $PUT_ETAG"; exit 1; }
    else
        pids=$(ngx_pids)
        c0=$(cpu_s $pids)
        out=$(curl -sS -o /dev/null -T "$W/www/big" -H "Content-Type: application/octet-stream" \
            -w '%{http_code} %{size_upload} %{time_total}' "$NGX/sink/put")
        c1=$(cpu_s $pids)
        read -r code bytes secs <<<"$out"
        case "$code" in 201 | 204) ;; *) log "PUT nginx: status $code"; exit 1 ;; esac
        [ "$(stat -c %s "$W/sink/sink/put")" = "$SIZE" ] || { log "PUT nginx: wrong size stored"; exit 1; }
    fi
    [ "$bytes" = "$SIZE" ] || { log "PUT $1: sent $bytes bytes"; exit 1; }
    RV="$(awk -v n="$SIZE" -v t="$secs" 'BEGIN {printf "%.1f", n / t / 1e6}') $(awk -v a="$c0" -v b="$c1" 'BEGIN {printf "%.2f", b - a}')"
}

# small_curl server op: SMALL_N sequential requests in one curl process over one keep-alive
# connection (config file with one url/output pair per request). Returns requests/s and the
# server's CPU microseconds per request.
small_curl() {
    local url hdrs=() pids cfg="$W/small.cfg" t0 t1 c0 c1 ok
    case "$1/$2" in
    ossemu/head) sign HEAD "" "/$BUCKET/small"; url="$EMU/$BUCKET/small"; hdrs=(-I -H "Date: $DATE" -H "Authorization: $AUTH"); pids=$EMU_PID ;;
    ossemu/acl) sign GET "" "/$BUCKET/small?acl"; url="$EMU/$BUCKET/small?acl"; hdrs=(-H "Date: $DATE" -H "Authorization: $AUTH"); pids=$EMU_PID ;;
    nginx/head) url="$NGX/small"; hdrs=(-I); pids=$(ngx_pids) ;;
    esac
    awk -v n="$SMALL_N" -v u="$url" 'BEGIN {for (i = 0; i < n; i++) printf "url = \"%s\"\noutput = \"/dev/null\"\n", u}' >"$cfg"
    c0=$(cpu_s $pids)
    t0=$(now_ns)
    ok=$(curl -s -K "$cfg" "${hdrs[@]}" -w '%{http_code}\n' | grep -c '^200$' || true)
    t1=$(now_ns)
    c1=$(cpu_s $pids)
    [ "$ok" = "$SMALL_N" ] || { log "$1 $2: only $ok of $SMALL_N answers were 200"; exit 1; }
    RV="$(awk -v n="$SMALL_N" -v a="$t0" -v b="$t1" 'BEGIN {printf "%.0f", n / ((b - a) / 1e9)}') $(awk -v n="$SMALL_N" -v a="$c0" -v b="$c1" 'BEGIN {printf "%.1f", (b - a) * 1e6 / n}')"
}

# small_wrk server op: wrk, 1 thread, WRK_CONNS keep-alive connections, WRK_SECS seconds.
# wrk 4.1 cannot do HEAD (it waits for the Content-Length body), so it runs GetObjectACL and a
# GET of the 1 KiB object; a fixed signed Date is fine within OSS's 15-minute window.
small_wrk() {
    local url hdrs=() out rps non2xx nreq pids c0 c1
    case "$1/$2" in
    ossemu/acl) sign GET "" "/$BUCKET/small?acl"; url="$EMU/$BUCKET/small?acl"; hdrs=(-H "Date: $DATE" -H "Authorization: $AUTH"); pids=$EMU_PID ;;
    ossemu/get1k) sign GET "" "/$BUCKET/small"; url="$EMU/$BUCKET/small"; hdrs=(-H "Date: $DATE" -H "Authorization: $AUTH"); pids=$EMU_PID ;;
    nginx/get1k) url="$NGX/small"; pids=$(ngx_pids) ;;
    esac
    c0=$(cpu_s $pids)
    out=$(wrk -t1 -c"$WRK_CONNS" -d"${WRK_SECS}s" "${hdrs[@]}" "$url")
    c1=$(cpu_s $pids)
    non2xx=$(echo "$out" | awk '/Non-2xx/ {print $NF}')
    [ -z "$non2xx" ] || { log "wrk $1 $2: $non2xx non-2xx answers"; exit 1; }
    rps=$(echo "$out" | awk '/^Requests\/sec/ {printf "%.0f", $2}')
    nreq=$(echo "$out" | awk '/requests in/ {print $1}')
    [ -n "$rps" ] && [ "${nreq:-0}" -gt 0 ] || { log "wrk $1 $2: no requests"; exit 1; }
    RV="$rps $(awk -v n="$nreq" -v a="$c0" -v b="$c1" 'BEGIN {printf "%.1f", (b - a) * 1e6 / n}')"
}

run() { # metric server rep fn args...
    local m=$1 s=$2 r=$3 v c
    shift 3
    "$@"
    read -r v c <<<"$RV"
    record "$m" "$s" "$r" "$v" "$c"
    log "rep $r $m $s: $v (server cpu $c)"
}

for r in $(seq "$REPS"); do
    # Alternate which server goes first so that drift on a shared machine hits both alike.
    if [ $((r % 2)) = 1 ]; then order="ossemu nginx"; else order="nginx ossemu"; fi
    for s in $order; do run get_mbs "$s" "$r" get_big "$s"; done
    for s in $order; do run put_mbs "$s" "$r" put_big "$s"; done
    for s in $order; do run head_rps "$s" "$r" small_curl "$s" head; done
    run acl_rps ossemu "$r" small_curl ossemu acl
    if [ "$HAVE_WRK" = 1 ]; then
        for s in $order; do run wrk_get1k_rps "$s" "$r" small_wrk "$s" get1k; done
        run wrk_acl_rps ossemu "$r" small_wrk ossemu acl
    fi
done
LOAD1=$(cut -d' ' -f1-3 /proc/loadavg)

# ---------------------------------------------------------------- report
val() { awk -F'\t' -v m="$1" -v s="$2" '$1 == m && $2 == s {print $4}' "$RES"; }
cpu() { awk -F'\t' -v m="$1" -v s="$2" '$1 == m && $2 == s {print $5}' "$RES"; }
cell() { # metric server -> "median (min-max)"
    local v
    v=$(val "$1" "$2")
    [ -n "$v" ] || { echo "-"; return; }
    echo "$(echo "$v" | median) ($(echo "$v" | minmax))"
}
cpucell() {
    local v
    v=$(cpu "$1" "$2" | grep -v '^-$' || true)
    [ -n "$v" ] && echo "$v" | median || echo "-"
}
ratio() {
    local a b
    a=$(val "$1" ossemu | median)
    b=$(val "$1" nginx | median)
    [ -n "$(val "$1" nginx)" ] || { echo "-"; return; }
    awk -v a="$a" -v b="$b" 'BEGIN {printf "%.2f", a / b}'
}
{
    echo "## Run $(sed -n 's/^date_utc\t//p' "$W/machine.tsv") UTC"
    echo
    echo "| machine | |"
    echo "|---|---|"
    sed 's/\t/ | /; s/^/| /; s/$/ |/' "$W/machine.tsv"
    echo "| load average (start / end) | $LOAD0 / $LOAD1 |"
    echo "| sizes | large object $SIZE_MIB MiB, small object 1 KiB, $SMALL_N requests per curl run, wrk $WRK_SECS s x $WRK_CONNS conns |"
    echo
    echo "Median of $REPS (min-max in brackets). MB = 10^6 bytes. Server CPU = user+system seconds"
    echo "of the server process(es) for one transfer (10 ms resolution), or microseconds per request."
    echo
    echo "| measurement | ossemu | nginx | ossemu/nginx | server CPU ossemu | server CPU nginx |"
    echo "|---|---|---|---|---|---|"
    echo "| GET ${SIZE_MIB} MiB, 1 stream, MB/s | $(cell get_mbs ossemu) | $(cell get_mbs nginx) | $(ratio get_mbs) | $(cpucell get_mbs ossemu) s | $(cpucell get_mbs nginx) s |"
    echo "| PUT ${SIZE_MIB} MiB, 1 stream, MB/s | $(cell put_mbs ossemu) | $(cell put_mbs nginx) | $(ratio put_mbs) | $(cpucell put_mbs ossemu) s | $(cpucell put_mbs nginx) s |"
    echo "| HEAD 1 KiB object, curl sequential keep-alive, req/s | $(cell head_rps ossemu) | $(cell head_rps nginx) | $(ratio head_rps) | $(cpucell head_rps ossemu) us | $(cpucell head_rps nginx) us |"
    echo "| GetObjectACL, curl sequential keep-alive, req/s | $(cell acl_rps ossemu) | - | - | $(cpucell acl_rps ossemu) us | - |"
    if [ "$HAVE_WRK" = 1 ]; then
        echo "| GET 1 KiB object, wrk ${WRK_CONNS} conns, req/s | $(cell wrk_get1k_rps ossemu) | $(cell wrk_get1k_rps nginx) | $(ratio wrk_get1k_rps) | $(cpucell wrk_get1k_rps ossemu) us | $(cpucell wrk_get1k_rps nginx) us |"
        echo "| GetObjectACL, wrk ${WRK_CONNS} conns, req/s | $(cell wrk_acl_rps ossemu) | - | - | $(cpucell wrk_acl_rps ossemu) us | - |"
    fi
} | tee "$W/report.md"

# ---------------------------------------------------------------- profile (optional)
if [ "$PROFILE" = 1 ]; then
    echo
    echo "### Profile (one extra transfer each, not timed above)"
    lib="$(dirname "$OSSEMU")/../src/oss/libossclient.a"
    if command -v cc >/dev/null && [ -f "$lib" ] &&
        cc -O2 -std=gnu11 -I"$REPO/include" "$REPO/bench/hashspeed.c" "$lib" -lcrypto -o "$W/hashspeed" 2>/dev/null; then
        echo
        echo "Per-byte work of ossemu's PUT path on one core (bench/hashspeed.c, 512 MiB in 128 KiB chunks):"
        "$W/hashspeed" 512 | sed 's/^/  /'
    fi
    for what in get put; do
        if command -v strace >/dev/null; then
            strace -c -f -p "$EMU_PID" -o "$W/strace-$what.txt" 2>/dev/null &
            sp=$!
            sleep 1
            if [ $what = get ]; then get_big ossemu; else put_big ossemu; fi
            sleep 0.3
            kill -INT $sp
            wait $sp 2>/dev/null || true
            echo
            echo "strace -c -f ossemu during $what (syscall, calls, % time):"
            awk 'NR > 2 && $NF != "total" && $1 ~ /^[0-9.]+$/ && n++ < 8 {printf "  %-14s %8s  %5s%%\n", $NF, $4, $1}' "$W/strace-$what.txt"
        fi
        if command -v perf >/dev/null; then
            perf record -q -e cpu-clock -F 999 -p "$EMU_PID" -o "$W/perf-$what.data" >/dev/null 2>&1 &
            pp=$!
            sleep 1
            if [ $what = get ]; then get_big ossemu; else put_big ossemu; fi
            sleep 0.3
            kill -INT $pp
            wait $pp 2>/dev/null || true
            echo
            echo "perf (cpu-clock) ossemu during $what, by shared object:"
            perf report -i "$W/perf-$what.data" --no-children --sort dso --stdio 2>/dev/null |
                awk '/^ +[0-9.]+%/ && n++ < 6 {sub(/[ \t-]+$/, ""); print "  " $0}'
            echo "top symbols:"
            perf report -i "$W/perf-$what.data" --no-children --sort dso,symbol --stdio -g none 2>/dev/null |
                awk '/^ +[0-9.]+%/ && n++ < 6 {sub(/[ \t-]+$/, ""); print "  " $0}'
        fi
    done
fi
