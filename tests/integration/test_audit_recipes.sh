#!/bin/bash
# shellcheck disable=SC2012 # ls is the tool under test here
# The recipes of "Auditing permissions" (README.md, man/osspermfs.1), run as written with the
# mount point replaced: list every public object, make a prefix private, export all ACLs to
# CSV, find and restore a deleted file. Outcomes checked through ali-oss (osscli).
. "$(dirname "$0")/lib.sh"
require_root_fuse
B=recipes
ctl_setup $B -o attr_timeout=300
srv_enable_versioning $B || die "cannot enable versioning"
srv_seed $B --public-every 3 "2024/:10" "2024/raw/:4" "2023/:5" ":2" || die "seeding failed"
srv_set_object_acl $B 2023/obj-00001.dat public-read-write || die "seed ACL"
srv_put_object $B "2024/cat.jpg" "meow v1" || die "seed cat v1"
sleep 1.1 # ls -t orders versions by their time, to the second
srv_put_object $B "2024/cat.jpg" "meow v2" || die "seed cat v2"
srv_delete_object $B "2024/cat.jpg" || die "delete cat"
P=$M # the recipes' /mnt/photos

# every public object of a bucket
grep -rlxE 'public-read(-write)?' $P/.acl.d | sed 's|/\.acl\.d/|/|' | sort >"$T/public.out"
srv_keys $B | while read -r k; do
    case "$(srv_object_acl $B "$k")" in public-read*) echo "$P/$k" ;; esac
done | sort >"$T/public.want"
expect_eq "recipe: every public object" "$(cat "$T/public.want")" "$(cat "$T/public.out")"
expect_eq "recipe: found public objects at every depth" 1 \
    "$(grep -c '/2024/raw/obj-00000.dat$' "$T/public.out")"

# make every object under 2024/ private
logmark
grep -rLx private $P/.acl.d/2024 | while IFS= read -r f; do echo private > "$f"; done
expect_eq "recipe: one PutObjectACL per object that was not private" \
    "$(srv_keys $B | grep -c '^2024/')" "$(reqcount PutObjectACL)"
expect_eq "recipe: every object of 2024/ private on the server" "" \
    "$(srv_keys $B | grep '^2024/' | while read -r k; do
        [ "$(srv_object_acl $B "$k")" == private ] || echo "$k"
    done)"
expect_eq "recipe: 2023/ untouched" public-read-write "$(srv_object_acl $B 2023/obj-00001.dat)"

# export every ACL of the bucket to CSV (key,acl)
(cd $P/.acl.d && echo key,acl && grep -r . . | sed -E 's|^\./(.*):([a-z-]+)$|\1,\2|') > "$T/acls.csv"
expect_eq "recipe: CSV header" key,acl "$(head -n 1 "$T/acls.csv")"
expect_eq "recipe: CSV has every object" "$(srv_keys $B | sort)" \
    "$(tail -n +2 "$T/acls.csv" | cut -d, -f1 | sort)"
expect_eq "recipe: CSV matches the server" "" \
    "$(tail -n +2 "$T/acls.csv" | while IFS=, read -r k a; do
        [ "$(srv_object_acl $B "$k")" == "$a" ] || echo "$k"
    done)"

# find deleted files of a directory and restore one
expect_eq "recipe: the deleted file is found" cat.jpg \
    "$(comm -23 <(ls $P/2024/.versions) <(ls $P/2024))"
VID=$(ls -t $P/2024/.versions/cat.jpg | head -n 1)
expect_eq "recipe: newest version first" "$(srv_versions $B 2024/cat.jpg | head -n 1)" "$VID"
cp $P/2024/.versions/cat.jpg/"$VID" $P/2024/cat.jpg
expect_eq "recipe: restored on the server" "meow v2" "$(srv_get_object $B 2024/cat.jpg)"
finish
