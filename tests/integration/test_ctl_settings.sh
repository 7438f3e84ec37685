#!/bin/bash
# The bucket settings files (DESIGN.md 1, 1.1): .versioning, .policy, the XML documents (.cors,
# .lifecycle, .referer, .logging, .website, .encryption, .tagging) and the read-only .info,
# .location and .stat, driven with cat, echo, cp, sed -i, vim -es, `: >`, truncate and rm. Every
# outcome is checked on the server with an independent client, and every request count in
# ossemu's log: a read is one Get, a valid write one Put, an invalid one nothing, an empty
# write or rm one Delete (EPERM where OSS has none).
# shellcheck disable=SC2002 # `cat FILE | ...` is the point: the test reads through the mount
. "$(dirname "$0")/lib.sh"

require_root_fuse
B=ctl-settings
ctl_setup "$B" -o "audit_log=$T/audit.log"
srv_mkbucket ctl-settings-logs || die "cannot create the log bucket"

# srv_sub BUCKET NAME: the raw answer of GET /?NAME (exit 2 on an OSS error, code on stderr).
srv_sub() { srv_call get-sub "$1" "$2" -- oss_req GET "/$1/?$2"; }
# srv_put_sub BUCKET NAME FILE
srv_put_sub() {
    srv_call put-sub "$1" "$2" "$3" -- oss_req PUT "/$1/?$2" "Content-Type: application/xml" \
        "@$3" >/dev/null
}
# srv_unset BUCKET NAME: prints the OSS error code of GET /?NAME ("" if it succeeded).
srv_unset() {
    srv_sub "$1" "$2" >/dev/null 2>"$T/srv_sub.err"
    grep -oE 'NoSuch[A-Za-z]+' "$T/srv_sub.err" | head -n 1
}
# nbytes FILE: the size of what a read of FILE returns.
nbytes() {
    cat "$1" | wc -c
}
# wait_op N OP: waits (up to 5 s) until N requests OP were logged since the mark (a delete by
# `: >` happens when the last descriptor is released, a moment after the shell moves on).
wait_op() {
    wait_for 5 "[ \$(tail -n +$((LOG_MARK + 1)) '$T/requests.log' | jq -r .op | grep -cxF '$2') -ge $1 ]"
}
# put_ok DESC SHELL-COMMAND OP: the command succeeds with exactly one OP and no other write.
put_ok() {
    logmark
    expect_ok "$1" "$2"
    expect_count "$1: one $3" 1 "$3"
    expect_count "$1: nothing else of the write kind" 1 write
}
# refused DESC MESSAGE SHELL-COMMAND: fails with MESSAGE and sends no write request.
refused() {
    logmark
    expect_fail_errno "$1" nz "$2" "$3"
    expect_count "$1: nothing sent" 0 write
}

# ------------------------------------------------------------------ listing
expect_eq "ls -a lists every bucket file" \
    ".access-monitor .access-points .acl .cors .encryption .https-config .info .lifecycle .location .logging .policy .policy-status .public-access-block .referer .request-payment .stat .tagging .versioning .website .worm" \
    "$(ls -A "$M" | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//')"
expect_eq "read-only files have mode 0444" "444" "$(stat -c %a "$M/.info")"

# ------------------------------------------------------------------ .versioning
F="$M/.versioning"
logmark
expect_eq "never-set versioning reads empty" 0 "$(nbytes "$F")"
expect_count "cat .versioning is one GetBucketVersioning" 1 GetBucketVersioning
expect_count "cat .versioning writes nothing" 0 write
put_ok "echo Enabled > .versioning" "echo Enabled > '$F'" PutBucketVersioning
expect_eq "server versioning Enabled" Enabled "$(srv_sub $B versioning | xml_values Status)"
expect_eq "cat .versioning after Enabled" Enabled "$(cat "$F")"
put_ok "JSON Suspended" "echo '{\"Status\":\"Suspended\"}' > '$F'" PutBucketVersioning
expect_eq "server versioning Suspended" Suspended "$(srv_sub $B versioning | xml_values Status)"
put_ok "VersioningConfiguration XML" \
    "printf '<VersioningConfiguration>\\n <Status>Enabled</Status>\\n</VersioningConfiguration>\\n' > '$F'" \
    PutBucketVersioning
