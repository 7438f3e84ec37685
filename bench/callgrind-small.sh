#!/usr/bin/env bash
# Instructions per small request of ossemu, counted by valgrind's callgrind: stable on a busy
# machine where wall-clock rates are not. Starts ossemu under callgrind, makes a bucket and a
# 1 KiB object, then for each of HeadObject, GetObjectACL and GetObject zeroes the counters,
# sends N signed requests on one keep-alive connection (one curl process) and dumps the
# counters; prints instructions (Ir) per request. A benchmark, not a test. See bench/README.md.
set -euo pipefail

usage() {
    echo "Usage: bench/callgrind-small.sh [--ossemu PATH] [--requests N] [--keep]" >&2
    exit 2
}
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OSSEMU=""
N=500
KEEP=0
while [ $# -gt 0 ]; do
    case "$1" in
    --ossemu) OSSEMU=$2; shift 2 ;;
    --requests) N=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    *) usage ;;
    esac
done
if [ -z "$OSSEMU" ]; then
    for c in "$REPO/build-bench/bin/ossemu" "$REPO/build/bin/ossemu"; do
        [ -x "$c" ] && OSSEMU=$c && break
    done
fi
[ -n "$OSSEMU" ] && [ -x "$OSSEMU" ] || { echo "no ossemu binary (--ossemu PATH)" >&2; exit 2; }
for tool in valgrind callgrind_control curl openssl; do
    command -v $tool >/dev/null || { echo "$tool is missing" >&2; exit 2; }
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/ossemu-callgrind.XXXXXX")
PID=
cleanup() {
    if [ -n "$PID" ]; then
        kill -TERM "$PID" 2>/dev/null || true
        wait "$PID" 2>/dev/null || true
    fi
    [ "$KEEP" = 1 ] && echo "kept $WORK" >&2 || rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

OSS_ACCESS_KEY_ID=LTAI$(openssl rand -hex 8)
OSS_ACCESS_KEY_SECRET=$(openssl rand -hex 16)
export OSS_ACCESS_KEY_ID OSS_ACCESS_KEY_SECRET
valgrind --tool=callgrind --callgrind-out-file="$WORK/cg.out.%p" \
    "$OSSEMU" --data "$WORK/data" --listen 127.0.0.1:0 --ready-file "$WORK/ready" \
    >"$WORK/stdout" 2>"$WORK/stderr" &
PID=$!
for _ in $(seq 600); do
    [ -s "$WORK/ready" ] && break
    kill -0 "$PID" 2>/dev/null || break
    sleep 0.1
done
[ -s "$WORK/ready" ] || { echo "ossemu did not start under valgrind" >&2; cat "$WORK/stderr" >&2; exit 1; }
ADDR=$(cat "$WORK/ready")

sign() { # VERB CONTENT-TYPE RESOURCE DATE -> Authorization value (OSS V1)
    local s
    s=$(printf '%s\n\n%s\n%s\n%s' "$1" "$2" "$4" "$3" |
        openssl dgst -sha1 -hmac "$OSS_ACCESS_KEY_SECRET" -binary | openssl base64 -A)
    printf 'OSS %s:%s' "$OSS_ACCESS_KEY_ID" "$s"
}
D=$(LC_ALL=C date -u '+%a, %d %b %Y %H:%M:%S GMT')
check() { [ "$1" = 200 ] || { echo "setup request answered $1" >&2; exit 1; }; }
check "$(curl -s -o /dev/null -w '%{http_code}' -X PUT -H "Date: $D" \
    -H "Authorization: $(sign PUT '' /cgb/ "$D")" "http://$ADDR/cgb/")"
head -c 1024 /dev/urandom >"$WORK/obj"
check "$(curl -s -o /dev/null -w '%{http_code}' -X PUT -T "$WORK/obj" -H "Date: $D" \
    -H 'Content-Type: application/octet-stream' \
    -H "Authorization: $(sign PUT application/octet-stream /cgb/obj "$D")" "http://$ADDR/cgb/obj")"

# measure NAME VERB RESOURCE [curl option]: Ir per request over N requests on one connection.
measure() {
    local name=$1 verb=$2 res=$3 opt=${4:-} cfg=$WORK/curl.cfg dump before after ir
    {
        echo "silent"
        [ -n "$opt" ] && echo "$opt"
        echo "header = \"Date: $D\""
        echo "header = \"Authorization: $(sign "$verb" '' "$res" "$D")\""
        echo "write-out = \"%{http_code}\\n\""
        for _ in $(seq "$N"); do printf 'url = "http://%s%s"\noutput = /dev/null\n' "$ADDR" "$res"; done
    } >"$cfg"
    callgrind_control --zero "$PID" >/dev/null 2>&1
    curl -K "$cfg" >"$WORK/codes"
    callgrind_control --dump="$name" "$PID" >/dev/null 2>&1
    if [ "$(grep -c '^200$' "$WORK/codes")" != "$N" ]; then
        echo "$name: not every answer was 200" >&2
        sort "$WORK/codes" | uniq -c >&2
        exit 1
    fi
    dump=$(grep -l "^desc: Trigger: dump $name$" "$WORK"/cg.out.* | tail -n 1)
    ir=$(awk '/^(summary|totals):/ {print $2; exit}' "$dump")
    printf '| %s | %s | %d | %d |\n' "$name" "$verb $res" "$N" "$((ir / N))"
}

echo "| request | target | requests | instructions (Ir) per request |"
echo "|---|---|---|---|"
measure HeadObject HEAD /cgb/obj --head
measure GetObjectACL GET '/cgb/obj?acl'
measure GetObject GET /cgb/obj
