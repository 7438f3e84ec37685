#!/bin/bash
# -o posix_meta: modes, owners and times kept in the object headers ossfs 1.x writes
# (x-oss-meta-mode/uid/gid/mtime/ctime/atime). Uploads carry them; chmod, chown and utimensat
# store them with one CopyObject that keeps ACL, tags, other metadata, Content-Type and bytes;
# stat and ls -l show them (listings fetch them ahead with HeadObject); default_permissions
# checks use them; mkfifo stores a FIFO as ossfs does; rsync -a of an unchanged tree sends no
# PutObject. Without the option: mount-wide attributes, no extra request, and uploads carry
# x-oss-meta-mode and x-oss-meta-mtime only. Checked with osscli (ali-oss) and the request log.
. "$(dirname "$0")/lib.sh"

require_root_fuse
if ! command -v node >/dev/null || [ ! -d "$REPO/tests/conformance/node_modules/ali-oss" ]; then
    echo "# osscli (node + ali-oss) missing: skipped"
    exit 77
fi
command -v rsync >/dev/null || {
    echo "# rsync missing (scripts/install-deps.sh): skipped"
    exit 77
}
export TZ=UTC
umask 022
B=posix-b
emu_start
srv_mkbucket $B || die "cannot create bucket"
srv_enable_versioning $B || die "cannot enable versioning"
M="$T/mnt"
fs_mount -o posix_meta,allow_other,attr_timeout=300 "$M" $B || die "osspermfs did not mount"

head_json() { osscli head-object $B "$1"; }
hdr() { # hdr KEY HEADER: one response header of HeadObject (ali-oss)
    osscli head-object $B "$1" | jq -r --arg h "$2" '.[$h] // empty'
}
meta6() { # the six POSIX headers of KEY as "mode uid gid" plus which times are present
    head_json "$1" | jq -r '[."x-oss-meta-mode", ."x-oss-meta-uid", ."x-oss-meta-gid",
        (if ."x-oss-meta-mtime" then "mtime" else "-" end),
        (if ."x-oss-meta-ctime" then "ctime" else "-" end),
        (if ."x-oss-meta-atime" then "atime" else "-" end)] | map(. // "-") | join(" ")'
}
nversions() { srv_versions $B "$1" | grep -c . || true; }

# ---- uploads carry the metadata
printf 'hello' >"$M/new.txt"
expect_eq "an upload carries mode (decimal, with S_IFREG), uid, gid and the three times" \
    "33188 0 0 mtime ctime atime" "$(meta6 new.txt)"
mt=$(hdr new.txt x-oss-meta-mtime)
if [[ $mt =~ ^[0-9]+(\.[0-9]{9})?$ ]]; then pass "x-oss-meta-mtime is seconds[.nanoseconds] ($mt)"; else fail "x-oss-meta-mtime format: '$mt'"; fi
expect_eq "stat shows the stored mtime" "${mt%%.*}" "$(stat -c %Y "$M/new.txt")"
dd if=/dev/urandom of="$T/big" bs=1M count=9 status=none
cp "$T/big" "$M/big.bin"
expect_eq "a streamed (multipart) upload carries them too" "33188 0 0 mtime ctime atime" \
    "$(meta6 big.bin)"
chmod 0700 "$T/big"
touch -d '2003-03-03 00:00:00' "$T/big"
printf 'small' >"$T/small"
chmod 0750 "$T/small"
touch -d '2004-04-04 00:00:00' "$T/small"
logmark
expect_ok "cp -p of a small file (mode and times set before close)" "cp -p '$T/small' '$M/smallp'"
expect_count "cp -p of a small file is one PutObject" 1 PutObject
expect_count "and no CopyObject: the upload carries the mode and times" 0 CopyObject
expect_eq "server: cp -p kept mode and mtime" "33256 1081036800" \
    "$(hdr smallp x-oss-meta-mode) $(hdr smallp x-oss-meta-mtime)"
expect_ok "cp -p of a streamed file (its upload started before fchmod)" "cp -p '$T/big' '$M/bigp.bin'"
expect_eq "server: the mode and mtime were stored after the upload" "33216 1046649600" \
    "$(hdr bigp.bin x-oss-meta-mode) $(hdr bigp.bin x-oss-meta-mtime)"
expect_eq "stat agrees" "700 1046649600" "$(stat -c '%a %Y' "$M/bigp.bin")"

# ---- chmod / chown / touch -d keep everything else of the object
printf '#!/bin/sh\necho deployed\n' >"$T/deploy.sh"
osscli --meta color=red --meta mode=33188 --meta uid=0 --meta gid=0 --tagging 'team=ops&stage=prod' \
    put-object $B deploy.sh "$T/deploy.sh" >/dev/null || die "cannot seed deploy.sh"