expect_eq "server versioning Enabled again" Enabled "$(srv_sub $B versioning | xml_values Status)"
refused "Disabled is no versioning state" "Invalid argument" "echo Disabled > '$F'"
refused "rm .versioning: OSS cannot turn versioning off" "Operation not permitted" "rm -f '$F'"
refused "truncate -s 0 .versioning" "Operation not permitted" "truncate -s 0 '$F'"
logmark
bash -c ": > '$F'" 2>/dev/null
sleep 0.3
expect_count ": > .versioning sends nothing" 0 write
put_ok "sed -i on .versioning" "sed -i s/Enabled/Suspended/ '$F'" PutBucketVersioning
expect_eq "server versioning Suspended after sed" Suspended \
    "$(srv_sub $B versioning | xml_values Status)"

# ------------------------------------------------------------------ .policy
F="$M/.policy"
logmark
expect_eq "unset policy reads empty" 0 "$(nbytes "$F")"
expect_count "cat .policy is one GetBucketPolicy" 1 GetBucketPolicy
cat >"$T/policy.json" <<EOF
{
  "Version": "1",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": ["oss:GetObject"],
      "Principal": ["*"],
      "Resource": ["acs:oss:*:*:$B/public/*"]
    }
  ]
}
EOF
put_ok "cp of a pretty-printed policy" "cp '$T/policy.json' '$F'" PutBucketPolicy
expect_eq "the server stores the policy as written" "$(cat "$T/policy.json")" "$(srv_sub $B policy)"
expect_eq "cat .policy prints it as stored" "$(cat "$T/policy.json")" "$(cat "$F")"
expect_eq "the read ends with a newline" 0a "$(tail -c 1 "$F" | od -An -tx1 | tr -d ' ')"
put_ok "sed -i Allow -> Deny on .policy" "sed -i s/Allow/Deny/ '$F'" PutBucketPolicy
expect_eq "server policy has Deny" 1 "$(srv_sub $B policy | grep -c '"Effect": "Deny"')"
refused "malformed JSON is refused locally" "Invalid argument" "echo '{\"Version\":\"1\",}' > '$F'"
refused "JSON without a Statement array is refused locally" "Invalid argument" \
    "echo '{\"Version\":\"1\"}' > '$F'"
logmark
expect_fail_errno "MalformedPolicy from the server is EINVAL" 1 "Invalid argument" \
    "echo '{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Maybe\",\"Action\":[\"oss:*\"],\"Resource\":[\"acs:oss:*:*:*\"]}]}' > '$F'"
expect_eq "one PutBucketPolicy answered MalformedPolicy" MalformedPolicy \
    "$(log_since | jq -r 'select(.op=="PutBucketPolicy") | .code' | tr '\n' ' ' | sed 's/ $//')"
expect_eq "server policy unchanged" 1 "$(srv_sub $B policy | grep -c '"Effect": "Deny"')"
{
    printf '{"Version":"1","Statement":[{"Effect":"Allow","Action":["oss:GetObject"],"Principal":["*"],"Resource":["acs:oss:*:*:%s/*"],"Sid":"' "$B"
    head -c 17000 /dev/zero | tr '\0' a
    printf '"}]}\n'
} >"$T/big-policy.json"
refused "a policy over 16 KB is EFBIG" "File too large" "cp '$T/big-policy.json' '$F'"
logmark
expect_ok "rm .policy" "rm '$F'"
expect_count "rm .policy is one DeleteBucketPolicy" 1 DeleteBucketPolicy
expect_eq "server: no policy after rm" NoSuchBucketPolicy "$(srv_unset $B policy)"
expect_eq "cat .policy after rm is empty" 0 "$(nbytes "$F")"
put_ok "echo a one-line policy" \
    "echo '{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"oss:GetObject\"],\"Principal\":[\"*\"],\"Resource\":[\"acs:oss:*:*:$B/*\"]}]}' > '$F'" \
    PutBucketPolicy
logmark
bash -c ": > '$F'"
wait_op 1 DeleteBucketPolicy
expect_count ": > .policy is one DeleteBucketPolicy" 1 DeleteBucketPolicy
expect_eq "server: no policy after : >" NoSuchBucketPolicy "$(srv_unset $B policy)"

