#!/bin/bash
# shellcheck disable=SC2012 # ls is the tool under test here
# Past versions (DESIGN.md 1): <dir>/.versions/<name>/ lists the versions of <name> (one
# ListObjectVersions; delete markers are not listed), each a read-only file named by its
# version id holding that version's bytes, and .versions/<name>/.acl.d/<vid> its ACL.
# Checked with osscli (ali-oss) and signed requests, never through the mount.
. "$(dirname "$0")/lib.sh"

require_root_fuse
if ! command -v node >/dev/null || [ ! -d "$REPO/tests/conformance/node_modules/ali-oss" ]; then
    echo "# osscli (node + ali-oss) missing: skipped"
    exit 77
fi
B=versions-b
ctl_setup "$B" -o attr_timeout=300 # request counts must not depend on timing
srv_enable_versioning $B || die "cannot enable versioning"
srv_put_object $B d/f.txt first || die "seed v1"
srv_put_object $B d/f.txt second-version || die "seed v2"
srv_delete_object $B d/f.txt || die "delete marker"
srv_put_object $B d/f.txt third || die "seed v3"
srv_put_object $B d/f.txt.bak other || die "seed a key sharing the prefix"
# version ids of d/f.txt that are not delete markers, newest first (signed curl)
mapfile -t VERS < <(oss_req alice GET "/$B/?versions&prefix=d/f.txt" | python3 -c '
import sys, xml.etree.ElementTree as ET
for v in ET.fromstring(sys.stdin.read()).iter("Version"):
    if v.findtext("Key") == "d/f.txt":
        print(v.findtext("VersionId"))')
[ "${#VERS[@]}" -eq 3 ] || die "expected 3 versions, got ${#VERS[@]}"
V3=${VERS[0]} V2=${VERS[1]} V1=${VERS[2]}

ls "$M/d" >/dev/null
logmark
out=$(ls "$M/d/.versions/f.txt" 2>&1)
expect_eq "ls lists the three versions, not the delete marker nor f.txt.bak" \
    "$(printf '%s\n' "$V1" "$V2" "$V3" | LC_ALL=C sort)" "$(LC_ALL=C sort <<<"$out")"
expect_count "the listing is one ListObjectVersions" 1 ListObjectVersions
expect_eq "ls -l sizes come from the listing" "5 14 5" \
    "$(for v in "$V1" "$V2" "$V3"; do stat -c %s "$M/d/.versions/f.txt/$v"; done | paste -sd ' ')"
expect_count "no HeadObject for them" 0 HeadObject
expect_eq "version 1 reads" first "$(cat "$M/d/.versions/f.txt/$V1")"
expect_eq "version 2 reads" second-version "$(cat "$M/d/.versions/f.txt/$V2")"
expect_eq "the current file reads the newest" third "$(cat "$M/d/f.txt")"
expect_eq "past versions are read-only" "444" "$(stat -c %a "$M/d/.versions/f.txt/$V1")"
expect_fail_errno "writing a past version fails" nz "" \
    "echo x > '$M/d/.versions/f.txt/$V1'"
expect_eq "server: version 1 unchanged" first \
    "$(oss_req alice GET "/$B/d/f.txt?versionId=$V1")"
expect_eq "user.oss.version-id of a version" "$V2" \
    "$(getfattr --absolute-names --only-values -n user.oss.version-id "$M/d/.versions/f.txt/$V2")"
expect_ok "listxattr of a versioned object names user.oss.version-id" \
    "python3 -c 'import os,sys; sys.exit(\"user.oss.version-id\" not in os.listxattr(sys.argv[1]))' '$M/d/f.txt'"

# ACLs of versions
expect_eq "ls .acl.d of the version directory lists the versions" \
    "$(printf '%s\n' "$V1" "$V2" "$V3" | LC_ALL=C sort)" \
    "$(ls "$M/d/.versions/f.txt/.acl.d" | LC_ALL=C sort)"
logmark
expect_ok "echo private > .acl.d/V1" "echo private > '$M/d/.versions/f.txt/.acl.d/$V1'"
expect_count "one PutObjectACL" 1 PutObjectACL
expect_eq "osscli: version 1 is private" private "$(osscli get-object-acl $B d/f.txt "$V1")"
expect_eq "osscli: version 2 untouched" default "$(osscli get-object-acl $B d/f.txt "$V2")"
expect_eq "osscli: the current version untouched" default "$(osscli get-object-acl $B d/f.txt)"
srv_set_object_acl $B d/f.txt public-read "$V2" || die "cannot set the ACL of V2"
expect_eq "an ACL set by another client reads back" public-read \
    "$(cat "$M/d/.versions/f.txt/.acl.d/$V2")"
expect_eq "user.oss.acl of a version" public-read \
    "$(getfattr --absolute-names --only-values -n user.oss.acl "$M/d/.versions/f.txt/$V2")"
expect_fail_errno "a bad ACL for a version is EINVAL" nz "Invalid argument" \
    "echo bogus > '$M/d/.versions/f.txt/.acl.d/$V1'"
expect_eq "osscli: still private" private "$(osscli get-object-acl $B d/f.txt "$V1")"

# (user.oss.tagging of a version sends its versionId; ossemu answers NoSuchVersion to tagging
# calls with a versionId, so that is not checked here)
expect_fail_errno "metadata of a version is read-only" nz "Operation not permitted" \
    "setfattr -n user.oss.meta.x -v y '$M/d/.versions/f.txt/$V1'"

# missing names
expect_fail_errno "an unknown version id" nz "No such file" \
    "cat '$M/d/.versions/f.txt/CAEQnotaversion'"
expect_eq "versions of a never-written name list empty" "" "$(ls "$M/d/.versions/none.txt" 2>&1)"

finish
