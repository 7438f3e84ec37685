#!/bin/bash
# The fast data path through a real mount (DESIGN 1.3): sequential writes stream into a
# multipart upload (request log: Initiate, UploadPart x N, Complete, no PutObject), small files
# stay one PutObject, an upload failure makes cp/dd fail and leaves neither an object nor a
# pending upload, random writes still work through staging (multipart too when larger than a
# part), and a sequential read issues concurrent ranged GETs. Contents are checked with osscli
# (ali-oss), never through the mount.
. "$(dirname "$0")/lib.sh"
require_root_fuse
emu_start --admin 127.0.0.1:0 --admin-ready-file "$T/admin.ready"
ADMIN=$(head -n 1 "$T/admin.ready")
B=bigbkt
srv_mkbucket $B || die "cannot create bucket"
M="$T/mnt"
fs_mount -o part_size=4,upload_concurrency=3,retries=1 "$M" $B || die "mount"

md5_of() { md5sum | cut -d' ' -f1; }
srv_md5() { osscli get-object $B "$1" | md5_of; }
# Pending multipart uploads of the bucket (ListMultipartUploads, signed curl).
pending_uploads() { oss_xml alice UploadId GET "/$B/?uploads" | wc -l; }
set_faults() {
    curl -sS -o /dev/null -w '%{http_code}' -X PUT --data-binary "$1" "http://$ADMIN/faults"
}

# ---- the options are checked
expect_fail_errno "part_size=0 is refused" nz "bad value in -o part_size=0" \
    "'$OSSPERMFS' $B '$T/nomnt' -f -o url=$EMU_URL,part_size=0"
expect_fail_errno "upload_concurrency=65 is refused" nz "bad value in -o upload_concurrency=65" \
    "'$OSSPERMFS' $B '$T/nomnt' -f -o url=$EMU_URL,upload_concurrency=65"

# ---- a 40 MiB file written with dd is one multipart upload
head -c $((40 << 20)) /dev/urandom >"$T/big40"
logmark
expect_ok "dd writes 40 MiB" "dd if='$T/big40' of='$M/big40' bs=1M status=none"
expect_count "one InitiateMultipartUpload" 1 InitiateMultipartUpload
expect_count "ten UploadPart of 4 MiB" 10 UploadPart
expect_count "one CompleteMultipartUpload" 1 CompleteMultipartUpload
expect_count "no PutObject for a streamed file" 0 PutObject
expect_count "no AbortMultipartUpload" 0 AbortMultipartUpload
expect_eq "the object holds the 40 MiB" "$(md5_of <"$T/big40")" "$(srv_md5 big40)"
expect_eq "no upload left pending" 0 "$(pending_uploads)"
expect_eq "the object is a multipart object" Multipart \
    "$(osscli head-object $B big40 | jq -r '."x-oss-object-type"')"

# ---- cp of a size that is not a multiple of the part size
head -c $((9 << 20 | 12345)) /dev/urandom >"$T/odd"
logmark
expect_ok "cp writes 9 MiB + 12345 bytes" "cp '$T/odd' '$M/odd'"
expect_count "three parts (4 + 4 + 1 MiB + tail)" 3 UploadPart
expect_eq "cp'd object matches" "$(md5_of <"$T/odd")" "$(srv_md5 odd)"

# A streamed file renamed while its parts are on their way ends under its new name only.
logmark
if python3 - "$M/moving.bin" "$M/moved.bin" <<'EOF'; then
import os, sys
with open(sys.argv[1], "wb") as f:
    f.write(b"m" * (9 << 20))  # two parts sent
    os.rename(sys.argv[1], sys.argv[2])
    f.write(b"end")
EOF
    pass "write, rename while open, write, close"
else
    fail "write, rename while open, write, close"
fi
expect_eq "the renamed stream is stored under the new name" \
    "$(python3 -c 'import sys; sys.stdout.buffer.write(b"m" * (9 << 20) + b"end")' | md5_of)" \
    "$(srv_md5 moved.bin)"
expect_fail_errno "nothing under the old name" nz "" "osscli head-object $B moving.bin"
expect_count "it was streamed" 1 CompleteMultipartUpload

