#!/usr/bin/env bash
# Multipart parts in place (docs/decisions.md, "Multipart parts in place"): parts written into
# their slots of the upload's assembly file, and a CompleteMultipartUpload that hands that file
# over as the object's data (the object's file under DIR/objects has the assembly file's inode)
# when parts 1..n are in their slots, or copies the parts otherwise. Every case checks the
# GetObject bytes, the multipart ETag (MD5 of the part ETags' hex, "-n") and the CRC64 (against
# a PutObject of the same bytes). Usage: multipart.sh path/to/ossemu (or $OSSEMU).
set -u

OSSEMU=${1:-${OSSEMU:-}}
if [ -z "$OSSEMU" ] || [ ! -x "$OSSEMU" ]; then
    echo "usage: $0 path/to/ossemu" >&2
    exit 2
fi
for tool in curl openssl md5sum head stat find cmp; do
    command -v $tool >/dev/null || { echo "SKIP: $tool is missing"; exit 77; }
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/ossemu-multipart.XXXXXX")
LOG=$WORK/requests.jsonl
DATA=$WORK/data
. "$(dirname "$0")/lib.sh"

cat >"$WORK/accounts.json" <<'JSON'
{"accounts":[{"id":"1000000000000001","name":"alice",
  "keys":[{"id":"LTAIalice0001","secret":"alice-secret"}]}]}
JSON
AK=LTAIalice0001
SK=alice-secret
B=/mpbucket

start_ossemu --data "$DATA" --accounts "$WORK/accounts.json" --request-log "$LOG"

now() { LC_ALL=C date -u '+%a, %d %b %Y %H:%M:%S GMT'; }
# oss METHOD RESOURCE [curl args]: a V1-signed request for RESOURCE (its query parameters are
# all sub-resources here); $OSSH holds the x-oss- headers to sign ("name:value\n" each).
# Leaves the status in $ST, the headers in $WORK/h and the body in $WORK/b.
oss() {
    local m=$1 res=$2 d s
    shift 2
    d=$(now)
    s=$(printf '%s\n\n\n%s\n%s%s' "$m" "$d" "${OSSH:-}" "$res" | openssl dgst -sha1 -hmac "$SK" -binary |
        openssl base64 -A)
    ST=$(curl -s -o "$WORK/b" -D "$WORK/h" -w '%{http_code}' -X "$m" -H "Date: $d" -H 'Content-Type:' \
        -H "Authorization: OSS $AK:$s" "$@" "http://$ADDR$res")
}
hdr() { grep -i "^$1:" "$WORK/h" | head -n 1 | cut -d: -f2- | tr -d '\r" '; }
md5u() { md5sum "$1" | awk '{print toupper($1)}'; }

# initiate KEY: sets UPLOAD.
initiate() {
    oss POST "$B/$1?uploads"
    UPLOAD=$(sed -n 's:.*<UploadId>\(.*\)</UploadId>.*:\1:p' "$WORK/b")
    [ "$ST" = 200 ] && [ -n "$UPLOAD" ] || fail "initiate $1: $ST $(cat "$WORK/b")"
}
# part KEY N FILE: UploadPart; checks that its ETag is the file's MD5.
part() {
    oss PUT "$B/$1?partNumber=$2&uploadId=$UPLOAD" -T "$3"
    [ "$ST" = 200 ] && [ "$(hdr ETag)" = "$(md5u "$3")" ] ||
        fail "UploadPart $1 #$2: $ST ETag $(hdr ETag) $(cat "$WORK/b")"
}
# complete KEY N...: CompleteMultipartUpload of part numbers N... with the ETags in $WORK/etag.N.
complete() {
    local key=$1 n x
    shift
    x='<CompleteMultipartUpload>'
    for n in "$@"; do x+="<Part><PartNumber>$n</PartNumber><ETag>\"$(cat "$WORK/etag.$n")\"</ETag></Part>"; done
    x+='</CompleteMultipartUpload>'
    printf '%s' "$x" >"$WORK/complete.xml"
    oss POST "$B/$key?uploadId=$UPLOAD" --data-binary @"$WORK/complete.xml"
}
# asm_inode: the inode of the current upload's assembly file ("" when there is none).
asm_inode() { stat -c %i "$DATA/parts/$UPLOAD.asm" 2>/dev/null; }
# handed_over INODE: right after a completion (before anything else can reuse the inode), 0 when
# the file under DIR/objects with that inode holds exactly $WORK/want. A copy is a new file,
# made while the assembly file still existed, so it cannot have the assembly file's inode.
handed_over() {
    local f
    [ -n "$1" ] || return 1
    f=$(find "$DATA/objects" -type f -inum "$1" 2>/dev/null | head -n 1)
    [ -n "$f" ] && cmp -s "$f" "$WORK/want"
}

