#!/bin/bash
# shellcheck disable=SC2012 # ls is the tool under test here
# Finding and restoring deleted files (issue 7): `ls D/.versions/` lists every name of D with
# versions, deleted names included, with one ListObjectVersions (delimiter /) per 1,000
# versions and no HEAD, and `cp D/.versions/NAME/VID D/NAME` restores a file. Checked with
# ali-oss (osscli) and signed requests, never through the mount.
. "$(dirname "$0")/lib.sh"

require_root_fuse
B=audit-versions
ctl_setup "$B" -o attr_timeout=300
srv_enable_versioning $B || die "cannot enable versioning"
srv_put_object $B d/gone.txt "first words" || die "seed v1"
srv_put_object $B d/gone.txt "second words" || die "seed v2"
srv_delete_object $B d/gone.txt || die "delete marker"
srv_put_object $B d/kept.txt kept || die "seed kept"
srv_put_object $B d/sub/deep.txt deep || die "seed a subdirectory"
srv_put_object $B other.txt other || die "seed outside d"

expect_eq "the deleted file is gone from its directory" "kept.txt sub" "$(ls "$M/d" | xargs)"
logmark
expect_eq "ls .versions lists the deleted name and the living one" "gone.txt kept.txt" \
    "$(ls "$M/d/.versions" | xargs)"
expect_count "one ListObjectVersions" 1 ListObjectVersions
expect_count "no HeadObject" 0 HeadObject
mapfile -t VERS < <(ls -t "$M/d/.versions/gone.txt")
expect_eq "two versions of the deleted file" 2 "${#VERS[@]}"
V2=$(srv_versions $B d/gone.txt | head -n 1)
expect_eq "the newest version reads" "second words" "$(cat "$M/d/.versions/gone.txt/$V2")"
expect_ok "cp restores the file" "cp '$M/d/.versions/gone.txt/$V2' '$M/d/gone.txt'"
expect_eq "server: d/gone.txt restored" "second words" "$(srv_get_object $B d/gone.txt)"
expect_eq "the restored file reads through the mount" "second words" "$(cat "$M/d/gone.txt")"
expect_fail_errno "a .versions entry is read-only" nz "" \
    "echo x > '$M/d/.versions/gone.txt/$V2'"

# 1,000 versions a page: 1,500 versions of 3 names need two requests
for i in $(seq 1 3); do
    srv_put_object $B "p/n$i" "v0" || die "seed p"
done
cat >"$T/many.js" <<'JS'
const OSS = require(require.resolve('ali-oss', { paths: [process.env.CONF_DIR] }));
const c = new OSS({ endpoint: process.env.EMU_URL, accessKeyId: process.env.AK,
  accessKeySecret: process.env.SK, region: 'oss-cn-hangzhou', bucket: process.env.BUCKET });
let next = 0;
async function worker() {
  while (next < 1500) { const i = next++; await c.put('p/n' + (1 + (i % 3)), Buffer.from('v' + i)); }
}
Promise.all(Array.from({ length: 16 }, worker)).then(() => process.exit(0),
  (e) => { console.error(e.code || e.message); process.exit(1); });
JS
CONF_DIR="$REPO/tests/conformance" EMU_URL=$EMU_URL AK=$ALICE_AK SK=$ALICE_SK BUCKET=$B \
    node "$T/many.js" || die "seeding versions failed"
srv_delete_object $B p/n2 || die "delete p/n2"
logmark
expect_eq "ls .versions of 1,504 versions" "n1 n2 n3" "$(ls "$M/p/.versions" | xargs)"
expect_count "two ListObjectVersions for 1,504 versions" 2 ListObjectVersions
finish
