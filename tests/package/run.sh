#!/bin/bash
# Usage: run.sh BUILD_DIR VERSION
# Builds the Debian packages from BUILD_DIR with cpack (into a temp dir), checks their file
# names, control fields and lintian, installs them and uses the installed programs: --version,
# a mount through `mount -t fuse.osspermfs` (mount(8) -> /sbin/mount.fuse3 -> osspermfs), a
# read and a write through it, checked with signed curl against the installed ossemu.
# Installing: into a scratch root with dpkg -x (the mount then finds osspermfs on PATH); and,
# when neither package is installed on this machine, with dpkg -i as well (an fstab line is then
# mounted with mount's own minimal PATH), purged again at the end. Exit 77: not root, or no FUSE.
set -u
BUILD=$1
VERSION=$2
FAILS=0
EMU_PID=""
MNT=""
INSTALLED=0

pass() { echo "ok - $*"; }
fail() {
    echo "FAIL - $*" >&2
    FAILS=$((FAILS + 1))
}
expect_eq() { if [ "$2" == "$3" ]; then pass "$1"; else fail "$1: expected [$2], got [$3]"; fi; }

if [ "$(id -u)" -ne 0 ] || [ ! -c /dev/fuse ] || [ ! -x /sbin/mount.fuse3 ]; then
    echo "SKIP: the package test needs root, /dev/fuse and fuse3's mount.fuse3" >&2
    exit 77
fi
T=$(mktemp -d "${TMPDIR:-/tmp}/osspermfs-pkg.XXXXXX") || exit 1
chmod 755 "$T"

