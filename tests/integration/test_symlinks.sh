#!/bin/bash
# shellcheck disable=SC2012 # ls is the tool under test here
# Symlinks as OSS native symlinks (DESIGN.md 1.3): ln -s is one PutSymlink whose target is the
# bucket-absolute key, readlink is one GetSymlink turned back into a path relative to the
# link, listings show Symlink objects as links. Checked with signed requests, never through
# the mount.
. "$(dirname "$0")/lib.sh"

require_root_fuse
if ! command -v node >/dev/null || [ ! -d "$REPO/tests/conformance/node_modules/ali-oss" ]; then
    echo "# osscli (node + ali-oss) missing: skipped"
    exit 77
fi
B=symlink-b
ctl_setup "$B" -o attr_timeout=300 # request counts must not depend on timing
srv_put_object $B a/b/data.txt "link me" || die "cannot seed a/b/data.txt"
srv_put_object $B top.txt "top" || die "cannot seed top.txt"

# srv_link_target KEY: the stored target of a symlink (GetSymlink, percent-decoded);
# oss_req prints no headers, so this is a V1-signed curl -D of its own.
srv_link_target() {
    local ak sk date sig v
    creds_of alice ak sk
    date=$(LC_ALL=C TZ=GMT date '+%a, %d %b %Y %H:%M:%S GMT')
    sig=$(printf 'GET\n\n\n%s\n/%s/%s?symlink' "$date" "$B" "$1" |
        openssl dgst -sha1 -hmac "$sk" -binary | base64)
    v=$(curl -sS -D - -o /dev/null -H "Date: $date" -H "Authorization: OSS $ak:$sig" \
        "$EMU_URL/$B/$1?symlink" | tr -d '\r' | sed -n 's/^x-oss-symlink-target: *//Ip')
    python3 -c 'import sys,urllib.parse; print(urllib.parse.unquote(sys.argv[1]))' "$v"
}
srv_type() { # the Type of KEY in a ListObjects answer
    oss_req alice GET "/$B/?prefix=$1" | tr -d '\n' | sed 's:</Contents>:&\n:g' |
        grep "<Key>$1</Key>" | xml_values Type
}

ls "$M/a/b" >/dev/null
logmark
expect_ok "ln -s a relative target" "ln -s ../b/data.txt '$M/a/b/rel'"
expect_count "ln -s is one PutSymlink" 1 PutSymlink
expect_count "and nothing else is written" 1 write
expect_eq "server: the target is the bucket-absolute key" a/b/data.txt \
    "$(srv_link_target a/b/rel)"
expect_eq "server: a Symlink object" Symlink "$(srv_type a/b/rel)"
logmark
expect_eq "readlink is relative to the link" data.txt "$(readlink "$M/a/b/rel")"
expect_count "readlink is one GetSymlink" 1 GetSymlink
expect_eq "reading through the link" "link me" "$(cat "$M/a/b/rel")"
expect_eq "another client (ali-oss) reads through the link too" "link me" \
    "$(osscli get-object $B a/b/rel)"

expect_ok "ln -s to a file higher up" "ln -s ../../top.txt '$M/a/b/up'"
expect_eq "server: up's target" top.txt "$(srv_link_target a/b/up)"
expect_eq "readlink of up" ../../top.txt "$(readlink "$M/a/b/up")"
expect_ok "ln -s with an absolute path inside the mount" "ln -s '$M/a/b/data.txt' '$M/abs'"
expect_eq "server: abs's target" a/b/data.txt "$(srv_link_target abs)"
expect_eq "readlink of abs is relative" a/b/data.txt "$(readlink "$M/abs")"
expect_ok "ln -s to a directory" "ln -s a/b '$M/dirlink'"
expect_eq "a link to a directory lists it" "data.txt rel up" \
    "$(ls "$M/dirlink/" | tr '\n' ' ' | sed 's/ $//')"

logmark
expect_fail_errno "a target outside the bucket is EINVAL" nz "Invalid argument" \
    "ln -s ../../../etc/passwd '$M/a/b/escape'"
expect_fail_errno "an absolute target outside the mount is EINVAL" nz "Invalid argument" \
    "ln -s /etc/passwd '$M/etcpw'"
expect_count "refused links send nothing" 0 write

# a link made by another client, seen in a fresh mount's listing
oss_req alice PUT "/$B/a/other?symlink" "x-oss-symlink-target: top.txt" >/dev/null ||
    die "cannot create a/other"
fs_mount -o attr_timeout=300 "$T/m2" "$B" || die "second mount failed"
ls "$T/m2" >/dev/null
logmark
out=$(ls -l "$T/m2/a/" 2>&1)
expect_eq "ls -l shows the link and its target" 1 \
    "$(grep -c '^l.* other -> \.\./top\.txt$' <<<"$out")"
expect_count "ls -l lists with one ListObjectsV2" 1 ListObjectsV2
expect_count "ls -l sends no HeadObject" 0 HeadObject
expect_count "ls -l reads the link with one GetSymlink" 1 GetSymlink
expect_eq "stat -c %F of a listed link" "symbolic link" "$(stat -c %F "$T/m2/a/other")"
expect_eq "find -type l finds the links" "$T/m2/a/b/rel $T/m2/a/b/up $T/m2/a/other" \
    "$(find "$T/m2/a" -type l | sort | tr '\n' ' ' | sed 's/ $//')"
expect_eq "stat -L follows the link" 7 "$(stat -L -c %s "$T/m2/abs")"

# looked up by name (no listing): one ListObjectsV2 says Symlink, one GetSymlink gives the size
expect_ok "ln -s to a missing key" "ln -s nowhere '$M/dangling'"
fs_mount -o attr_timeout=300 "$T/m3" "$B" || die "third mount failed"
logmark
expect_eq "size of a link looked up by name: the length readlink returns" 12 \
    "$(stat -c %s "$T/m3/abs")"
expect_count "lookup of a link: one ListObjectsV2" 1 ListObjectsV2
expect_count "lookup of a link: no HeadObject" 0 HeadObject
expect_count "and one GetSymlink" 1 GetSymlink
expect_eq "a dangling link looked up by name is a link" "symbolic link" \
    "$(stat -c %F "$T/m3/dangling" 2>&1)"
expect_eq "readlink of a dangling link" nowhere "$(readlink "$T/m3/dangling")"
expect_fail_errno "reading a dangling link fails" nz "" "cat '$T/m3/dangling'"

logmark
expect_ok "rm a link" "rm '$M/a/b/up'"
expect_count "rm is one DeleteObject" 1 DeleteObject
expect_eq "server: the target is still there" top "$(srv_get_object $B top.txt)"
expect_eq "server: the link is gone" "" "$(srv_keys $B | grep -x a/b/up)"

finish
