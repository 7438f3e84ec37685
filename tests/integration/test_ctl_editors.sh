#!/bin/bash
# Editors on control files (DESIGN.md 1.1): sed -i, vim, cp, mv and Python's atomic replace
# write a temporary file beside the control file and rename it over; the rename applies the
# content as one Put call and no temporary object is left on the server.
. "$(dirname "$0")/lib.sh"

require_root_fuse
B=ctl-editors
ctl_setup "$B"
srv_put_object $B dir/a.txt "data a" || die "cannot seed dir/a.txt"
KEYS="dir/a.txt"

# no_leftovers DESC: the server holds only the seeded objects and the mount lists no temp file.
no_leftovers() {
    expect_eq "$1: no temporary object on the server" "$KEYS" \
        "$(srv_keys $B | sort | tr '\n' ' ' | sed 's/ $//')"
    expect_eq "$1: no temporary file in the bucket root" ".access-monitor .acl dir" \
        "$(cd "$M" && find . -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | LC_ALL=C sort |
            grep -v '^\.\(versioning\|policy\|cors\|lifecycle\|referer\|logging\|website\|encryption\|tagging\|info\|location\|stat\|public-access-block\|policy-status\|request-payment\|worm\|https-config\|access-points\)$' |
            tr '\n' ' ' | sed 's/ $//')"
}

# edit DESC SHELL-COMMAND OP WANT GETTER...: the edit succeeds with exactly one OP request and
# the server then answers WANT.
edit() {
    local desc=$1 cmd=$2 op=$3 want=$4
    shift 4
    logmark
    expect_ok "$desc" "$cmd"
    expect_count "$desc: one $op" 1 "$op"
    expect_eq "$desc: server has $want" "$want" "$("$@")"
    no_leftovers "$desc"
}

edit "sed -i on .acl" "sed -i s/private/public-read/ '$M/.acl'" PutBucketAcl public-read \
    srv_bucket_acl $B
edit "vim -es on .acl" "vim -es -i NONE -c '%s/public-read/private/' -c wq '$M/.acl'" \
    PutBucketAcl private srv_bucket_acl $B
printf 'public-read-write\n' >"$T/new.acl"
edit "cp FILE .acl" "cp '$T/new.acl' '$M/.acl'" PutBucketAcl public-read-write srv_bucket_acl $B
edit "mv of a file written in the bucket onto .acl" \
    "printf 'private\\n' > '$M/acl.new' && mv '$M/acl.new' '$M/.acl'" PutBucketAcl private \
    srv_bucket_acl $B
srv_delete_object $B acl.new # keep a failure above from spilling into the cases below
edit "Python atomic replace onto .acl" \
    "cd '$M' && python3 -c 'import os; open(\".acl.tmp\", \"w\").write(\"public-read\\n\"); os.replace(\".acl.tmp\", \".acl\")'" \
    PutBucketAcl public-read srv_bucket_acl $B

edit "sed -i on .access-monitor" "sed -i s/Disabled/Enabled/ '$M/.access-monitor'" \
    PutBucketAccessMonitor Enabled srv_access_monitor $B
edit "vim -es on .access-monitor" \
    "vim -es -i NONE -c '%s/Enabled/Disabled/' -c wq '$M/.access-monitor'" \
    PutBucketAccessMonitor Disabled srv_access_monitor $B

edit "sed -i on an object ACL" "sed -i s/default/public-read/ '$M/dir/.acl.d/a.txt'" \
    PutObjectACL public-read srv_object_acl $B dir/a.txt
edit "vim -es on an object ACL" \
    "vim -es -i NONE -c '%s/public-read/private/' -c wq '$M/dir/.acl.d/a.txt'" \
    PutObjectACL private srv_object_acl $B dir/a.txt
expect_eq "object data untouched by ACL edits" "data a" "$(srv_get_object $B dir/a.txt)"

# An edit that produces an invalid value fails, sends nothing and leaves nothing behind.
logmark
expect_fail_errno "sed -i to an invalid value fails" nz "Invalid argument" \
    "sed -i s/public-read/Public-Read/ '$M/.acl'"
expect_count "the failed sed sends nothing" 0 write
expect_eq "server still public-read" public-read "$(srv_bucket_acl $B)"
no_leftovers "failed sed"
logmark
expect_fail_errno "cp of an invalid value fails" nz "Invalid argument" \
    "echo bogus > '$T/bad.acl' && cp '$T/bad.acl' '$M/.acl'"
expect_count "the failed cp sends nothing" 0 write
expect_eq "server still public-read after cp" public-read "$(srv_bucket_acl $B)"
no_leftovers "failed cp"

finish
