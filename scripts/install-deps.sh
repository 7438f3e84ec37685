#!/bin/sh
# Installs the Debian packages osspermfs and ossemu build and test with (lintian checks the
# .deb packages that `cmake --build build --target package` makes).
# Idempotent: a second run installs nothing and exits quickly.
set -eu
pkgs="build-essential cmake pkg-config git fuse3 libfuse3-dev libcurl4-openssl-dev libssl-dev
libxml2-dev libmicrohttpd-dev libsqlite3-dev libjansson-dev libcmocka-dev curl
attr vim sed python3 jq openssl util-linux lintian rsync"
missing=""
for p in $pkgs; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "install-deps: need root to install:$missing" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
# Node.js runs the conformance suite (the official ali-oss client); a machine that already has
# node (from any source) keeps it.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi
