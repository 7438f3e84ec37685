#!/usr/bin/env bash
# Smoke test of ossemu over the wire with signed curl (V1 and V4 computed here with openssl):
# authentication and its refusals, RAM policies and ACLs, addressing forms, large bodies, the
# request log, and state surviving a restart. Usage: run.sh [path/to/ossemu] (or $OSSEMU).
set -u

OSSEMU=${1:-${OSSEMU:-}}
if [ -z "$OSSEMU" ] || [ ! -x "$OSSEMU" ]; then
    echo "usage: $0 path/to/ossemu" >&2
    exit 2
fi
for tool in curl openssl base64 od; do
    command -v $tool >/dev/null || { echo "SKIP: $tool is missing"; exit 77; }
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/ossemu-test.XXXXXX")
DATA=$WORK/data
LOG=$WORK/requests.jsonl
. "$(dirname "$0")/lib.sh"

cat >"$WORK/accounts.json" <<'EOF'
{"accounts":[
 {"id":"1000000000000001","name":"alice",
  "keys":[{"id":"LTAIalice0001","secret":"alice-secret"},
          {"id":"STS.alice01","secret":"sts-secret","security_token":"tok-1",
           "expiration":"2099-01-01T00:00:00Z"},
          {"id":"STS.alice02","secret":"sts-secret","security_token":"tok-2",
           "expiration":"2020-01-01T00:00:00Z"}],
  "users":[{"id":"2000000000000001","name":"auditor",
            "keys":[{"id":"LTAIauditor01","secret":"auditor-secret"}],
            "policy":{"Version":"1","Statement":[
              {"Effect":"Allow","Action":["oss:Get*","oss:List*"],"Resource":["acs:oss:*:*:*"]},
              {"Effect":"Deny","Action":"oss:GetObject","Resource":"acs:oss:*:*:*/secret*"}]}}]},
 {"id":"1000000000000002","name":"bob",
  "keys":[{"id":"LTAIbob000001","secret":"bob-secret"}]}]}
EOF

start_server() {
    start_ossemu --data "$DATA" --accounts "$WORK/accounts.json" --request-log "$LOG"
    URL=http://$ADDR
}

# ---- signing helpers ----
AK=LTAIalice0001
SK=alice-secret
http_date() { LC_ALL=C date -u '+%a, %d %b %Y %H:%M:%S GMT'; }
v1_sign() { printf '%b' "$2" | openssl dgst -sha1 -hmac "$1" -binary | base64; }