srv_set_object_acl $B deploy.sh public-read || die "cannot set the ACL of deploy.sh"
ctype=$(hdr deploy.sh content-type)
etag=$(hdr deploy.sh etag)
v0=$(nversions deploy.sh)
expect_eq "stat of an ossfs-style object: its mode" "644" "$(stat -c %a "$M/deploy.sh")"
logmark
expect_ok "chmod +x deploy.sh" "chmod +x '$M/deploy.sh'"
expect_count "chmod is one CopyObject" 1 CopyObject
expect_count "after one HeadObject" 1 HeadObject
expect_count "and one GetObjectACL" 1 GetObjectACL
expect_count "and writes nothing else" 1 write
expect_eq "server: the new mode" "33261" "$(hdr deploy.sh x-oss-meta-mode)"
expect_eq "server: the ACL is kept" "public-read" "$(srv_object_acl $B deploy.sh)"
expect_eq "server: the tags are kept" "stage=prod
team=ops" "$(osscli get-object-tagging $B deploy.sh)"
expect_eq "server: other user metadata is kept" "red" "$(hdr deploy.sh x-oss-meta-color)"
expect_eq "server: the content type is kept" "$ctype" "$(hdr deploy.sh content-type)"
expect_eq "server: the storage class is kept" "Standard" "$(hdr deploy.sh x-oss-storage-class)"
expect_eq "server: the bytes are kept (ETag)" "$etag" "$(hdr deploy.sh etag)"
expect_eq "server: the bytes are kept" "$(cat "$T/deploy.sh")" "$(srv_get_object $B deploy.sh)"
expect_eq "versioned bucket: chmod makes one new version" "$((v0 + 1))" "$(nversions deploy.sh)"
expect_eq "stat shows the new mode" "755" "$(stat -c %a "$M/deploy.sh")"
expect_eq "and it runs" "deployed" "$("$M/deploy.sh" 2>&1)"

logmark
expect_ok "chown 1234:5678" "chown 1234:5678 '$M/deploy.sh'"
expect_count "chown is one CopyObject" 1 CopyObject
expect_eq "server: uid and gid" "1234 5678" \
    "$(hdr deploy.sh x-oss-meta-uid) $(hdr deploy.sh x-oss-meta-gid)"
expect_ok "chgrp 42" "chgrp 42 '$M/deploy.sh'"
expect_eq "server: chgrp changes the gid only" "1234 42 33261" \
    "$(hdr deploy.sh x-oss-meta-uid) $(hdr deploy.sh x-oss-meta-gid) $(hdr deploy.sh x-oss-meta-mode)"
expect_eq "stat shows the owner" "1234:42" "$(stat -c %u:%g "$M/deploy.sh")"

expect_ok "touch -d with nanoseconds" "touch -m -d '2001-02-03 04:05:06.123456789' '$M/deploy.sh'"
expect_eq "server: x-oss-meta-mtime" "981173106.123456789" "$(hdr deploy.sh x-oss-meta-mtime)"
expect_ok "touch -a -d whole seconds" "touch -a -d '2002-01-01 00:00:00' '$M/deploy.sh'"
expect_eq "server: x-oss-meta-atime (no fraction when 0)" "1009843200" \
    "$(hdr deploy.sh x-oss-meta-atime)"
expect_eq "stat shows both times" "981173106.123456789 1009843200" \
    "$(stat -c '%.9Y %X' "$M/deploy.sh")"
expect_eq "after all that: ACL, tags, metadata, bytes still there" \
    "public-read|stage=prod team=ops|red|$etag" \
    "$(srv_object_acl $B deploy.sh)|$(osscli get-object-tagging $B deploy.sh | tr '\n' ' ' |
        sed 's/ $//')|$(hdr deploy.sh x-oss-meta-color)|$(hdr deploy.sh etag)"

# ---- ossemu's CopyObject applies the tagging directive whatever the metadata directive (OSS)
osscli --tagging 'a=1' put-object $B tagcopy "$T/deploy.sh" >/dev/null
oss_req alice PUT "/$B/tagcopy2" "x-oss-copy-source: /$B/tagcopy" \
    "x-oss-metadata-directive: REPLACE" "x-oss-meta-k: v" >/dev/null
expect_eq "CopyObject REPLACE without a tagging directive copies the tags" "a=1" \
    "$(osscli get-object-tagging $B tagcopy2)"
oss_req alice PUT "/$B/tagcopy3" "x-oss-copy-source: /$B/tagcopy" \
    "x-oss-tagging-directive: Replace" >/dev/null
