#!/usr/bin/env bash
# Wire replay: the requests real OSS clients send (shared/reference/real-clients.md, "What an
# emulator must tolerate" and the ossfs 1.91 / ossfs 2.0 request sequences), written with curl
# and V1/V4 signatures computed here with openssl, each checked against what the client expects
# and against its request-log line. Usage: wire.sh [path/to/ossemu] (or $OSSEMU).
set -u

OSSEMU=${1:-${OSSEMU:-}}
if [ -z "$OSSEMU" ] || [ ! -x "$OSSEMU" ]; then
    echo "usage: $0 path/to/ossemu" >&2
    exit 2
fi
for tool in curl openssl od sed grep; do
    command -v $tool >/dev/null || { echo "SKIP: $tool is missing"; exit 77; }
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/ossemu-wire.XXXXXX")
LOG=$WORK/requests.jsonl
DOMAIN=oss-local.test
B=mybucket
SENT=0
. "$(dirname "$0")/lib.sh"

cat >"$WORK/accounts.json" <<'EOF'
{"accounts":[{"id":"1000000000000001","name":"alice",
  "keys":[{"id":"LTAIalice0001","secret":"alice-secret"}]}]}
EOF

start_ossemu --data "$WORK/data" --accounts "$WORK/accounts.json" --domain "$DOMAIN" \
    --request-log "$LOG"
PORT=${ADDR##*:}
PATHURL=http://$ADDR              # path style: /<bucket>/<key>, Host 127.0.0.1:PORT
VHOST=$B.$DOMAIN:$PORT            # virtual-hosted: Host <bucket>.<domain>
VURL=http://$VHOST
RESOLVE=(--resolve "$VHOST:127.0.0.1" --resolve "$DOMAIN:$PORT:127.0.0.1")

AK=LTAIalice0001
SK=alice-secret
REGION=cn-hangzhou

# ---- signing ----
# urienc STRING [keep-slash]: RFC 3986 percent-encoding (ASCII input), upper-case hex.
urienc() {
    local s=$1 keep=${2:-} out="" c i h
    for ((i = 0; i < ${#s}; i++)); do
        c=${s:i:1}
        case $c in
        [A-Za-z0-9._~-]) out+=$c ;;
        /) if [ -n "$keep" ]; then out+=/; else out+=%2F; fi ;;
        *) printf -v h '%%%02X' "'$c"; out+=$h ;;
        esac
    done
    printf '%s' "$out"
}
hmac_hex() { # hmac_hex HEXKEY DATA -> hex HMAC-SHA256
    printf '%s' "$2" | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$1" -binary | od -An -tx1 | tr -d ' \n'
}
sha256_hex() { printf '%s' "$1" | openssl dgst -sha256 -binary | od -An -tx1 | tr -d ' \n'; }
v1_sign() { printf '%s' "$2" | openssl dgst -sha1 -hmac "$1" -binary | openssl base64 -A; }
is_subresource() { # the V1 sub-resources these requests use (oss-api.md 2.4)
    case $1 in acl | objectMeta | bucketInfo | versioning | versionId | uploads | uploadId | partNumber | policy | stat | security-token | continuation-token) return 0 ;; esac
    return 1
}

