#!/bin/bash
# Buckets in two regions of one account. ossemu serves cn-hangzhou on its --listen port (and any
# region named by an oss-<region>.localhost Host) and cn-beijing on a port of its own. The
# account mount and a one-bucket mount get no url= and no region=: the default endpoint comes
# from OSSPERMFS_ENDPOINT_TEMPLATE (http://oss-{region}.localhost:PORT), and every request must
# land on its bucket's region (the request log's region field). Outcomes are checked with
# ali-oss (osscli) or signed curl against the right region, never through the mount.
. "$(dirname "$0")/lib.sh"

require_root_fuse
emu_start --region cn-beijing=127.0.0.1:0
BJ_ADDR=$(awk '$1 == "cn-beijing" {print $2}' "$T/emu.ready")
[ -n "$BJ_ADDR" ] || die "ossemu did not report the cn-beijing port: $(cat "$T/emu.ready")"
PORT=${EMU_ADDR##*:}
TEMPLATE="http://oss-{region}.localhost:$PORT"

osscli put-bucket hz-data >/dev/null || die "cannot create hz-data in cn-hangzhou"
osscli --region cn-beijing put-bucket bj-data >/dev/null || die "cannot create bj-data in cn-beijing"
printf 'from hangzhou\n' >"$T/hz.txt"
printf 'from beijing\n' >"$T/bj.txt"
osscli put-object hz-data seed.txt "$T/hz.txt" >/dev/null || die "seed hz-data"
osscli --region cn-beijing put-object bj-data seed.txt "$T/bj.txt" >/dev/null || die "seed bj-data"

# ---- ossemu: where each bucket lives, and the refusals ----
expect_eq "ListBuckets through cn-hangzhou lists both regions" "cn-beijing cn-hangzhou" \
    "$(oss_xml alice Region GET / | sort | paste -sd ' ')"
expect_eq "ListBuckets through the cn-beijing port lists both too" "oss-cn-beijing oss-cn-hangzhou" \
    "$(EMU_URL=http://$BJ_ADDR oss_xml alice Location GET / | sort | paste -sd ' ')"
expect_eq "GetBucketLocation of bj-data through its region" oss-cn-beijing \
    "$(EMU_URL=http://$BJ_ADDR oss_xml alice LocationConstraint GET '/bj-data/?location')"
expect_eq "GetBucketInfo of bj-data says cn-beijing" cn-beijing \
    "$(EMU_URL=http://$BJ_ADDR oss_xml alice Region GET '/bj-data/?bucketInfo')"
oss_req alice GET '/bj-data/seed.txt' >/dev/null 2>&1
expect_eq "bj-data through the cn-hangzhou endpoint is refused (403)" 2 $?
expect_eq "the refusal is AccessDenied" AccessDenied "$(xml_values Code <"$T/oss_req.body")"
expect_eq "the refusal names the bucket's endpoint" oss-cn-beijing.aliyuncs.com \
    "$(xml_values Endpoint <"$T/oss_req.body")"
expect_eq "the refusal names the bucket" bj-data "$(xml_values Bucket <"$T/oss_req.body")"
expect_eq "the refusal's EC" 0003-00001403 "$(xml_values EC <"$T/oss_req.body")"
expect_eq "ali-oss configured for cn-hangzhou cannot read bj-data" "AccessDenied 403" \
    "$(osscli get-object bj-data seed.txt 2>&1 >/dev/null | awk '{print $2, $3}')"
expect_eq "hz-data through the cn-beijing port is refused too" 2 \
    "$(EMU_URL=http://$BJ_ADDR oss_req alice GET '/hz-data/seed.txt' >/dev/null 2>&1; echo $?)"

# Mounts below get the default endpoint from this (fs_mount -U: no url=).
export OSSPERMFS_ENDPOINT_TEMPLATE=$TEMPLATE

# wrong_region_requests BUCKET REGION: requests since the mark for BUCKET that reached another
# region than REGION, or were refused with 403, one line each.
wrong_region_requests() {
    log_since | jq -r --arg b "$1" --arg r "$2" \
        'select(.bucket == $b and (.region != $r or .status == 403)) | "\(.op) \(.region) \(.status)"'
}

# ---- account mode, no url= and no region= ----
logmark
fs_mount -U "$T/acct" || die "account mount without url= failed"
expect_eq "the mount's ListBuckets went to the default region" cn-hangzhou \
    "$(log_since | jq -r 'select(.op == "ListBuckets") | .region' | sort -u)"
expect_eq "both buckets are listed" "bj-data hz-data" "$(ls "$T/acct" | paste -sd ' ')"

logmark
expect_eq "cat bj-data/.acl" private "$(cat "$T/acct/bj-data/.acl")"
expect_eq "cat bj-data/.acl was one request: GetBucketAcl in cn-beijing" \
    "GetBucketAcl bj-data cn-beijing 200" \
    "$(log_since | jq -r '"\(.op) \(.bucket) \(.region) \(.status)"' | paste -sd ';')"
expect_eq "cat hz-data/.acl" private "$(cat "$T/acct/hz-data/.acl")"
expect_ok "echo public-read > bj-data/.acl" "echo public-read > '$T/acct/bj-data/.acl'"
expect_ok "echo public-read-write > hz-data/.acl" "echo public-read-write > '$T/acct/hz-data/.acl'"
expect_eq "bj-data's ACL changed (ali-oss through cn-beijing)" public-read \
    "$(osscli --region cn-beijing get-bucket-acl bj-data)"
expect_eq "hz-data's ACL changed (ali-oss through cn-hangzhou)" public-read-write \
    "$(osscli get-bucket-acl hz-data)"
expect_eq "read bj-data/seed.txt" "from beijing" "$(cat "$T/acct/bj-data/seed.txt")"
expect_eq "read hz-data/seed.txt" "from hangzhou" "$(cat "$T/acct/hz-data/seed.txt")"
expect_ok "write bj-data/new.txt" "echo 'new in beijing' > '$T/acct/bj-data/new.txt'"
expect_ok "write hz-data/new.txt" "echo 'new in hangzhou' > '$T/acct/hz-data/new.txt'"
expect_eq "bj-data/new.txt arrived (ali-oss through cn-beijing)" "new in beijing" \
    "$(osscli --region cn-beijing get-object bj-data new.txt)"
expect_eq "hz-data/new.txt arrived (ali-oss through cn-hangzhou)" "new in hangzhou" \
    "$(osscli get-object hz-data new.txt)"
expect_eq "every bj-data request landed in cn-beijing, none refused" "" \
    "$(wrong_region_requests bj-data cn-beijing | paste -sd ';')"
expect_eq "every hz-data request landed in cn-hangzhou, none refused" "" \
    "$(wrong_region_requests hz-data cn-hangzhou | paste -sd ';')"
expect_ne "bj-data requests were made" 0 \
    "$(log_since | jq -r 'select(.bucket == "bj-data") | .op' | wc -l)"
fs_unmount "$T/acct"

# ---- one bucket, no url= and no region=: the bucket's region is found by the mount ----
logmark
fs_mount -U "$T/one" bj-data ||
    die "one-bucket mount without url= failed"
expect_eq "the mount was one refusal in cn-hangzhou, then the listing in cn-beijing" \
    "ListObjectsV2 cn-hangzhou 403;ListObjectsV2 cn-beijing 200" \
    "$(log_since | jq -r '"\(.op) \(.region) \(.status)"' | paste -sd ';')"
logmark
expect_eq "cat .acl of the one-bucket mount" public-read "$(cat "$T/one/.acl")"
expect_ok "echo private > .acl" "echo private > '$T/one/.acl'"
expect_eq "the ACL changed in cn-beijing" private "$(osscli --region cn-beijing get-bucket-acl bj-data)"
expect_ok "write one.txt" "printf 'one bucket\n' > '$T/one/one.txt'"
expect_eq "one.txt arrived" "one bucket" "$(osscli --region cn-beijing get-object bj-data one.txt)"
expect_eq "read seed.txt" "from beijing" "$(cat "$T/one/seed.txt")"
expect_eq "after the mount every request landed in cn-beijing" "" \
    "$(wrong_region_requests bj-data cn-beijing | paste -sd ';')"
fs_unmount "$T/one"

# ---- path style, the region's own port (url= and region= given, as today) ----
logmark
fs_mount -U -o "url=http://$BJ_ADDR,region=cn-beijing" "$T/port" bj-data ||
    die "path-style mount on the cn-beijing port failed"
expect_eq "cat .acl through the cn-beijing port" private "$(cat "$T/port/.acl")"
expect_eq "the path-style requests landed in cn-beijing" "" \
    "$(wrong_region_requests bj-data cn-beijing | paste -sd ';')"
fs_unmount "$T/port"

# A V4 signature scoped to cn-hangzhou sent to the cn-beijing endpoint: OSS's InvalidArgument.
logmark
mkdir -p "$T/bad"
expect_fail_errno "a V4 signature for another region fails the mount" nz "Invalid signing region" \
    "env -u OSS_ACCESS_KEY_ID -u OSSPERMFS_ENDPOINT_TEMPLATE '$OSSPERMFS' bj-data '$T/bad' -f -o url=http://$BJ_ADDR,region=cn-hangzhou,passwd_file=$T/passwd-alice"
expect_eq "ossemu answered InvalidArgument 400" "InvalidArgument 400" \
    "$(log_since | jq -r '"\(.code) \(.status)"' | sort -u | paste -sd ';')"
# One endpoint (an IP url, no template): the refusal reaches the user with the right endpoint.
expect_fail_errno "bj-data through the cn-hangzhou port fails, naming the endpoint" nz \
    "oss-cn-beijing.aliyuncs.com" \
    "env -u OSS_ACCESS_KEY_ID -u OSSPERMFS_ENDPOINT_TEMPLATE '$OSSPERMFS' bj-data '$T/bad' -f -o url=$EMU_URL,passwd_file=$T/passwd-alice"

finish
