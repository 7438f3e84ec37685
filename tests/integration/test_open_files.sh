#!/bin/bash
# Open files share one state (DESIGN 1.3, "one file, one truth"): every case below once lost or
# corrupted data. Each drives the mount with several descriptors at once (python3 for the
# cases a shell cannot express) and checks the outcome on the server with the independent
# client, never through the mount.
. "$(dirname "$0")/lib.sh"
require_root_fuse
emu_start
B=openbkt
srv_mkbucket $B || die "cannot create bucket"
M="$T/mnt"
fs_mount "$M" $B || die "mount"

# py SCRIPT: runs python3 with M set to the mount point (exported: expect_ok runs bash -c).
py() {
    python3 -c "$1"
}
export -f py
export M

# srv_has KEY: 0 when the object exists on the server.
srv_has() {
    srv_keys $B | grep -qxF -- "$1"
}

# ---- open O_RDWR, write, unlink, close: the file stays deleted
srv_put_object $B gone.txt "old content"
expect_ok "write through an open descriptor after unlink" 'py "
import os
fd = os.open(os.environ[\"M\"] + \"/gone.txt\", os.O_RDWR)
os.write(fd, b\"new\")
os.unlink(os.environ[\"M\"] + \"/gone.txt\")
os.lseek(fd, 0, 0)
assert os.read(fd, 100) == b\"new content\", \"handle keeps the nameless content\"
os.close(fd)
"'
expect_fail_errno "unlinked while open: it stays deleted" nz "" "srv_has gone.txt"

# ---- a stale handle of an unlinked file closed after a new file took the name
srv_put_object $B name.txt "first"
expect_ok "new file under the name of an open, unlinked one" 'py "
import os
p = os.environ[\"M\"] + \"/name.txt\"
old = os.open(p, os.O_RDWR)
os.write(old, b\"STALE\")
os.unlink(p)
with open(p, \"w\") as f:
    f.write(\"second\")
os.write(old, b\"more\")
os.close(old)
"'
expect_eq "the new file is untouched by the stale handle" second "$(srv_get_object $B name.txt)"

# ---- rename(a, b) while b is open with unsaved writes
srv_put_object $B ra.txt "from a"
srv_put_object $B rb.txt "b before"
expect_ok "rename onto a file open with unsaved writes" 'py "
import os
m = os.environ[\"M\"]
fd = os.open(m + \"/rb.txt\", os.O_RDWR)
os.write(fd, b\"UNSAVED\")
os.rename(m + \"/ra.txt\", m + \"/rb.txt\")
os.close(fd)
"'
expect_eq "b holds a's content after the close" "from a" "$(srv_get_object $B rb.txt)"
expect_fail_errno "a is gone" nz "" "srv_has ra.txt"

# ---- sed -i (an editor temporary renamed onto the file) while the file is open with unsaved
# writes: the temporary's content stands, and the handle's later writes and close upload nothing
srv_put_object $B rs.txt "line one"
expect_ok "sed -i onto a file open with unsaved writes" 'py "
import os, subprocess
m = os.environ[\"M\"]
fd = os.open(m + \"/rs.txt\", os.O_RDWR)
os.pwrite(fd, b\"UNSAVED!\", 0)
subprocess.run([\"sed\", \"-i\", \"s/one/two/\", m + \"/rs.txt\"], check=True)
os.pwrite(fd, b\"LATER\", 0)
if os.pread(fd, 5, 0) != b\"LATER\":
    raise SystemExit(\"the open handle lost its own writes\")
os.close(fd)
"'
expect_eq "the file holds what sed wrote after the close" "$(printf 'UNSAVED!' | sed 's/one/two/')" \
    "$(srv_get_object $B rs.txt)"

# ---- two handles write different ranges of one file
srv_put_object $B ranges.bin "................"
expect_ok "two handles, two ranges" 'py "
import os
p = os.environ[\"M\"] + \"/ranges.bin\"
a = os.open(p, os.O_RDWR)
b = os.open(p, os.O_RDWR)
os.pwrite(a, b\"AAAA\", 0)
os.pwrite(b, b\"BBBB\", 8)
assert os.pread(b, 4, 0) == b\"AAAA\", \"the second handle reads what the first wrote\"
os.close(a)
os.close(b)
"'
expect_eq "both ranges landed" "AAAA....BBBB...." "$(srv_get_object $B ranges.bin)"

# ---- two processes append to one log with >>
: >"$M/log.txt"
appenders=()
for w in 1 2; do
    (for i in $(seq 1 40); do echo "writer$w line $i" >>"$M/log.txt"; done) &
    appenders+=($!)
done
wait "${appenders[@]}" # not a bare wait: the daemon and ossemu are jobs of this shell too
srv_get_object $B log.txt >"$T/log.back"
expect_eq "every record of both appenders" 80 "$(grep -c '^writer[12] line [0-9]*$' "$T/log.back")"
expect_eq "no NUL byte and no torn record" 80 "$(wc -l <"$T/log.back")"
expect_eq "each writer's records in order" "$(seq 1 40)" \
    "$(grep '^writer1 ' "$T/log.back" | sed 's/.* //')"
expect_ok "appends from two open descriptors interleave whole" 'py "
import os
p = os.environ[\"M\"] + \"/two.log\"
a = os.open(p, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
b = os.open(p, os.O_WRONLY | os.O_APPEND)
for i in range(5):
    os.write(a, b\"a%d\\n\" % i)
    os.write(b, b\"b%d\\n\" % i)
os.close(a)
os.close(b)
"'
expect_eq "appends in the order they were made" "a0 b0 a1 b1 a2 b2 a3 b3 a4 b4" \
    "$(srv_get_object $B two.log | tr '\n' ' ' | sed 's/ $//')"

# ---- truncate(path, 4) while another handle has unsaved writes
srv_put_object $B trunc.txt "0123456789"
expect_ok "truncate by path with a writer open" 'py "
import os
p = os.environ[\"M\"] + \"/trunc.txt\"
fd = os.open(p, os.O_RDWR)
os.pwrite(fd, b\"abcdefgh\", 0)
os.truncate(p, 4)
assert os.fstat(fd).st_size == 4
os.close(fd)
"'
expect_eq "4 bytes, the writer's" abcd "$(srv_get_object $B trunc.txt)"

# ---- a second open and read while a writer is open
expect_ok "a reader sees what an open writer wrote" 'py "
import os
p = os.environ[\"M\"] + \"/fresh.txt\"
w = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
os.write(w, b\"written so far\")
with open(p, \"rb\") as r:
    got = r.read()
assert got == b\"written so far\", got
os.close(w)
"'
expect_eq "and it was stored at close" "written so far" "$(srv_get_object $B fresh.txt)"

# ---- rmdir and ls of a directory holding a file being written
mkdir "$M/busy"
exec 7>"$M/busy/inflight.txt"
echo "not yet uploaded" >&7
expect_fail_errno "rmdir of a directory with a file being written" nz "Directory not empty" \
    "rmdir '$M/busy'"
expect_eq "ls lists the file being written" inflight.txt "$(ls "$M/busy")"
exec 7>&-
expect_eq "stored at close" "not yet uploaded" "$(srv_get_object $B busy/inflight.txt)"

# ---- names past OSS's 1023-byte keys
long=$(printf 'n%.0s' $(seq 1 200))
name=$(printf 'x%.0s' $(seq 1 250)) # 4 x 201 + 250 = 1054 bytes of key
expect_ok "a key of 1005 bytes is fine" "mkdir -p '$M/$long/$long/$long/$long/$long'"
logmark
expect_fail_errno "create past 1023 bytes is ENAMETOOLONG" nz "File name too long" \
    "echo x > '$M/$long/$long/$long/$long/$name'"
expect_fail_errno "mkdir past 1023 bytes is ENAMETOOLONG" nz "File name too long" \
    "mkdir '$M/$long/$long/$long/$long/$name'"
expect_fail_errno "symlink past 1023 bytes is ENAMETOOLONG" nz "File name too long" \
    "ln -s target '$M/$long/$long/$long/$long/$name'"
echo data >"$M/short.txt"
logmark
expect_fail_errno "rename past 1023 bytes is ENAMETOOLONG" nz "File name too long" \
    "mv '$M/short.txt' '$M/$long/$long/$long/$long/$name'"
expect_count "nothing was sent for them" 0 PutObject
expect_count "no copy either" 0 CopyObject
expect_eq "the renamed file stayed" data "$(srv_get_object $B short.txt)"

# ---- a file renamed while open for reading keeps reading
head -c 3000000 /dev/urandom >"$T/moving.bin"
cp "$T/moving.bin" "$M/moving.bin"
expect_ok "a reader opened before a rename reads the whole file" 'py "
import os, hashlib
m = os.environ[\"M\"]
with open(m + \"/moving.bin\", \"rb\") as f:
    head = f.read(1000)
    os.rename(m + \"/moving.bin\", m + \"/moved.bin\")
    rest = f.read()
open(os.environ[\"T\"] + \"/moving.read\", \"wb\").write(head + rest)
"'
expect_eq "and the bytes are the file's" "$(md5sum <"$T/moving.bin")" "$(md5sum <"$T/moving.read")"

# ---- mknod and mkfifo: EPERM
expect_fail_errno "mkfifo is EPERM" nz "Operation not permitted" "mkfifo '$M/fifo'"
expect_fail_errno "mknod is EPERM" nz "Operation not permitted" "mknod '$M/dev' c 1 3"

# ---- close means durable: an empty file is on the server when close returns
touch "$M/empty-now.txt"
: >"$M/empty-too.txt"
kill -9 "$FS_PID"
expect_eq "touch: on the server before the daemon died" 0 \
    "$(osscli head-object $B empty-now.txt >/dev/null 2>&1; echo $?)"
expect_eq "': >': on the server before the daemon died" 0 \
    "$(osscli head-object $B empty-too.txt >/dev/null 2>&1; echo $?)"

finish
