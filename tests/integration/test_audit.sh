#!/bin/bash
# Auditing permissions through the mount (issue 7): .acl.d as a shadow tree read and written at
# depth 3, a 2,500-object walk with fetch-ahead costing one GetObjectACL per object and no
# HeadObject, an object deleted during a walk, and acl_prefetch=0. Request counts come from
# ossemu's request log, outcomes from ali-oss (osscli).
. "$(dirname "$0")/lib.sh"
require_root_fuse
emu_start
B=auditbkt
N=2500
srv_mkbucket $B || die "cannot create bucket"
srv_seed $B --public-every 7 "d/:$N" "t/a/:40" "t/b/:40" "t/b/c/:20" "x/y/z/:3" ||
    die "seeding failed"
srv_set_object_acl $B x/y/z/obj-00001.dat private || die "seed ACL"

M="$T/mnt"
fs_mount -o attr_timeout=300 "$M" $B || die "mount"

# ---- the shadow tree
expect_eq "ls .acl.d: a directory per subdirectory" "d t x" "$(ls "$M/.acl.d" | xargs)"
expect_eq ".acl.d stays unlisted in its parent" "" "$(ls -a "$M" | grep -F .acl.d)"
expect_eq "find of the data does not walk .acl.d" 0 "$(find "$M/x" | grep -c acl.d)"
expect_eq "ls .acl.d/x/y/z: the ACL files of x/y/z" "obj-00000.dat obj-00001.dat obj-00002.dat" \
    "$(ls "$M/.acl.d/x/y/z" | xargs)"
expect_eq "depth 3 through the shadow tree" private "$(cat "$M/.acl.d/x/y/z/obj-00001.dat")"
expect_eq "the same file from its directory" private "$(cat "$M/x/y/z/.acl.d/obj-00001.dat")"
expect_eq "and halfway" private "$(cat "$M/x/.acl.d/y/z/obj-00001.dat")"
expect_eq "a public object" public-read "$(cat "$M/.acl.d/x/y/z/obj-00000.dat")"
logmark
expect_ok "write through the shadow tree" "echo public-read > '$M/.acl.d/x/y/z/obj-00002.dat'"
expect_count "one PutObjectACL" 1 PutObjectACL
expect_eq "server: x/y/z/obj-00002.dat public-read" public-read \
    "$(srv_object_acl $B x/y/z/obj-00002.dat)"
expect_eq "server: its neighbour untouched" private "$(srv_object_acl $B x/y/z/obj-00001.dat)"
expect_eq "the write shows through the other path" public-read \
    "$(cat "$M/x/y/z/.acl.d/obj-00002.dat")"
expect_ok "write halfway down" "echo private > '$M/x/.acl.d/y/z/obj-00000.dat'"
expect_eq "server: x/y/z/obj-00000.dat private" private "$(srv_object_acl $B x/y/z/obj-00000.dat)"
expect_eq "data untouched by ACL writes" 2 "$(stat -c %s "$M/x/y/z/obj-00002.dat")"
expect_fail_errno "no .acl.d shadow for a missing directory" nz "No such file" \
    "ls '$M/.acl.d/nowhere'"
expect_eq "grep -rl finds the public objects of a prefix" \
    "$(srv_keys $B | grep '^t/' | while read -r k; do
        [ "$(srv_object_acl $B "$k")" == public-read ] && echo "$M/.acl.d/$k"
    done | sort | xargs)" \
    "$(grep -rlx public-read "$M/.acl.d/t" | sort | xargs)"

# ---- a walk of 2,500 objects: one GetObjectACL each, no HEAD, 3 listings

logmark
grep -H . "$M"/d/.acl.d/* >"$T/walk.out" 2>"$T/walk.err"
expect_eq "grep -H over $N ACL files succeeds" "0 $N" "$? $(wc -l <"$T/walk.out")"
expect_count "walk: $N GetObjectACL" $N GetObjectACL
expect_count "walk: no HeadObject" 0 HeadObject
expect_count "walk: 3 ListObjectsV2" 3 ListObjectsV2
expect_eq "walk: every 7th object public-read" \
    "$(seq 0 7 $((N - 1)) | wc -l)" "$(grep -c ':public-read$' "$T/walk.out")"
expect_eq "walk: obj-00007 public-read" "$M/d/.acl.d/obj-00007.dat:public-read" \
    "$(grep obj-00007 "$T/walk.out")"

fs_unmount "$M"

# getfattr -R in listing order, on a new mount (nothing kept): the same store and fetch-ahead,
# one request per object
fs_mount -o attr_timeout=300 "$M" $B || die "mount"
ls "$M" >/dev/null
logmark
getfattr -R -n user.oss.acl "$M/t" 2>"$T/gf.err" | grep -c '^user.oss.acl=' >"$T/gf.n"
expect_eq "getfattr -R reads every ACL of t" 100 "$(cat "$T/gf.n")"
expect_count "getfattr -R: 100 GetObjectACL" 100 GetObjectACL
expect_count "getfattr -R: no HeadObject" 0 HeadObject

fs_unmount "$M"

# ---- an object deleted during a walk: that file fails, the walk goes on (small window)
fs_mount -o attr_timeout=300,acl_prefetch=2 "$M" $B || die "mount"
(
    cd "$M/d/.acl.d" || exit 9
    set -- *
    srv_delete_object $B d/obj-02000.dat || exit 8
    grep -H . "$@" >"$T/walk2.out" 2>"$T/walk2.err"
    echo $? >"$T/walk2.rc"
)
expect_eq "walk with a deleted object: grep reports an error" 2 "$(cat "$T/walk2.rc")"
expect_eq "walk with a deleted object: the other files are read" $((N - 1)) \
    "$(wc -l <"$T/walk2.out")"
expect_eq "walk with a deleted object: the error names that file" 1 \
    "$(grep -c 'obj-02000.dat: No such file' "$T/walk2.err")"
expect_eq "walk with a deleted object: files after it were read" \
    "obj-02499.dat:$(srv_object_acl $B d/obj-02499.dat)" "$(tail -n 1 "$T/walk2.out")"
fs_unmount "$M"

# ---- fetch-ahead off: the same answers, one request per file
fs_mount -o attr_timeout=300,acl_prefetch=0 "$M" $B || die "mount"
ls "$M/.acl.d" >/dev/null
logmark
grep -r . "$M/.acl.d/t" | sort >"$T/noprefetch.out"
expect_count "acl_prefetch=0: 100 GetObjectACL" 100 GetObjectACL
expect_count "acl_prefetch=0: no HeadObject" 0 HeadObject
srv_keys $B | grep '^t/' | while read -r k; do
    echo "$M/.acl.d/$k:$(srv_object_acl $B "$k")"
done | sort >"$T/server.out"
expect_eq "acl_prefetch=0: grep -r answers match the server" "" \
    "$(diff "$T/server.out" "$T/noprefetch.out")"
expect_eq "acl_prefetch=0: 100 answers" 100 "$(wc -l <"$T/noprefetch.out")"
finish
