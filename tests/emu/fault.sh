#!/usr/bin/env bash
# Fault injection of ossemu, end to end: with a 10% error rate (503, 500, 429), connection
# resets, latency and a bandwidth cap on PutObject/GetObject, the C client's retries complete
# 200 round trips whose bytes read back identical (fault_roundtrip checks MD5 and CRC64); the
# request log shows every fault and the retry after it, and each GetObject cut mid-body resumed
# by the library with a ranged GetObject; the server ends with every object and the right ETag;
# the admin endpoint turns faults on and off at run time; a seed fixes the fault sequence.
# Usage: fault.sh path/to/ossemu path/to/fault_roundtrip
set -u

OSSEMU=${1:-}
DRIVER=${2:-}
if [ ! -x "$OSSEMU" ] || [ ! -x "$DRIVER" ]; then
    echo "usage: $0 path/to/ossemu path/to/fault_roundtrip" >&2
    exit 2
fi
for tool in curl jq; do
    command -v $tool >/dev/null || { echo "SKIP: $tool is missing"; exit 77; }
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/ossemu-fault.XXXXXX")
PID=
FAILS=0
export OSS_ACCESS_KEY_ID=LTAIfault0001 OSS_ACCESS_KEY_SECRET=fault-secret

fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }
pass() { echo "ok: $*"; }
check() { # check DESCRIPTION COMMAND...: passes when the command succeeds
    local what=$1; shift
    if "$@"; then pass "$what"; else fail "$what"; fi
}
jqe() { jq -e "$@" >/dev/null; }

stop_server() {
    if [ -n "$PID" ]; then
        kill -TERM "$PID" 2>/dev/null
        wait "$PID" 2>/dev/null
        local rc=$?
        PID=
        [ "$rc" -eq 0 ] || fail "ossemu exited with status $rc on SIGTERM"
    fi
}
cleanup() {
    stop_server
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# start_server NAME ARGS...: a fresh ossemu with its data, log and admin endpoint in $WORK/NAME;
# sets URL, ADMIN and LOG.
start_server() {
    local dir=$WORK/$1; shift
    mkdir -p "$dir"
    "$OSSEMU" --data "$dir/data" --listen 127.0.0.1:0 --ready-file "$dir/ready" \
        --admin 127.0.0.1:0 --admin-ready-file "$dir/admin" --request-log "$dir/log" "$@" \
        >"$dir/stdout" 2>"$dir/stderr" &
    PID=$!
    for _ in $(seq 100); do
        [ -s "$dir/ready" ] && [ -s "$dir/admin" ] && break
        kill -0 "$PID" 2>/dev/null || break
        sleep 0.1
    done
    if [ ! -s "$dir/ready" ] || [ ! -s "$dir/admin" ]; then
        echo "FAIL: ossemu did not start"; cat "$dir/stderr"; exit 1
    fi
    URL=http://$(cat "$dir/ready")
    ADMIN=http://$(cat "$dir/admin")
    LOG=$dir/log
}

# 4% 503 + 3% 500 + 3% 429 = 10% error answers, 5% resets, on the object operations only.
OPS='ops=PutObject|GetObject'
FAULTS="status=503,rate=0.04,$OPS;status=500,rate=0.03,$OPS;status=429,rate=0.03,$OPS"
FAULTS+=";reset,rate=0.05,$OPS;latency=3,rate=0.1,$OPS;bandwidth=4m,rate=0.1,ops=GetObject"
BUCKET=fault-rt
drive() { "$DRIVER" --url "$URL" --bucket "$BUCKET" --retries 6 --retry-base-ms 20 "$@"; }

# ---- 200 round trips under faults ----
start_server run1 --fault "$FAULTS" --fault-seed 42
if drive --count 200 --seed 7 >"$WORK/run1.out" 2>&1; then
    pass "200 PutObject+GetObject round trips under faults: $(cat "$WORK/run1.out")"
else
    fail "round trips under faults: $(cat "$WORK/run1.out")"
fi
cp "$LOG" "$WORK/run1.log"
L=$WORK/run1.log

check "the request log is one JSON object per line, each with a fault field" \
    jqe -s 'length > 400 and all(.[]; has("fault") and has("status") and has("bytes_out"))' "$L"
for sc in "503 ServiceUnavailable" "500 InternalError" "429 QpsLimitExceeded"; do
    set -- $sc
    n=$(jq -s --argjson st "$1" --arg code "$2" '[.[] | select(.status == $st and
          .code == $code and (.fault | split(",") | index("status:\($st)")))] | length' "$L")
    if [ "$n" -gt 0 ]; then pass "$n injected $1 $2 answers logged"; else fail "no $1 $2 in the log"; fi