# oss METHOD RESOURCE URL [curl args...]: a V1-signed request with key $AK/$SK. RESOURCE is the
# V1 canonical resource; a Content-Type header in the curl args must be given as CT=... env.
# Leaves the status in $STATUS, headers in $WORK/h, body in $WORK/b.
oss() {
    local method=$1 resource=$2 url=$3; shift 3
    local date sig canon="" prev="" a
    for a in "$@"; do # x-oss-* headers among the curl args are signed
        if [ "$prev" = -H ] && [[ "${a,,}" == x-oss-* ]]; then
            canon+="$(printf '%s' "${a%%:*}" | tr A-Z a-z):$(echo "${a#*:}" | sed 's/^ *//; s/ *$//')"$'\n'
        fi
        prev=$a
    done
    canon=$(printf '%s' "$canon" | LC_ALL=C sort)
    [ -n "$canon" ] && canon+='\n'
    date=$(http_date)
    sig=$(v1_sign "$SK" "$method\n\n${CT:-}\n$date\n$canon$resource")
    STATUS=$(curl -s -o "$WORK/b" -D "$WORK/h" -w '%{http_code}' -X "$method" \
        -H "Date: $date" -H "Authorization: OSS $AK:$sig" -H "Content-Type: ${CT:-}" "$@" "$url")
}
anon() {
    local method=$1 url=$2; shift 2
    STATUS=$(curl -s -o "$WORK/b" -D "$WORK/h" -w '%{http_code}' -X "$method" "$@" "$url")
}
code() { sed -n 's:.*<Code>\(.*\)</Code>.*:\1:p' "$WORK/b"; }
expect() { # expect STATUS [CODE] description
    local want=$1 wcode=$2; shift 2
    if [ "$STATUS" = "$want" ] && { [ -z "$wcode" ] || [ "$(code)" = "$wcode" ]; }; then
        pass "$*"
    else
        fail "$* (got $STATUS $(code), want $want $wcode)"
        head -c 600 "$WORK/b"; echo
        if ! kill -0 "$PID" 2>/dev/null; then
            echo "ossemu died:"; cat "$WORK/stderr"; PID=; exit 1
        fi
    fi
}

hmac256_hex() { # key-hex message
    printf '%s' "$2" | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$1" | sed 's/^.*= //'
}
# v4_sig DATETIME CANONICAL-REQUEST: the V4 signature with $SK, region cn-hangzhou.
v4_sig() {
    local now=$1 canon=$2 day=${1%%T*} hash k
    hash=$(printf '%s' "$canon" | openssl dgst -sha256 | sed 's/^.*= //')
    k=$(printf '%s' "aliyun_v4$SK" | od -An -tx1 | tr -d " \n")
    for part in "$day" cn-hangzhou oss aliyun_v4_request; do
        k=$(hmac256_hex "$k" "$part")
    done
    hmac256_hex "$k" "OSS4-HMAC-SHA256
$now
$day/cn-hangzhou/oss/aliyun_v4_request
$hash"
}
# v4 METHOD URI-PATH CANON-QUERY URL: a V4-signed request (header form) with $AK/$SK. URI-PATH
# is the canonical URI (/bucket/key, encoded), CANON-QUERY the canonical query string. SEP is
# the separator before Signature= (", " as ossfs 1.x, "," as ossfs 2.0 and the SDKs).
v4() {
    local method=$1 uri=$2 cq=$3 url=$4; shift 4
    local now sig
    now=$(date -u '+%Y%m%dT%H%M%SZ')
    sig=$(v4_sig "$now" "$method
$uri
$cq
x-oss-content-sha256:UNSIGNED-PAYLOAD
x-oss-date:$now


UNSIGNED-PAYLOAD")
    STATUS=$(curl -s -o "$WORK/b" -D "$WORK/h" -w '%{http_code}' -X "$method" \
        -H "x-oss-date: $now" -H "x-oss-content-sha256: UNSIGNED-PAYLOAD" \
        -H "Authorization: OSS4-HMAC-SHA256 Credential=$AK/${now%%T*}/cn-hangzhou/oss/aliyun_v4_request${SEP:-, }Signature=$sig" \
        "$@" "$url")
}
# v4_presign_url URI-PATH EXPIRES: a presigned V4 GET URL for the canonical URI.
v4_presign_url() {
    local uri=$1 expires=$2 now cq sig
    now=$(date -u '+%Y%m%dT%H%M%SZ')
    cq="x-oss-credential=$AK%2F${now%%T*}%2Fcn-hangzhou%2Foss%2Faliyun_v4_request&x-oss-date=$now&x-oss-expires=$expires&x-oss-signature-version=OSS4-HMAC-SHA256"
    sig=$(v4_sig "$now" "GET
$uri
$cq


UNSIGNED-PAYLOAD")
    echo "$URL$uri?$cq&x-oss-signature=$sig"
}

start_server
B=emu-smoke

# ---- buckets, V1 ----
oss PUT "/$B/" "$URL/$B/"
expect 200 "" "PutBucket"
oss GET "/$B/" "$URL/$B/?accessmonitor"
expect 200 "" "GetBucketAccessMonitor"
grep -q '<Status>Disabled</Status>' "$WORK/b" && pass "access monitor of a new bucket is Disabled" \
    || fail "access monitor body: $(cat "$WORK/b")"
oss GET "/$B/?acl" "$URL/$B/?acl"
expect 200 "" "GetBucketAcl"
grep -q '<Grant>private</Grant>' "$WORK/b" && pass "new bucket is private" || fail "acl body"
grep -qi '^x-oss-request-id: [0-9A-F]\{24\}' "$WORK/h" && pass "x-oss-request-id" \
    || fail "x-oss-request-id missing"
grep -qi '^server: AliyunOSS' "$WORK/h" && pass "Server header" || fail "Server header"

# ---- refusals ----
SK=wrong-secret oss GET "/$B/?acl" "$URL/$B/?acl"
expect 403 SignatureDoesNotMatch "wrong secret"
grep -q "<StringToSign>GET" "$WORK/b" && grep -q "<OSSAccessKeyId>$AK<" "$WORK/b" \
    && pass "SignatureDoesNotMatch carries StringToSign and OSSAccessKeyId" || fail "error extras"
grep -q "alice-secret" "$WORK/b" && fail "secret in an error body"
AK=LTAInobody oss GET "/$B/?acl" "$URL/$B/?acl"
expect 403 InvalidAccessKeyId "unknown access key"
anon GET "$URL/$B/?acl"
expect 403 AccessDenied "anonymous GetBucketAcl"
STATUS=$(curl -s -o "$WORK/b" -w '%{http_code}' -H "Date: $(http_date)" \
    -H "Authorization: OSS garbage" "$URL/$B/?acl")
expect 400 InvalidArgument "malformed Authorization"
old=$(LC_ALL=C date -u -d '-20 min' '+%a, %d %b %Y %H:%M:%S GMT')
sig=$(v1_sign "$SK" "GET\n\n\n$old\n/$B/?acl")
STATUS=$(curl -s -o "$WORK/b" -w '%{http_code}' -H "Date: $old" -H "Authorization: OSS $AK:$sig" \
    "$URL/$B/?acl")
expect 403 RequestTimeTooSkewed "date 20 minutes old"
stale=$(LC_ALL=C date -u -d '-60 sec' '+%a, %d %b %Y %H:%M:%S GMT')
sig=$(v1_sign "$SK" "GET\n\n\n$stale\n/$B/?acl")
STATUS=$(curl -s -o "$WORK/b" -w '%{http_code}' -H "Date: $stale" \
    -H "Authorization: OSS $AK:$sig" "$URL/$B/?acl")
expect 200 "" "date 60 seconds old is accepted"

# ---- objects: path style, virtual-hosted, %2F, absolute-form, large body ----
printf 'hello world!' >"$WORK/hello"
CT=text/plain oss PUT "/$B/dir/hello+1.txt" "$URL/$B/dir/hello%2B1.txt" --data-binary @"$WORK/hello"
expect 200 "" "PutObject (path style)"
oss GET "/$B/dir/hello+1.txt" "$URL/dir%2Fhello%2B1.txt" -H "Host: $B.localhost"
expect 200 "" "GetObject (virtual-hosted, %2F in the key)"
cmp -s "$WORK/b" "$WORK/hello" && pass "object content" || fail "object content differs"
oss GET "/$B/dir/hello+1.txt" "$URL/dir/hello%2B1.txt" -H "Host: $B.oss-cn-hangzhou.aliyuncs.com"
expect 200 "" "GetObject (ali-oss style Host)"
oss GET "/$B/dir/hello+1.txt" "http://$B.localhost/dir/hello%2B1.txt" --proxy "$URL"
expect 200 "" "GetObject (absolute-form target through a proxy setting)"
oss HEAD "/$B/missing" "$URL/$B/missing" -I
expect 404 "" "HeadObject of a missing key"
grep -qi '^x-oss-err: ' "$WORK/h" && pass "x-oss-err on a HEAD error" || fail "no x-oss-err"
head -c 3000000 /dev/urandom >"$WORK/big"
oss PUT "/$B/big" "$URL/$B/big" -T "$WORK/big"
expect 200 "" "PutObject of 3 MB (spooled, Expect: 100-continue)"
oss GET "/$B/big" "$URL/$B/big"
cmp -s "$WORK/b" "$WORK/big" && pass "3 MB object round trip" || fail "3 MB object differs"
[ -z "$(ls -A "$DATA/tmp" 2>/dev/null)" ] && pass "no spool file left" || fail "spool left in tmp"

# ---- presigned V1 ----
exp=$(( $(date +%s) + 300 ))
sig=$(v1_sign "$SK" "GET\n\n\n$exp\n/$B/dir/hello+1.txt" | sed 's/+/%2B/g; s:/:%2F:g; s/=/%3D/g')
anon GET "$URL/$B/dir/hello%2B1.txt?OSSAccessKeyId=$AK&Expires=$exp&Signature=$sig"
expect 200 "" "presigned V1 GetObject"
exp=$(( $(date +%s) - 10 ))
sig=$(v1_sign "$SK" "GET\n\n\n$exp\n/$B/dir/hello+1.txt" | sed 's/+/%2B/g; s:/:%2F:g; s/=/%3D/g')
anon GET "$URL/$B/dir/hello%2B1.txt?OSSAccessKeyId=$AK&Expires=$exp&Signature=$sig"
expect 403 AccessDenied "expired presigned URL"

# ---- V4 header, both spellings handled by the parser (this one with ", ") ----
v4 GET "/$B/" "acl" "$URL/$B/?acl"
expect 200 "" "V4 GetBucketAcl"
v4 GET "/$B/dir/hello%2B1.txt" "" "$URL/$B/dir/hello%2B1.txt"
expect 200 "" "V4 GetObject"
SEP=, v4 GET "/$B/" "acl" "$URL/$B/?acl"
expect 200 "" "V4 Authorization without a space after the comma"
SK=wrong v4 GET "/$B/" "acl" "$URL/$B/?acl"
expect 403 SignatureDoesNotMatch "V4 with a wrong secret"
grep -q '<CanonicalRequest>' "$WORK/b" && pass "V4 mismatch carries the CanonicalRequest" \
    || fail "no CanonicalRequest in the V4 mismatch"
anon GET "$(v4_presign_url "/$B/dir/hello%2B1.txt" 300)"
expect 200 "" "presigned V4 GetObject"
cmp -s "$WORK/b" "$WORK/hello" && pass "presigned V4 content" || fail "presigned V4 content"
url=$(v4_presign_url "/$B/dir/hello%2B1.txt" 300)
if [ "${url: -1}" = 0 ]; then url="${url%?}1"; else url="${url%?}0"; fi
anon GET "$url"
expect 403 SignatureDoesNotMatch "presigned V4 with an altered signature"

# ---- RAM policy and other accounts ----
AK=LTAIauditor01 SK=auditor-secret oss GET "/$B/?acl" "$URL/$B/?acl"
expect 200 "" "RAM user allowed oss:Get* reads the ACL"
AK=LTAIauditor01 SK=auditor-secret oss PUT "/$B/" "$URL/$B/?accessmonitor" \
    --data-binary '<AccessMonitorConfiguration><Status>Enabled</Status></AccessMonitorConfiguration>'
expect 403 AccessDenied "RAM user without oss:PutBucketAccessMonitor"
oss PUT "/$B/secret.txt" "$URL/$B/secret.txt" --data-binary 'x'
AK=LTAIauditor01 SK=auditor-secret oss GET "/$B/secret.txt" "$URL/$B/secret.txt"
expect 403 AccessDenied "explicit Deny beats Allow"
AK=LTAIbob000001 SK=bob-secret oss GET "/$B/?acl" "$URL/$B/?acl"
expect 403 AccessDenied "another account reads a private bucket's ACL"
AK=LTAIbob000001 SK=bob-secret oss GET "/$B/big" "$URL/$B/big"
expect 403 AccessDenied "another account reads an object of a private bucket"

# ---- STS keys ----
AK=STS.alice01 SK=sts-secret oss GET "/$B/?acl" "$URL/$B/?acl" -H "x-oss-security-token: tok-1"
expect 200 "" "STS key with its security token"
AK=STS.alice01 SK=sts-secret oss GET "/$B/?acl" "$URL/$B/?acl"
expect 403 InvalidSecurityToken "STS key without a security token"
AK=STS.alice01 SK=sts-secret oss GET "/$B/?acl" "$URL/$B/?acl" -H "x-oss-security-token: tok-2"
expect 403 InvalidSecurityToken "STS key with another key's token"
AK=STS.alice02 SK=sts-secret oss GET "/$B/?acl" "$URL/$B/?acl" -H "x-oss-security-token: tok-2"
expect 403 SecurityTokenExpired "expired STS key"

# ---- ACLs for anonymous requests ----
anon GET "$URL/$B/dir/hello%2B1.txt"
expect 403 AccessDenied "anonymous GetObject in a private bucket"
oss PUT "/$B/?acl" "$URL/$B/?acl" -H "x-oss-acl: public-read"
expect 200 "" "PutBucketAcl public-read"
anon GET "$URL/$B/dir/hello%2B1.txt"
expect 200 "" "anonymous GetObject in a public-read bucket"
anon PUT "$URL/$B/anon.txt" --data-binary 'x'
expect 403 AccessDenied "anonymous PutObject in a public-read bucket"

# ---- request log ----
n=$(grep -c '"op":"PutBucket","method":"PUT","bucket":"'$B'","key":"","region":"cn-hangzhou","status":200,' "$LOG")
[ "$n" = 1 ] && pass "one PutBucket line in the request log" || fail "PutBucket lines: $n"
grep -q '"op":"GetBucketAccessMonitor".*"status":200,"code":"".*"akid":"LTAIalice0001"' "$LOG" \
    && pass "GetBucketAccessMonitor logged with akid" || fail "GetBucketAccessMonitor log line"
grep -q '"status":403,"code":"SignatureDoesNotMatch"' "$LOG" && pass "refusal logged with code" \
    || fail "SignatureDoesNotMatch not logged"
grep -q '"op":"PutObject".*"key":"big".*"bytes_in":3000000' "$LOG" && pass "bytes_in logged" \
    || fail "bytes_in of the 3 MB PUT"
grep -q -- '-secret' "$LOG" && fail "a secret in the request log"
bad=$(grep -vc '^{"time":"[0-9T:.-]*Z","op":"[A-Za-z]*","method":"[A-Z]*","bucket":"[^"]*","key":"[^"]*","region":"[a-z0-9-]*","status":[0-9]*,"code":"[A-Za-z]*","fault":"[a-z0-9:,]*","bytes_in":[0-9]*,"bytes_out":[0-9]*,"latency_ms":[0-9.]*,"akid":"[^"]*","secure":false,"request_id":"[0-9A-F]\{24\}"}$' "$LOG")
[ "$bad" = 0 ] && pass "every log line has the documented shape" || fail "$bad malformed lines"

# ---- restart survival ----
stop_server
[ ! -e "$WORK/ready" ] && pass "clean stop removes the ready file" || fail "ready file left"
start_server
oss GET "/$B/dir/hello+1.txt" "$URL/$B/dir/hello%2B1.txt"
expect 200 "" "object after a restart"
cmp -s "$WORK/b" "$WORK/hello" && pass "content after a restart" || fail "content after restart"
oss GET "/$B/?acl" "$URL/$B/?acl"
grep -q '<Grant>public-read</Grant>' "$WORK/b" && pass "ACL after a restart" || fail "ACL lost"

stop_server
if [ "$FAILS" -ne 0 ]; then
    echo "$FAILS check(s) failed"
    exit 1
fi
echo "all ossemu smoke checks passed"
