#!/bin/bash
# Refusals (DESIGN.md 1.1, 1.2): a RAM user without PutBucketAccessMonitor, another account's
# key and a wrong secret get "Permission denied" with the right exit status and change nothing;
# with allow_other, a uid other than the mount owner cannot write control files. The refusal's
# OSS code and request id reach the daemon's log.
. "$(dirname "$0")/lib.sh"

require_root_fuse
B=ctl-refuse
emu_start
srv_mkbucket $B || die "cannot create bucket"
srv_put_object $B obj.txt data || die "cannot seed obj.txt"

# ---- the auditor: a RAM user of alice allowed only oss:Get* and oss:List*
MA="$T/auditor"
if fs_mount -u auditor -o "audit_log=$T/audit-auditor.log" "$MA" "$B"; then
    logmark
    expect_eq "auditor: cat .acl works (GetBucketAcl allowed)" private "$(cat "$MA/.acl")"
    expect_eq "auditor: cat .access-monitor works" Disabled "$(cat "$MA/.access-monitor")"
    logmark
    expect_fail_errno "auditor: echo Enabled > .access-monitor" 1 "Permission denied" \
        "echo Enabled > '$MA/.access-monitor'"
    expect_count "auditor: one PutBucketAccessMonitor was tried" 1 PutBucketAccessMonitor
    RID=$(log_since | jq -r 'select(.op=="PutBucketAccessMonitor") | .request_id' | head -n 1)
    expect_eq "auditor: the server answered AccessDenied" AccessDenied \
        "$(log_since | jq -r 'select(.op=="PutBucketAccessMonitor") | .code' | head -n 1)"
    expect_eq "auditor: server unchanged" Disabled "$(srv_access_monitor $B)"
    expect_eq "auditor: the daemon log names the code" 1 \
        "$(grep -c AccessDenied "$FS_LOG" | awk '{ print ($1 > 0) ? 1 : 0 }')"
    expect_eq "auditor: the daemon log names the request id" 1 \
        "$(grep -cF "$RID" "$FS_LOG" | awk '{ print ($1 > 0) ? 1 : 0 }')"
    expect_eq "auditor: the audit log records the refusal" AccessDenied \
        "$(jq -r 'select(.entry==".access-monitor" and .new=="Enabled") | .code' \
            "$T/audit-auditor.log" 2>&1 | head -n 1)"
    logmark
    expect_fail_errno "auditor: echo public-read > .acl" 1 "Permission denied" \
        "echo public-read > '$MA/.acl'"
    expect_fail_errno "auditor: object ACL" 1 "Permission denied" \
        "echo public-read > '$MA/.acl.d/obj.txt'"
    expect_eq "auditor: no write succeeded" 0 \
        "$(log_since | jq -r 'select(.status < 300 and .method=="PUT") | .op' | wc -l)"
    expect_eq "auditor: bucket ACL unchanged" private "$(srv_bucket_acl $B)"
    expect_eq "auditor: object ACL unchanged" default "$(srv_object_acl $B obj.txt)"
    fs_unmount "$MA"
else
    fail "auditor mount did not come up"
fi
expect_eq "no secret of the auditor in any log" 0 \
    "$(cat "$T"/fs-*.log "$T"/audit-*.log 2>/dev/null | grep -c "$AUDITOR_SK")"

# ---- bob (another account): with the bucket public-read he may list it and mount it, but
# changing its settings is the owner's business
srv_set_bucket_acl $B public-read || die "cannot set public-read"
MX="$T/bob"
if fs_mount -u bob "$MX" "$B"; then
    logmark
    expect_fail_errno "bob: echo private > .acl" 1 "Permission denied" "echo private > '$MX/.acl'"
    expect_fail_errno "bob: echo Enabled > .access-monitor" 1 "Permission denied" \
        "echo Enabled > '$MX/.access-monitor'"
    expect_fail_errno "bob: object ACL" 1 "Permission denied" \
        "echo public-read-write > '$MX/.acl.d/obj.txt'"
    expect_eq "bob: no write succeeded" 0 \
        "$(log_since | jq -r 'select(.status < 300 and .method=="PUT") | .op' | wc -l)"
    fs_unmount "$MX"
