#!/bin/bash
# The model check of open files: tests/tools/fsmodel.py runs seeded random operations over
# several descriptors and a few names on the mount, compares every outcome with an in-memory
# model of POSIX, and writes the final files it expects; they are then checked on the server
# with the independent client. A failure names its seed: `fsmodel.py DIR --seed N` replays it.
# A longer run is bench/fsmodel.sh.
. "$(dirname "$0")/lib.sh"
require_root_fuse
# shellcheck disable=SC2086
emu_start ${EMU_EXTRA_ARGS:-}
B=modelbkt
srv_mkbucket $B || die "cannot create bucket"
M="$T/mnt"
fs_mount "$M" $B || die "mount"

for seed in ${FSMODEL_SEEDS:-11 12 13}; do
    mkdir "$M/s$seed" || die "mkdir"
    expect_ok "seed $seed: ${FSMODEL_OPS:-1000} operations agree with the model" \
        "python3 '$REPO/tests/tools/fsmodel.py' '$M/s$seed' --seed $seed --ops ${FSMODEL_OPS:-1000} --json '$T/model-$seed.json'"
    # the server holds exactly the model's files, byte for byte
    want=$(python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(' '.join('%s:%s' % (k, d[k]['md5']) for k in sorted(d)))" "$T/model-$seed.json")
    got=""
    for key in $(srv_keys $B | grep "^s$seed/." | sort); do
        got="$got ${key#s$seed/}:$(srv_get_object $B "$key" | md5sum | cut -d' ' -f1)"
    done
    expect_eq "seed $seed: the server holds the model's files" "$want" "${got# }"
done
finish
