#!/bin/bash
# Mount options and start-up errors: --help/--version, clear errors before daemonizing (missing
# mount point, bad url, unsafe or missing passwd file, wrong key, missing bucket), uid/gid/umask,
# ro, allow_other with owner-only control files, fstab options that must be ignored, and mounts
# through mount.fuse3 (as mount(8) runs it for fuse.osspermfs) and a scratch fstab.
. "$(dirname "$0")/lib.sh"
require_root_fuse
emu_start --admin 127.0.0.1:0 --admin-ready-file "$T/admin.ready"
wait_for 10 "grep -q : '$T/admin.ready'" || die "no admin endpoint"
ADMIN="http://$(head -n 1 "$T/admin.ready")"
B=optbkt
srv_mkbucket $B || die "cannot create bucket"
srv_put_object $B a.txt "hello" || die "seed"

# ---- help and version
expect_ok "--help exits 0" "'$OSSPERMFS' --help | grep -q passwd_file="
expect_ok "--version exits 0" "'$OSSPERMFS' --version | grep -q '^osspermfs '"

# ---- errors are printed and the program exits without daemonizing
mkdir -p "$T/m"
expect_fail_errno "missing mount point" nz "mountpoint $T/missing" \
    "timeout 10 '$OSSPERMFS' $B '$T/missing' -o url=$EMU_URL,passwd_file=$T/passwd-alice"
expect_fail_errno "bad url" nz "bad endpoint" \
    "timeout 10 '$OSSPERMFS' $B '$T/m' -o url=notaurl://x,passwd_file=$T/passwd-alice"
cp "$T/passwd-alice" "$T/passwd-open" && chmod 644 "$T/passwd-open"
expect_fail_errno "passwd file readable by others is refused" nz "passwd_file" \
    "timeout 10 '$OSSPERMFS' $B '$T/m' -o url=$EMU_URL,passwd_file=$T/passwd-open"
expect_fail_errno "missing passwd file" nz "passwd_file $T/nope" \
    "timeout 10 '$OSSPERMFS' $B '$T/m' -o url=$EMU_URL,passwd_file=$T/nope"
expect_fail_errno "wrong secret: the OSS code is shown" nz "SignatureDoesNotMatch" \
    "timeout 10 '$OSSPERMFS' $B '$T/m' -o url=$EMU_URL,passwd_file=$T/passwd-wrong"
expect_fail_errno "missing bucket: the OSS code is shown" nz "NoSuchBucket" \
    "timeout 10 '$OSSPERMFS' nosuchbucket '$T/m' -o url=$EMU_URL,passwd_file=$T/passwd-alice"
expect_fail_errno "a bad bucket name" nz "not a bucket name" \
    "timeout 10 '$OSSPERMFS' Bad_Name '$T/m' -o url=$EMU_URL,passwd_file=$T/passwd-alice"
expect_eq "nothing was mounted by the failures" "" "$(grep -F " $T/m " /proc/self/mountinfo)"
expect_fail_errno "secrets never appear in errors" nz "" \
    "timeout 10 '$OSSPERMFS' $B '$T/m' -o url=$EMU_URL,passwd_file=$T/passwd-wrong 2>&1 | grep -q wrong-secret"

# ---- uid, gid, umask; credentials from the environment; fstab-only options are ignored
M="$T/mnt-ids"
fs_mount -e -o "uid=1234,gid=4321,umask=027,_netdev,defaults,noauto,nofail,user,rw" "$M" $B ||
    die "mount with ids"
expect_eq "uid= and gid= own every file" "1234:4321" "$(stat -c %u:%g "$M/a.txt")"
expect_eq "umask=027 on files" 640 "$(stat -c %a "$M/a.txt")"
expect_eq "umask=027 on directories" 750 "$(stat -c %a "$M")"
expect_eq "environment credentials work" hello "$(cat "$M/a.txt")"
fs_unmount "$M"

# ---- BUCKET:/PREFIX shows only the keys under the prefix
srv_put_object $B sub/inner.txt "inner" || die "seed"
M="$T/mnt-prefix"
fs_mount "$M" "$B:/sub" || die "prefix mount"
expect_eq "prefix mount: the prefix is the root" "inner.txt" "$(ls "$M")"
expect_eq "prefix mount: reads" inner "$(cat "$M/inner.txt")"
echo "added" >"$M/added.txt"
expect_eq "prefix mount: writes land under the prefix" added "$(srv_get_object $B sub/added.txt)"
fs_unmount "$M"

# ---- account mode: buckets are directories; mkdir and rmdir create and delete buckets
M="$T/mnt-account"
fs_mount "$M" || die "account mount"
expect_eq "account mode: the bucket is a directory" hello "$(cat "$M/$B/a.txt")"
expect_ok "account mode: mkdir creates a bucket" "mkdir '$M/optbkt-new'"
expect_eq "account mode: the new bucket exists" optbkt-new \
    "$(oss_xml alice Name GET / | grep -x optbkt-new)"
expect_eq "account mode: the new bucket has control files" private "$(cat "$M/optbkt-new/.acl")"
expect_fail_errno "account mode: rmdir of a bucket with objects" nz "Directory not empty" \
    "rmdir '$M/$B'"