# check WHAT KEY EXPECTED-FILE ETAG...: the last answer was a 200 CompleteMultipartUpload whose
# ETag is the multipart ETag of the given part ETags and whose CRC64 is that of a PutObject of
# the same bytes; GetObject gives those bytes with that ETag and CRC64.
check() {
    local what=$1 key=$2 want=$3 e hexes="" n=0 cetag ccrc
    shift 3
    if [ "$ST" != 200 ]; then
        fail "$what: CompleteMultipartUpload $ST $(cat "$WORK/b")"
        return 1
    fi
    for e in "$@"; do hexes+=$e; n=$((n + 1)); done
    e="$(printf '%s' "$hexes" | md5sum | awk '{print toupper($1)}')-$n"
    cetag=$(hdr ETag)
    ccrc=$(hdr x-oss-hash-crc64ecma)
    oss PUT "$B/ref-$key" -T "$want"
    local refcrc
    refcrc=$(hdr x-oss-hash-crc64ecma)
    oss GET "$B/$key"
    if [ "$ST" != 200 ] || ! cmp -s "$WORK/b" "$want"; then
        fail "$what: GetObject $ST, bytes differ from the expected object"
        return 1
    fi
    if [ "$cetag" != "$e" ] || [ "$(hdr ETag)" != "$e" ]; then
        fail "$what: ETag complete $cetag get $(hdr ETag), want $e"
        return 1
    fi
    if [ -z "$refcrc" ] || [ "$ccrc" != "$refcrc" ] || [ "$(hdr x-oss-hash-crc64ecma)" != "$refcrc" ]; then
        fail "$what: CRC64 complete $ccrc get $(hdr x-oss-hash-crc64ecma), PutObject $refcrc"
        return 1
    fi
    return 0
}

oss PUT "$B/"
[ "$ST" = 200 ] || fail "PutBucket: $ST"

KIB=1024
S=$((1536 * KIB)) # above the front's 1 MiB in-memory limit
for i in 1 2 3 4 5 6; do head -c $S /dev/urandom >"$WORK/p$i"; done
head -c $((300 * KIB)) /dev/urandom >"$WORK/short"
head -c $((S + 1)) /dev/urandom >"$WORK/long"
etags() { for f in "$@"; do md5u "$WORK/$f"; done; }

# ---- 1. three parts of the stride and a short last part: completed in place ----
initiate inplace
for i in 1 2 3; do part inplace $i "$WORK/p$i"; md5u "$WORK/p$i" >"$WORK/etag.$i"; done
part inplace 4 "$WORK/short"
md5u "$WORK/short" >"$WORK/etag.4"
ino=$(asm_inode)
cat "$WORK/p1" "$WORK/p2" "$WORK/p3" "$WORK/short" >"$WORK/want"
complete inplace 1 2 3 4
handed_over "$ino" && moved=0 || moved=1
if check "in place" inplace "$WORK/want" $(etags p1 p2 p3 short); then
    if [ $moved = 0 ] && [ ! -e "$DATA/parts/$UPLOAD.asm" ]; then
        pass "3 parts + short last: the assembly file (inode $ino) is the object, cut to length"
    else
        fail "in place: the assembly file (inode '$ino') is not the object's data (copied?)"
    fi
fi

# ---- 2. a part re-uploaded with other bytes: the new bytes win ----
initiate again
for i in 1 2 3; do part again $i "$WORK/p$i"; done
part again 2 "$WORK/p4"
for i in 1 3; do md5u "$WORK/p$i" >"$WORK/etag.$i"; done
md5u "$WORK/p4" >"$WORK/etag.2"
oss GET "$B/again?uploadId=$UPLOAD"
grep -q "<PartNumber>2</PartNumber>.*<ETag>&quot;$(md5u "$WORK/p4")&quot;</ETag>\|<ETag>\"$(md5u "$WORK/p4")\"</ETag>" "$WORK/b" ||
    fail "ListParts after the re-upload does not show the new ETag of part 2: $(cat "$WORK/b")"
complete again 1 2 3
cat "$WORK/p1" "$WORK/p4" "$WORK/p3" >"$WORK/want"
check "re-upload" again "$WORK/want" $(etags p1 p4 p3) && pass "part 2 re-uploaded: the new bytes win"

# ---- 3. a part of another size than the stride: the copy path ----
initiate sizes
part sizes 1 "$WORK/p1"
part sizes 2 "$WORK/long"
part sizes 3 "$WORK/short"
md5u "$WORK/p1" >"$WORK/etag.1"
md5u "$WORK/long" >"$WORK/etag.2"
md5u "$WORK/short" >"$WORK/etag.3"
ino=$(asm_inode)
cat "$WORK/p1" "$WORK/long" "$WORK/short" >"$WORK/want"
complete sizes 1 2 3
handed_over "$ino" && moved=0 || moved=1
if check "part over the stride" sizes "$WORK/want" $(etags p1 long short); then
    [ -n "$ino" ] && [ $moved = 1 ] &&
        pass "part 2 one byte over the stride: copied, object correct" ||
        fail "part over the stride: assembly inode '$ino' became the object"
fi

# ---- 4. parts 1, 3, 5: in their slots, but not 1..n, so copied from the slots ----
initiate gaps
for i in 1 3 5; do part gaps $i "$WORK/p$i"; md5u "$WORK/p$i" >"$WORK/etag.$i"; done
complete gaps 1 3 5
cat "$WORK/p1" "$WORK/p3" "$WORK/p5" >"$WORK/want"
check "parts 1,3,5" gaps "$WORK/want" $(etags p1 p3 p5) && pass "parts 1, 3, 5: complete"

# ---- 5. uploads cut off mid-body leave the committed part intact and the slot free ----
initiate cut
part cut 1 "$WORK/p1"
part cut 2 "$WORK/long" # over the stride: its own file; slot 2 stays free
head -c $((S / 2)) "$WORK/p6" >"$WORK/half"
cutoff() { # cutoff KEY N: sends half of a stride-sized body for part N, then drops the connection
    local d s res="$B/$1?partNumber=$2&uploadId=$UPLOAD"
    d=$(now)
    s=$(printf 'PUT\n\n\n%s\n%s' "$d" "$res" | openssl dgst -sha1 -hmac "$SK" -binary | openssl base64 -A)
    curl -s -o /dev/null --max-time 2 -X PUT -H "Date: $d" -H 'Content-Type:' -H "Content-Length: $S" \
        -H "Authorization: OSS $AK:$s" --data-binary @"$WORK/half" "http://$ADDR$res"
}
cutoff cut 1 # part 1 is committed in its slot: this one was spooled
cutoff cut 2 # slot 2 was free: this one wrote into it, and commits nothing
sleep 0.5
md5u "$WORK/p1" >"$WORK/etag.1"
md5u "$WORK/long" >"$WORK/etag.2"
complete cut 1 2
cat "$WORK/p1" "$WORK/long" >"$WORK/want"
check "cut off" cut "$WORK/want" $(etags p1 long) &&
    pass "uploads of parts 1 and 2 cut mid-body: the committed parts stay"

# The claim of a cut upload ends with it: the slot takes the next upload of that number.
initiate recut
part recut 1 "$WORK/p1"
part recut 2 "$WORK/long"
cutoff recut 2
sleep 0.5
part recut 2 "$WORK/p2"
part recut 3 "$WORK/short"
for f in 1:p1 2:p2 3:short; do md5u "$WORK/${f#*:}" >"$WORK/etag.${f%%:*}"; done
ino=$(asm_inode)
cat "$WORK/p1" "$WORK/p2" "$WORK/short" >"$WORK/want"
complete recut 1 2 3
handed_over "$ino" && moved=0 || moved=1
if check "after a cut" recut "$WORK/want" $(etags p1 p2 short); then
    [ $moved = 0 ] &&
        pass "after a cut upload of part 2 its slot took the next one: completed in place" ||
        fail "after a cut: slot 2 was not reused (assembly inode '$ino')"
fi

# ---- 6. two concurrent uploads of one part number: the object is one of them ----
# Round 1: a slow upload overtaken by a fast one that starts later, so that two writers of one
# slot would leave a mix of both; round 2: two at one pace; round 3: the other way round.
rate_a=(x 2M 3M 100M) delay_b=(x 0.3 0 0) rate_b=(x 100M 3M 2M)
for round in 1 2 3; do
    initiate race
    pids=
    for who in a b; do
        head -c $S /dev/urandom >"$WORK/race.$who"
    done
    for who in a b; do
        rate=${rate_a[$round]}
        [ $who = b ] && sleep ${delay_b[$round]} && rate=${rate_b[$round]}
        d=$(now)
        res="$B/race?partNumber=1&uploadId=$UPLOAD"
        s=$(printf 'PUT\n\n\n%s\n%s' "$d" "$res" | openssl dgst -sha1 -hmac "$SK" -binary | openssl base64 -A)
        curl -s -o /dev/null -w '%{http_code}' --limit-rate $rate -X PUT -H "Date: $d" \
            -H 'Content-Type:' -H "Authorization: OSS $AK:$s" -T "$WORK/race.$who" \
            "http://$ADDR$res" >"$WORK/race.$who.st" &
        pids+=" $!"
    done
    wait $pids
    [ "$(cat "$WORK/race.a.st" "$WORK/race.b.st")" = 200200 ] ||
        fail "race $round: part uploads answered $(cat "$WORK/race.a.st" "$WORK/race.b.st")"
    part race 2 "$WORK/short" # after part 1: the first part fixes the stride
    OSSH=$'x-oss-complete-all:yes\n' oss POST "$B/race?uploadId=$UPLOAD" -H 'x-oss-complete-all: yes'
    cst=$ST
    cp "$WORK/h" "$WORK/h.complete"
    oss GET "$B/race"
    won=
    for who in a b; do
        cat "$WORK/race.$who" "$WORK/short" >"$WORK/want.$who"
        cmp -s "$WORK/b" "$WORK/want.$who" && won=$who
    done
    cp "$WORK/h.complete" "$WORK/h"
    ST=$cst
    if [ -z "$won" ]; then
        fail "race $round: the object is neither upload"
    elif check "race $round" race "$WORK/want.$won" $(etags race.$won short); then
        pass "race $round: two uploads of part 1 at once, the object is upload $won byte for byte"
    fi