else
    fail "bob could not mount a public-read bucket"
fi
expect_eq "bob: bucket ACL unchanged" public-read "$(srv_bucket_acl $B)"
expect_eq "bob: access monitor unchanged" Disabled "$(srv_access_monitor $B)"
expect_eq "bob: object ACL unchanged" default "$(srv_object_acl $B obj.txt)"
srv_set_bucket_acl $B private || die "cannot set private"

# ---- a wrong secret: every request is refused
MX="$T/wrong"
if fs_mount -u wrong "$MX" "$B"; then
    expect_fail_errno "wrong secret: cat .acl" 1 "Permission denied" "cat '$MX/.acl'"
    logmark
    expect_fail_errno "wrong secret: echo public-read > .acl" 1 "Permission denied" \
        "echo public-read > '$MX/.acl'"
    expect_eq "wrong secret: no request succeeded" 0 \
        "$(log_since | jq -r 'select(.status < 300) | .op' | wc -l)"
    fs_unmount "$MX"
else
    # Refusing to mount with credentials the server rejects is also a correct answer.
    expect_eq "wrong secret: mount refused with the reason" 1 \
        "$(grep -c 'SignatureDoesNotMatch' "$FS_LOG" | awk '{ print ($1 > 0) ? 1 : 0 }')"
fi
expect_eq "wrong secret: bucket ACL unchanged" private "$(srv_bucket_acl $B)"
expect_eq "no wrong secret in any log" 0 "$(cat "$T"/fs-*.log | grep -c wrong-secret)"

# ---- credentials from the environment work the same
ME="$T/envcreds"
if fs_mount -e "$ME" "$B"; then
    expect_eq "env credentials: cat .acl" private "$(cat "$ME/.acl")"
    fs_unmount "$ME"
else
    fail "mount with OSS_ACCESS_KEY_ID/OSS_ACCESS_KEY_SECRET did not come up"
fi

# ---- allow_other: only the mount owner (root here) and root may write control files
MO="$T/shared"
if fs_mount -o allow_other "$MO" "$B"; then
    expect_eq "nobody can read .acl" private "$(as_nobody "cat '$MO/.acl'" 2>&1)"
    logmark
    expect_fail_errno "nobody: echo public-read > .acl" 1 "Permission denied" \
        "setpriv --reuid=65534 --regid=65534 --clear-groups bash -c \"echo public-read > '$MO/.acl'\""
    expect_fail_errno "nobody: echo Enabled > .access-monitor" 1 "Permission denied" \
        "setpriv --reuid=65534 --regid=65534 --clear-groups bash -c \"echo Enabled > '$MO/.access-monitor'\""
    expect_fail_errno "nobody: object ACL" 1 "Permission denied" \
        "setpriv --reuid=65534 --regid=65534 --clear-groups bash -c \"echo public-read > '$MO/.acl.d/obj.txt'\""
    expect_fail_errno "nobody: setfattr user.oss.acl" 1 "" \
        "setpriv --reuid=65534 --regid=65534 --clear-groups setfattr -n user.oss.acl -v public-read '$MO/obj.txt'"
    expect_fail_errno "nobody: sed -i .acl" nz "" \
        "cd /tmp && setpriv --reuid=65534 --regid=65534 --clear-groups sed -i s/private/public-read/ '$MO/.acl'"
    expect_count "nobody: no write request" 0 write
    expect_eq "nobody: bucket ACL unchanged" private "$(srv_bucket_acl $B)"
    expect_eq "nobody: access monitor unchanged" Disabled "$(srv_access_monitor $B)"
    expect_eq "nobody: object ACL unchanged" default "$(srv_object_acl $B obj.txt)"
    expect_ok "the owner (root) can still write" "echo public-read > '$MO/.acl'"
    expect_eq "owner write applied" public-read "$(srv_bucket_acl $B)"
    fs_unmount "$MO"
else
    fail "allow_other mount did not come up"
fi

finish