expect_ok "account mode: rmdir deletes an empty bucket" "rmdir '$M/optbkt-new'"
expect_eq "account mode: the bucket is gone" "" "$(oss_xml alice Name GET / | grep -x optbkt-new)"
fs_unmount "$M"

# ---- ro
M="$T/mnt-ro"
fs_mount -o ro "$M" $B || die "ro mount"
expect_eq "ro: reads work" hello "$(cat "$M/a.txt")"
logmark
expect_fail_errno "ro: new files are refused" nz "Read-only file system" "echo x > '$M/b.txt'"
expect_fail_errno "ro: control files are refused" nz "Read-only file system" \
    "echo public-read > '$M/.acl'"
expect_fail_errno "ro: rm is refused" nz "Read-only file system" "rm '$M/a.txt'"
expect_fail_errno "ro: mkdir is refused" nz "Read-only file system" "mkdir '$M/d'"
expect_count "ro: nothing was written" 0 write
fs_unmount "$M"

# ---- allow_other: other users may read, only the owner and root change control files
M="$T/mnt-other"
fs_mount -o allow_other,umask=0 "$M" $B || die "allow_other mount"
expect_eq "allow_other: another user reads objects" hello "$(as_nobody "cat '$M/a.txt'")"
expect_eq "allow_other: another user reads .acl" private "$(as_nobody "cat '$M/.acl'")"
logmark
expect_fail_errno "allow_other: another user cannot write .acl" nz "Permission denied" \
    "setpriv --reuid=65534 --regid=65534 --clear-groups bash -c \"echo public-read > '$M/.acl'\""
expect_count "allow_other: the refusal sent nothing" 0 write
expect_eq "allow_other: bucket ACL unchanged" private "$(srv_bucket_acl $B)"
expect_ok "allow_other: root may write .acl" "echo private > '$M/.acl'"
fs_unmount "$M"

# ---- retries=: 5xx answers are retried, then EIO (fault injection through ossemu's admin port)
# The kernel may retry a failed read itself, so the test compares retries=0 with retries=2:
# every read the daemon sees must cost exactly three attempts with retries=2.
curl -sS -X PUT "$ADMIN/faults" -d '{"faults":"status=503,ops=GetObject"}' >/dev/null ||
    die "cannot set faults"
for r in 0 2; do
    M="$T/mnt-retry$r"
    fs_mount -o retries=$r "$M" $B || die "retries mount"
    logmark
    expect_fail_errno "retries=$r: a 503 on every try is EIO" nz "Input/output error" \
        "cat '$M/a.txt'"
    eval "GETS$r=\$(reqcount GetObject)"
    expect_eq "retries=$r: the daemon log names the 503" 1 \
        "$(grep -c 'GetObject .*a.txt failed: ServiceUnavailable' "$FS_LOG" | awk '{print ($1 > 0)}')"
    fs_unmount "$M"
done
expect_ne "retries=0: at least one GetObject" 0 "$GETS0"
expect_eq "retries=2: three attempts per read" $((GETS0 * 3)) "$GETS2"
curl -sS -X DELETE "$ADMIN/faults" >/dev/null

# ---- mount.fuse3, as mount(8) runs it for type fuse.osspermfs: `osspermfs SRC DIR -o OPTS`
BIN=$(dirname "$OSSPERMFS")
M="$T/mnt-helper"
mkdir -p "$M"
MOUNTS+=("$M")
expect_ok "mount.fuse3 -t fuse.osspermfs with fstab options" \
    "PATH='$BIN':\$PATH timeout 20 mount.fuse3 $B '$M' -t fuse.osspermfs -o _netdev,nofail,defaults,url=$EMU_URL,passwd_file=$T/passwd-alice"
expect_eq "helper mount is fuse.osspermfs" "fuse.osspermfs" \
    "$(awk -v m="$M" '$5==m {for(i=7;i<=NF;i++) if($i=="-") {print $(i+1); exit}}' /proc/self/mountinfo)"
expect_eq "helper mount serves the bucket" hello "$(cat "$M/a.txt")"
HPID=$(pgrep -f "^osspermfs $B $M ")
expect_ne "the helper started a daemon" "" "$HPID"
umount "$M"
expect_ok "the daemon exits at umount" "for i in \$(seq 50); do kill -0 $HPID 2>/dev/null || exit 0; sleep 0.1; done; exit 1"

# ---- a scratch fstab used by mount(8) (the "PROGRAM#SOURCE" form names the program by path,
# since mount(8) runs helpers with a fixed PATH and nothing is installed by tests)
echo "$OSSPERMFS#$B $M fuse _netdev,noauto,url=$EMU_URL,passwd_file=$T/passwd-alice 0 0" \
    >"$T/fstab"
expect_ok "mount -T scratch-fstab" "timeout 20 mount -T '$T/fstab' '$M'"
expect_eq "fstab mount serves the bucket" hello "$(cat "$M/a.txt")"
expect_ok "umount of the fstab mount" "umount '$M'"
finish
