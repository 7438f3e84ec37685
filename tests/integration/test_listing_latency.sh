#!/bin/bash
# Request counts of listing, small reads and creates (issue 11) with an ossemu that answers
# listings slowly (400 ms a page), so that the listing outlasts attr_timeout: `ls -l` of 2,500
# objects costs 3 ListObjectsV2 and no HeadObject, reading a freshly listed file one GetObject,
# creating a name absent from a fresh listing one PutObject (at close) and nothing else, also
# for the next creates in that directory, and without a listing one ListObjectsV2 more.
. "$(dirname "$0")/lib.sh"
require_root_fuse
emu_start --fault 'latency=400,ops=ListObjectsV2'
B=latbkt
N=2500
srv_mkbucket $B || die "cannot create bucket"
srv_seed $B "d/:$N" || die "seeding failed"

M="$T/mnt"
fs_mount -o attr_timeout=0.5 "$M" $B || die "mount"
ls "$M" >/dev/null # d is known from a listing
logmark
start=$(date +%s.%N)
ls -l "$M/d" >"$T/ls.out" || fail "ls -l failed"
took=$(echo "$(date +%s.%N) - $start" | bc)
expect_eq "the listing outlasted attr_timeout (0.5 s)" 1 "$(echo "$took > 1.0" | bc)"
expect_count "ls -l of $N objects: 3 ListObjectsV2" 3 ListObjectsV2
expect_count "ls -l of $N objects: no HeadObject" 0 HeadObject
expect_eq "ls -l: every object listed" $N "$(grep -c ' obj-' "$T/ls.out")"
expect_eq "ls -l: sizes from the listing" 96 "$(awk '$NF=="obj-00096.dat"{print $5}' "$T/ls.out")"

sleep 0.6 # the kernel's attributes of the first page expired long ago
logmark
expect_eq "stat after attr_timeout, listing fresh" 5 "$(stat -c %s "$M/d/obj-00005.dat")"
stat -c %s "$M/d/obj-00001.dat" "$M/d/obj-01234.dat" "$M/d/obj-02499.dat" >/dev/null
expect_eq "stat of listed names after the listing: no request" "" "$(log_ops)"

logmark
expect_eq "read a freshly listed file" xxxxxxxxxx "$(cat "$M/d/obj-00010.dat")"
expect_count "reading a freshly listed file: one GetObject" 1 GetObject
expect_eq "reading a freshly listed file: nothing else" 1 "$(log_since | wc -l)"

logmark
echo abc >"$M/d/new-file.txt" || fail "create failed"
expect_count "create of a new name: one PutObject" 1 PutObject
expect_eq "create of a new name: nothing else" 1 "$(log_since | wc -l)"
expect_eq "server: the new file" abc "$(srv_get_object $B d/new-file.txt)"

# Further creates in the same directory: the listing takes each stored file and keeps
# answering for the other names, so every create stays one PutObject.
logmark
for i in $(seq 20); do echo "file $i" >"$M/d/more-$i.txt" || fail "create more-$i failed"; done
expect_count "20 more creates: 20 PutObject" 20 PutObject
expect_eq "20 more creates: nothing else" 20 "$(log_since | wc -l)"
expect_eq "server: the last of them" "file 20" "$(srv_get_object $B d/more-20.txt)"
# An overwrite with another size: once the kernel's attributes expire, stat is answered from
# the listing, which holds the stored size, with no request.
printf 'longer than before\n' >"$M/d/obj-00007.dat" || fail "overwrite failed"
sleep 0.6
logmark
expect_eq "stat after an overwrite: the new size" 19 "$(stat -c %s "$M/d/obj-00007.dat")"
expect_eq "stat after an overwrite: the new size, no request" 0 "$(log_since | wc -l)"
expect_eq "server: the overwritten file" "longer than before" "$(srv_get_object $B d/obj-00007.dat)"

# without a fresh listing: one ListObjectsV2 tells the name is new, then one PutObject
fs_unmount "$M"
fs_mount -o attr_timeout=300 "$M" $B || die "mount"
stat "$M/d" >/dev/null
logmark
echo abc >"$M/d/other-new.txt" || fail "create failed"
expect_count "create without a listing: one ListObjectsV2" 1 ListObjectsV2
expect_count "create without a listing: one PutObject" 1 PutObject
expect_eq "create without a listing: two requests" 2 "$(log_since | wc -l)"
logmark
expect_eq "read after a remount" 2 "$(stat -c %s "$M/d/obj-00002.dat")"
expect_count "lookup of a file without a listing: one ListObjectsV2" 1 ListObjectsV2
expect_count "lookup of a file without a listing: no HeadObject" 0 HeadObject
finish
