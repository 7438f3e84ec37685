#!/bin/bash
# Runs oss_client_check against a private ossemu (free port, temp dir) with signature V1 and
# V4, then checks that the request log holds exactly one line per call, with the op names,
# buckets, keys and error codes the checker expected, and a request id on every line.
# Usage: run.sh OSSEMU OSS_CLIENT_CHECK. Exits 77 (skipped) when ossemu is not built.
set -u
OSSEMU=${1:?usage: run.sh OSSEMU OSS_CLIENT_CHECK}
CHECK=${2:?usage: run.sh OSSEMU OSS_CLIENT_CHECK}
[ -x "$OSSEMU" ] || { echo "ossemu not found at $OSSEMU: skipped"; exit 77; }

tmp=$(mktemp -d /tmp/oss-client-check.XXXXXX)
emu_pid=
cleanup() {
    if [ -n "$emu_pid" ]; then
        kill "$emu_pid" 2>/dev/null
        wait "$emu_pid" 2>/dev/null
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail() {
    echo "FAIL: $*"
    echo "--- ossemu output"; tail -n 30 "$tmp/ossemu.out" 2>/dev/null
    exit 1
}

cat >"$tmp/accounts.json" <<'JSON'
{"accounts":[
 {"id":"1000000000000001","name":"alice",
  "keys":[{"id":"LTAIalice0001","secret":"alice-secret"}],
  "users":[{"id":"2000000000000001","name":"auditor",
            "keys":[{"id":"LTAIauditor01","secret":"auditor-secret"}],
            "policy":{"Version":"1","Statement":[{"Effect":"Allow",
                      "Action":["oss:Get*","oss:List*"],"Resource":["acs:oss:*:*:*"]}]}}]},
 {"id":"1000000000000002","name":"bob",
  "keys":[{"id":"LTAIbob000001","secret":"bob-secret"}]}
]}
JSON
mkdir "$tmp/data"
"$OSSEMU" --data "$tmp/data" --listen 127.0.0.1:0 --ready-file "$tmp/ready" \
    --accounts "$tmp/accounts.json" --request-log "$tmp/requests.log" >"$tmp/ossemu.out" 2>&1 &
emu_pid=$!
for _ in $(seq 150); do
    [ -s "$tmp/ready" ] && break
    kill -0 "$emu_pid" 2>/dev/null || fail "ossemu exited during start-up"
    sleep 0.1
done
[ -s "$tmp/ready" ] || fail "ossemu did not become ready in 15 s"
addr=$(head -n 1 "$tmp/ready")
echo "ossemu at $addr (pid $emu_pid)"

export OWNER_AKID=LTAIalice0001 OWNER_SECRET=alice-secret
export OTHER_AKID=LTAIbob000001 OTHER_SECRET=bob-secret
export RAM_AKID=LTAIauditor01 RAM_SECRET=auditor-secret

"$CHECK" --url "http://$addr" --bucket client-check-v1 --sigv1 --expect-log "$tmp/expect-v1" ||
    fail "checks failed with signature V1"
"$CHECK" --url "http://$addr" --bucket client-check-v4 --region cn-hangzhou \
    --expect-log "$tmp/expect-v4" || fail "checks failed with signature V4"

# The request log: one line per call, in order; "*" in the expected code matches any code.
sleep 0.2
jq -r '[.op, .bucket, .key, .code] | @tsv' "$tmp/requests.log" >"$tmp/got" ||
    fail "request log is not one JSON object per line"
cat "$tmp/expect-v1" "$tmp/expect-v4" >"$tmp/want"
if ! awk -F'\t' 'NR == FNR { want[FNR] = $0; n = FNR; next }
        { got[FNR] = $0; m = FNR }
        END {
            bad = 0
            if (n != m) { printf "expected %d log lines, got %d\n", n, m; bad = 1 }
            for (i = 1; i <= (n > m ? n : m); i++) {
                split(want[i], w, "\t"); split(got[i], g, "\t")
                if (w[1] != g[1] || w[2] != g[2] || w[3] != g[3] || (w[4] != "*" && w[4] != g[4])) {
                    printf "line %d: want [%s] got [%s]\n", i, want[i], got[i]; bad = 1
                    if (++shown > 10) break
                }
            }
            exit bad
        }' "$tmp/want" "$tmp/got"; then
    fail "request log does not match the calls"
fi
missing=$(jq -r 'select((.request_id // "") == "") | .op' "$tmp/requests.log" | wc -l)
[ "$missing" -eq 0 ] || fail "$missing request log lines without a request id"
akids=$(jq -r '.akid' "$tmp/requests.log" | sort -u | tr '\n' ' ')
case "$akids" in
*LTAIalice0001*LTAIauditor01*LTAIbob000001*) ;;
*) fail "request log akids unexpected: $akids" ;;
esac
echo "request log: $(wc -l <"$tmp/got") lines match the calls"
echo "PASS"