expect_eq "CopyObject COPY with tagging directive Replace and no x-oss-tagging: no tags" "" \
    "$(osscli get-object-tagging $B tagcopy3)"
rc=0
oss_req alice PUT "/$B/tagcopy4" "x-oss-copy-source: /$B/tagcopy" \
    "x-oss-tagging-directive: Keep" >/dev/null 2>"$T/err" || rc=$?
expect_eq "an unknown tagging directive is 400 InvalidArgument" "2 1" \
    "$rc $(grep -c InvalidArgument "$T/err")"

# ---- objects written by ossfs 1.x (or anyone using its headers)
printf 'data' >"$T/o"
osscli --meta mode=33256 --meta uid=1001 --meta gid=1002 --meta mtime=1600000000 \
    --meta ctime=1600000001 --meta atime=1600000002.5 put-object $B ossfs/a.txt "$T/o" >/dev/null
osscli --meta mode=0100600 --meta mtime=1500000000.000000001 put-object $B ossfs/b.txt "$T/o" \
    >/dev/null
osscli put-object $B ossfs/plain.txt "$T/o" >/dev/null
expect_eq "an ossfs object: mode, owner, times" \
    "-rwxr-x--- 1001 1002 1600000000 1600000001 1600000002.500000000" \
    "$(stat -c '%A %u %g %Y %Z %.9X' "$M/ossfs/a.txt")"
expect_eq "an octal mode and nanoseconds" "-rw------- 1500000000.000000001" \
    "$(stat -c '%A %.9Y' "$M/ossfs/b.txt")"
expect_eq "no headers: the mount-wide mode and owner" "-rw-r--r-- 0 0" \
    "$(stat -c '%A %u %g' "$M/ossfs/plain.txt")"

# ---- permission checks use them (default_permissions)
NOBODY="setpriv --reuid=65534 --regid=65534 --clear-groups"
expect_fail_errno "uid 65534 may not write a 0750 file of uid 1001" nz "Permission denied" \
    "$NOBODY sh -c 'echo x >> $M/ossfs/a.txt'"
expect_fail_errno "nor read it" nz "Permission denied" "$NOBODY cat $M/ossfs/a.txt"
expect_fail_errno "nor chmod it" nz "Operation not permitted" "$NOBODY chmod 777 $M/ossfs/a.txt"
expect_eq "server: nothing changed" "33256" "$(hdr ossfs/a.txt x-oss-meta-mode)"
chmod 0604 "$M/ossfs/a.txt"
expect_eq "after chmod o+r it may read it" "data" "$(as_nobody "cat '$M/ossfs/a.txt'" 2>&1)"

# ---- FIFOs as ossfs stores them; other nodes and hard links refused
expect_ok "mkfifo" "mkfifo -m 0640 '$M/pipe'"
expect_eq "server: an empty object with S_IFIFO in x-oss-meta-mode" "4512 0" \
    "$(hdr pipe x-oss-meta-mode) $(hdr pipe content-length)"
expect_eq "stat: a FIFO" "fifo 640" "$(stat -c '%F %a' "$M/pipe")"
expect_fail_errno "mkfifo of an existing name" nz "File exists" "mkfifo '$M/pipe'"
expect_fail_errno "mknod of a character device: EPERM" nz "Operation not permitted" \
    "mknod '$M/dev' c 1 3"
expect_fail_errno "hard links: EPERM" nz "Operation not permitted" "ln '$M/new.txt' '$M/hard'"

# ---- listings: one HeadObject per listed file, fetched ahead, and ls -l shows them
for i in $(seq 1 20); do
    osscli --meta mode=$((0100000 + 0600 + (i % 2) * 0100)) --meta uid=$((2000 + i)) \
        put-object $B "many/f$i" "$T/o" >/dev/null
done
stat "$M/many" >/dev/null
logmark
out=$(ls -ln "$M/many")
expect_count "ls -l of 20 files: one ListObjectsV2" 1 ListObjectsV2
expect_count "and one HeadObject per file" 20 HeadObject
expect_eq "ls -l shows each file's mode and owner" "10 -rw------- 10 -rwx------" \
    "$(printf '%s\n' "$out" | awk 'NR>1 {print $1}' | sort | uniq -c | awk '{printf "%s%s %s", s, $1, $2; s=" "}')"
expect_eq "ls -l: the owner of f7" "2007" "$(printf '%s\n' "$out" | awk '$NF=="f7" {print $3}')"
logmark
ls -ln "$M/many" >/dev/null
expect_count "a second ls -l within attr_timeout: no HeadObject" 0 HeadObject