# sreq MODE METHOD BUCKET KEY QUERY URL [curl args...]
# Sends one request with curl. MODE: v1 (Date header), v1x (only x-oss-date, as ali-oss),
# v4 (no space after the commas, as ossfs 2.0), v4s (", " as ossfs 1.x), anon. BUCKET/KEY are
# decoded names; QUERY the decoded parameters "a=1&b" (the URL carries them encoded). SKEW=N
# dates the request N seconds in the past. x-oss-*, Content-Type and Content-MD5 headers among
# the curl args are signed. Leaves $STATUS, $RID, headers in $WORK/h and the body in $WORK/b.
sreq() {
    local mode=$1 method=$2 bucket=$3 key=$4 query=$5 url=$6; shift 6
    local now=$(($(date +%s) - ${SKEW:-0})) prev="" a name val ctype="" cmd5=""
    local -a hdrs=() xo=() auth=()
    for a in "$@"; do
        if [ "$prev" = -H ]; then
            name=$(printf '%s' "${a%%:*}" | tr A-Z a-z)
            val=$(printf '%s' "${a#*:}" | sed 's/^ *//; s/ *$//')
            case $name in
            x-oss-*) xo+=("$name:$val") ;;
            content-type) ctype=$val ;;
            content-md5) cmd5=$val ;;
            esac
        fi
        prev=$a
    done
    case $mode in
    v1 | v1x)
        local date res sub="" p
        date=$(LC_ALL=C date -u -d "@$now" '+%a, %d %b %Y %H:%M:%S GMT')
        if [ "$mode" = v1 ]; then hdrs+=(-H "Date: $date"); else xo+=("x-oss-date:$date"); hdrs+=(-H "x-oss-date: $date"); fi
        res=/
        [ -n "$bucket" ] && res+="$bucket/"
        res+=$key
        local IFS='&'
        for p in $(printf '%s\n' $query | LC_ALL=C sort | tr '\n' '&'); do
            is_subresource "${p%%=*}" && sub+="${sub:+&}$p"
        done
        unset IFS
        [ -n "$sub" ] && res+="?$sub"
        local canon="" h
        while IFS= read -r h; do [ -n "$h" ] && canon+="$h"$'\n'; done < <(printf '%s\n' "${xo[@]}" | LC_ALL=C sort)
        auth=(-H "Authorization: OSS $AK:$(v1_sign "$SK" "$method"$'\n'"$cmd5"$'\n'"$ctype"$'\n'"$date"$'\n'"$canon$res")")
        ;;
    v4 | v4s)
        local dt day uri cq="" p n v canonh="" h creq sts k part sig sep=,
        [ "$mode" = v4s ] && sep=", "
        dt=$(date -u -d "@$now" +%Y%m%dT%H%M%SZ)
        day=${dt%%T*}
        xo+=("x-oss-date:$dt" "x-oss-content-sha256:UNSIGNED-PAYLOAD")
        hdrs+=(-H "x-oss-date: $dt" -H "x-oss-content-sha256: UNSIGNED-PAYLOAD")
        uri=/
        [ -n "$bucket" ] && uri+="$(urienc "$bucket")/"
        uri+=$(urienc "$key" keep)
        local IFS='&'
        local -a enc=()
        for p in $query; do
            n=${p%%=*}
            if [ "$n" = "$p" ]; then enc+=("$(urienc "$n")"); else v=${p#*=}; enc+=("$(urienc "$n")=$(urienc "$v")"); fi
        done
        unset IFS
        [ ${#enc[@]} -gt 0 ] && cq=$(printf '%s\n' "${enc[@]}" | LC_ALL=C sort | paste -sd '&')
        [ -n "$ctype" ] && xo+=("content-type:$ctype")
        [ -n "$cmd5" ] && xo+=("content-md5:$cmd5")
        while IFS= read -r h; do [ -n "$h" ] && canonh+="$h"$'\n'; done < <(printf '%s\n' "${xo[@]}" | LC_ALL=C sort)
        creq="$method"$'\n'"$uri"$'\n'"$cq"$'\n'"$canonh"$'\n'$'\n'"UNSIGNED-PAYLOAD"
        sts="OSS4-HMAC-SHA256"$'\n'"$dt"$'\n'"$day/$REGION/oss/aliyun_v4_request"$'\n'"$(sha256_hex "$creq")"
        k=$(printf '%s' "aliyun_v4$SK" | od -An -tx1 | tr -d ' \n')
        for part in "$day" "$REGION" oss aliyun_v4_request; do k=$(hmac_hex "$k" "$part"); done
        sig=$(hmac_hex "$k" "$sts")
        auth=(-H "Authorization: OSS4-HMAC-SHA256 Credential=$AK/$day/$REGION/oss/aliyun_v4_request${sep}Signature=$sig")
        ;;
    anon) ;;
    *) echo "sreq: bad mode $mode" >&2; exit 2 ;;
    esac
    local -a m=(-X "$method")
    [ "$method" = HEAD ] && m=(-I)
    SENT=$((SENT + 1))
    STATUS=$(curl -s -o "$WORK/b" -D "$WORK/h" -w '%{http_code}' "${m[@]}" "${hdrs[@]}" "${auth[@]}" "$@" "$url")
    RID=$(hdr x-oss-request-id)
}
hdr() { sed -n "s/^$1: *\\(.*\\)\\r\$/\\1/Ip" "$WORK/h" | tail -1; }
code() { sed -n 's:.*<Code>\(.*\)</Code>.*:\1:p' "$WORK/b"; }
body() { cat "$WORK/b"; }
# logline: the request-log line of the last request ($RID); waits briefly for it.
logline() {
    local l=""
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        l=$(grep -F "\"request_id\":\"$RID\"" "$LOG" 2>/dev/null)
        [ -n "$l" ] && break
        sleep 0.05
    done
    printf '%s' "$l"
}
# expect STATUS CODE OP KEY description: the answer and its log line (op, key, status, code).
expect() {
    local want=$1 wcode=$2 op=$3 key=$4; shift 4
    local got_code=$(code) l why=""
    [ -z "$got_code" ] && [ "$STATUS" -ge 300 ] 2>/dev/null && got_code=$(hdr x-oss-err | openssl base64 -d -A 2>/dev/null | sed -n 's:.*<Code>\(.*\)</Code>.*:\1:p')
    [ "$STATUS" = "$want" ] || why+=" status $STATUS (want $want)"
    [ -z "$wcode" ] || [ "$got_code" = "$wcode" ] || why+=" code '$got_code' (want $wcode)"
    l=$(logline)
    if [ -z "$l" ]; then
        why+=" no log line for request id '$RID'"
    else
        for kv in "\"op\":\"$op\"" "\"key\":\"$key\"" "\"status\":$want," "\"code\":\"$wcode\""; do
            [[ "$l" == *"$kv"* ]] || why+=" log lacks $kv"
        done
    fi
    if [ -z "$why" ]; then
        pass "$*"
    else
        fail "$* ($why )"
        [ -n "$l" ] && echo "   log: $l"
        head -c 600 "$WORK/b"; echo
        if ! kill -0 "$PID" 2>/dev/null; then
            echo "ossemu died:"; cat "$WORK/stderr"; PID=; exit 1
        fi
    fi
}
check() { # check DESCRIPTION COMMAND...: a further assertion on the last answer
    local what=$1; shift
    if "$@"; then pass "$what"; else fail "$what"; head -c 400 "$WORK/b"; echo; fi
}
has_hdr() { [ "$(hdr "$1")" = "$2" ]; }
body_is() { [ "$(cat "$WORK/b")" = "$1" ]; }
body_has() { grep -qF -- "$1" "$WORK/b"; }
body_lacks() { ! grep -qF -- "$1" "$WORK/b"; }
saw_100() { grep -q '^HTTP/1.1 100' "$WORK/h"; }

