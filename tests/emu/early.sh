#!/usr/bin/env bash
# Early refusal of uploads: a PUT whose signature, bucket, permission or size is wrong gets its
# 4xx as soon as its headers arrived, without 100 Continue and without its body being read
# (request log bytes_in 0), while a valid upload still gets 100 Continue and its 200.
# Usage: early.sh path/to/ossemu (or $OSSEMU).
set -u

OSSEMU=${1:-${OSSEMU:-}}
if [ -z "$OSSEMU" ] || [ ! -x "$OSSEMU" ]; then
    echo "usage: $0 path/to/ossemu" >&2
    exit 2
fi
for tool in curl openssl jq md5sum head timeout; do
    command -v $tool >/dev/null || { echo "SKIP: $tool is missing"; exit 77; }
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/ossemu-early.XXXXXX")
LOG=$WORK/requests.jsonl
. "$(dirname "$0")/lib.sh"

cat >"$WORK/accounts.json" <<'JSON'
{"accounts":[{"id":"1000000000000001","name":"alice",
  "keys":[{"id":"LTAIalice0001","secret":"alice-secret"}],
  "users":[{"id":"2000000000000001","name":"reader",
    "keys":[{"id":"LTAIreader001","secret":"reader-secret"}],
    "policy":{"Version":"1","Statement":[{"Effect":"Allow","Action":["oss:Get*","oss:List*"],
      "Resource":["acs:oss:*:*:*"]}]}}]}]}
JSON

