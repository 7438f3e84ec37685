#!/bin/bash
# Request counts of many small files on a fresh mount (issue 11, the small-file tasks of
# bench/tasks.sh): after an `ls` of a directory, `cat` of each of 50 listed files costs one
# GetObject and nothing else (no HeadObject); `echo abc >` a new name costs one PutObject and
# nothing else, and so does each of 49 more new names in that directory, and each create in a
# directory just made with mkdir.
. "$(dirname "$0")/lib.sh"
require_root_fuse
emu_start
B=smallbkt
N=50
srv_mkbucket $B || die "cannot create bucket"
# obj-00000.dat is empty; obj-00001.dat .. obj-00050.dat hold 1 .. 50 bytes.
srv_seed $B "d/:$((N + 1))" || die "seeding failed"

M="$T/mnt"
fs_mount "$M" $B || die "mount"
ls "$M/d" >"$T/ls.out" || fail "ls failed"
expect_eq "ls lists every object" $((N + 1)) "$(wc -l <"$T/ls.out")"

logmark
for i in $(seq -f '%05g' 1 $N); do cat "$M/d/obj-$i.dat"; done >"$T/cat.out"
expect_eq "cat of $N listed files: every byte" $((N * (N + 1) / 2)) "$(wc -c <"$T/cat.out")"
expect_count "cat of $N listed files: one GetObject each" $N GetObject
expect_count "cat of $N listed files: no HeadObject" 0 HeadObject
expect_eq "cat of $N listed files: nothing else" $N "$(log_since | wc -l)"

ls "$M/d" >/dev/null
logmark
echo abc >"$M/d/new-1.txt"
expect_count "echo > a new name after ls: one PutObject" 1 PutObject
expect_eq "echo > a new name after ls: nothing else" 1 "$(log_since | wc -l)"

# A file stored through the mount joins its directory's fresh listing, which goes on answering
# for the other names (docs/decisions.md, "Listing freshness"): each further new name is one
# PutObject too.
logmark
for i in $(seq 2 $N); do echo abc >"$M/d/new-$i.txt"; done
expect_count "echo > $((N - 1)) more new names: one PutObject each" $((N - 1)) PutObject
expect_count "echo > $((N - 1)) more new names: no ListObjectsV2" 0 ListObjectsV2
expect_count "echo > $((N - 1)) more new names: no HeadObject" 0 HeadObject
expect_eq "echo > $((N - 1)) more new names: nothing else" $((N - 1)) "$(log_since | wc -l)"
# A directory made through the mount starts with an empty listing: the creates in it need no
# lookup either.
mkdir "$M/fresh" || fail "mkdir failed"
logmark
for i in $(seq 20); do echo abc >"$M/fresh/f-$i.txt"; done
expect_count "20 creates in a new directory: 20 PutObject" 20 PutObject
expect_eq "20 creates in a new directory: nothing else" 20 "$(log_since | wc -l)"
expect_eq "server: the files in the new directory" 20 "$(srv_keys $B | grep -c '^fresh/f-')"
expect_eq "server: the new files" $N "$(srv_keys $B | grep -c '^d/new-')"
expect_eq "server: a new file's body" abc "$(srv_get_object $B d/new-$N.txt)"
finish