done
check "injected errors only hit PutObject and GetObject" \
    jqe -s 'all(.[] | select(.fault != ""); .op == "PutObject" or .op == "GetObject")' "$L"
n=$(jq -s '[.[] | select(.op == "PutObject" and (.fault | test("reset")))] | length' "$L")
check "$n PutObject resets logged as unanswered (status 0, nothing sent)" \
    jqe -s '[.[] | select(.op == "PutObject" and (.fault | test("reset")))] |
              length > 0 and all(.[]; .status == 0 and .bytes_out == 0 and .code == "")' "$L"
# A GetObject cut mid-body says what went out: fewer bytes than the object has.
n=$(jq -s '[.[] | select(.op == "GetObject" and (.fault | test("reset")) and .status >= 200)]
           | length' "$L")
check "$n GetObject answers cut mid-body, each logged with fewer bytes than the object" \
    jqe -s '
      (reduce (.[] | select(.op == "PutObject" and .status == 200)) as $p ({};
          .[$p.key] = $p.bytes_in)) as $size
      | [.[] | select(.op == "GetObject" and (.fault | test("reset")) and .status >= 200)]
      | length > 0 and all(.[]; .bytes_out < $size[.key])' "$L"
check "every failed attempt is followed by a retry of the same operation and key" \
    jqe -s '. as $l | [range(0; length) | select($l[.].fault | test("status|reset"))
              | select(. + 1 >= ($l | length) or $l[. + 1].op != $l[.].op
                       or $l[. + 1].key != $l[.].key)] | length == 0' "$L"
# The library resumes a GetObject cut after body bytes: the next answered request (injected
# error answers aside) is a ranged GetObject of the same key (206), and the answers of each
# key's reads add up to its size: every byte went out once, nothing was read twice.
CUTS=$(jq -s '[.[] | select(.op == "GetObject" and (.fault | test("reset")) and
                            .status >= 200 and .bytes_out > 0)] | length' "$L")
check "$CUTS GetObject answers cut after body bytes, each resumed with a ranged GetObject (206)" \
    jqe -s '. as $l | [range(0; length) | select($l[.].op == "GetObject" and
              ($l[.].fault | test("reset")) and $l[.].status >= 200 and $l[.].bytes_out > 0)]
            | length > 0 and all(.[]; . as $i
                | [$l[$i + 1:][] | select(.fault | test("status:") | not)] | first
                | . != null and .op == "GetObject" and .key == $l[$i].key and .status == 206)' "$L"
check "each object's GetObject answers add up to its size (no byte sent twice or skipped)" \
    jqe -s '
      (reduce (.[] | select(.op == "PutObject" and .status == 200)) as $p ({};
          .[$p.key] = $p.bytes_in)) as $size
      | (reduce (.[] | select(.op == "GetObject" and (.status == 200 or .status == 206))) as $g
          ({}; .[$g.key] += $g.bytes_out)) as $read
      | ($size | length) == 200 and all($size | to_entries[]; $read[.key] == .value)' "$L"
RETRIES=$(jq -s '[.[] | select(.fault | test("status|reset"))] | length' "$L")
RANGED=$(jq -s '[.[] | select(.op == "GetObject" and .status == 206)] | length' "$L")
pass "$RETRIES failed attempts retried or resumed by the client library ($RANGED ranged GetObject)"
check "each key's last PutObject and last GetObject succeeded, not failed by a fault" \
    jqe -s '(group_by(.key) | map(select(.[0].key | startswith("fault/")))) as $g
              | ($g | length) == 200 and all($g[];
                  ([.[] | select(.op == "PutObject")] | last
                   | .status == 200 and (.fault | test("status|reset") | not))
                  and ([.[] | select(.op == "GetObject")] | last
                       | (.status == 200 or .status == 206) and (.fault | test("status|reset") | not)))' "$L"