# ---- a small file is still exactly one PutObject
logmark
printf 'abcd' >"$M/four"
expect_count "a 4-byte write is one PutObject" 1 PutObject
expect_count "and no multipart request" 0 InitiateMultipartUpload
expect_eq "4-byte object" abcd "$(osscli get-object $B four)"

# ---- an upload failure: cp and dd conv=fsync fail, nothing is stored, nothing pending
expect_eq "faults set" 200 "$(set_faults '{"faults":["status=500,ops=UploadPart"]}')"
logmark
expect_fail_errno "cp fails when parts cannot be uploaded" nz "" "cp '$T/big40' '$M/failed-cp'"
expect_fail_errno "dd conv=fsync fails too" nz "" \
    "dd if='$T/big40' of='$M/failed-dd' bs=1M conv=fsync status=none"
expect_ne "the failed parts were really tried" 0 "$(reqcount UploadPart)"
expect_ne "the uploads were aborted" 0 "$(reqcount AbortMultipartUpload)"
curl -sS -o /dev/null -X DELETE "http://$ADMIN/faults"
expect_fail_errno "no object after a failed cp" nz "" "osscli head-object $B failed-cp"
expect_fail_errno "no object after a failed dd" nz "" "osscli head-object $B failed-dd"
expect_eq "no pending upload after the failures" 0 "$(pending_uploads)"
expect_eq "the earlier object is intact" "$(md5_of <"$T/big40")" "$(srv_md5 big40)"

# ---- a failure at Complete is reported the same way
expect_eq "faults set" 200 "$(set_faults '{"faults":["status=500,ops=CompleteMultipartUpload"]}')"
expect_fail_errno "cp fails when the upload cannot be completed" nz "" \
    "cp '$T/odd' '$M/failed-complete'"
curl -sS -o /dev/null -X DELETE "http://$ADMIN/faults"
expect_fail_errno "no object after a failed Complete" nz "" "osscli head-object $B failed-complete"
expect_eq "no pending upload after it" 0 "$(pending_uploads)"

# ---- random writes go through staging
cp "$T/big40" "$T/patched"
printf 'PATCH' | dd of="$T/patched" bs=1 seek=$((20 << 20)) conv=notrunc status=none
logmark
expect_ok "dd seek= into an existing file" \
    "printf PATCH | dd of='$M/big40' bs=1 seek=$((20 << 20)) conv=notrunc status=none"
expect_count "a staged file larger than a part is not one PutObject" 0 PutObject
expect_count "it is a multipart upload of ten parts" 10 UploadPart
expect_count "completed once" 1 CompleteMultipartUpload
expect_eq "patched object matches" "$(md5_of <"$T/patched")" "$(srv_md5 big40)"
# The staged upload failing leaves the object as it was.
expect_eq "faults set" 200 "$(set_faults '{"faults":["status=500,ops=UploadPart"]}')"
expect_fail_errno "a staged patch fails when parts cannot be uploaded" nz "" \
    "printf XXXXX | dd of='$M/big40' bs=1 seek=10 conv=notrunc,fsync status=none"
curl -sS -o /dev/null -X DELETE "http://$ADMIN/faults"
expect_eq "the object is unchanged after the failed staged upload" \
    "$(md5_of <"$T/patched")" "$(srv_md5 big40)"
expect_eq "no pending upload after it" 0 "$(pending_uploads)"
python3 - "$M/rw.bin" <<'EOF' || fail "python r+b random writes"
import sys
p = sys.argv[1]
with open(p, "wb") as f:
    f.write(b"a" * 10)
with open(p, "r+b") as f:
    f.seek(5); f.write(b"XY"); f.seek(0); f.write(b"Z")
EOF
expect_eq "python r+b writes land" "ZaaaaXYaaa" "$(osscli get-object $B rw.bin)"
# A stream that seeks back after parts were sent: completed, reloaded, patched.
python3 - "$M/back.bin" <<'EOF' || fail "python seek-back after streamed parts"
import sys
with open(sys.argv[1], "wb") as f:
    f.write(b"x" * (9 << 20))
    f.seek(3); f.write(b"HEAD")
    f.seek(0, 2); f.write(b"tail")
EOF
expect_eq "seek back after parts keeps every byte" \
    "$(python3 -c 'import sys; b=bytearray(b"x"*(9<<20)); b[3:7]=b"HEAD"; sys.stdout.buffer.write(bytes(b)+b"tail")' | md5_of)" \
    "$(srv_md5 back.bin)"