# ------------------------------------------------------------------ .cors
F="$M/.cors"
CORS='<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>'
logmark
expect_eq "unset CORS reads empty" 0 "$(nbytes "$F")"
expect_count "cat .cors is one GetBucketCors" 1 GetBucketCors
expect_count "cat .cors writes nothing" 0 write
put_ok "echo a CORS document" "echo '$CORS' > '$F'" PutBucketCors
expect_eq "server CORS AllowedMethod" GET "$(srv_sub $B cors | xml_values AllowedMethod)"
srv_sub $B cors >"$T/cors.server" || fail "cannot read CORS from the server"
logmark
expect_eq "cat .cors prints the server's document" "$(cat "$T/cors.server")" "$(cat "$F")"
expect_count "that cat was one GetBucketCors" 1 GetBucketCors
expect_eq "and no other request" 1 "$(log_since | wc -l)"
expect_eq "the document read ends with a newline" 0a "$(tail -c 1 "$F" | od -An -tx1 | tr -d ' ')"
put_ok "sed -i on .cors" "sed -i 's:<AllowedMethod>GET</AllowedMethod>:&<AllowedMethod>PUT</AllowedMethod>:' '$F'" \
    PutBucketCors
expect_eq "server CORS has GET and PUT" "GET PUT" \
    "$(srv_sub $B cors | xml_values AllowedMethod | tr '\n' ' ' | sed 's/ $//')"
refused "a document with the wrong root is refused locally" "Invalid argument" \
    "echo '<LifecycleConfiguration/>' > '$F'"
refused "malformed XML is refused locally" "Invalid argument" \
    "echo '<CORSConfiguration><CORSRule></CORSConfiguration>' > '$F'"
refused "a DTD is refused locally" "Invalid argument" \
    "printf '<!DOCTYPE CORSConfiguration [<!ENTITY x \"y\">]><CORSConfiguration>&x;</CORSConfiguration>' > '$F'"
# bash ignores errors of close(); cp reports them
printf '<CORSConfiguration><CORSRule>' >"$T/unfinished.xml"
refused "an unfinished document fails at close" "Invalid argument" "cp '$T/unfinished.xml' '$F'"
logmark
expect_fail_errno "MalformedXML from the server is EINVAL" 1 "Invalid argument" \
    "echo '<CORSConfiguration><CORSRule><AllowedMethod>FETCH</AllowedMethod></CORSRule></CORSConfiguration>' > '$F'"
expect_count "that refusal was one PutBucketCors" 1 PutBucketCors
expect_eq "server CORS unchanged" "GET PUT" \
    "$(srv_sub $B cors | xml_values AllowedMethod | tr '\n' ' ' | sed 's/ $//')"
head -c 70000 /dev/zero | tr '\0' ' ' >"$T/big.xml"
refused "a document over 64 KB is EFBIG" "File too large" "cp '$T/big.xml' '$F'"
logmark
expect_ok "truncate -s 0 .cors" "truncate -s 0 '$F'"
expect_count "truncate -s 0 is one DeleteBucketCors" 1 DeleteBucketCors
expect_eq "server: no CORS" NoSuchCORSConfiguration "$(srv_unset $B cors)"
expect_eq "cat .cors after the delete is empty" 0 "$(nbytes "$F")"

# ------------------------------------------------------------------ .lifecycle
F="$M/.lifecycle"
# A lifecycle of 300 rules (about 50 KB), written by cat through a pipe in several pieces.
{
    echo '<?xml version="1.0" encoding="UTF-8"?>'
    echo '<LifecycleConfiguration>'
    for i in $(seq 1 300); do
        printf '  <Rule>\n    <ID>rule-%03d</ID>\n    <Prefix>logs/%03d/</Prefix>\n    <Status>Enabled</Status>\n    <Expiration>\n      <Days>%d</Days>\n    </Expiration>\n  </Rule>\n' \
            "$i" "$i" "$((i + 1))"
    done
    echo '</LifecycleConfiguration>'
} >"$T/lifecycle.xml"
expect_eq "the big lifecycle is over 40 KB" 1 "$(($(stat -c %s "$T/lifecycle.xml") > 40000))"
logmark
expect_eq "unset lifecycle reads empty" 0 "$(nbytes "$F")"
expect_count "cat .lifecycle is one GetBucketLifecycle" 1 GetBucketLifecycle
put_ok "cat of a 50 KB lifecycle written in pieces" \
    "{ head -c 20000 '$T/lifecycle.xml'; sleep 0.3; tail -c +20001 '$T/lifecycle.xml' | head -c 20000; sleep 0.3; tail -c +40001 '$T/lifecycle.xml'; } > '$F'" \
    PutBucketLifecycle