check "added latency shows in latency_ms" \
    jqe -s '[.[] | select(.fault | test("latency:"))] | length > 0 and
              all(.[]; .latency_ms >= (.fault | capture("latency:(?<m>[0-9]+)").m | tonumber))' "$L"
check "a bandwidth-capped GetObject takes at least its bytes over the cap" \
    jqe -s '[.[] | select((.fault | test("bandwidth:")) and (.fault | test("reset") | not)
                            and .status == 200 and .bytes_out > 65536)]
              | length > 0 and all(.[];
                  .latency_ms >= (.bytes_out / 4194304 * 1000 - 60) * 0.9)' "$L"

# ---- faults off at run time; the server state is exactly what was written ----
st=$(curl -s -o /dev/null -w '%{http_code}' -X DELETE "$ADMIN/faults")
check "DELETE /faults answers 204" [ "$st" = 204 ]
check "GET /faults shows no rules and counts the injected faults" \
    jqe '.faults == [] and .seed == 42 and .injected.status > 0 and .injected.reset > 0' \
    <<<"$(curl -s "$ADMIN/faults")"
before=$(wc -l <"$LOG")
if drive --mode verify --count 200 --seed 7 >"$WORK/verify.out" 2>&1; then
    pass "every key present with the right ETag, size and CRC64: $(cat "$WORK/verify.out")"
else
    fail "server state after the round trips: $(cat "$WORK/verify.out")"
fi
check "without rules, answers are clean" \
    jqe -s 'length > 200 and all(.[]; .fault == "" and .status == 200)' \
    <<<"$(tail -n +$((before + 1)) "$LOG")"

# ---- the admin endpoint at run time (anonymous ListBuckets answers 403 AccessDenied) ----
code_of() { sed -n 's:.*<Code>\(.*\)</Code>.*:\1:p' "$WORK/b"; }
st=$(curl -s -o "$WORK/b" -w '%{http_code}' "$URL/")
check "clean answer before: $st $(code_of)" [ "$st" = 403 ]
FULL=$(tail -n 1 "$LOG" | jq .bytes_out)
cfg=$(curl -s -X PUT --data '{"faults":["status=503,ops=ListBuckets"]}' "$ADMIN/faults")
check "PUT /faults answers the new configuration" \
    jqe '.faults == ["status=503,code=ServiceUnavailable,ops=ListBuckets"]' <<<"$cfg"
check "GET /faults shows it" jqe '.faults | length == 1' <<<"$(curl -s "$ADMIN/faults")"
st=$(curl -s -o "$WORK/b" -D "$WORK/h" -w '%{http_code}' "$URL/")
check "turned on: $st $(code_of) with a request id" \
    eval '[ "$st" = 503 ] && [ "$(code_of)" = ServiceUnavailable ] && grep -qi "^x-oss-request-id:" "$WORK/h"'
check "the log line says status:503" \
    jqe '.op == "ListBuckets" and .status == 503 and .fault == "status:503"' <<<"$(tail -n 1 "$LOG")"
st=$(curl -s -o "$WORK/b" -w '%{http_code}' -X PUT --data '{"faults":["status=200"]}' \
    "$ADMIN/faults")
check "a bad rule is refused with 400 and a reason: $(cat "$WORK/b")" \
    eval '[ "$st" = 400 ] && grep -q "4xx or 5xx" "$WORK/b"'
check "and changes nothing" jqe '.faults | length == 1' <<<"$(curl -s "$ADMIN/faults")"
curl -s -o /dev/null -X PUT \
    --data '{"faults":"status=429,ops=ListBuckets;latency=300,ops=ListBuckets"}' "$ADMIN/faults"
t=$(curl -s -o "$WORK/b" -w '%{http_code} %{time_total}' "$URL/")
check "429 QpsLimitExceeded after 300 ms of added latency: $t" \
    eval '[ "${t% *}" = 429 ] && [ "$(code_of)" = QpsLimitExceeded ] &&
          awk -v s="${t#* }" "BEGIN { exit !(s >= 0.3) }"'
