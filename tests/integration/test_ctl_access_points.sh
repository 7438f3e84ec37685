#!/bin/bash
# Access points (issue 9): BUCKET/.access-points lists them (ListAccessPoints), mkdir creates one
# reachable from the internet (CreateAccessPoint), rmdir deletes it (DeleteAccessPoint); inside,
# .policy (access point policy, JSON), .public-access-block and the read-only .info
# (GetAccessPoint). The effect is checked through the alias with ali-oss: a policy granting a
# RAM user oss:GetObject lets that user read through the alias and nothing else.
. "$(dirname "$0")/lib.sh"

require_root_fuse
B=ctl-ap
ctl_setup "$B"
D="$M/.access-points"

srv_put_object "$B" doc.txt "through the alias"
expect_ok ".access-points is listed at the bucket root" "ls -a '$M' | grep -qx .access-points"
logmark
expect_eq "no access points: empty listing" "" "$(ls "$D")"
expect_count "the listing is one ListAccessPoints" 1 ListAccessPoints

logmark
expect_ok "mkdir creates an access point" "mkdir '$D/ap1'"
expect_count "one CreateAccessPoint" 1 CreateAccessPoint
expect_count "nothing else of the write kind" 1 write
expect_eq "ls lists it" ap1 "$(ls "$D")"
expect_ok "it is a directory (ls -ld)" "ls -ld '$D/ap1' | grep -q '^d'"
expect_eq "find walks it" "$D $D/ap1 $D/ap1/.info $D/ap1/.policy $D/ap1/.public-access-block" \
    "$(find "$D" | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//')"
expect_eq "server: ListAccessPoints names it" ap1 \
    "$(osscli get-sub "$B" accessPoint | xml_values AccessPointName)"
expect_fail_errno "mkdir of a bad name: nothing sent" nz "Invalid argument" "mkdir '$D/Bad_Name'"
expect_fail_errno "mkdir of an existing one" nz "File exists" "mkdir '$D/ap1'"
expect_fail_errno "another uid may not create one" nz "Permission denied" \
    "setpriv --reuid=65534 --regid=65534 --clear-groups mkdir '$D/ap2'"

INFO=$(cat "$D/ap1/.info")
ALIAS=$(printf '%s' "$INFO" | xml_values Alias)
expect_ok ".info names the alias" "[[ '$ALIAS' == ap1-*-ossalias ]]"
expect_eq ".info: network origin" internet "$(printf '%s' "$INFO" | xml_values NetworkOrigin)"
expect_eq ".info: status" enable "$(printf '%s' "$INFO" | xml_values Status)"
expect_fail_errno ".info is read-only" nz "Permission denied" "echo x > '$D/ap1/.info'"

logmark
expect_eq ".policy: empty without a policy" "" "$(cat "$D/ap1/.policy")"
expect_count "one GetAccessPointPolicy" 1 GetAccessPointPolicy
as_auditor() { SRV_USER=auditor osscli "$@"; }
as_auditor get-object "$ALIAS" doc.txt >/dev/null 2>&1
expect_eq "no policy: the RAM user cannot read through the alias" 2 "$?"

POL='{"Version":"1","Statement":[{"Effect":"Allow","Principal":["2000000000000001"],"Action":["oss:GetObject"],"Resource":["acs:oss:*:*:accesspoint/ap1/object/*"]}]}'
logmark
expect_ok "echo a policy" "echo '$POL' > '$D/ap1/.policy'"
expect_count "one PutAccessPointPolicy" 1 PutAccessPointPolicy
expect_count "nothing else of the write kind" 1 write
expect_eq "cat prints it" "$POL" "$(cat "$D/ap1/.policy")"
expect_eq "the RAM user reads through the alias" "through the alias" \
    "$(as_auditor get-object "$ALIAS" doc.txt)"
