#!/bin/bash
# Objects as files through a real mount: cat, cp, dd, ls -l, stat, rm, mkdir, rmdir, mv, sed -i,
# truncate, errors; every outcome is checked on the server with the independent client.
. "$(dirname "$0")/lib.sh"
require_root_fuse
emu_start
B=objbkt
srv_mkbucket $B || die "cannot create bucket"
srv_put_object $B hello.txt "hello world" || die "seed"
srv_put_object $B docs/a.txt "alpha" || die "seed"
M="$T/mnt"
fs_mount "$M" $B || die "mount"

# reading
expect_eq "cat reads an object" "hello world" "$(cat "$M/hello.txt")"
expect_eq "stat size of an object" 11 "$(stat -c %s "$M/hello.txt")"
expect_eq "a prefix is a directory" directory "$(stat -c %F "$M/docs")"
expect_eq "cat in a subdirectory" alpha "$(cat "$M/docs/a.txt")"
expect_fail_errno "missing file is ENOENT" nz "No such file or directory" "cat '$M/nope.txt'"

# writing: cp, echo, dd
head -c 300000 /dev/urandom >"$T/big.bin"
expect_ok "cp a file in" "cp '$T/big.bin' '$M/big.bin'"
srv_get_object $B big.bin >"$T/big.back"
expect_eq "cp uploaded the same bytes" "$(md5sum <"$T/big.bin")" "$(md5sum <"$T/big.back")"
expect_eq "read back through the mount" "$(md5sum <"$T/big.bin")" "$(md5sum <"$M/big.bin")"
logmark
echo "new file" >"$M/new.txt"
expect_count "echo > new file is one PutObject" 1 PutObject
expect_eq "echo created the object" "new file" "$(srv_get_object $B new.txt)"
expect_ok "dd writes with a block size" "dd if='$T/big.bin' of='$M/dd.bin' bs=64k status=none"
srv_get_object $B dd.bin >"$T/dd.back"
expect_eq "dd uploaded the same bytes" "$(md5sum <"$T/big.bin")" "$(md5sum <"$T/dd.back")"
expect_ok "dd skip reads a range" "dd if='$M/big.bin' of='$T/range' bs=1000 skip=100 count=5 status=none"
expect_eq "ranged read is right" "$(dd if="$T/big.bin" bs=1000 skip=100 count=5 status=none | md5sum)" \
    "$(md5sum <"$T/range")"
echo "more" >>"$M/new.txt"
expect_eq "append keeps the old bytes" "new file
more" "$(srv_get_object $B new.txt)"
truncate -s 3 "$M/new.txt"
expect_eq "truncate shortens the object" "new" "$(srv_get_object $B new.txt)"
: >"$M/empty.txt"
# an unwritten new file is uploaded at release, a moment after close() returns
for i in $(seq 30); do srv_keys $B | grep -qx empty.txt && break; sleep 0.1; done
expect_eq "an empty new file exists on the server" "empty.txt" "$(srv_keys $B | grep -x empty.txt)"
expect_eq "the empty object is empty" 0 "$(srv_get_object $B empty.txt | wc -c)"

# ls -l and stat
out=$(ls -l "$M" | awk '$NF=="hello.txt"{print $5}')
expect_eq "ls -l shows the size" 11 "$out"
expect_eq "mode from the default umask" "644" "$(stat -c %a "$M/hello.txt")"

# extended attributes
ETAG=$(osscli head-object $B big.bin | jq -r '.etag' | tr -d '"')
expect_eq "user.oss.etag is the server's ETag" "$ETAG" \
    "$(getfattr --only-values -n user.oss.etag "$M/big.bin" 2>/dev/null)"
expect_eq "user.oss.type" Normal "$(getfattr --only-values -n user.oss.type "$M/big.bin" 2>/dev/null)"
expect_eq "user.oss.storage-class" Standard \
    "$(getfattr --only-values -n user.oss.storage-class "$M/big.bin" 2>/dev/null)"
CRC=$(osscli head-object $B big.bin | jq -r '.["x-oss-hash-crc64ecma"]')
expect_eq "user.oss.crc64 is the server's CRC64" "$CRC" \
    "$(getfattr --only-values -n user.oss.crc64 "$M/big.bin" 2>/dev/null)"