curl -s -o /dev/null -X PUT --data '{"faults":["reset,ops=ListBuckets"]}' "$ADMIN/faults"
curl -s -o "$WORK/b" "$URL/"
rc=$?
check "a reset answer breaks the transfer (curl exit $rc) and is logged with the bytes sent" \
    eval '[ "$rc" -ne 0 ] && jq -e ".fault == \"reset\" and .status == 403 and .bytes_out < $FULL" \
          <<<"$(tail -n 1 "$LOG")" >/dev/null'
# lost: the operation is applied, the answer never arrives; the client's retry converges.
curl -s -o /dev/null -X PUT --data '{"seed":5,"faults":["lost,rate=0.5,ops=PutObject"]}' \
    "$ADMIN/faults"
BUCKET=fault-lost
if drive --count 10 --seed 9 >"$WORK/lost.out" 2>&1; then
    pass "round trips converge with lost PutObject answers"
else
    fail "round trips with lost answers: $(cat "$WORK/lost.out")"
fi
check "lost answers are logged as applied but unanswered (status 0, fault lost:200)" \
    jqe -s '[.[] | select(.fault == "lost:200")] | length > 0 and
              all(.[]; .status == 0 and .bytes_out == 0 and .op == "PutObject")' "$LOG"
curl -s -o /dev/null -X DELETE "$ADMIN/faults"
st=$(curl -s -o "$WORK/b" -w '%{http_code}' "$URL/")
check "turned off: clean answer again ($st $(code_of))" \
    eval '[ "$st" = 403 ] && [ "$(code_of)" = AccessDenied ] &&
          jqe ".fault == \"\"" <<<"$(tail -n 1 "$LOG")" >/dev/null'
st=$(curl -s -o /dev/null -w '%{http_code}' "$ADMIN/other")
check "the admin endpoint serves /faults only ($st)" [ "$st" = 404 ]
stop_server

# ---- the same seed gives the same fault sequence; another seed another one ----
seq_of() { jq -r '[.op, .key, .status, .code, .fault, .bytes_out] | @tsv' "$1"; }
BUCKET=fault-rt
start_server run2 --fault "$FAULTS" --fault-seed 42
drive --count 200 --seed 7 >"$WORK/run2.out" 2>&1 || fail "second run: $(cat "$WORK/run2.out")"
stop_server
start_server run3 --fault "$FAULTS" --fault-seed 43
drive --count 200 --seed 7 >"$WORK/run3.out" 2>&1 || fail "third run: $(cat "$WORK/run3.out")"
stop_server
if cmp -s <(seq_of "$WORK/run1.log") <(seq_of "$WORK/run2/log"); then
    pass "seed 42 twice: the same $(wc -l <"$WORK/run1.log") requests, faults and answers"
else
    fail "seed 42 twice gave different sequences:"
    diff <(seq_of "$WORK/run1.log") <(seq_of "$WORK/run2/log") | head -20
fi
if ! cmp -s <(seq_of "$WORK/run1.log") <(seq_of "$WORK/run3/log"); then
    pass "seed 43 gives another fault sequence"
else
    fail "seeds 42 and 43 gave the same sequence"
fi

# ---- bad command lines are refused ----
"$OSSEMU" --data "$WORK/x" --listen 127.0.0.1:0 --admin 0.0.0.0:0 >/dev/null 2>"$WORK/err" &
p=$!
for _ in $(seq 50); do kill -0 $p 2>/dev/null || break; sleep 0.1; done
if kill -0 $p 2>/dev/null; then
    kill -TERM $p; wait $p
    fail "--admin on a non-loopback address was accepted"
else
    wait $p
    check "--admin on a non-loopback address is refused: $(cat "$WORK/err")" \
        grep -q "loopback" "$WORK/err"
fi
"$OSSEMU" --data "$WORK/x" --fault 'status=503,rate=2' >/dev/null 2>"$WORK/err"
rc=$?
check "--fault with a bad rate is refused (exit $rc): $(cat "$WORK/err")" \
    eval '[ "$rc" = 2 ] && grep -q "rate" "$WORK/err"'

if [ "$FAILS" -ne 0 ]; then
    echo "$FAILS check(s) failed"
    exit 1
fi
echo "all fault injection checks passed"