# CRC-64/ECMA (OSS's x-oss-hash-crc64ecma, decimal) of the strings used here, precomputed with
# the conformance suite's crc64 (tests/conformance/helpers.js).
crc64() {
    case $1 in
    'hello world!') echo 9548687815775124833 ;;
    'abc'$'\n') echo 15846253086188071303 ;;
    'nested file'$'\n') echo 5308389822194239329 ;;
    '') echo 0 ;;
    *) echo "crc64: unknown string" >&2; echo none ;;
    esac
}

# ---- fixtures: bucket with hello.txt (12 bytes) and dir/nested.txt ----
printf 'hello world!' >"$WORK/hello"
printf 'nested file\n' >"$WORK/nested"
printf 'abc\n' >"$WORK/abc"
: >"$WORK/empty"

sreq v1 PUT "$B" "" "" "$PATHURL/$B/"
expect 200 "" PutBucket "" "PutBucket (path style, V1)"
sreq v1 PUT "$B" hello.txt "" "$PATHURL/$B/hello.txt" -T "$WORK/hello"
expect 200 "" PutObject hello.txt "PutObject hello.txt (path style, V1)"
check "PutObject answers x-oss-hash-crc64ecma" has_hdr x-oss-hash-crc64ecma "$(crc64 'hello world!')"
sreq v4 PUT "$B" dir/nested.txt "" "$VURL/dir%2Fnested.txt" "${RESOLVE[@]}" -T "$WORK/nested"
expect 200 "" PutObject dir/nested.txt "PutObject dir%2Fnested.txt (virtual-hosted, V4)"
check "PutObject dir/nested.txt crc64" has_hdr x-oss-hash-crc64ecma "$(crc64 'nested file'$'\n')"

# ---- addressing ----
sreq v1 GET "$B" hello.txt "" "$VURL/hello.txt" "${RESOLVE[@]}"
expect 200 "" GetObject hello.txt "virtual-hosted GET (Host: $B.$DOMAIN, curl --resolve)"
check "GET body" body_is 'hello world!'
sreq v1 GET "$B" hello.txt "" "$PATHURL/hello.txt" -H "Host: $B.$DOMAIN"
expect 200 "" GetObject hello.txt "virtual-hosted GET with -H Host to 127.0.0.1"
sreq v1 GET "$B" hello.txt "" "$PATHURL/hello.txt" -H "Host: $B.oss-$REGION.aliyuncs.com"
expect 200 "" GetObject hello.txt "ali-oss style Host <bucket>.oss-<region>.aliyuncs.com to an IP"
sreq v1 GET "$B" hello.txt "" "$PATHURL/$B/hello.txt"
expect 200 "" GetObject hello.txt "path style GET /$B/hello.txt"
sreq v1 GET "$B" hello.txt "" "http://$B.$DOMAIN/hello.txt" -x "http://$ADDR"
expect 200 "" GetObject hello.txt "absolute-form target (ossemu as the HTTP proxy)"
check "absolute-form GET body" body_is 'hello world!'
sreq v4 GET "$B" dir/nested.txt "" "http://$B.$DOMAIN/dir%2Fnested.txt" -x "http://$ADDR"
expect 200 "" GetObject dir/nested.txt "absolute-form target with %2F, V4"
sreq v1 HEAD "$B" dir/nested.txt "objectMeta" "$VURL/dir%2Fnested.txt?objectMeta" "${RESOLVE[@]}"
expect 200 "" GetObjectMeta dir/nested.txt "HEAD /dir%2Fnested.txt?objectMeta (bare objectMeta, %2F key)"
check "objectMeta: Content-Length 12" has_hdr Content-Length 12
check "objectMeta: x-oss-hash-crc64ecma" has_hdr x-oss-hash-crc64ecma "$(crc64 'nested file'$'\n')"
check "objectMeta: ETag" test -n "$(hdr ETag)"
sreq v1 HEAD "$B" dir/nested.txt "" "$PATHURL/$B/dir%2Fnested.txt"
expect 200 "" HeadObject dir/nested.txt "path style HEAD with %2F in the key"

