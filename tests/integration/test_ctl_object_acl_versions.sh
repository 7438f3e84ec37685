#!/bin/bash
# shellcheck disable=SC2010,SC2012 # ls is the tool under test here
# Object ACLs of past versions (DESIGN.md 1): <dir>/.versions/<name>/.acl.d/<version-id> is
# the ACL of that version, read with GetObjectACL and written with PutObjectACL carrying the
# versionId; the current version is not touched.
. "$(dirname "$0")/lib.sh"

require_root_fuse
B=ctl-objacl-ver
ctl_setup "$B"
srv_enable_versioning $B || die "cannot enable versioning"
srv_put_object $B dir/v.txt one || die "cannot seed v1"
srv_put_object $B dir/v.txt two || die "cannot seed v2"
mapfile -t VERS < <(srv_versions $B dir/v.txt)
[ "${#VERS[@]}" -eq 2 ] || die "expected 2 versions, got ${#VERS[@]}"
CUR=${VERS[0]}
OLD=${VERS[1]}

expect_eq "the old version is listed" 1 \
    "$(ls "$M/dir/.versions/v.txt" 2>&1 | grep -cxF "$OLD")"
expect_eq "the old version reads" one "$(cat "$M/dir/.versions/v.txt/$OLD" 2>&1)"
logmark
expect_eq "ACL of the old version" default "$(cat "$M/dir/.versions/v.txt/.acl.d/$OLD")"
expect_count "one GetObjectACL" 1 GetObjectACL
logmark
expect_ok "echo public-read > .versions/v.txt/.acl.d/OLD" \
    "echo public-read > '$M/dir/.versions/v.txt/.acl.d/$OLD'"
expect_count "one PutObjectACL" 1 PutObjectACL
expect_count "nothing else of the write kind" 1 write
expect_eq "server: old version public-read" public-read "$(srv_object_acl $B dir/v.txt "$OLD")"
expect_eq "server: current version untouched" default "$(srv_object_acl $B dir/v.txt "$CUR")"
expect_eq "server: current (no versionId) untouched" default "$(srv_object_acl $B dir/v.txt)"
expect_eq "the current version's .acl.d is the current ACL" default \
    "$(cat "$M/dir/.acl.d/v.txt")"

finish