expect_eq "server has 300 rules" 300 "$(srv_sub $B lifecycle | xml_values ID | wc -l)"
put_ok "cp of the lifecycle (one write)" "cp '$T/lifecycle.xml' '$F'" PutBucketLifecycle
put_ok "vim -es on .lifecycle" \
    "vim -es -i NONE -c '%s/<Days>301</<Days>999</' -c wq '$F'" PutBucketLifecycle
expect_eq "server has the edited rule" 1 "$(srv_sub $B lifecycle | grep -c '<Days>999</Days>')"
logmark
expect_ok "rm .lifecycle" "rm '$F'"
expect_count "rm is one DeleteBucketLifecycle" 1 DeleteBucketLifecycle
expect_eq "server: no lifecycle" NoSuchLifecycle "$(srv_unset $B lifecycle)"

# Lifecycle and access monitor: a last-access-time rule needs the access monitor Enabled, and
# the access monitor cannot be Disabled while such a rule exists.
ATIME='<LifecycleConfiguration><Rule><ID>idle</ID><Prefix>data/</Prefix><Status>Enabled</Status><Transition><Days>30</Days><StorageClass>IA</StorageClass><IsAccessTime>true</IsAccessTime><ReturnToStdWhenVisit>false</ReturnToStdWhenVisit></Transition></Rule></LifecycleConfiguration>'
logmark
expect_fail_errno "an IsAccessTime rule without access monitor: EINVAL" 1 "Invalid argument" \
    "echo '$ATIME' > '$F'"
expect_eq "the server refused it (InvalidArgument)" InvalidArgument \
    "$(log_since | jq -r 'select(.op=="PutBucketLifecycle") | .code')"
expect_ok "echo Enabled > .access-monitor" "echo Enabled > '$M/.access-monitor'"
put_ok "the IsAccessTime rule with access monitor Enabled" "echo '$ATIME' > '$F'" PutBucketLifecycle
logmark
expect_fail_errno "Disabled while an atime rule exists: EBUSY" 1 "Device or resource busy" \
    "echo Disabled > '$M/.access-monitor'"
expect_eq "the server refused it (InvalidRequest)" InvalidRequest \
    "$(log_since | jq -r 'select(.op=="PutBucketAccessMonitor") | .code')"
expect_eq "access monitor still Enabled" Enabled "$(srv_access_monitor $B)"
expect_ok "rm .lifecycle, then" "rm '$F'"
put_ok "Disabled works" "echo Disabled > '$M/.access-monitor'" PutBucketAccessMonitor

# ------------------------------------------------------------------ .referer
F="$M/.referer"
logmark
expect_eq "unset referer reads the default configuration" true \
    "$(cat "$F" | xml_values AllowEmptyReferer)"
expect_count "cat .referer is one GetBucketReferer" 1 GetBucketReferer
put_ok "echo a referer document" \
    "echo '<RefererConfiguration><AllowEmptyReferer>false</AllowEmptyReferer><RefererList><Referer>https://*.example.com</Referer></RefererList></RefererConfiguration>' > '$F'" \
    PutBucketReferer
expect_eq "server referer list" 'https://*.example.com' "$(srv_sub $B referer | xml_values Referer)"
expect_eq "cat .referer shows it" false "$(cat "$F" | xml_values AllowEmptyReferer)"
refused "rm .referer (no DeleteBucketReferer)" "Operation not permitted" "rm -f '$F'"
refused "truncate -s 0 .referer" "Operation not permitted" "truncate -s 0 '$F'"
expect_eq "server referer unchanged" 'https://*.example.com' "$(srv_sub $B referer | xml_values Referer)"

