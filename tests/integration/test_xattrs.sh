#!/bin/bash
# Object tags and user metadata as extended attributes (DESIGN.md 1): user.oss.tagging is the
# x-oss-tagging form "k1=v1&k2=v2" (one GetObjectTagging / PutObjectTagging /
# DeleteObjectTagging), user.oss.meta.<name> is x-oss-meta-<name> (read with HeadObject,
# changed by one CopyObject REPLACE onto the object that keeps Content-Type, ACL and tags).
# Checked with signed requests and osscli, never through the mount.
. "$(dirname "$0")/lib.sh"

require_root_fuse
if ! command -v node >/dev/null || [ ! -d "$REPO/tests/conformance/node_modules/ali-oss" ]; then
    echo "# osscli (node + ali-oss) missing: skipped"
    exit 77
fi
B=xattr-b
ctl_setup "$B" -o attr_timeout=300 # request counts must not depend on timing
printf 'hello tags' >"$T/body"
oss_req alice PUT "/$B/dir/f.txt" "Content-Type: text/x-test" "x-oss-meta-color: red" \
    "@$T/body" >/dev/null || die "cannot seed dir/f.txt"
srv_put_object $B plain.txt plain || die "cannot seed plain.txt"

# server-side tag set, one "key=value" a line, sorted
srv_tags() {
    oss_req alice GET "/$B/$1?tagging" | tr -d '\n' | sed 's:</Tag>:&\n:g' |
        sed -n 's:.*<Key>\(.*\)</Key>.*<Value>\(.*\)</Value>.*:\1=\2:p' | LC_ALL=C sort
}
srv_head() { # srv_head KEY HEADER: a response header of HeadObject (osscli, ali-oss)
    osscli head-object $B "$1" | jq -r --arg h "$2" '.[$h] // empty'
}

# ---- tagging
ls "$M/dir" >/dev/null
logmark
expect_ok "setfattr user.oss.tagging" \
    "setfattr -n user.oss.tagging -v 'project=alpha&owner=ops%20team' '$M/dir/f.txt'"
expect_count "setfattr is one PutObjectTagging" 1 PutObjectTagging
expect_count "and nothing else is written" 1 write
expect_eq "server: the tags" "owner=ops team
project=alpha" "$(srv_tags dir/f.txt)"
logmark
expect_eq "getfattr user.oss.tagging (the server's order)" "owner=ops%20team
project=alpha" \
    "$(getfattr --absolute-names --only-values -n user.oss.tagging "$M/dir/f.txt" 2>&1 |
        tr '&' '\n' | LC_ALL=C sort)"
expect_count "getfattr is one GetObjectTagging" 1 GetObjectTagging
printf '<Tagging><TagSet><Tag><Key>a/b</Key><Value>1+1</Value></Tag><Tag><Key>empty</Key><Value></Value></Tag></TagSet></Tagging>' >"$T/tags.xml"
oss_req alice PUT "/$B/plain.txt?tagging" "Content-Type: application/xml" "@$T/tags.xml" \
    >/dev/null || die "cannot tag plain.txt"
expect_eq "tags set by another client read back" "a%2Fb=1%2B1&empty=" \
    "$(getfattr --absolute-names --only-values -n user.oss.tagging "$M/plain.txt" 2>&1)"
srv_put_object $B untagged.txt u || die "cannot seed untagged.txt"
expect_fail_errno "an untagged object: ENODATA" nz "No such attribute" \
    "getfattr -n user.oss.tagging '$M/untagged.txt'"
logmark
expect_fail_errno "eleven tags are EINVAL" nz "Invalid argument" \
    "setfattr -n user.oss.tagging -v 'a=1&b=2&c=3&d=4&e=5&f=6&g=7&h=8&i=9&j=10&k=11' '$M/dir/f.txt'"
expect_fail_errno "a duplicate key is EINVAL" nz "Invalid argument" \
    "setfattr -n user.oss.tagging -v 'a=1&a=2' '$M/dir/f.txt'"
expect_fail_errno "a bad escape is EINVAL" nz "Invalid argument" \
    "setfattr -n user.oss.tagging -v 'a=%zz' '$M/dir/f.txt'"
expect_count "invalid tag sets send nothing" 0 write
expect_eq "server: tags unchanged" "owner=ops team
project=alpha" "$(srv_tags dir/f.txt)"

# ---- user metadata
logmark
expect_eq "getfattr user.oss.meta.color" red \
    "$(getfattr --absolute-names --only-values -n user.oss.meta.color "$M/dir/f.txt" 2>&1)"
expect_count "getfattr of metadata is one HeadObject" 1 HeadObject
expect_fail_errno "absent metadata: ENODATA" nz "No such attribute" \
    "getfattr -n user.oss.meta.size '$M/dir/f.txt'"