# ---- listings ----
for k in a1 a2 a3 b1; do
    sreq v1 PUT "$B" "list/$k" "" "$PATHURL/$B/list/$k" -T "$WORK/empty"
    expect 200 "" PutObject "list/$k" "PutObject list/$k (0 bytes)"
done
sreq v1 GET "$B" "" "max-keys=2&prefix=list/" "$PATHURL/$B/?max-keys=2&prefix=list%2F"
expect 200 "" ListObjects "" "v1 listing, first page"
check "v1 page 1: list/a1, list/a2, truncated" \
    eval 'body_has "<Key>list/a1</Key>" && body_has "<Key>list/a2</Key>" && body_lacks "<Key>list/a3</Key>" && body_has "<IsTruncated>true</IsTruncated>" && body_has "<NextMarker>list/a2</NextMarker>"'
sreq v1 GET "$B" "" "marker=list/a2&max-keys=2&prefix=list/" "$PATHURL/$B/?marker=list%2Fa2&max-keys=2&prefix=list%2F"
expect 200 "" ListObjects "" "v1 listing with marker"
check "v1 page 2: list/a3, list/b1, not truncated" \
    eval 'body_has "<Key>list/a3</Key>" && body_has "<Key>list/b1</Key>" && body_lacks "<Key>list/a2</Key>" && body_has "<IsTruncated>false</IsTruncated>" && body_has "<Marker>list/a2</Marker>"'
sreq v4 GET "$B" "" "list-type=2&max-keys=3&prefix=list/" "$VURL/?list-type=2&max-keys=3&prefix=list%2F" "${RESOLVE[@]}"
expect 200 "" ListObjectsV2 "" "list-type=2, first page (V4)"
token=$(sed -n 's:.*<NextContinuationToken>\(.*\)</NextContinuationToken>.*:\1:p' "$WORK/b")
check "list-type=2 page 1 truncated with a continuation token, KeyCount 3" \
    eval 'body_has "<KeyCount>3</KeyCount>" && body_has "<IsTruncated>true</IsTruncated>" && [ -n "$token" ]'
sreq v4 GET "$B" "" "continuation-token=$token&list-type=2&max-keys=3&prefix=list/" \
    "$VURL/?continuation-token=$(urienc "$token")&list-type=2&max-keys=3&prefix=list%2F" "${RESOLVE[@]}"
expect 200 "" ListObjectsV2 "" "list-type=2 with continuation-token"
check "list-type=2 page 2: list/b1 only" eval 'body_has "<Key>list/b1</Key>" && body_lacks "<Key>list/a3</Key>" && body_has "<KeyCount>1</KeyCount>"'
sreq v1 GET "$B" "" "list-type=2&start-after=list/a3&prefix=list/" "$VURL/?list-type=2&start-after=list%2Fa3&prefix=list%2F" "${RESOLVE[@]}"
expect 200 "" ListObjectsV2 "" "list-type=2 with start-after"
check "start-after list/a3: list/b1" eval 'body_has "<Key>list/b1</Key>" && body_lacks "<Key>list/a3</Key>"'
sreq v1 GET "$B" "" "prefix" "$VURL/?prefix" "${RESOLVE[@]}"
expect 200 "" ListObjects "" "bare ?prefix (no '=') lists everything"
check "bare prefix: hello.txt and dir/nested.txt" eval 'body_has "<Key>hello.txt</Key>" && body_has "<Key>dir/nested.txt</Key>"'

