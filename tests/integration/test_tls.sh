#!/bin/bash
# HTTPS as real OSS speaks it: ossemu serves TLS with a certificate of a CA made here
# (tests/tools/make-test-ca.sh); the mount trusts it through -o cafile= or SSL_CERT_FILE /
# CURL_CA_BUNDLE, moves data byte-identically (checked with ali-oss over HTTPS too), refuses a
# wrong CA and a host name the certificate does not name with a message naming the problem and
# the endpoint, and goes through an HTTP CONNECT proxy given by -o proxy= or https_proxy, which
# sees host:port only (tests/integration/connect_proxy.py, 127.0.0.1 only).
. "$(dirname "$0")/lib.sh"

require_root_fuse
command -v openssl >/dev/null || die "openssl is needed"
"$REPO/tests/tools/make-test-ca.sh" "$T/ca" || die "cannot make the test CA"
CA=$T/ca/ca.pem
B=tls-bucket

emu_start --tls-cert "$T/ca/server.pem" --tls-key "$T/ca/server.key" \
    --tls-listen 127.0.0.1:0 --tls-ready-file "$T/emu.tls-ready"
TLS_ADDR=$(head -n 1 "$T/emu.tls-ready")
HTTP_URL=$EMU_URL
TLS_URL="https://$TLS_ADDR"
TLS_PORT=${TLS_ADDR##*:}
# From here on the independent client (ali-oss) speaks HTTPS too, trusting the test CA.
EMU_URL=$TLS_URL
export NODE_EXTRA_CA_CERTS=$CA
unset https_proxy HTTPS_PROXY http_proxy all_proxy ALL_PROXY no_proxy NO_PROXY \
    SSL_CERT_FILE CURL_CA_BUNDLE
srv_mkbucket $B || die "cannot create the bucket over HTTPS"

# try_mount OPTS [ENV...]: a foreground mount at $T/bad that must fail (alice's passwd_file
# unless OPTS names ram_role=); prints its stderr and exit status.
try_mount() {
    local opts=$1 pw="passwd_file=$T/passwd-alice,"
    shift
    [[ $opts != *ram_role=* ]] || pw=""
    mkdir -p "$T/bad"
    # shellcheck disable=SC2069 # stderr to the caller, stdout dropped
    env -u OSS_ACCESS_KEY_ID -u OSS_ACCESS_KEY_SECRET "$@" timeout 60 "$OSSPERMFS" $B "$T/bad" \
        -f -o "${pw}retries=0,$opts" 2>&1 >/dev/null
    echo "exit=$?"
}

# ---- the mount over HTTPS with -o cafile=
M=$T/mnt
logmark
fs_mount -o "cafile=$CA,attr_timeout=0" "$M" $B || die "HTTPS mount with cafile="
expect_eq "cat .acl over HTTPS" private "$(cat "$M/.acl")"
expect_ok "echo public-read > .acl" "echo public-read > '$M/.acl'"
expect_eq "the ACL changed, as ali-oss sees it over HTTPS" public-read "$(srv_bucket_acl $B)"
expect_ok "echo private > .acl" "echo private > '$M/.acl'"
expect_eq "the mount's requests all came over TLS" "" \
    "$(log_since | jq -r 'select(.secure != true) | .op' | sort -u | tr '\n' ' ')"
expect_ne "the request log saw them" 0 "$(log_since | wc -l)"

head -c $((20 << 20)) /dev/urandom >"$T/in.bin"
expect_ok "cp 20 MiB in" "cp '$T/in.bin' '$M/in.bin'"
osscli get-object $B in.bin >"$T/in.back" 2>"$T/osscli.err"
expect_eq "20 MiB written through the mount is byte-identical (ali-oss over HTTPS)" \
    "$(sha256sum <"$T/in.bin")" "$(sha256sum <"$T/in.back")"
head -c $((20 << 20)) /dev/urandom >"$T/out.bin"
osscli put-object $B out.bin "$T/out.bin" >/dev/null || fail "ali-oss put-object over HTTPS"
expect_eq "20 MiB read through the mount is byte-identical" \
    "$(sha256sum <"$T/out.bin")" "$(sha256sum <"$M/out.bin")"
fs_unmount "$M"

# ---- refusals: the message names the problem and the endpoint, and nothing is mounted
out=$(try_mount "url=$TLS_URL")
expect_eq "without the CA: refused" 1 "$(grep -c 'exit=[1-9]' <<<"$out")"
expect_eq "without the CA: the message names the certificate problem and the endpoint" 1 \
    "$(grep -c "SSL certificate problem: .*(endpoint $TLS_URL)" <<<"$out")"
out=$(try_mount "url=$TLS_URL,cafile=$T/ca/other-ca.pem")
expect_eq "a wrong CA: refused, naming the certificate problem and the endpoint" 1 \
    "$(grep -c "SSL certificate problem: unable to get local issuer certificate (endpoint $TLS_URL)" <<<"$out")"
out=$(try_mount "url=https://localhost:$TLS_PORT,cafile=$CA")
expect_eq "a host name the certificate does not name: refused" 1 \
    "$(grep -c "no alternative certificate subject name matches target host name 'localhost' (endpoint https://localhost:$TLS_PORT)" <<<"$out")"
out=$(try_mount "url=$TLS_URL,cafile=$T/nonexistent.pem")
expect_eq "a missing cafile: refused before any request" 1 \
    "$(grep -c "cafile $T/nonexistent.pem: No such file or directory" <<<"$out")"
out=$(try_mount "url=$TLS_URL,cafile=$T/ca/server.key")
expect_eq "a cafile without a certificate (a key): refused" 1 \
    "$(grep -c "cafile $T/ca/server.key: no PEM certificate in it" <<<"$out")"
out=$(try_mount "url=$TLS_URL,cafile=$CA,proxy=socks5://127.0.0.1:1")
expect_eq "a proxy that is not http://: refused" 1 \
    "$(grep -c "proxy: expected http://HOST\[:PORT\]" <<<"$out")"
expect_eq "the refusals mounted nothing" 1 "$(grep -qsF " $T/bad " /proc/self/mountinfo; echo $?)"

# ---- insecure: no verification at all (a warning says so)
fs_mount -o "insecure" "$M" $B || fail "insecure: the mount came up without the CA"
expect_eq "insecure: reads .acl without the CA" private "$(cat "$M/.acl" 2>&1)"
expect_eq "insecure: the warning is printed" 1 \
    "$(grep -c 'warning: TLS peer verification is off' "$FS_LOG")"
fs_unmount "$M"

# ---- the environment's trust store: SSL_CERT_FILE and CURL_CA_BUNDLE replace the system store
for var in SSL_CERT_FILE CURL_CA_BUNDLE; do
    out=$(try_mount "url=$TLS_URL" "$var=$T/ca/other-ca.pem")
    expect_eq "$var naming a wrong CA: refused" 1 "$(grep -c 'SSL certificate problem' <<<"$out")"
    declare -x "$var=$CA"
    fs_mount "$M" $B || fail "$var naming the test CA: the mount came up"
    expect_eq "$var naming the test CA: mounted, reads .acl" private "$(cat "$M/.acl" 2>&1)"
    fs_unmount "$M"
    unset "$var"
done
SSL_CERT_FILE=$T/ca/other-ca.pem fs_mount -o "cafile=$CA" "$M" $B ||
    fail "cafile= with SSL_CERT_FILE: the mount came up"
expect_eq "cafile= adds to the store SSL_CERT_FILE names" private "$(cat "$M/.acl" 2>&1)"
fs_unmount "$M"

# ---- through an HTTP CONNECT proxy
mkdir -p "$T/proxy"
python3 "$REPO/tests/integration/connect_proxy.py" "$T/proxy" >"$T/proxy.out" 2>&1 &
PROXY_PID=$!
ECS_PID=""
# shellcheck disable=SC2154 # rc is set by the trap itself
trap 'rc=$?; kill_pid "$PROXY_PID"; kill_pid "$ECS_PID"; (exit $rc); lib_cleanup' EXIT
wait_for 10 "test -s '$T/proxy/ready'" || die "the CONNECT proxy did not start"
PROXY="http://127.0.0.1:$(cat "$T/proxy/ready")"
touch "$T/proxy/requests.log"

logmark
fs_mount -o "cafile=$CA,proxy=$PROXY" "$M" $B ||
    die "mount through the proxy"
expect_eq "cat .acl through the proxy" private "$(cat "$M/.acl")"
expect_eq "the 20 MiB object through the proxy" "$(sha256sum <"$T/out.bin")" \
    "$(sha256sum <"$M/out.bin")"
fs_unmount "$M"
expect_ne "-o proxy=: the proxy tunnelled the mount's connections" 0 \
    "$(grep -c "^CONNECT 127.0.0.1:$TLS_PORT HTTP/1.1$" "$T/proxy/requests.log")"
expect_eq "the proxy saw nothing but CONNECT host:port" "" \
    "$(grep -v "^CONNECT 127.0.0.1:$TLS_PORT HTTP/1.1$" "$T/proxy/requests.log")"
expect_eq "no key, secret or signature in the proxy's log" 0 \
    "$(grep -ciE "$ALICE_AK|$ALICE_SK|signature|$B" "$T/proxy/requests.log")"

: >"$T/proxy/requests.log"
https_proxy=$PROXY fs_mount -o "cafile=$CA" "$M" $B || die "mount with https_proxy"
expect_eq "cat .acl with https_proxy" private "$(cat "$M/.acl")"
fs_unmount "$M"
expect_ne "https_proxy in the environment is honoured" 0 \
    "$(grep -c "^CONNECT 127.0.0.1:$TLS_PORT " "$T/proxy/requests.log")"

: >"$T/proxy/requests.log"
HTTPS_PROXY=$PROXY NO_PROXY=127.0.0.1 fs_mount -o "cafile=$CA" "$M" $B ||
    die "mount with NO_PROXY"
expect_eq "cat .acl with NO_PROXY" private "$(cat "$M/.acl")"
fs_unmount "$M"
https_proxy=$PROXY fs_mount -o "cafile=$CA,proxy=" "$M" $B || die "mount proxy="
expect_eq "cat .acl with proxy= (direct)" private "$(cat "$M/.acl")"
fs_unmount "$M"
expect_eq "NO_PROXY and an empty proxy= go direct" 0 "$(wc -l <"$T/proxy/requests.log")"

# A plain-HTTP endpoint through the proxy is tunnelled as well: the proxy never sees a URL.
: >"$T/proxy/requests.log"
EMU_URL=$HTTP_URL fs_mount -o "proxy=$PROXY" "$M" $B || die "HTTP mount through the proxy"
expect_eq "cat .acl over HTTP through the proxy" private "$(cat "$M/.acl")"
fs_unmount "$M"
expect_eq "an http:// endpoint goes through CONNECT too" \
    "CONNECT 127.0.0.1:${HTTP_URL##*:} HTTP/1.1" "$(sort -u "$T/proxy/requests.log")"

# ---- the ECS metadata service of ram_role= never goes through a proxy, whatever the
# environment says (the fake service's key is unknown to ossemu: the mount then fails there)
mkdir -p "$T/ecs"
printf '{"Code":"Success","AccessKeyId":"STS.tlsecs1","AccessKeySecret":"sts-tlsecs-secret","SecurityToken":"tok-tlsecs","Expiration":"%s"}\n' \
    "$(date -u -d '+1 hour' +%Y-%m-%dT%H:%M:%SZ)" >"$T/ecs/creds-1.json"
python3 "$REPO/tests/integration/fake_ecs.py" "$T/ecs" tls-role >"$T/ecs.out" 2>&1 &
ECS_PID=$!
wait_for 10 "test -s '$T/ecs/ready'" || die "the fake metadata service did not start"
ECS_URL="http://$(head -n 1 "$T/ecs/ready")"
: >"$T/proxy/requests.log"
out=$(try_mount "url=$TLS_URL,cafile=$CA,ram_role=tls-role,ram_role_url=$ECS_URL" http_proxy="$PROXY" \
    https_proxy="$PROXY" all_proxy="$PROXY" ALL_PROXY="$PROXY")
expect_eq "ram_role= behind a proxy: the key came from the metadata service, ossemu refused it" \
    1 "$(grep -c InvalidAccessKeyId <<<"$out")"
expect_eq "ram_role= behind a proxy: the metadata service answered the role's key directly" 1 \
    "$(grep -c "^GET /latest/meta-data/ram/security-credentials/tls-role token=1 status=200" \
        "$T/ecs/requests.log")"
expect_eq "ram_role= behind a proxy: the proxy saw no metadata request" "" \
    "$(grep -v "^CONNECT 127.0.0.1:$TLS_PORT " "$T/proxy/requests.log")"
expect_ne "ram_role= behind a proxy: the OSS requests did use the proxy" 0 \
    "$(wc -l <"$T/proxy/requests.log")"

finish