logmark
expect_ok "setfattr user.oss.meta.shape" "setfattr -n user.oss.meta.shape -v round '$M/dir/f.txt'"
expect_count "metadata write is one CopyObject" 1 CopyObject
expect_count "and nothing else is written" 1 write
expect_eq "server: new metadata" round "$(srv_head dir/f.txt x-oss-meta-shape)"
expect_eq "server: old metadata kept" red "$(srv_head dir/f.txt x-oss-meta-color)"
expect_eq "server: Content-Type kept" text/x-test "$(srv_head dir/f.txt content-type)"
expect_eq "server: data kept" "hello tags" "$(srv_get_object $B dir/f.txt)"
expect_eq "server: tags kept" "owner=ops team
project=alpha" "$(srv_tags dir/f.txt)"
srv_set_object_acl $B plain.txt public-read || die "cannot set ACL"
expect_ok "setfattr on an object with an ACL" "setfattr -n user.oss.meta.k -v v '$M/plain.txt'"
expect_eq "server: the ACL is kept" public-read "$(srv_object_acl $B plain.txt)"
expect_eq "server: the tags of plain.txt are kept" "a/b=1+1
empty=" "$(srv_tags plain.txt)"
expect_eq "listxattr shows tags and metadata" \
    "user.oss.acl user.oss.crc64 user.oss.etag user.oss.meta.color user.oss.meta.shape user.oss.storage-class user.oss.tagging user.oss.type" \
    "$(python3 -c 'import os,sys; print(" ".join(sorted(os.listxattr(sys.argv[1]))))' "$M/dir/f.txt")"
# an unversioned object has no version id: listing it would make getfattr -d fail with ENODATA
expect_ok "getfattr -d -m - of an unversioned object reads every listed name" \
    "getfattr --absolute-names -d -m - '$M/plain.txt' 2>'$T/dumperr' && [ ! -s '$T/dumperr' ]"
ln -s plain.txt "$M/link" || die "cannot make a symlink"
expect_eq "a symlink lists no attributes" "" \
    "$(python3 -c 'import os,sys; print(" ".join(os.listxattr(sys.argv[1], follow_symlinks=False)))' "$M/link")"
rm -f "$M/link"
getfattr --absolute-names -d -m '^user\.oss\.(meta|tagging)' "$M/dir/f.txt" >"$T/dump" 2>&1
expect_eq "getfattr -d dumps them" 'user.oss.meta.color="red"
user.oss.meta.shape="round"
user.oss.tagging="owner=ops%20team&project=alpha"' \
    "$(grep '^user' "$T/dump" | sed 's/^\(user.oss.tagging="\)project=alpha&\(owner=ops%20team\)"/\1\2\&project=alpha"/')"
logmark
expect_fail_errno "a metadata name with '_' is EINVAL" nz "Invalid argument" \
    "setfattr -n user.oss.meta.bad_name -v x '$M/dir/f.txt'"
expect_fail_errno "a metadata value with a control character is EINVAL" nz "Invalid argument" \
    "setfattr -n user.oss.meta.ok -v \$'a\\tb' '$M/dir/f.txt'"
expect_count "invalid metadata sends no write" 0 write
expect_ok "setfattr replaces a value" "setfattr -n user.oss.meta.color -v blue '$M/dir/f.txt'"
expect_eq "server: replaced" blue "$(srv_head dir/f.txt x-oss-meta-color)"
expect_ok "setfattr -x removes metadata" "setfattr -x user.oss.meta.shape '$M/dir/f.txt'"
expect_eq "server: removed" "" "$(srv_head dir/f.txt x-oss-meta-shape)"
expect_eq "server: the rest kept" blue "$(srv_head dir/f.txt x-oss-meta-color)"
expect_fail_errno "removing absent metadata: ENODATA" nz "No such attribute" \
    "setfattr -x user.oss.meta.shape '$M/dir/f.txt'"
expect_eq "stat sees the object after the rewrite" 10 "$(stat -c %s "$M/dir/f.txt")"

# ---- removing tags
logmark
expect_ok "setfattr -x user.oss.tagging" "setfattr -x user.oss.tagging '$M/dir/f.txt'"
expect_count "removal is one DeleteObjectTagging" 1 DeleteObjectTagging
expect_eq "server: no tags left" "" "$(srv_tags dir/f.txt)"
expect_fail_errno "tags on a directory are not supported" nz "Operation not supported" \
    "setfattr -n user.oss.tagging -v a=b '$M/dir'"

# ---- read-only mount
fs_mount -o ro "$T/ro" "$B" || die "read-only mount failed"
expect_fail_errno "ro mount: tagging is read-only" nz "Read-only file system" \
    "setfattr -n user.oss.tagging -v a=b '$T/ro/plain.txt'"

# ---- no extended attributes at all (-o noxattr)
fs_mount -o noxattr "$T/nox" "$B" || die "noxattr mount failed"
tags_before=$(srv_tags plain.txt)
logmark
expect_fail_errno "noxattr: no user.oss.tagging" nz "Operation not supported" \
    "getfattr -n user.oss.tagging '$T/nox/plain.txt'"
expect_fail_errno "noxattr: setting one is refused" nz "Operation not supported" \
    "setfattr -n user.oss.tagging -v a=b '$T/nox/plain.txt'"
expect_eq "noxattr: ls -l still lists" "$(ls "$M" | xargs)" "$(ls -l "$T/nox" | awk 'NR > 1 { print $NF }' | xargs)"
expect_count "noxattr: nothing asked of the server for xattrs" 0 GetObjectTagging
expect_count "noxattr: nothing written" 0 PutObjectTagging
expect_eq "server: plain.txt keeps its tags" "$tags_before" "$(srv_tags plain.txt)"

finish
