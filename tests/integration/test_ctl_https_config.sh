#!/bin/bash
# .https-config (issue 9): the TLS versions the bucket accepts (GetBucketHttpsConfig, one
# request), one word each in version order, empty while TLS versions are not restricted.
# Writes take the words (any order, repeats ignored) or the HttpsConfiguration XML (one
# PutBucketHttpsConfig). There is no Delete call: rm is EPERM; the XML with Enable false lifts
# the restriction.
. "$(dirname "$0")/lib.sh"

require_root_fuse
B=ctl-https
ctl_setup "$B"
F="$M/.https-config"
srv_tls() { osscli get-sub "$B" httpsConfig | xml_values TLSVersion | paste -sd ' '; }
srv_enabled() { osscli get-sub "$B" httpsConfig | xml_values Enable | head -n 1; }

expect_ok ".https-config is listed" "ls -a '$M' | grep -qx .https-config"
logmark
expect_eq "unrestricted: reads empty" "" "$(cat "$F")"
expect_count "cat is one GetBucketHttpsConfig" 1 GetBucketHttpsConfig
expect_eq "server: TLS not enabled" false "$(srv_enabled)"

logmark
expect_ok "echo TLSv1.3 TLSv1.2" "echo TLSv1.3 TLSv1.2 > '$F'"
expect_count "one PutBucketHttpsConfig" 1 PutBucketHttpsConfig
expect_count "nothing else of the write kind" 1 write
expect_eq "server: enabled" true "$(srv_enabled)"
expect_eq "server: both versions, in order" "TLSv1.2 TLSv1.3" "$(srv_tls)"
expect_eq "cat: TLSv1.2 TLSv1.3" "TLSv1.2 TLSv1.3" "$(cat "$F")"
expect_ok "sed -i drops a version" "sed -i 's/TLSv1.2 //' '$F'"
expect_eq "server after sed -i" TLSv1.3 "$(srv_tls)"
expect_ok "the XML" "echo '<HttpsConfiguration><TLS><Enable>true</Enable><TLSVersion>TLSv1.1</TLSVersion></TLS></HttpsConfiguration>' > '$F'"
expect_eq "server after XML" TLSv1.1 "$(srv_tls)"

logmark
expect_fail_errno "an unknown version is refused" 1 "Invalid argument" "echo TLSv2 > '$F'"
expect_fail_errno "SSLv3 is refused" 1 "Invalid argument" "echo SSLv3 > '$F'"
expect_fail_errno "rm is refused (no Delete call)" nz "Operation not permitted" "rm -f '$F'"
expect_count "refusals send nothing" 0 write
expect_eq "server unchanged" TLSv1.1 "$(srv_tls)"
expect_fail_errno "ossemu refuses TLS enabled without versions" 1 "Invalid argument" \
    "echo '<HttpsConfiguration><TLS><Enable>true</Enable></TLS></HttpsConfiguration>' > '$F'"

expect_ok "Enable false lifts the restriction" \
    "echo '<HttpsConfiguration><TLS><Enable>false</Enable></TLS></HttpsConfiguration>' > '$F'"
expect_eq "server: not enabled" false "$(srv_enabled)"
expect_eq "reads empty again" "" "$(cat "$F")"

finish
