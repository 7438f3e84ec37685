#!/bin/bash
# .policy-status (issue 9): read-only, true or false as GetBucketPolicyStatus's IsPublic,
# computed by ossemu from the stored policy the way OSS defines "public" (an Allow statement to
# Principal "*" not pinned to source networks or access keys). Each read is one request;
# writes and rm are refused.
. "$(dirname "$0")/lib.sh"

require_root_fuse
B=ctl-pstat
ctl_setup "$B"
F="$M/.policy-status"

expect_ok ".policy-status is listed" "ls -a '$M' | grep -qx .policy-status"
logmark
expect_eq "no policy: false" false "$(cat "$F")"
expect_count "cat is one GetBucketPolicyStatus" 1 GetBucketPolicyStatus

PUB='{"Version":"1","Statement":[{"Effect":"Allow","Principal":["*"],"Action":["oss:GetObject"],"Resource":["acs:oss:*:*:'$B'/*"]}]}'
PRIV='{"Version":"1","Statement":[{"Effect":"Allow","Principal":["1000000000000002"],"Action":["oss:GetObject"],"Resource":["acs:oss:*:*:'$B'/*"]}]}'
PINNED='{"Version":"1","Statement":[{"Effect":"Allow","Principal":["*"],"Action":["oss:GetObject"],"Resource":["acs:oss:*:*:'$B'/*"],"Condition":{"IpAddress":{"acs:SourceIp":["192.168.0.0/16"]}}}]}'
DENY='{"Version":"1","Statement":[{"Effect":"Deny","Principal":["*"],"Action":["oss:DeleteObject"],"Resource":["acs:oss:*:*:'$B'/*"]}]}'

expect_ok "a public policy through .policy" "echo '$PUB' > '$M/.policy'"
expect_eq "public policy: true" true "$(cat "$F")"
srv_put_object "$B" x.txt data
expect_eq "and an anonymous GET works" 200 \
    "$(curl -s -o /dev/null -w '%{http_code}' "$EMU_URL/$B/x.txt")"
expect_ok "a policy for one account" "echo '$PRIV' > '$M/.policy'"
expect_eq "policy for one account: false" false "$(cat "$F")"
expect_ok "a wildcard principal pinned to a source network" "echo '$PINNED' > '$M/.policy'"
expect_eq "pinned to a network: false" false "$(cat "$F")"
expect_ok "a Deny to everyone" "echo '$DENY' > '$M/.policy'"
expect_eq "Deny to everyone: false" false "$(cat "$F")"
printf '%s' "$PUB" >"$T/pub.json"
osscli put-sub "$B" policy "$T/pub.json" || fail "ali-oss PutBucketPolicy"
expect_eq "a public policy set through ali-oss: true" true "$(cat "$F")"
expect_ok "rm .policy" "rm '$M/.policy'"
expect_eq "no policy again: false" false "$(cat "$F")"

logmark
expect_fail_errno "writing is refused" nz "Permission denied" "echo true > '$F'"
expect_fail_errno "rm is refused" nz "" "rm -f '$F'"
expect_count "nothing is sent" 0 write
expect_eq "still readable" false "$(cat "$F")"

finish