# ------------------------------------------------------------------ .logging
F="$M/.logging"
logmark
expect_eq "unset logging reads empty" 0 "$(nbytes "$F")"
expect_count "cat .logging is one GetBucketLogging" 1 GetBucketLogging
put_ok "echo a logging document" \
    "echo '<BucketLoggingStatus><LoggingEnabled><TargetBucket>ctl-settings-logs</TargetBucket><TargetPrefix>ctl/</TargetPrefix></LoggingEnabled></BucketLoggingStatus>' > '$F'" \
    PutBucketLogging
expect_eq "server logging target" ctl-settings-logs "$(srv_sub $B logging | xml_values TargetBucket)"
expect_eq "cat .logging shows it" ctl-settings-logs "$(cat "$F" | xml_values TargetBucket)"
logmark
expect_fail_errno "a missing target bucket is EINVAL" 1 "Invalid argument" \
    "echo '<BucketLoggingStatus><LoggingEnabled><TargetBucket>no-such-bucket-here</TargetBucket></LoggingEnabled></BucketLoggingStatus>' > '$F'"
expect_count "that was one PutBucketLogging" 1 PutBucketLogging
logmark
expect_ok "rm .logging" "rm '$F'"
expect_count "rm .logging is one DeleteBucketLogging" 1 DeleteBucketLogging
expect_eq "server: logging off" "" "$(srv_sub $B logging | xml_values TargetBucket)"
expect_eq "cat .logging after rm is empty" 0 "$(nbytes "$F")"

# ------------------------------------------------------------------ .website
F="$M/.website"
expect_eq "unset website reads empty" 0 "$(nbytes "$F")"
cat >"$T/website.xml" <<'XML'
<WebsiteConfiguration>
  <IndexDocument>
    <Suffix>index.html</Suffix>
  </IndexDocument>
  <ErrorDocument>
    <Key>error.html</Key>
  </ErrorDocument>
</WebsiteConfiguration>
XML
put_ok "cp a website document" "cp '$T/website.xml' '$F'" PutBucketWebsite
expect_eq "server index document" index.html "$(srv_sub $B website | xml_values Suffix)"
put_ok "sed -i on .website" "sed -i s/index.html/home.html/ '$F'" PutBucketWebsite
expect_eq "server index document after sed" home.html "$(srv_sub $B website | xml_values Suffix)"
logmark
expect_ok "rm .website" "rm '$F'"
expect_count "rm .website is one DeleteBucketWebsite" 1 DeleteBucketWebsite
expect_eq "server: no website" NoSuchWebsiteConfiguration "$(srv_unset $B website)"

# ------------------------------------------------------------------ .encryption
F="$M/.encryption"
expect_eq "unset encryption reads empty" 0 "$(nbytes "$F")"
put_ok "echo an encryption rule" \
    "echo '<ServerSideEncryptionRule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm></ApplyServerSideEncryptionByDefault></ServerSideEncryptionRule>' > '$F'" \
    PutBucketEncryption
expect_eq "server SSE algorithm" AES256 "$(srv_sub $B encryption | xml_values SSEAlgorithm)"
expect_eq ".info shows it" AES256 "$(cat "$M/.info" | xml_values SSEAlgorithm)"
refused "encryption with the wrong root" "Invalid argument" \
    "echo '<ApplyServerSideEncryptionByDefault/>' > '$F'"
logmark
bash -c ": > '$F'"
wait_op 1 DeleteBucketEncryption
expect_count ": > .encryption is one DeleteBucketEncryption" 1 DeleteBucketEncryption
expect_eq "server: no encryption" NoSuchServerSideEncryptionRule "$(srv_unset $B encryption)"

# ------------------------------------------------------------------ .tagging
F="$M/.tagging"
logmark
expect_eq "untagged bucket reads empty" 0 "$(nbytes "$F")"
expect_count "cat .tagging is one GetBucketTags" 1 GetBucketTags
put_ok "echo bucket tags" \
    "echo '<Tagging><TagSet><Tag><Key>team</Key><Value>data</Value></Tag><Tag><Key>cost</Key><Value>42</Value></Tag></TagSet></Tagging>' > '$F'" \
    PutBucketTags