start_ossemu --data "$WORK/data" --accounts "$WORK/accounts.json" --request-log "$LOG"
HOSTNAME_=${ADDR%%:*}
PORT=${ADDR##*:}

# sign AK SK VERB CONTENT-TYPE RESOURCE DATE -> Authorization header value (OSS V1); $OSSH:
# the canonicalized x-oss- headers ("name:value\n" each), if any.
sign() {
    local s
    s=$(printf '%s\n\n%s\n%s\n%s%s' "$3" "$4" "$6" "${OSSH:-}" "$5" | openssl dgst -sha1 -hmac "$2" -binary |
        openssl base64 -A)
    printf 'OSS %s:%s' "$1" "$s"
}
now() { LC_ALL=C date -u '+%a, %d %b %Y %H:%M:%S GMT'; }

# put AK SK RESOURCE FILE [extra curl args]: signed PUT ($VERB if set) with Expect: 100-continue; the
# verbose trace goes to $WORK/trace, the body to $WORK/body, the status to stdout.
put() {
    local ak=$1 sk=$2 res=$3 file=$4 d
    shift 4
    d=$(now)
    curl -sv -o "$WORK/body" -w '%{http_code}' -X "${VERB:-PUT}" -T "$file" --expect100-timeout 30 \
        -H 'Expect: 100-continue' -H "Date: $d" -H 'Content-Type: application/octet-stream' \
        -H "Authorization: $(sign "$ak" "$sk" "${VERB:-PUT}" application/octet-stream "$res" "$d")" \
        "$@" "http://$ADDR$res" 2>"$WORK/trace"
}

# last_log OP: the request-log line of the last request of operation OP.
last_log() { grep "\"op\":\"$1\"" "$LOG" | tail -n 1; }

# refused WHAT STATUS CODE OP: the last PUT got STATUS/CODE without 100 Continue, unread.
refused() {
    local what=$1 status=$2 code=$3 op=$4 got=$5 line bin
    if [ "$got" != "$status" ] || ! grep -q "<Code>$code</Code>" "$WORK/body"; then
        fail "$what: expected $status $code, got $got $(cat "$WORK/body")"
        return
    fi
    if grep -q '< HTTP/1.1 100' "$WORK/trace"; then
        fail "$what: the server sent 100 Continue before refusing"
        return
    fi
    line=$(last_log "$op")
    bin=$(printf '%s' "$line" | jq -r .bytes_in)
    if [ "$(printf '%s' "$line" | jq -r .code)" != "$code" ] || [ "$bin" != 0 ]; then
        fail "$what: request log says $line (want code $code, bytes_in 0)"
        return
    fi
    pass "$what: $status $code before the body, bytes_in 0"
}

head -c $((64 * 1024 * 1024)) /dev/urandom >"$WORK/big"
AK=LTAIalice0001
SK=alice-secret

d=$(now)
code=$(curl -s -o /dev/null -w '%{http_code}' -X PUT -H "Date: $d" \
    -H "Authorization: $(sign $AK $SK PUT '' /early/ "$d")" "http://$ADDR/early/")
[ "$code" = 200 ] || fail "PutBucket early: $code"

got=$(put $AK wrong-secret /early/big "$WORK/big")
refused "wrong signature" 403 SignatureDoesNotMatch PutObject "$got"

got=$(put $AK $SK /nosuchbucket/big "$WORK/big")
refused "missing bucket" 404 NoSuchBucket PutObject "$got"

got=$(put LTAIreader001 reader-secret /early/big "$WORK/big")
refused "RAM user without oss:PutObject" 403 AccessDenied PutObject "$got"

got=$(VERB=POST OSSH=$'x-oss-object-acl:bogus\n' put $AK $SK '/early/big?append&position=0' "$WORK/big" \
    -H 'x-oss-object-acl: bogus')
refused "AppendObject with a bad x-oss-object-acl" 400 InvalidArgument AppendObject "$got"

# A Content-Length over 5 GiB is refused from the header alone (the body never comes).
d=$(now)
auth=$(sign $AK $SK PUT application/octet-stream /early/huge "$d")
exec 3<>"/dev/tcp/$HOSTNAME_/$PORT"
printf 'PUT /early/huge HTTP/1.1\r\nHost: %s\r\nDate: %s\r\nContent-Type: application/octet-stream\r\nAuthorization: %s\r\nContent-Length: 6000000000\r\nExpect: 100-continue\r\n\r\n' \
    "$ADDR" "$d" "$auth" >&3
timeout 10 cat <&3 >"$WORK/huge" 2>/dev/null
exec 3<&-
if head -n 1 "$WORK/huge" | grep -q '^HTTP/1.1 400' && grep -q '<Code>EntityTooLarge</Code>' "$WORK/huge" &&
    ! grep -q '^HTTP/1.1 100' "$WORK/huge"; then
    pass "Content-Length 6000000000: 400 EntityTooLarge from the headers"
else
    fail "Content-Length 6000000000: got $(head -c 300 "$WORK/huge")"
fi

# The valid upload still gets 100 Continue and its answer, on the same server.
got=$(put $AK $SK /early/big "$WORK/big")
etag=$(grep -i '^< ETag:' "$WORK/trace" | tr -d '\r"' | awk '{print $3}')
want=$(md5sum "$WORK/big" | awk '{print toupper($1)}')
if [ "$got" = 200 ] && grep -q '< HTTP/1.1 100' "$WORK/trace" && [ "$etag" = "$want" ] &&
    [ "$(last_log PutObject | jq -r .bytes_in)" = $((64 * 1024 * 1024)) ]; then
    pass "valid 64 MiB PUT: 100 Continue, 200, ETag = MD5"
else
    fail "valid 64 MiB PUT: status $got, ETag $etag (want $want), $(last_log PutObject)"
fi

# A refused upload on a keep-alive connection does not poison the next request.
d=$(now)
curl -s -o /dev/null -w '%{http_code}\n' -X PUT -T "$WORK/big" -H 'Expect: 100-continue' \
    -H "Date: $d" -H 'Content-Type: application/octet-stream' \
    -H "Authorization: $(sign $AK wrong $AK application/octet-stream /early/x "$d")" \
    "http://$ADDR/early/x" --next -s -o /dev/null -w '%{http_code}\n' -I -H "Date: $d" \
    -H "Authorization: $(sign $AK $SK HEAD '' /early/big "$d")" "http://$ADDR/early/big" \
    >"$WORK/two"
if [ "$(tr '\n' ' ' <"$WORK/two")" = "403 200 " ]; then
    pass "refused PUT then HEAD on one curl: 403 then 200"
else
    fail "refused PUT then HEAD: $(tr '\n' ' ' <"$WORK/two")"
fi

kill -0 "$PID" 2>/dev/null || fail "ossemu died"
[ "$FAILS" -eq 0 ] && echo "early: all passed" && exit 0
echo "early: $FAILS failed"
exit 1
