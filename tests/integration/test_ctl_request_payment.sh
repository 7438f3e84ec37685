#!/bin/bash
# .request-payment (issue 9): BucketOwner or Requester (Get/PutBucketRequestPayment, one request
# each), the word, {"Payer":"Requester"} or the RequestPaymentConfiguration XML. ossemu refuses
# anonymous requests to a requester-pays bucket and requires x-oss-request-payer: requester
# from other accounts; the owner needs no header. There is no Delete call: rm is EPERM.
. "$(dirname "$0")/lib.sh"

require_root_fuse
B=ctl-rpay
ctl_setup "$B"
F="$M/.request-payment"
srv_payer() { osscli get-sub "$B" requestPayment | xml_values Payer; }

POL='{"Version":"1","Statement":[{"Effect":"Allow","Principal":["1000000000000002"],"Action":["oss:GetObject"],"Resource":["acs:oss:*:*:'$B'/*"]}]}'
expect_ok "bob may read through the bucket policy" "echo '$POL' > '$M/.policy'"
srv_put_object "$B" r.txt pay
srv_set_bucket_acl "$B" public-read
anon_get() { curl -s -o /dev/null -w '%{http_code}' "$EMU_URL/$B/r.txt"; }

expect_ok ".request-payment is listed" "ls -a '$M' | grep -qx .request-payment"
logmark
expect_eq "cat: BucketOwner by default" BucketOwner "$(cat "$F")"
expect_count "cat is one GetBucketRequestPayment" 1 GetBucketRequestPayment
expect_eq "BucketOwner: anonymous GET allowed" 200 "$(anon_get)"
expect_eq "BucketOwner: bob reads without the header" pay "$(oss_req bob GET "/$B/r.txt")"

logmark
expect_ok "echo Requester" "echo Requester > '$F'"
expect_count "one PutBucketRequestPayment" 1 PutBucketRequestPayment
expect_count "nothing else of the write kind" 1 write
expect_eq "server: Requester" Requester "$(srv_payer)"
expect_eq "cat: Requester" Requester "$(cat "$F")"
expect_eq "Requester: anonymous GET refused" 403 "$(anon_get)"
oss_req bob GET "/$B/r.txt" >/dev/null 2>"$T/bob.err"
rc=$?
expect_eq "Requester: bob without the header is refused" "2 AccessDenied" \
    "$rc $(grep -o AccessDenied "$T/bob.err")"
expect_eq "Requester: bob with x-oss-request-payer reads" pay \
    "$(oss_req bob GET "/$B/r.txt" "x-oss-request-payer: requester")"
expect_eq "Requester: the owner reads without the header" pay "$(srv_get_object "$B" r.txt)"
expect_eq "Requester: the mount (owner) reads" pay "$(cat "$M/r.txt")"

expect_ok "JSON" "echo '{\"Payer\":\"BucketOwner\"}' > '$F'"
expect_eq "server after JSON" BucketOwner "$(srv_payer)"
expect_ok "XML" "echo '<RequestPaymentConfiguration><Payer>Requester</Payer></RequestPaymentConfiguration>' > '$F'"
expect_eq "server after XML" Requester "$(srv_payer)"
expect_ok "sed -i" "sed -i s/Requester/BucketOwner/ '$F'"
expect_eq "server after sed -i" BucketOwner "$(srv_payer)"
expect_eq "BucketOwner again: anonymous GET allowed" 200 "$(anon_get)"

logmark
expect_fail_errno "a wrong word is refused" 1 "Invalid argument" "echo requester > '$F'"
expect_fail_errno "rm is refused (no Delete call)" nz "Operation not permitted" "rm -f '$F'"
expect_count "refusals send nothing" 0 write
expect_eq "server unchanged" BucketOwner "$(srv_payer)"

finish
