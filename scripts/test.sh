#!/bin/sh
# Sets everything up on a fresh Debian 12 machine and runs every test: installs the Debian
# packages and the conformance suite's npm packages, builds with -Werror under AddressSanitizer
# and UndefinedBehaviorSanitizer, and runs ctest, whose summary is the last thing printed.
set -eu
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
(cd tests/conformance && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
build=${BUILD_DIR:-build-test}
cmake -S . -B "$build" -DWERROR=ON -DSANITIZE="${SANITIZE:-ON}" >/dev/null
cmake --build "$build" -j "$(nproc)" >/dev/null
cd "$build"
exec ctest --output-on-failure -j "$(nproc)"