# ---- ranges ----
sreq v1 GET "$B" hello.txt "" "$VURL/hello.txt" "${RESOLVE[@]}" -H 'Range: bytes=0-11'
expect 206 "" GetObject hello.txt "Range bytes=0-11 -> 206"
check "Content-Range bytes 0-11/12" has_hdr Content-Range 'bytes 0-11/12'
check "206 body" body_is 'hello world!'
check "206 carries x-oss-hash-crc64ecma of the object" has_hdr x-oss-hash-crc64ecma "$(crc64 'hello world!')"
sreq v1 GET "$B" hello.txt "" "$VURL/hello.txt" "${RESOLVE[@]}" -H 'Range: bytes=6-'
expect 206 "" GetObject hello.txt "Range bytes=6- -> 206"
check "Content-Range bytes 6-11/12, body world!" eval 'has_hdr Content-Range "bytes 6-11/12" && body_is "world!"'
sreq v1 GET "$B" hello.txt "" "$VURL/hello.txt" "${RESOLVE[@]}" -H 'Range: bytes=0-99' -H 'x-oss-range-behavior: standard'
expect 206 "" GetObject hello.txt "Range past the end with x-oss-range-behavior: standard -> 206, clipped"
check "clipped Content-Range bytes 0-11/12" has_hdr Content-Range 'bytes 0-11/12'
sreq v1 GET "$B" hello.txt "" "$VURL/hello.txt" "${RESOLVE[@]}" -H 'Range: bytes=20-30' -H 'x-oss-range-behavior: standard'
expect 416 InvalidRange GetObject hello.txt "unsatisfiable Range with x-oss-range-behavior: standard -> 416"
check "416 Content-Range bytes */12" has_hdr Content-Range 'bytes */12'
sreq v1 GET "$B" hello.txt "" "$VURL/hello.txt" "${RESOLVE[@]}" -H 'Range: bytes=20-30'
expect 200 "" GetObject hello.txt "unsatisfiable Range without the header: OSS ignores it, 200 whole"
check "whole body" body_is 'hello world!'

# ---- Expect: 100-continue ----
sreq v1 PUT "$B" expect.txt "" "$VURL/expect.txt" "${RESOLVE[@]}" -T "$WORK/abc" \
    -H 'Expect: 100-continue' --expect100-timeout 20
expect 200 "" PutObject expect.txt "PUT with Expect: 100-continue"
check "100 Continue came before the final answer" saw_100
check "PutObject crc64 of abc\\n" has_hdr x-oss-hash-crc64ecma "$(crc64 'abc'$'\n')"

# ---- signatures and dates ----
sreq v4 GET "$B" hello.txt "" "$VURL/hello.txt" "${RESOLVE[@]}"
expect 200 "" GetObject hello.txt "V4 Authorization without spaces (ossfs 2.0 spelling)"
sreq v4s GET "$B" hello.txt "" "$PATHURL/$B/hello.txt"
expect 200 "" GetObject hello.txt "V4 Authorization with ', ' (ossfs 1.x spelling)"
sreq v1x GET "$B" hello.txt "" "$VURL/hello.txt" "${RESOLVE[@]}"
expect 200 "" GetObject hello.txt "V1 with only x-oss-date, no Date (ali-oss)"
SKEW=60 sreq v1 GET "$B" hello.txt "" "$VURL/hello.txt" "${RESOLVE[@]}"
expect 200 "" GetObject hello.txt "V1 Date 60 s stale accepted"
SKEW=60 sreq v4 GET "$B" hello.txt "" "$VURL/hello.txt" "${RESOLVE[@]}"
expect 200 "" GetObject hello.txt "V4 x-oss-date 60 s stale accepted"
SKEW=960 sreq v1 GET "$B" hello.txt "" "$VURL/hello.txt" "${RESOLVE[@]}"
expect 403 RequestTimeTooSkewed GetObject hello.txt "V1 Date 16 min stale refused"
SKEW=960 sreq v1x GET "$B" hello.txt "" "$VURL/hello.txt" "${RESOLVE[@]}"
expect 403 RequestTimeTooSkewed GetObject hello.txt "V1 x-oss-date 16 min stale refused"
SKEW=960 sreq v4s GET "$B" hello.txt "" "$VURL/hello.txt" "${RESOLVE[@]}"
expect 403 RequestTimeTooSkewed GetObject hello.txt "V4 x-oss-date 16 min stale refused"
SK=wrong sreq v1 GET "$B" hello.txt "" "$VURL/hello.txt" "${RESOLVE[@]}"
expect 403 SignatureDoesNotMatch GetObject hello.txt "V1 with a wrong secret refused (the checks above are real)"
SK=wrong sreq v4 GET "$B" hello.txt "" "$VURL/hello.txt" "${RESOLVE[@]}"
expect 403 SignatureDoesNotMatch GetObject hello.txt "V4 with a wrong secret refused"
sreq anon GET "$B" hello.txt "" "$VURL/hello.txt" "${RESOLVE[@]}"
expect 403 AccessDenied GetObject hello.txt "anonymous GET of a private object refused"

