#!/bin/bash
# shellcheck disable=SC2010,SC2012 # ls is the tool under test here
# .acl, the bucket ACL file (DESIGN.md 1, 1.1): reads are one GetBucketAcl and reflect the
# server at open, writes are one PutBucketAcl, readers and writers of every kind work, the
# audit log records the change, and -o noctl turns the control file back into the object it
# shadows. Every outcome is checked with an independent client, never through the mount.
. "$(dirname "$0")/lib.sh"

require_root_fuse
B=ctl-acl
ctl_setup "$B" -o "audit_log=$T/audit.log"

# ---- reading
expect_eq "new bucket is private" private "$(srv_bucket_acl $B)"
logmark
expect_eq "cat .acl" private "$(cat "$M/.acl")"
expect_count "cat .acl is exactly one GetBucketAcl" 1 GetBucketAcl
expect_count "cat .acl writes nothing" 0 write
expect_eq ".acl ends with a newline" 0a "$(tail -c 1 "$M/.acl" | od -An -tx1 | tr -d ' ')"
expect_eq "wc -c .acl" 8 "$(wc -c <"$M/.acl" | tr -d ' ')"
expect_eq "grep -H" "$M/.acl:private" "$(grep -H . "$M/.acl")"
expect_eq "python read()" private \
    "$(python3 -c 'import sys; print(open(sys.argv[1]).read(), end="")' "$M/.acl" | tr -d '\n')"
expect_eq "dd bs=1 reads byte by byte" private "$(dd if="$M/.acl" bs=1 status=none)"
expect_eq "head -c 4" priv "$(head -c 4 "$M/.acl")"
expect_eq "cp .acl out" private "$(cp "$M/.acl" "$T/acl.copy" && cat "$T/acl.copy")"

srv_set_bucket_acl $B public-read
expect_eq "a change made elsewhere shows at the next open (no stale cache)" public-read \
    "$(cat "$M/.acl")"

ls -a "$M" >"$T/ls.out" 2>&1
expect_eq "ls -a lists .acl" 1 "$(grep -cxF '.acl' "$T/ls.out")"
expect_eq "ls -a lists .access-monitor" 1 "$(grep -cxF '.access-monitor' "$T/ls.out")"
expect_eq "ls -a does not list .acl.d" 0 "$(grep -cxF '.acl.d' "$T/ls.out")"

# ---- writing
logmark
expect_ok "echo public-read-write > .acl" "echo public-read-write > '$M/.acl'"
expect_count "echo > .acl is exactly one PutBucketAcl" 1 PutBucketAcl
expect_count "echo > .acl sends nothing else of the write kind" 1 write
expect_eq "server has public-read-write" public-read-write "$(srv_bucket_acl $B)"
PUT_RID=$(log_since | jq -r 'select(.op=="PutBucketAcl") | .request_id' | head -n 1)

logmark
expect_ok "printf private (no newline) > .acl" "printf private > '$M/.acl'"
expect_count "printf > .acl is one PutBucketAcl" 1 PutBucketAcl
expect_eq "server has private" private "$(srv_bucket_acl $B)"

logmark
expect_ok "echo public-read | tee .acl" "echo public-read | tee '$M/.acl' >/dev/null"
expect_count "tee .acl is one PutBucketAcl" 1 PutBucketAcl
expect_count "tee .acl sends nothing else of the write kind" 1 write
expect_eq "server has public-read" public-read "$(srv_bucket_acl $B)"

logmark
expect_ok "python write" \
    "python3 -c 'import sys; f=open(sys.argv[1], \"w\"); f.write(\"  private\\n\"); f.close()' '$M/.acl'"
expect_eq "python write applied (white space ignored)" private "$(srv_bucket_acl $B)"
expect_count "python write is one PutBucketAcl" 1 PutBucketAcl

logmark
expect_ok "writing the current value again" "echo private > '$M/.acl'"
expect_eq "server still private" private "$(srv_bucket_acl $B)"
expect_eq "cat after writes" private "$(cat "$M/.acl")"

expect_eq "audit: the truncation that opens echo > .acl is no delete" 0 \
    "$(jq -c 'select(.action=="delete")' "$T/audit.log" 2>/dev/null | wc -l)"

expect_fail_errno "rm .acl is refused (no DeleteBucketAcl)" nz "Operation not permitted" \
    "rm -f '$M/.acl'"
expect_eq "rm .acl changed nothing" private "$(srv_bucket_acl $B)"

# ---- audit log
if [ -f "$T/audit.log" ]; then
    jq -c 'select(.entry==".acl" and .new=="public-read-write")' "$T/audit.log" >"$T/a.json"
    expect_eq "audit: one record for the public-read-write change" 1 "$(wc -l <"$T/a.json")"
    expect_eq "audit: bucket" "$B" "$(jq -r .bucket "$T/a.json" | head -n 1)"
    expect_eq "audit: uid" 0 "$(jq -r .uid "$T/a.json" | head -n 1)"
    expect_eq "audit: command" bash "$(jq -r .comm "$T/a.json" | head -n 1)"
    expect_eq "audit: old value (as read, without the newline reads add)" '"public-read"' \
        "$(jq -c .old "$T/a.json" | head -n 1)"
    expect_eq "audit: request id of the PutBucketAcl" "$PUT_RID" \
        "$(jq -r .request_id "$T/a.json" | head -n 1)"
    expect_ne "audit: pid recorded" 0 "$(jq -r '.pid // 0' "$T/a.json" | head -n 1)"
    expect_eq "audit: 5 changes, 5 JSON records" 5 "$(jq -c 'select(.new != null)' "$T/audit.log" | wc -l)"
else
    fail "audit log $T/audit.log was not written"
fi
expect_eq "no secret in the audit log or the daemon log" 0 \
    "$(cat "$T/audit.log" "$T"/fs-*.log 2>/dev/null | grep -c "$ALICE_SK")"

# ---- account mount: one directory per bucket
A="$T/acct"
if fs_mount "$A"; then
    expect_eq "account mount: cat BUCKET/.acl" private "$(cat "$A/$B/.acl")"
    expect_ok "account mount: echo public-read > BUCKET/.acl" "echo public-read > '$A/$B/.acl'"
    expect_eq "account mount: server has public-read" public-read "$(srv_bucket_acl $B)"
    fs_unmount "$A"
else
    fail "account mount did not come up"
fi

# ---- a real object named .acl is shadowed, and reachable with -o noctl
srv_put_object $B .acl "shadowed object" || fail "cannot seed object .acl"
expect_eq "control file shadows the object .acl" public-read "$(cat "$M/.acl")"
N="$T/noctl"
if fs_mount -o noctl "$N" "$B"; then
    expect_eq "noctl: .acl is the object" "shadowed object" "$(cat "$N/.acl")"
    expect_eq "noctl: no .access-monitor" 0 "$(ls -a "$N" | grep -cxF '.access-monitor')"
    expect_fail_errno "noctl: no .acl.d" nz "No such file or directory" "ls '$N/.acl.d/'"
    fs_unmount "$N"
else
    fail "noctl mount did not come up"
fi
expect_eq "the shadowed object is intact" "shadowed object" "$(srv_get_object $B .acl)"

finish
