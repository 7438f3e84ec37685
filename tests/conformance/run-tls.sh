#!/bin/sh
# run-tls.sh NODE FILES...: the conformance suite's files once more over HTTPS. Makes a
# throw-away CA and server certificate (tests/tools/make-test-ca.sh), starts every ossemu with
# them (CONFORMANCE_TLS_DIR, see helpers.js) and lets node trust the CA (NODE_EXTRA_CA_CERTS),
# so ali-oss verifies the certificate as it would for real OSS. Exit 77 without openssl.
set -u
node=$1
shift
cd "$(dirname "$0")" || exit 1
if ! command -v openssl >/dev/null; then
    echo 'SKIP: conformance.tls: openssl is not installed'
    exit 77
fi
dir=$(mktemp -d "${TMPDIR:-/tmp}/conformance-tls.XXXXXX") || exit 1
trap 'rm -rf "$dir"' EXIT
trap 'exit 130' INT TERM HUP
../tools/make-test-ca.sh "$dir" || exit 1
CONFORMANCE_TLS_DIR=$dir NODE_EXTRA_CA_CERTS=$dir/ca.pem "$node" --test "$@"