# ---- crc64 on HEAD and GET ----
sreq v1 HEAD "$B" hello.txt "" "$VURL/hello.txt" "${RESOLVE[@]}"
expect 200 "" HeadObject hello.txt "HeadObject"
check "HEAD x-oss-hash-crc64ecma" has_hdr x-oss-hash-crc64ecma "$(crc64 'hello world!')"
check "HEAD Content-Length 12" has_hdr Content-Length 12
sreq v1 GET "$B" hello.txt "" "$VURL/hello.txt" "${RESOLVE[@]}"
expect 200 "" GetObject hello.txt "GetObject"
check "GET x-oss-hash-crc64ecma" has_hdr x-oss-hash-crc64ecma "$(crc64 'hello world!')"

# ---- GetBucketInfo reports Versioning once configured ----
sreq v1 GET "$B" "" "bucketInfo" "$VURL/?bucketInfo" "${RESOLVE[@]}"
expect 200 "" GetBucketInfo "" "GetBucketInfo of a never-versioned bucket"
check "no <Versioning> before versioning was configured" body_lacks '<Versioning>'
printf '<VersioningConfiguration><Status>Suspended</Status></VersioningConfiguration>' >"$WORK/vc"
sreq v1 PUT "$B" "" "versioning" "$VURL/?versioning" "${RESOLVE[@]}" --data-binary "@$WORK/vc" \
    -H 'Content-Type: application/xml'
expect 200 "" PutBucketVersioning "" "PutBucketVersioning Suspended"
sreq v1 GET "$B" "" "bucketInfo" "$VURL/?bucketInfo" "${RESOLVE[@]}"
expect 200 "" GetBucketInfo "" "GetBucketInfo after versioning was suspended"
check "<Versioning>Suspended</Versioning>" body_has '<Versioning>Suspended</Versioning>'

echo "---- ossfs 1.91 sequences (path style, V1) ----"
for i in 1 2; do
    sreq v1 GET "$B" "" "max-keys=2" "$PATHURL/$B/?max-keys=2"
    expect 200 "" ListObjects "" "mount: GET /$B/?max-keys=2 ($i)"
    check "mount listing is a ListBucketResult with MaxKeys 2" eval 'body_has "<ListBucketResult>" && body_has "<MaxKeys>2</MaxKeys>"'
done
sreq v1 GET "$B" "" "delimiter=/&max-keys=1000&prefix=" "$PATHURL/$B/?delimiter=/&max-keys=1000&prefix="
expect 200 "" ListObjects "" "ls -la: GET ?delimiter=/&max-keys=1000&prefix="
check "ls -la listing: hello.txt, CommonPrefixes dir/ and list/" \
    eval 'body_has "<Key>hello.txt</Key>" && body_has "<Prefix>dir/</Prefix>" && body_has "<Prefix>list/</Prefix>" && body_lacks "<Key>dir/nested.txt</Key>"'
sreq v1 HEAD "$B" hello.txt "" "$PATHURL/$B/hello.txt"
expect 200 "" HeadObject hello.txt "ls -la: HEAD hello.txt"
check "HEAD hello.txt: Content-Length 12, Last-Modified, ETag" \
    eval 'has_hdr Content-Length 12 && [ -n "$(hdr Last-Modified)" ] && [ -n "$(hdr ETag)" ]'
for k in dir/ dir dir/ 'dir_$folder$'; do
    sreq v1 HEAD "$B" "$k" "" "$PATHURL/$B/$(urienc "$k" keep)"
    expect 404 NoSuchKey HeadObject "$k" "ls -la: directory probe HEAD $k -> 404"
done
sreq v1 GET "$B" "" "delimiter=/&max-keys=2&prefix=dir/" "$PATHURL/$B/?delimiter=/&max-keys=2&prefix=dir/"
expect 200 "" ListObjects "" "ls -la: GET ?delimiter=/&max-keys=2&prefix=dir/ (the directory exists)"
check "dir/ listing has dir/nested.txt" body_has '<Key>dir/nested.txt</Key>'
sreq v1 HEAD "$B" hello.txt "" "$PATHURL/$B/hello.txt"
expect 200 "" HeadObject hello.txt "cat: HEAD hello.txt"
sreq v1 GET "$B" hello.txt "" "$PATHURL/$B/hello.txt" -H 'Range: bytes=0-11'
expect 206 "" GetObject hello.txt "cat: GET Range bytes=0-11 -> 206"
check "cat: Content-Range and body" eval 'has_hdr Content-Range "bytes 0-11/12" && body_is "hello world!"'
# echo abc > new.txt
for k in new.txt new.txt/ 'new.txt_$folder$'; do
    sreq v1 HEAD "$B" "$k" "" "$PATHURL/$B/$(urienc "$k" keep)"
    expect 404 NoSuchKey HeadObject "$k" "write: probe HEAD $k -> 404"
