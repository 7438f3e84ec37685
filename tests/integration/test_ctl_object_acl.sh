#!/bin/bash
# shellcheck disable=SC2010,SC2012 # ls is the tool under test here
# Object ACLs under .acl.d (DESIGN.md 1): in any directory, .acl.d/X is the ACL of X, read
# with one GetObjectACL and written with one PutObjectACL; .acl.d is reachable by name but not
# listed, so find does not walk it; user.oss.acl gives the same facts as an xattr.
. "$(dirname "$0")/lib.sh"

require_root_fuse
B=ctl-objacl
ctl_setup "$B"
for k in dir/a.txt dir/b.txt top.txt; do
    srv_put_object $B $k "content of $k" || die "cannot seed $k"
done

logmark
expect_eq "cat dir/.acl.d/a.txt" default "$(cat "$M/dir/.acl.d/a.txt")"
expect_count "cat of an object ACL is one GetObjectACL" 1 GetObjectACL
expect_count "cat of an object ACL writes nothing" 0 write
expect_eq "top-level .acl.d/top.txt" default "$(cat "$M/.acl.d/top.txt")"

logmark
expect_ok "echo public-read > dir/.acl.d/a.txt" "echo public-read > '$M/dir/.acl.d/a.txt'"
expect_count "object ACL write is one PutObjectACL" 1 PutObjectACL
expect_count "object ACL write sends nothing else of the write kind" 1 write
expect_eq "server: a.txt public-read" public-read "$(srv_object_acl $B dir/a.txt)"
expect_eq "server: b.txt untouched" default "$(srv_object_acl $B dir/b.txt)"
expect_eq "object data untouched" "content of dir/a.txt" "$(srv_get_object $B dir/a.txt)"
expect_eq "cat shows the new ACL" public-read "$(cat "$M/dir/.acl.d/a.txt")"

srv_set_object_acl $B dir/b.txt private
expect_eq "a change made elsewhere shows at the next open" private \
    "$(cat "$M/dir/.acl.d/b.txt")"

logmark
expect_ok "printf default > .acl.d/top.txt" "printf default > '$M/.acl.d/top.txt'"
expect_eq "server: top.txt default" default "$(srv_object_acl $B top.txt)"
expect_ok "echo public-read-write | tee .acl.d/top.txt" \
    "echo public-read-write | tee '$M/.acl.d/top.txt' >/dev/null"
expect_eq "server: top.txt public-read-write" public-read-write "$(srv_object_acl $B top.txt)"
expect_count "two object ACL writes, two PutObjectACL" 2 PutObjectACL

logmark
expect_fail_errno "a wrong-case object ACL is refused" 1 "Invalid argument" \
    "echo Public-Read > '$M/dir/.acl.d/b.txt'"
expect_count "the refused value sends nothing" 0 write
expect_eq "server: b.txt still private" private "$(srv_object_acl $B dir/b.txt)"

# ---- listing rules
expect_eq "ls dir/.acl.d lists the files of dir" "a.txt b.txt" \
    "$(ls "$M/dir/.acl.d" | tr '\n' ' ' | sed 's/ $//')"
expect_eq "ls -a dir does not list .acl.d" 0 "$(ls -a "$M/dir" | grep -cxF .acl.d)"
expect_eq "find does not walk .acl.d" "$M/dir/a.txt $M/dir/b.txt $M/top.txt" \
    "$(find "$M" -type f -name '*.txt' | sort | tr '\n' ' ' | sed 's/ $//')"
expect_fail_errno "ACL of a missing object" nz "No such file or directory" \
    "cat '$M/dir/.acl.d/missing.txt'"
# echo cannot report a close() error, so only the effect is asserted for echo; tee can.
logmark
bash -c "echo private > '$M/dir/.acl.d/missing.txt'" 2>/dev/null
expect_count "writing the ACL of a missing object sends no write" 0 write
expect_eq "server: no object missing.txt" 0 "$(srv_keys $B | grep -c missing)"
expect_fail_errno "the ACL of the missing object still does not exist" nz \
    "No such file or directory" "cat '$M/dir/.acl.d/missing.txt'"
expect_fail_errno "tee to the ACL of a missing object fails" nz "" \
    "echo private | tee '$M/dir/.acl.d/missing2.txt'"

# ---- extended attribute user.oss.acl
expect_eq "getfattr user.oss.acl" public-read \
    "$(getfattr --absolute-names --only-values -n user.oss.acl "$M/dir/a.txt" 2>&1)"
logmark
expect_ok "setfattr user.oss.acl" "setfattr -n user.oss.acl -v public-read-write '$M/dir/b.txt'"
expect_count "setfattr is one PutObjectACL" 1 PutObjectACL
expect_eq "server: b.txt public-read-write" public-read-write "$(srv_object_acl $B dir/b.txt)"
logmark
expect_fail_errno "setfattr with a bad value" 1 "Invalid argument" \
    "setfattr -n user.oss.acl -v bogus '$M/dir/b.txt'"
expect_count "bad setfattr sends nothing" 0 write
getfattr -R -n user.oss.acl "$M/dir" >"$T/gf.out" 2>&1
expect_eq "getfattr -R audits the tree" 2 "$(grep -c '^user.oss.acl=' "$T/gf.out")"
expect_eq "getfattr -R shows a.txt public-read" 1 \
    "$(grep -A1 'dir/a.txt$' "$T/gf.out" | grep -c 'user.oss.acl="public-read"')"

expect_eq "server keys unchanged by all of this" "dir/a.txt dir/b.txt top.txt" \
    "$(srv_keys $B | sort | tr '\n' ' ' | sed 's/ $//')"

finish