done

# ---- 7. UploadPartCopy writes into the slots too ----
head -c $((3 * S + 300 * KIB)) /dev/urandom >"$WORK/src"
oss PUT "$B/src" -T "$WORK/src"
initiate copied
for i in 1 2 3 4; do
    first=$(((i - 1) * S))
    last=$((i * S - 1))
    [ $i = 4 ] && last=$((3 * S + 300 * KIB - 1))
    OSSH=$'x-oss-copy-source:/mpbucket/src\nx-oss-copy-source-range:bytes='"$first-$last"$'\n' oss PUT "$B/copied?partNumber=$i&uploadId=$UPLOAD" \
        -H 'x-oss-copy-source: /mpbucket/src' -H "x-oss-copy-source-range: bytes=$first-$last"
    [ "$ST" = 200 ] || fail "UploadPartCopy $i: $ST $(cat "$WORK/b")"
    hdr ETag >"$WORK/etag.$i"
    tail -c +$((first + 1)) "$WORK/src" | head -c $((last - first + 1)) >"$WORK/c$i"
done
ino=$(asm_inode)
cp "$WORK/src" "$WORK/want"
complete copied 1 2 3 4
handed_over "$ino" && moved=0 || moved=1
if check "UploadPartCopy" copied "$WORK/want" $(etags c1 c2 c3 c4); then
    [ $moved = 0 ] &&
        pass "UploadPartCopy parts: completed in place" ||
        fail "UploadPartCopy: assembly inode '$ino' is not the object's"
fi

# ---- 8. the stride and the slots survive a restart ----
initiate restart
part restart 1 "$WORK/p1"
stop_server
start_ossemu --data "$DATA" --accounts "$WORK/accounts.json" --request-log "$LOG"
part restart 2 "$WORK/short"
md5u "$WORK/p1" >"$WORK/etag.1"
md5u "$WORK/short" >"$WORK/etag.2"
ino=$(asm_inode)
cat "$WORK/p1" "$WORK/short" >"$WORK/want"
complete restart 1 2
handed_over "$ino" && moved=0 || moved=1
if check "restart" restart "$WORK/want" $(etags p1 short); then
    [ $moved = 0 ] &&
        pass "part 2 after a restart: slot kept, completed in place" ||
        fail "restart: assembly inode '$ino' is not the object's"
fi

# ---- 9. abort removes the assembly file and the part files ----
left=$(find "$DATA/parts" "$DATA/tmp" -type f | wc -l)
[ "$left" = 0 ] || fail "before abort: $left files left under parts/ and tmp/: $(find "$DATA/parts" "$DATA/tmp" -type f)"
initiate aborted
part aborted 1 "$WORK/p1"
part aborted 2 "$WORK/long"
part aborted 3 "$WORK/p3"
[ -n "$(asm_inode)" ] && [ "$(find "$DATA/parts" -type f | wc -l)" = 2 ] ||
    fail "abort: expected the assembly file and one part file, found $(find "$DATA/parts" -type f)"
oss DELETE "$B/aborted?uploadId=$UPLOAD"
left=$(find "$DATA/parts" "$DATA/tmp" -type f | wc -l)
[ "$ST" = 204 ] && [ "$left" = 0 ] && pass "abort: 204, no file left under parts/ or tmp/" ||
    fail "abort: $ST, files left: $(find "$DATA/parts" "$DATA/tmp" -type f)"
oss PUT "$B/aborted?partNumber=1&uploadId=$UPLOAD" -T "$WORK/p1"
[ "$ST" = 404 ] && grep -q NoSuchUpload "$WORK/b" || fail "UploadPart after abort: $ST"
[ "$(find "$DATA/parts" -type f | wc -l)" = 0 ] || fail "UploadPart after abort left a file"

kill -0 "$PID" 2>/dev/null || fail "ossemu died"
[ "$FAILS" -eq 0 ] && echo "multipart: all passed" && exit 0
echo "multipart: $FAILS failed"
exit 1
