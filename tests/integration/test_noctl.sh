#!/bin/bash
# Reserved names shadow real objects, which are logged once and stay reachable with -o noctl;
# noctl turns every control file and .acl.d/.versions into plain data.
. "$(dirname "$0")/lib.sh"
require_root_fuse
emu_start
B=noctlbkt
srv_mkbucket $B || die "cannot create bucket"
srv_put_object $B .acl "a real object named .acl" || die "seed"
srv_put_object $B .acl.d/x.txt "under a real .acl.d" || die "seed"
srv_put_object $B d/.versions "a real .versions" || die "seed"
srv_put_object $B d/f.txt "f" || die "seed"

# ---- with control files: the names are taken, the objects are untouched and logged once
M="$T/mnt-ctl"
fs_mount "$M" $B || die "mount"
expect_eq "ctl mount: .acl is the bucket ACL" private "$(cat "$M/.acl")"
expect_eq "ctl mount: ls -a shows .acl once" 1 "$(ls -a "$M" | grep -cx '\.acl')"
ls -a "$M" >/dev/null
expect_eq "ctl mount: .acl.d is not listed" 0 "$(ls -a "$M" | grep -cx '\.acl\.d')"
expect_eq "ctl mount: .versions is not listed in d" 0 "$(ls -a "$M/d" | grep -cx '\.versions')"
expect_eq "ctl mount: the shadowed .acl object is logged" 1 \
    "$(grep -c "object $B/.acl is shadowed" "$FS_LOG")"
expect_eq "ctl mount: the shadowed d/.versions object is logged once" 1 \
    "$(grep -c "object $B/d/.versions is shadowed" "$FS_LOG")"
expect_eq "ctl mount: .acl.d/f.txt is the object ACL of d/f.txt" default "$(cat "$M/d/.acl.d/f.txt")"
expect_eq "ctl mount: the real .acl object is unchanged" "a real object named .acl" \
    "$(srv_get_object $B .acl)"
fs_unmount "$M"

# ---- noctl: a plain data mount
M="$T/mnt-noctl"
fs_mount -o noctl "$M" $B || die "noctl mount"
expect_eq "noctl: .acl is the real object" "a real object named .acl" "$(cat "$M/.acl")"
expect_eq "noctl: no .access-monitor" 0 "$(ls -a "$M" | grep -cx '\.access-monitor')"
expect_eq "noctl: .acl.d is a real directory" "under a real .acl.d" "$(cat "$M/.acl.d/x.txt")"
expect_eq "noctl: d/.versions is a real file" "a real .versions" "$(cat "$M/d/.versions")"
expect_fail_errno "noctl: no .acl.d in other directories" nz "No such file" "ls '$M/d/.acl.d'"
logmark
echo "rewritten" >"$M/.acl"
expect_count "noctl: writing .acl is a PutObject" 1 PutObject
expect_count "noctl: and no PutBucketAcl" 0 PutBucketAcl
expect_eq "noctl: the object changed" rewritten "$(srv_get_object $B .acl)"
expect_eq "noctl: the bucket ACL did not" private "$(srv_bucket_acl $B)"
echo "temp" >"$M/sedAbC123"
expect_eq "noctl: editor-like names are ordinary objects" temp "$(srv_get_object $B sedAbC123)"
fs_unmount "$M"
finish