# ---- directories keep theirs on their "dir/" marker, as ossfs 1.x does
mkdir -m 0750 "$M/dm"
expect_eq "mkdir stores the mode on the marker (S_IFDIR|0750)" "16872" "$(hdr dm/ x-oss-meta-mode)"
expect_eq "and the caller's owner" "0 0" "$(hdr dm/ x-oss-meta-uid) $(hdr dm/ x-oss-meta-gid)"
logmark
expect_ok "chmod of a directory" "chmod 0700 '$M/dm'"
expect_count "is one CopyObject of its marker" 1 CopyObject
expect_eq "server: the marker's mode" "16832" "$(hdr dm/ x-oss-meta-mode)"
expect_ok "touch -d of a directory" "touch -m -d '2005-06-07 08:09:10' '$M/dm'"
expect_eq "server: its mtime" "1118131750" "$(hdr dm/ x-oss-meta-mtime)"
printf 'data' >"$T/o"
osscli put-object $B implicit/x "$T/o" >/dev/null
expect_ok "chmod of a directory that is only a prefix" "chmod 0711 '$M/implicit'"
expect_eq "server: a marker now carries its mode" "16841" "$(hdr implicit/ x-oss-meta-mode)"
expect_eq "and the file under it is untouched" "data" "$(srv_get_object $B implicit/x)"
: >"$T/empty"
osscli --meta mode=16877 --meta uid=1001 --meta gid=1002 --meta mtime=1400000000 \
    put-object $B ossdir/ "$T/empty" >/dev/null
osscli put-object $B ossdir/f "$T/o" >/dev/null
fs_unmount "$M"
fs_mount -o posix_meta,allow_other,attr_timeout=300 "$M" $B || die "osspermfs did not mount again"
expect_eq "after a remount: a directory written by ossfs shows its mode, owner and time" \
    "755 1001:1002 1400000000" "$(stat -c '%a %u:%g %Y' "$M/ossdir")"
expect_eq "and one made here shows what chmod and touch stored" "700 0:0 1118131750" \
    "$(stat -c '%a %u:%g %Y' "$M/dm")"
expect_eq "ls -l shows them too" "drwx------" "$(ls -ld "$M/dm" | cut -c1-10)"

# ---- rsync -a: the second run transfers nothing and sends no PutObject
mkdir -p "$T/src/sub"
for i in 1 2 3; do printf 'file %s\n' $i >"$T/src/f$i"; done
printf 'nested\n' >"$T/src/sub/n"
chmod 0755 "$T/src/f1"
chmod 0600 "$T/src/f2"
touch -d '2010-05-06 07:08:09.5' "$T/src/f3"
mkdir "$M/r"
expect_ok "rsync -a, first run" "rsync -a '$T/src/' '$M/r/'"
expect_eq "server: f1 mode and f3 mtime" "33261 33152 1273129689.500000000" \
    "$(hdr r/f1 x-oss-meta-mode) $(hdr r/f2 x-oss-meta-mode) $(hdr r/f3 x-oss-meta-mtime)"
logmark
rsync -a --stats "$T/src/" "$M/r/" >"$T/rsync2" 2>&1 || fail "second rsync failed: $(cat "$T/rsync2")"
expect_eq "rsync -a again: no file transferred" "0" \
    "$(sed -n 's/^Number of regular files transferred: //p' "$T/rsync2")"
expect_count "and no PutObject" 0 PutObject
expect_count "nor any other object write" 0 CopyObject
fs_unmount "$M"

# ---- without the option: mount-wide attributes, no extra requests, mode and mtime uploaded
fs_mount -o allow_other,attr_timeout=300 "$M" $B || die "osspermfs did not mount again"
printf 'plain' >"$M/plainmount.txt"
expect_eq "without posix_meta an upload carries mode and mtime only" "33188 - - mtime - -" \
    "$(meta6 plainmount.txt)"
stat "$M/many" >/dev/null
logmark
out=$(ls -ln "$M/many")
expect_count "ls -l of 20 files: one ListObjectsV2" 1 ListObjectsV2
expect_count "and no HeadObject" 0 HeadObject
expect_eq "every file shows the mount-wide mode" "20 -rw-r--r--" \
    "$(printf '%s\n' "$out" | awk 'NR>1 {print $1}' | sort | uniq -c | awk '{print $1, $2}')"
logmark
expect_ok "chmod succeeds" "chmod 700 '$M/plainmount.txt'"
expect_ok "touch -d succeeds" "touch -d 2001-01-01 '$M/plainmount.txt'"
expect_count "and stores nothing" 0 write
expect_fail_errno "mkfifo: EPERM" nz "Operation not permitted" "mkfifo '$M/pipe2'"
fs_unmount "$M"
finish