printf 'x' >"$T/x.txt"
as_auditor put-object "$ALIAS" x.txt "$T/x.txt" >/dev/null 2>&1
expect_eq "but cannot write through it" 2 "$?"
as_auditor list "$ALIAS" >/dev/null 2>&1
expect_eq "nor list through it (its RAM policy allows List*)" 2 "$?"
SRV_USER=bob osscli get-object "$ALIAS" doc.txt >/dev/null 2>&1
expect_eq "another account cannot read through it" 2 "$?"
expect_fail_errno "a policy that is not JSON is refused" 1 "Invalid argument" \
    "echo 'Allow all' > '$D/ap1/.policy'"

# Block Public Access of the access point
PUB='{"Version":"1","Statement":[{"Effect":"Allow","Principal":["*"],"Action":["oss:GetObject"],"Resource":["acs:oss:*:*:accesspoint/ap1/object/*"]}]}'
anon_alias() {
    curl -s -o /dev/null -w '%{http_code}' -H "Host: $ALIAS.oss-cn-hangzhou.aliyuncs.com" \
        "$EMU_URL/doc.txt"
}
expect_ok "a public access point policy" "echo '$PUB' > '$D/ap1/.policy'"
expect_eq "anonymous GET through the alias allowed" 200 "$(anon_alias)"
logmark
expect_eq ".public-access-block: false" false "$(cat "$D/ap1/.public-access-block")"
expect_count "one GetAccessPointPublicAccessBlock" 1 GetAccessPointPublicAccessBlock
expect_ok "echo true" "echo true > '$D/ap1/.public-access-block'"
expect_count "one PutAccessPointPublicAccessBlock" 1 PutAccessPointPublicAccessBlock
expect_eq "server: blocked" true \
    "$(oss_xml alice BlockPublicAccess GET "/$B/?publicAccessBlock&x-oss-access-point-name=ap1")"
expect_eq "blocked: anonymous GET through the alias refused" 403 "$(anon_alias)"
expect_fail_errno "blocked: a public policy cannot be set" 1 "Permission denied" \
    "echo '$PUB' > '$D/ap1/.policy'"
expect_fail_errno "a wrong word is refused" 1 "Invalid argument" \
    "echo yes > '$D/ap1/.public-access-block'"
expect_ok "sed -i" "sed -i s/true/false/ '$D/ap1/.public-access-block'"
expect_eq "server after sed -i" false \
    "$(oss_xml alice BlockPublicAccess GET "/$B/?publicAccessBlock&x-oss-access-point-name=ap1")"
expect_ok "vim -es" "vim -es -c '%s/false/true/' -c wq '$D/ap1/.public-access-block'"
expect_eq "server after vim" true \
    "$(oss_xml alice BlockPublicAccess GET "/$B/?publicAccessBlock&x-oss-access-point-name=ap1")"
expect_eq "no editor temporary left in the access point" ".info .policy .public-access-block" \
    "$(ls -A "$D/ap1" | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//')"
logmark
expect_ok "rm .public-access-block" "rm '$D/ap1/.public-access-block'"
expect_count "one DeleteAccessPointPublicAccessBlock" 1 DeleteAccessPointPublicAccessBlock
expect_eq "unblocked: anonymous GET allowed again" 200 "$(anon_alias)"
logmark
expect_ok "rm .policy" "rm '$D/ap1/.policy'"
expect_count "one DeleteAccessPointPolicy" 1 DeleteAccessPointPolicy
expect_eq "no policy: anonymous GET refused" 403 "$(anon_alias)"

logmark
expect_ok "rmdir deletes the access point" "rmdir '$D/ap1'"
expect_count "one DeleteAccessPoint" 1 DeleteAccessPoint
expect_eq "server: none left" "" "$(osscli get-sub "$B" accessPoint | xml_values AccessPointName)"
expect_eq "ls is empty again" "" "$(ls "$D")"
expect_fail_errno "rmdir of a missing one" nz "No such file" "rmdir '$D/ap9'"

finish
