#!/bin/bash
# .public-access-block (DESIGN.md 1; issue 9): the bucket's Block Public Access, and in account
# mode the account's at the mount root. Reads print true or false (one GET), writes accept the
# word, {"BlockPublicAccess":"true"} and the PublicAccessBlockConfiguration XML (one PUT), rm
# deletes it (one DELETE). The effect is checked as another principal: while blocked at either
# level an anonymous GET of a public-read object is refused, a public ACL or policy cannot be
# set, and the object is readable again once the block is lifted.
. "$(dirname "$0")/lib.sh"

require_root_fuse
B=ctl-pab
ctl_setup "$B"
F="$M/.public-access-block"

anon_get() { curl -s -o /dev/null -w '%{http_code}' "$EMU_URL/$B/pub.txt"; }
srv_pab() { oss_xml alice BlockPublicAccess GET "/$B/?publicAccessBlock"; }

srv_put_object "$B" pub.txt hello
srv_set_bucket_acl "$B" public-read
expect_eq "public-read object: anonymous GET allowed" 200 "$(anon_get)"
expect_ok ".public-access-block is listed" "ls -a '$M' | grep -qx .public-access-block"

logmark
expect_eq "cat: false while never set" false "$(cat "$F")"
expect_count "cat is one GetBucketPublicAccessBlock" 1 GetBucketPublicAccessBlock
expect_count "cat writes nothing" 0 write

logmark
expect_ok "echo true" "echo true > '$F'"
expect_count "echo is one PutBucketPublicAccessBlock" 1 PutBucketPublicAccessBlock
expect_count "nothing else of the write kind" 1 write
expect_eq "server: blocked" true "$(srv_pab)"
expect_eq "cat: true" true "$(cat "$F")"
expect_eq "blocked: anonymous GET of the public-read object refused" 403 "$(anon_get)"
expect_eq "blocked: the owner still reads" hello "$(srv_get_object "$B" pub.txt)"
expect_fail_errno "blocked: a public bucket ACL cannot be set" 1 "Permission denied" \
    "echo public-read-write > '$M/.acl'"
expect_eq "the ACL stays as it was" public-read "$(srv_bucket_acl "$B")"
POL='{"Version":"1","Statement":[{"Effect":"Allow","Principal":["*"],"Action":["oss:GetObject"],"Resource":["acs:oss:*:*:'$B'/*"]}]}'
expect_fail_errno "blocked: a public policy cannot be set" 1 "Permission denied" \
    "echo '$POL' > '$M/.policy'"

logmark
expect_ok "rm deletes the setting" "rm '$F'"
expect_count "rm is one DeleteBucketPublicAccessBlock" 1 DeleteBucketPublicAccessBlock
expect_eq "server: not blocked" false "$(srv_pab)"
expect_eq "unblocked: anonymous GET allowed again" 200 "$(anon_get)"

# the other input forms, and editors
expect_ok "JSON" "echo '{\"BlockPublicAccess\":\"true\"}' > '$F'"
expect_eq "server after JSON" true "$(srv_pab)"
expect_ok "XML" "echo '<PublicAccessBlockConfiguration><BlockPublicAccess>false</BlockPublicAccess></PublicAccessBlockConfiguration>' > '$F'"
expect_eq "server after XML" false "$(srv_pab)"
expect_ok "sed -i" "sed -i s/false/true/ '$F'"
expect_eq "server after sed -i" true "$(srv_pab)"
expect_eq "no editor temporary left as an object" pub.txt "$(srv_keys "$B")"

logmark
expect_fail_errno "a wrong word is refused" 1 "Invalid argument" "echo yes > '$F'"
expect_fail_errno "wrong case is refused" 1 "Invalid argument" "echo True > '$F'"
expect_count "refused values send nothing" 0 write
expect_eq "server unchanged" true "$(srv_pab)"
expect_fail_errno "another uid may not write it" nz "Permission denied" \
    "setpriv --reuid=65534 --regid=65534 --clear-groups bash -c 'echo false > $F'"
expect_ok "back to false" "echo false > '$F'"

# ---- account mode: the mount root holds the account-wide setting
A="$T/acct"
fs_mount "$A" || die "account mount failed"
AF="$A/.public-access-block"
srv_acct_pab() { oss_xml alice BlockPublicAccess GET "/?publicAccessBlock"; }
expect_ok "account root lists .public-access-block" "ls -a '$A' | grep -qx .public-access-block"
expect_ok "account root still lists the bucket" "ls '$A' | grep -qx '$B'"
logmark
expect_eq "account: cat false" false "$(cat "$AF")"
expect_count "account cat is one GetPublicAccessBlock" 1 GetPublicAccessBlock
logmark
expect_ok "account: echo true" "echo true > '$AF'"
expect_count "account echo is one PutPublicAccessBlock" 1 PutPublicAccessBlock
expect_eq "server: account blocked" true "$(srv_acct_pab)"
expect_eq "bucket setting still false" false "$(cat "$F")"
expect_eq "account block: anonymous GET refused" 403 "$(anon_get)"
expect_fail_errno "account block: a public object ACL cannot be set" 1 "Permission denied" \
    "echo public-read > '$M/.acl.d/pub.txt'"
logmark
expect_ok "account: rm" "rm '$AF'"
expect_count "account rm is one DeletePublicAccessBlock" 1 DeletePublicAccessBlock
expect_eq "server: account not blocked" false "$(srv_acct_pab)"
expect_eq "account unblocked: anonymous GET allowed" 200 "$(anon_get)"
expect_fail_errno "account: a bad word is refused" 1 "Invalid argument" "echo maybe > '$AF'"
expect_ok "account: sed -i" "sed -i s/false/true/ '$AF'"
expect_eq "server after sed -i: account blocked" true "$(srv_acct_pab)"
expect_ok "account: vim -es" "vim -es -c '%s/true/false/' -c wq '$AF'"
expect_eq "server after vim: account not blocked" false "$(srv_acct_pab)"
expect_eq "no editor temporary left at the mount root" ".public-access-block $B" \
    "$(ls -A "$A" | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//')"

finish
