#!/bin/bash
# Request counts of the mount and of listings, from ossemu's request log: mounting costs one
# request, `ls -l` of 2500 objects costs 3 ListObjectsV2 and no HEAD, stat after a listing and
# lookups of names the listing knows cost nothing, `cat .acl` costs one GetBucketAcl.
. "$(dirname "$0")/lib.sh"
require_root_fuse
emu_start
B=listbkt
N=2500
srv_mkbucket $B || die "cannot create bucket"

# Seed N objects with the official SDK (independent of the code under test).
srv_seed $B ":$N" || die "seeding failed"
expect_eq "seeded $N objects" $N "$(srv_keys $B | wc -l)"

M="$T/mnt"
logmark
fs_mount -o attr_timeout=3,listing_timeout=3 "$M" $B || die "mount"
expect_count "bucket mount: one ListObjectsV2" 1 ListObjectsV2
expect_eq "bucket mount: one request in all" 1 "$(log_since | wc -l)"

logmark
ls -la "$M" >"$T/ls.out" || fail "ls -la failed"
expect_count "ls -la of $N objects: 3 ListObjectsV2" 3 ListObjectsV2
expect_count "ls -la of $N objects: no HeadObject" 0 HeadObject
expect_count "ls -la of $N objects: no GetObjectMeta" 0 GetObjectMeta
expect_eq "ls -la: every object listed" $N "$(grep -c ' obj-' "$T/ls.out")"
expect_eq "ls -la: sizes come from the listing" 96 \
    "$(awk '$NF=="obj-00096.dat"{print $5}' "$T/ls.out")"
expect_eq "ls -la: control files listed" 2 "$(grep -cE ' \.acl$| \.access-monitor$' "$T/ls.out")"

logmark
stat -c %s "$M/obj-00010.dat" >/dev/null
expect_eq "stat right after a listing costs nothing" 0 "$(log_since | wc -l)"

logmark
stat "$M/not-there" >/dev/null 2>&1
expect_eq "a name missing from a fresh listing costs nothing" 0 "$(log_since | wc -l)"

sleep 3.2 # the listing and attributes expire (attr_timeout=3)
logmark
expect_eq "size after expiry" 5 "$(stat -c %s "$M/obj-00005.dat")"
expect_eq "stat after expiry: one request (the name looked up again)" 1 "$(log_since | wc -l)"
expect_count "stat after expiry: no HeadObject (ListObjectsV2 of the name)" 0 HeadObject

logmark
cat "$M/.acl" >/dev/null
expect_count "cat .acl: one GetBucketAcl" 1 GetBucketAcl
expect_eq "cat .acl: one request in all" 1 "$(log_since | wc -l)"
logmark
cat "$M/.acl" >/dev/null
expect_count "cat .acl again: fresh, one more GetBucketAcl" 1 GetBucketAcl

logmark
head -c 4 "$M/obj-00050.dat" >/dev/null
expect_count "reading a small object: one GetObject" 1 GetObject

# A directory handle keeps only the page being read: going back (rewinddir, or seekdir to an
# entry already dropped) restarts the listing and still yields every entry once.
ALL=$(ls -a "$M" | wc -l)
logmark
out=$(perl -e 'opendir(my $d, $ARGV[0]) or die; my $n = 0; $n++ while $n < 1500 && readdir($d);
    my $pos = telldir($d); rewinddir($d); my @all = readdir($d); seekdir($d, $pos);
    my @rest = readdir($d); my %u; $u{$_}++ for @all;
    print scalar(@all), " ", scalar(keys %u), " ", scalar(@rest), "\n"' "$M")
expect_eq "rewinddir after 1500 entries: every entry once, seekdir back works" \
    "$ALL $ALL $((ALL - 1500))" "$out"
expect_count "rewinddir: 2 pages, 3 after rewinddir, 3 after seekdir back" 8 ListObjectsV2

fs_unmount "$M"

# Account mode: one ListBuckets to mount, the bucket list from one more.
M2="$T/mnt-account"
logmark
fs_mount "$M2" || die "account mount"
expect_count "account mount: one ListBuckets" 1 ListBuckets
expect_eq "account mount: one request in all" 1 "$(log_since | wc -l)"
expect_eq "account root lists the bucket" $B "$(ls "$M2")"
logmark
expect_eq "bucket dir lists its control file" ".acl" "$(ls -a "$M2/$B" | grep -x '\.acl')"
expect_count "listing a bucket of the account: 3 ListObjectsV2" 3 ListObjectsV2
finish