cleanup() {
    local rc=$?
    if [ -n "$MNT" ] && mountpoint -q "$MNT"; then
        umount "$MNT" 2>/dev/null || fusermount3 -uz "$MNT"
    fi
    if [ -n "$EMU_PID" ]; then
        kill "$EMU_PID" 2>/dev/null
        wait "$EMU_PID" 2>/dev/null
    fi
    if [ "$INSTALLED" == 1 ]; then
        dpkg -P osspermfs ossemu >/dev/null 2>&1 || echo "# could not remove the packages" >&2
    fi
    if grep -qsF " $T/" /proc/self/mountinfo; then
        echo "# $T still has a mount below it; not removed" >&2
    else
        rm -rf "$T"
    fi
    [ "$FAILS" -eq 0 ] || rc=1
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# ---- build ----
if ! cpack -G DEB --config "$BUILD/CPackConfig.cmake" -B "$T/pkg" >"$T/cpack.log" 2>&1; then
    tail -n 20 "$T/cpack.log" >&2
    fail "cpack could not build the packages"
    exit 1
fi
FS_DEB=$T/pkg/osspermfs_${VERSION}_amd64.deb
EMU_DEB=$T/pkg/ossemu_${VERSION}_amd64.deb
for deb in "$FS_DEB" "$EMU_DEB"; do
    [ -f "$deb" ] && pass "built $(basename "$deb")" || fail "no $(basename "$deb") in: $(ls "$T/pkg")"
done
[ "$FAILS" -eq 0 ] || exit 1
fs_depends=$(dpkg-deb -f "$FS_DEB" Depends)
for dep in fuse3 libfuse3-3 libcurl4 libxml2 libssl3 libjansson4 libc6; do
    [[ ",$fs_depends" == *[\ ,]$dep[\ ,]* || ",$fs_depends" == *[\ ,]$dep ]] &&
        pass "osspermfs Depends on $dep" || fail "osspermfs Depends lacks $dep: $fs_depends"
done
emu_depends=$(dpkg-deb -f "$EMU_DEB" Depends)
for dep in libmicrohttpd12 libsqlite3-0 libjansson4 libc6; do
    [[ ",$emu_depends" == *[\ ,]$dep[\ ,]* || ",$emu_depends" == *[\ ,]$dep ]] &&
        pass "ossemu Depends on $dep" || fail "ossemu Depends lacks $dep: $emu_depends"
done
expect_eq "osspermfs ships its man page" ./usr/share/man/man1/osspermfs.1.gz \
    "$(dpkg-deb -c "$FS_DEB" | awk '{print $6}' | grep 'man1/.')"
if command -v lintian >/dev/null; then
    if lintian --fail-on error "$FS_DEB" "$EMU_DEB" >"$T/lintian.log" 2>&1; then
        pass "lintian reports no errors ($(grep -c '^W:' "$T/lintian.log") warnings)"
    else
        fail "lintian: $(grep '^E:' "$T/lintian.log" | head -n 5 | paste -sd ';')"
    fi
else
    echo "# lintian not installed: not run (scripts/install-deps.sh installs it)"
fi

# ---- a scratch root ----
ROOT=$T/root
dpkg -x "$FS_DEB" "$ROOT" && dpkg -x "$EMU_DEB" "$ROOT" || fail "dpkg -x"
expect_eq "osspermfs --version from the scratch root" "osspermfs $VERSION" \
    "$("$ROOT/usr/bin/osspermfs" --version 2>&1 | head -n 1 | cut -d' ' -f1-2)"
expect_eq "ossemu --version from the scratch root" "ossemu $VERSION" \
    "$("$ROOT/usr/bin/ossemu" --version 2>&1 | head -n 1)"

# ---- the installed ossemu, one bucket, signed curl ----
AK=LTAIpackage001
SK=package-test-secret
(umask 077 && printf '%s:%s\n' "$AK" "$SK" >"$T/passwd")
# oss PATH-METHOD PATH [curl args]: a V1-signed path-style request; prints the HTTP status.
oss() {
    local method=$1 res=$2 date sig
    shift 2
    date=$(LC_ALL=C TZ=GMT date '+%a, %d %b %Y %H:%M:%S GMT')
    sig=$(printf '%s\n\n\n%s\n%s' "$method" "$date" "$res" | openssl dgst -sha1 -hmac "$SK" -binary | base64)
    curl -sS -o "$T/body" -w '%{http_code}' -X "$method" -H "Date: $date" \
        -H "Authorization: OSS $AK:$sig" -H "Content-Type:" "$@" "http://$ADDR$res"
}
start_emu() { # BINARY
    OSS_ACCESS_KEY_ID=$AK OSS_ACCESS_KEY_SECRET=$SK "$1" --data "$T/emu" --listen 127.0.0.1:0 \
        --ready-file "$T/emu.ready" --request-log "$T/requests.log" >"$T/emu.out" 2>&1 &
    EMU_PID=$!
    for _ in $(seq 100); do
        [ -s "$T/emu.ready" ] && break
        sleep 0.1
    done
    ADDR=$(head -n 1 "$T/emu.ready")
}
start_emu "$ROOT/usr/bin/ossemu"
[ -n "$ADDR" ] || { fail "the packaged ossemu did not start: $(cat "$T/emu.out")"; exit 1; }
expect_eq "PutBucket pkgbucket" 200 "$(oss PUT /pkgbucket/ --data-binary '')"

# mount_check HOW MOUNT-COMMAND...: mounts $T/mnt with the command, then reads the bucket ACL
# and writes a file through the mount, checked with curl; unmounts with umount(8).
mount_check() {
    local how=$1
    shift
    MNT=$T/mnt
    mkdir -p "$MNT"
    if ! "$@" >"$T/mount.log" 2>&1; then
        fail "$how: $* failed: $(head -c 400 "$T/mount.log")"
        return
    fi
    pass "$how"
    expect_eq "$how: cat .acl" private "$(cat "$MNT/.acl")"
    echo "written through $how" >"$MNT/hello.txt"
    expect_eq "$how: the write reached ossemu" 200 "$(oss GET /pkgbucket/hello.txt)"
    expect_eq "$how: its content" "written through $how" "$(cat "$T/body")"
    umount "$MNT" && pass "$how: umount" || fail "$how: umount"
}

# mount(8) runs helpers with its own PATH, which a scratch root is not on: call fuse3's helper
# the way mount -t fuse.osspermfs does, with the scratch root on PATH.
OPTS="url=http://$ADDR,passwd_file=$T/passwd"
mount_check "mount.fuse3 -t osspermfs (scratch root on PATH)" \
    env PATH="$ROOT/usr/bin:/usr/sbin:/usr/bin:/sbin:/bin" /sbin/mount.fuse3 pkgbucket "$T/mnt" \
    -t osspermfs -o "$OPTS"

# ---- installed with dpkg, when this machine has neither package ----
# Two runs of this test on one machine (several checkouts) take turns: the lock is released
# when this script exits, after the packages are purged.
exec 9>"${TMPDIR:-/tmp}/osspermfs-package-test.lock"
if ! flock -w 240 9; then
    echo "# another package test holds the dpkg step: dpkg -i not tried"
elif dpkg-query -W -f '${Status}\n' osspermfs ossemu 2>/dev/null | grep -q ' installed$'; then
    echo "# osspermfs or ossemu is already installed here: dpkg -i not tried"
elif ! dpkg -i "$FS_DEB" "$EMU_DEB" >"$T/dpkg.log" 2>&1; then
    fail "dpkg -i: $(tail -n 5 "$T/dpkg.log" | paste -sd ';')"
    INSTALLED=1
else
    INSTALLED=1
    pass "dpkg -i of both packages"
    expect_eq "installed osspermfs --version" "osspermfs $VERSION" \
        "$(/usr/bin/osspermfs --version 2>&1 | head -n 1 | cut -d' ' -f1-2)"
    if command -v man >/dev/null; then
        expect_eq "man finds the installed page" /usr/share/man/man1/osspermfs.1.gz \
            "$(man -w osspermfs 2>/dev/null)"
    fi
    kill "$EMU_PID"
    wait "$EMU_PID" 2>/dev/null
    start_emu /usr/bin/ossemu
    OPTS="url=http://$ADDR,passwd_file=$T/passwd"
    printf 'pkgbucket %s fuse.osspermfs _netdev,%s 0 0\n' "$T/mnt" "$OPTS" >"$T/fstab"
    mount_check "an fstab line (mount -T, mount's own PATH)" \
        env -i mount -T "$T/fstab" "$T/mnt"
    mount_check "mount -t fuse.osspermfs (installed)" \
        env -i mount -t fuse.osspermfs pkgbucket "$T/mnt" -o "$OPTS"
fi

echo "# package test: $FAILS failed"
[ "$FAILS" -eq 0 ]