done
sreq v1 GET "$B" "" "delimiter=/&max-keys=2&prefix=new.txt/" "$PATHURL/$B/?delimiter=/&max-keys=2&prefix=new.txt/"
expect 200 "" ListObjects "" "write: probe listing prefix=new.txt/"
check "write probe listing is empty" eval 'body_lacks "<Contents>" && body_lacks "<CommonPrefixes>"'
META=(-H 'x-oss-meta-atime: 1764077400' -H 'x-oss-meta-ctime: 1764077400' -H 'x-oss-meta-gid: 1000'
    -H 'x-oss-meta-mode: 33188' -H 'x-oss-meta-mtime: 1764077400' -H 'x-oss-meta-uid: 1000')
sreq v1 PUT "$B" new.txt "" "$PATHURL/$B/new.txt" -T "$WORK/empty" "${META[@]}" -H 'Content-Type: text/plain'
expect 200 "" PutObject new.txt "write: PUT of 0 bytes with x-oss-meta-{atime,ctime,gid,mode,mtime,uid}"
check "0-byte PUT crc64 0" has_hdr x-oss-hash-crc64ecma 0
sreq v1 HEAD "$B" new.txt "" "$PATHURL/$B/new.txt"
expect 200 "" HeadObject new.txt "write: HEAD new.txt"
check "HEAD returns the x-oss-meta-* headers" \
    eval 'has_hdr x-oss-meta-mode 33188 && has_hdr x-oss-meta-uid 1000 && has_hdr x-oss-meta-mtime 1764077400 && has_hdr Content-Length 0 && has_hdr Content-Type text/plain'
sreq v1 GET "$B" "" "delimiter=/&max-keys=1000&prefix=" "$PATHURL/$B/?delimiter=/&max-keys=1000&prefix="
expect 200 "" ListObjects "" "write: listing"
check "listing shows new.txt" body_has '<Key>new.txt</Key>'
sreq v1 PUT "$B" new.txt "" "$PATHURL/$B/new.txt" -T "$WORK/abc" "${META[@]}" -H 'Content-Type: text/plain' \
    -H 'Expect: 100-continue' --expect100-timeout 20
expect 200 "" PutObject new.txt "write: PUT of 4 bytes with Expect: 100-continue"
check "write: 100 Continue" saw_100
sreq v1 HEAD "$B" new.txt "" "$PATHURL/$B/new.txt"
expect 200 "" HeadObject new.txt "write: HEAD new.txt"
check "HEAD after write: Content-Length 4, crc64, meta kept" \
    eval 'has_hdr Content-Length 4 && has_hdr x-oss-hash-crc64ecma "$(crc64 "abc"$'"'\\n'"')" && has_hdr x-oss-meta-mode 33188'
sreq v1 GET "$B" new.txt "" "$PATHURL/$B/new.txt"
expect 200 "" GetObject new.txt "write: GET new.txt"
check "GET new.txt is abc" body_is 'abc'