expect_eq "server tags" "team cost" "$(srv_sub $B tagging | xml_values Key | tr '\n' ' ' | sed 's/ $//')"
expect_eq "cat .tagging shows them" "data 42" "$(cat "$F" | xml_values Value | tr '\n' ' ' | sed 's/ $//')"
logmark
bash -c ": > '$F'"
wait_op 1 DeleteBucketTags
expect_count ": > .tagging is one DeleteBucketTags" 1 DeleteBucketTags
expect_eq "server: no tags" "" "$(srv_sub $B tagging | xml_values Key)"
expect_eq "cat .tagging after the delete is empty" 0 "$(nbytes "$F")"

# ------------------------------------------------------------------ read-only files
srv_put_object $B obj.txt "twelve bytes" || die "cannot seed obj.txt"
logmark
expect_eq "cat .location" oss-cn-hangzhou "$(cat "$M/.location")"
expect_count "cat .location is one GetBucketLocation" 1 GetBucketLocation
logmark
expect_eq "cat .info names the bucket" "$B" "$(cat "$M/.info" | xml_values Name)"
expect_count "cat .info is one GetBucketInfo" 1 GetBucketInfo
logmark
expect_eq "cat .stat counts the object" 1 "$(cat "$M/.stat" | xml_values ObjectCount)"
expect_count "cat .stat is one GetBucketStat" 1 GetBucketStat
expect_eq ".stat matches the server" "$(srv_sub $B stat | xml_values Storage | head -n 1)" \
    "$(cat "$M/.stat" | xml_values Storage | head -n 1)"
for f in .info .location .stat; do
    refused "echo x > $f" "Permission denied" "echo x > '$M/$f'"
    refused "rm $f" "Permission denied" "rm -f '$M/$f'"
    refused "truncate -s 0 $f" "Permission denied" "truncate -s 0 '$M/$f'"
done
refused "cp onto .info" "Permission denied" "cp '$T/website.xml' '$M/.info'"

# ------------------------------------------------------------------ editors leave nothing behind
expect_eq "no temporary object on the server" "obj.txt" "$(srv_keys $B | tr '\n' ' ' | sed 's/ $//')"

# ------------------------------------------------------------------ a RAM user without Put rights
# The auditor may call oss:Get* and oss:List* only.
srv_put_sub $B cors <(printf '%s' "$CORS") || die "cannot seed CORS"
MA="$T/auditor"
if fs_mount -u auditor "$MA" "$B"; then
    logmark
    expect_eq "auditor: cat .cors works" GET "$(cat "$MA/.cors" | xml_values AllowedMethod)"
    expect_eq "auditor: cat .policy works (empty)" 0 "$(nbytes "$MA/.policy")"
    logmark
    expect_fail_errno "auditor: cp policy > .policy" 1 "Permission denied" \
        "cp '$T/policy.json' '$MA/.policy'"
    expect_eq "auditor: one PutBucketPolicy refused with AccessDenied" AccessDenied \
        "$(log_since | jq -r 'select(.op=="PutBucketPolicy") | .code' | tr '\n' ' ' | sed 's/ $//')"
    expect_fail_errno "auditor: rm .cors" 1 "Permission denied" "rm '$MA/.cors'"
    expect_fail_errno "auditor: echo Enabled > .versioning" 1 "Permission denied" \
        "echo Enabled > '$MA/.versioning'"
    expect_eq "auditor: no write succeeded" 0 \
        "$(log_since | jq -r 'select(.status < 300 and .method != "GET") | .op' | wc -l)"
    expect_eq "auditor: no policy on the server" NoSuchBucketPolicy "$(srv_unset $B policy)"
    expect_eq "auditor: CORS still there" GET "$(srv_sub $B cors | xml_values AllowedMethod)"
    fs_unmount "$MA"
else
    fail "auditor mount did not come up"
fi

# ------------------------------------------------------------------ audit log
expect_eq "the audit log has the policy delete" 1 \
    "$(jq -r 'select(.entry==".policy" and .new==null and .result=="ok") | .entry' "$T/audit.log" |
        head -n 1 | wc -l)"
expect_eq "the audit log has the refused CORS document" 1 \
    "$(jq -r 'select(.entry==".cors" and .result=="error") | .entry' "$T/audit.log" | head -n 1 | wc -l)"

finish