expect_eq "no pending upload after the fallbacks" 0 "$(pending_uploads)"

# ---- a sequential read of 64 MiB uses concurrent ranged GETs
head -c $((64 << 20)) /dev/urandom >"$T/big64"
osscli put-object $B big64 "$T/big64" >/dev/null || die "seed big64"
fs_unmount "$M"
fs_mount "$M" $B || die "remount"
# 20 ms per GET, as on a real network: read-ahead must overlap requests to keep up.
expect_eq "latency set" 200 "$(set_faults '{"faults":["latency=20,ops=GetObject"]}')"
logmark
expect_eq "sequential read matches byte for byte" "$(md5_of <"$T/big64")" \
    "$(dd if="$M/big64" bs=1M status=none | md5_of)"
gets=$(reqcount GetObject)
expect_ne "the read took several GETs" 1 "$gets"
# Concurrency: some GET started before the previous one had ended (log time - latency).
overlap=$(log_since | jq -r 'select(.op=="GetObject") | [.time, .latency_ms] | @tsv' | python3 -c '
import sys, datetime
iv = []
for line in sys.stdin:
    t, lat = line.split("\t")
    end = datetime.datetime.strptime(t.strip(), "%Y-%m-%dT%H:%M:%S.%fZ").timestamp() * 1000
    iv.append((end - float(lat), end))
iv.sort()
print(sum(1 for a, b in zip(iv, iv[1:]) if b[0] < a[1]))')
expect_ne "ranged GETs overlapped in time" 0 "$overlap"
biggest=$(log_since | jq -r 'select(.op=="GetObject") | .bytes_out' | sort -n | tail -1)
expect_eq "read-ahead reached 8 MiB requests" $((8 << 20)) "$biggest"
curl -sS -o /dev/null -X DELETE "http://$ADMIN/faults"
# -o read_ahead (default 1024 KiB) is the mount's kernel read-ahead once a file was opened.
ra_of() { cat "/sys/class/bdi/$(mountpoint -d "$1")/read_ahead_kb"; }
expect_eq "the mount reads ahead 1024 KiB" 1024 "$(ra_of "$M")"
fs_mount -o read_ahead=0 "$T/mnt-ra0" $B || die "mount with read_ahead=0"
kernel_ra=$(ra_of "$T/mnt-ra0")
head -c 1 "$T/mnt-ra0/big64" >/dev/null
expect_eq "read_ahead=0 leaves the kernel's value" "$kernel_ra" "$(ra_of "$T/mnt-ra0")"
fs_unmount "$T/mnt-ra0"
expect_fail_errno "read_ahead=65537 is refused" nz "bad value in -o read_ahead=65537" \
    "'$OSSPERMFS' $B '$T/nomnt' -f -o url=$EMU_URL,read_ahead=65537"
logmark
expect_eq "a random read is right" "$(dd if="$T/big64" bs=4096 skip=5000 count=1 status=none | md5_of)" \
    "$(dd if="$M/big64" bs=4096 skip=5000 count=1 status=none | md5_of)"
small=$(log_since | jq -r 'select(.op=="GetObject") | .bytes_out' | sort -n | tail -1)
expect_eq "a random read is one small ranged GET" 131072 "${small:-0}"
# Mixed patterns on one descriptor: sequential runs, seeks back and forth, odd sizes.
if python3 - "$M/big64" "$T/big64" <<'EOF'; then
import random, sys
random.seed(7)
src = open(sys.argv[2], "rb").read()
with open(sys.argv[1], "rb", buffering=0) as f:
    for i in range(300):
        if i % 50 == 0:
            pos = random.randrange(len(src))
            for _ in range(40):  # a sequential run
                f.seek(pos)
                b = f.read(1 << 20)
                if b != src[pos:pos + (1 << 20)]:
                    sys.exit("sequential run differs at %d" % pos)
                pos += len(b)
        pos = random.randrange(len(src) + 10)
        n = random.choice([1, 4096, 100000, 1 << 20, 3 << 20])
        f.seek(pos)
        if f.read(n) != src[pos:pos + n]:
            sys.exit("read of %d at %d differs" % (n, pos))
EOF
    pass "300 mixed reads and sequential runs match the source"
else
    fail "mixed reads through the mount differ from the source"
fi

finish