echo "---- ossfs 2.0.7 sequences (virtual-hosted; V1, then V4 as with --oss_region) ----"
for mode in v1 v4; do
    nk=new-$mode.txt
    sreq $mode GET "$B" "" "list-type=2&max-keys=1&prefix" "$VURL/?list-type=2&max-keys=1&prefix" "${RESOLVE[@]}"
    expect 200 "" ListObjectsV2 "" "[$mode] mount: GET /?list-type=2&max-keys=1&prefix"
    check "[$mode] mount: one key, truncated" eval 'body_has "<KeyCount>1</KeyCount>" && body_has "<IsTruncated>true</IsTruncated>"'
    sreq $mode GET "$B" "" "delimiter=/&list-type=2&max-keys=100&prefix" "$VURL/?delimiter=%2F&list-type=2&max-keys=100&prefix" "${RESOLVE[@]}"
    expect 200 "" ListObjectsV2 "" "[$mode] ls -la: GET /?delimiter=%2F&list-type=2&max-keys=100&prefix"
    check "[$mode] ls -la: hello.txt with Size 12, LastModified and ETag; dir/ a CommonPrefix" \
        eval 'body_has "<Key>hello.txt</Key>" && body_has "<Size>12</Size>" && body_has "<LastModified>" && body_has "<ETag>" && body_has "<Prefix>dir/</Prefix>" && body_lacks "<Key>dir/nested.txt</Key>"'
    sreq $mode GET "$B" hello.txt "" "$VURL/hello.txt" "${RESOLVE[@]}" -H 'Range: bytes=0-11' -H 'x-oss-range-behavior: standard'
    expect 206 "" GetObject hello.txt "[$mode] cat: GET /hello.txt Range bytes=0-11, x-oss-range-behavior: standard"
    check "[$mode] cat: Content-Range, crc64, body" \
        eval 'has_hdr Content-Range "bytes 0-11/12" && has_hdr x-oss-hash-crc64ecma "$(crc64 "hello world!")" && body_is "hello world!"'
    sreq $mode HEAD "$B" dir/nested.txt "objectMeta" "$VURL/dir%2Fnested.txt?objectMeta" "${RESOLVE[@]}"
    expect 200 "" GetObjectMeta dir/nested.txt "[$mode] cat of an unlisted path: HEAD /dir%2Fnested.txt?objectMeta"
    check "[$mode] objectMeta: Content-Length 12 and crc64" \
        eval 'has_hdr Content-Length 12 && has_hdr x-oss-hash-crc64ecma "$(crc64 "nested file"$'"'\\n'"')"'
    sreq $mode GET "$B" dir/nested.txt "" "$VURL/dir%2Fnested.txt" "${RESOLVE[@]}" -H 'Range: bytes=0-11' -H 'x-oss-range-behavior: standard'
    expect 206 "" GetObject dir/nested.txt "[$mode] cat: GET /dir%2Fnested.txt"
    check "[$mode] nested body" body_is 'nested file'
    for i in 1 2; do
        sreq $mode HEAD "$B" "$nk" "objectMeta" "$VURL/$nk?objectMeta" "${RESOLVE[@]}"
        expect 404 NoSuchKey GetObjectMeta "$nk" "[$mode] write: HEAD /$nk?objectMeta -> 404 ($i)"
        check "[$mode] 404 HEAD carries x-oss-err" test -n "$(hdr x-oss-err)"
        sreq $mode GET "$B" "" "list-type=2&max-keys=1&prefix=$nk/" "$VURL/?list-type=2&max-keys=1&prefix=$nk%2F" "${RESOLVE[@]}"
        expect 200 "" ListObjectsV2 "" "[$mode] write: GET ?list-type=2&max-keys=1&prefix=$nk%2F ($i)"
        check "[$mode] write probe: KeyCount 0" body_has '<KeyCount>0</KeyCount>'
    done
    sreq $mode PUT "$B" "$nk" "" "$VURL/$nk" "${RESOLVE[@]}" -T "$WORK/empty"
    expect 200 "" PutObject "$nk" "[$mode] write: PUT 0 bytes"
    check "[$mode] PUT 0 bytes: crc64 0, ETag" eval 'has_hdr x-oss-hash-crc64ecma 0 && [ -n "$(hdr ETag)" ]'
    sreq $mode PUT "$B" "$nk" "" "$VURL/$nk" "${RESOLVE[@]}" -T "$WORK/abc"
    expect 200 "" PutObject "$nk" "[$mode] write: PUT 4 bytes"
    check "[$mode] PUT 4 bytes: crc64" has_hdr x-oss-hash-crc64ecma "$(crc64 'abc'$'\n')"
    sreq $mode HEAD "$B" "$nk" "objectMeta" "$VURL/$nk?objectMeta" "${RESOLVE[@]}"
    expect 200 "" GetObjectMeta "$nk" "[$mode] write: HEAD ?objectMeta"
    check "[$mode] objectMeta after write: Content-Length 4, crc64" \
        eval 'has_hdr Content-Length 4 && has_hdr x-oss-hash-crc64ecma "$(crc64 "abc"$'"'\\n'"')"'
    sreq $mode GET "$B" "$nk" "" "$VURL/$nk" "${RESOLVE[@]}"
    expect 200 "" GetObject "$nk" "[$mode] write: GET"
    check "[$mode] GET: abc, crc64" eval 'body_is abc && has_hdr x-oss-hash-crc64ecma "$(crc64 "abc"$'"'\\n'"')"'
done

# Every request above has exactly one log line.
sent=$(grep -c . "$LOG")
ids=$(sed -n 's/.*"request_id":"\([0-9A-F]*\)".*/\1/p' "$LOG" | sort -u | wc -l)
if [ "$sent" -eq "$SENT" ] && [ "$ids" -eq "$SENT" ]; then
    pass "request log: $sent lines for $SENT requests, one per request id"
else
    fail "request log: $sent lines with $ids distinct request ids for $SENT requests"
fi

stop_server
if [ "$FAILS" -ne 0 ]; then
    echo "wire: $FAILS check(s) failed"
    exit 1
fi
echo "wire: all checks passed"