expect_eq "listxattr names the oss attributes (no version id: the bucket is unversioned) and the mode and mtime every upload carries" \
    "user.oss.acl user.oss.crc64 user.oss.etag user.oss.meta.mode user.oss.meta.mtime user.oss.storage-class user.oss.type" \
    "$(python3 -c 'import os,sys; print(" ".join(sorted(os.listxattr(sys.argv[1]))))' "$M/big.bin")"
expect_fail_errno "user.oss.version-id of an unversioned object: no data" nz "No such attribute" \
    "getfattr -n user.oss.version-id '$M/big.bin'"
expect_fail_errno "user.oss.etag is read-only" nz "Operation not permitted" \
    "setfattr -n user.oss.etag -v x '$M/big.bin'"
expect_fail_errno "other user attributes are not supported" nz "Operation not supported" \
    "setfattr -n user.other -v x '$M/big.bin'"
expect_ok "setfattr user.oss.acl" "setfattr -n user.oss.acl -v public-read '$M/big.bin'"
expect_eq "user.oss.acl changed the object ACL" public-read "$(srv_object_acl $B big.bin)"
expect_fail_errno "a bad ACL value is EINVAL" nz "Invalid argument" \
    "setfattr -n user.oss.acl -v bogus '$M/big.bin'"

# mkdir, rmdir
expect_ok "mkdir" "mkdir '$M/newdir'"
expect_eq "mkdir wrote a marker" "newdir/" "$(srv_keys $B | grep -x 'newdir/')"
echo x >"$M/newdir/f"
expect_fail_errno "rmdir of a non-empty directory" nz "Directory not empty" "rmdir '$M/newdir'"
expect_ok "rm a file" "rm '$M/newdir/f'"
expect_eq "rm deleted the object" "" "$(srv_keys $B | grep -x 'newdir/f')"
expect_ok "rmdir of an empty directory" "rmdir '$M/newdir'"
expect_eq "rmdir deleted the marker" "" "$(srv_keys $B | grep -x 'newdir/')"

# mv
expect_ok "mv within the bucket" "mv '$M/hello.txt' '$M/docs/hello2.txt'"
expect_eq "mv: new key has the bytes" "hello world" "$(srv_get_object $B docs/hello2.txt)"
expect_eq "mv: old key is gone" "" "$(srv_keys $B | grep -x hello.txt)"
expect_fail_errno "old name is gone in the mount" nz "No such file" "stat '$M/hello.txt'"
expect_ok "mv of a directory (EXDEV fallback)" "mv '$M/docs' '$M/docs2'"
expect_eq "directory moved" "alpha" "$(srv_get_object $B docs2/a.txt)"

# sed -i on a real object in a subdirectory and at the root
srv_put_object $B conf.txt "colour=red" || die "seed"
expect_ok "sed -i on an object" "sed -i 's/red/blue/' '$M/conf.txt'"
expect_eq "sed -i result on the server" "colour=blue" "$(srv_get_object $B conf.txt)"
expect_eq "sed -i left no temporary object" "" "$(srv_keys $B | grep '^sed')"

# upload failures reach close() and fsync(): a read-only RAM user may not PutObject
MA="$T/mnt-auditor"
fs_mount -u auditor "$MA" $B || die "auditor mount"
printf 'secret data' >"$T/small.txt"
expect_fail_errno "cp: a refused upload fails at close" nz "Permission denied" \
    "cp '$T/small.txt' '$MA/denied.txt'"
expect_fail_errno "dd conv=fsync: a refused upload fails at fsync" nz "Permission denied" \
    "dd if='$T/small.txt' of='$MA/denied2.txt' conv=fsync status=none"
expect_fail_errno "python: a refused upload fails at close" nz "PermissionError" \
    "python3 -c 'f=open(\"$MA/denied3.txt\", \"w\"); f.write(\"x\"); f.close()'"
expect_eq "nothing refused reached the server" "" "$(srv_keys $B | grep denied)"
expect_eq "the daemon log names the refusal" 1 \
    "$(grep -c 'PutObject .*denied.txt failed: AccessDenied' "$FS_LOG" | awk '{print ($1 > 0)}')"
fs_unmount "$MA"

finish
