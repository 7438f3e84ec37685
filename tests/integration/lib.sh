# Shared harness of the integration tests: starts ossemu on a free port, mounts osspermfs for
# real, checks outcomes with an independent client (osscli or signed curl, never the mount under
# test), counts requests in ossemu's request log, and always cleans up (unmount, kill by PID,
# remove temp dirs), even when a test fails. Source it from a bash test script:
#
#   . "$(dirname "$0")/lib.sh"
#   require_root_fuse; emu_start; srv_mkbucket b1; fs_mount "$T/mnt" b1
#   logmark; cat "$T/mnt/.acl"; expect_eq "one GetBucketAcl" 1 "$(reqcount GetBucketAcl)"
#   finish
#
# Environment: OSSEMU, OSSPERMFS (default $REPO/build/bin/...), REPO, KEEP_TMP=1 keeps the temp
# dir, FS_EXTRA_OPTS adds -o options to every mount, VERBOSE=1 prints daemon logs on failure.

set -u
set -o pipefail

REPO=${REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
OSSEMU=${OSSEMU:-$REPO/build/bin/ossemu}
OSSPERMFS=${OSSPERMFS:-$REPO/build/bin/osspermfs}
OSSCLI=${OSSCLI:-$REPO/tests/tools/osscli.js}
TEST_NAME=$(basename "$0" .sh)

PASSES=0
FAILS=0
EMU_PID=""
EMU_URL=""
FS_PID=""
FS_LOG=""
MOUNTS=()
FS_PIDS=()
LOG_MARK=0

# Test identities (the accounts file below); secrets are test constants, not real keys.
ALICE_AK=LTAIalice0001
ALICE_SK=alice-secret
AUDITOR_AK=LTAIauditor01
AUDITOR_SK=auditor-secret
BOB_AK=LTAIbob000001
BOB_SK=bob-secret

T=$(mktemp -d "${TMPDIR:-/tmp}/osspermfs-it.XXXXXX") || exit 1
export T
chmod 755 "$T" # other uids (the allow_other tests) must reach mount points below it

# ---------------------------------------------------------------- reporting

pass() {
    PASSES=$((PASSES + 1))
    echo "ok - $*"
}

fail() {
    FAILS=$((FAILS + 1))
    echo "FAIL - $*" >&2
}

# Aborts the test (setup could not be done); the EXIT trap cleans up.
die() {
    echo "FATAL - $TEST_NAME: $*" >&2
    FAILS=$((FAILS + 1))
    exit 1
}

# Ends a test script: exit 0 when every assertion passed.
finish() {
    echo "# $TEST_NAME: $PASSES passed, $FAILS failed"
    if [ "$FAILS" -gt 0 ]; then
        exit 1
    fi
    exit 0
}

# expect_eq DESC EXPECTED ACTUAL
expect_eq() {
    if [ "$2" == "$3" ]; then
        pass "$1"
    else
        fail "$1: expected [$2], got [$3]"
    fi
}

# expect_ne DESC UNEXPECTED ACTUAL
expect_ne() {
    if [ "$2" != "$3" ]; then
        pass "$1"
    else
        fail "$1: did not expect [$3]"
    fi
}

# expect_ok DESC SHELL-COMMAND: the command (run by bash) must exit 0.
expect_ok() {
    local desc=$1 cmd=$2 rc
    bash -c "$cmd" >"$T/last.out" 2>"$T/last.err"
    rc=$?
    if [ $rc -eq 0 ]; then
        pass "$desc"
    else
        fail "$desc: [$cmd] exited $rc, stderr: $(head -c 400 "$T/last.err")"
    fi
    return $rc
}

# expect_fail_errno DESC STATUS MESSAGE SHELL-COMMAND
# The command (run by bash) must exit with STATUS ("nz": any non-zero) and its stderr must
# contain MESSAGE (e.g. "Invalid argument", "Permission denied"; "" skips the check).
expect_fail_errno() {
    local desc=$1 want=$2 msg=$3 cmd=$4 rc ok=1
    bash -c "$cmd" >"$T/last.out" 2>"$T/last.err"
    rc=$?
    if [ "$want" == nz ]; then
        [ $rc -ne 0 ] || ok=0
    else
        [ $rc -eq "$want" ] || ok=0
    fi
    if [ -n "$msg" ] && ! grep -qF -- "$msg" "$T/last.err"; then
        ok=0
    fi
    if [ $ok -eq 1 ]; then
        pass "$desc"
    else
        fail "$desc: [$cmd] exited $rc (want $want), stderr [$(head -c 400 "$T/last.err")]" \
            "(want \"$msg\")"
    fi
}

# wait_for SECONDS SHELL-COMMAND: polls until the command succeeds; 1 on timeout.
wait_for() {
    local deadline=$((SECONDS + $1))
    while ! bash -c "$2" >/dev/null 2>&1; do
        if [ $SECONDS -ge $deadline ]; then
            return 1
        fi
        sleep 0.05
    done
    return 0
}

require_root_fuse() {
    if [ "$(id -u)" -ne 0 ]; then
        echo "SKIP: $TEST_NAME needs root" >&2
        exit 77
    fi
    if [ ! -c /dev/fuse ] || ! command -v fusermount3 >/dev/null; then
        echo "SKIP: $TEST_NAME needs /dev/fuse and fusermount3" >&2
        exit 77
    fi
    [ -x "$OSSEMU" ] || die "no ossemu at $OSSEMU (set OSSEMU)"
    [ -x "$OSSPERMFS" ] || die "no osspermfs at $OSSPERMFS (set OSSPERMFS)"
}

# ---------------------------------------------------------------- cleanup

# Stops one process we started: TERM, up to 5 s, then KILL.
kill_pid() {
    local pid=$1 i
    [ -n "$pid" ] || return 0
    kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null
    for i in $(seq 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    return 0
}

lib_cleanup() {
    local rc=$? m i pid
    trap - EXIT
    for ((i = ${#MOUNTS[@]} - 1; i >= 0; i--)); do
        m=${MOUNTS[$i]}
        if grep -qsF " $m " /proc/self/mountinfo; then
            fusermount3 -u "$m" 2>/dev/null || fusermount3 -uz "$m" 2>/dev/null
        fi
    done
    for pid in "${FS_PIDS[@]}"; do
        kill_pid "$pid"
    done
    kill_pid "$EMU_PID"
    # A sanitizer report from a daemon (sanitized builds) fails the test it happened in.
    for f in "$T"/fs-*.log "$T"/emu.out; do
        if [ -f "$f" ] && grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$f"; then
            echo "FAIL - sanitizer report in $(basename "$f"):" >&2
            grep -E -A 12 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$f" | head -n 40 >&2
            [ $rc -ne 0 ] || rc=1
        fi
    done
    if [ $rc -ne 0 ] && [ "${VERBOSE:-0}" == 1 ]; then
        for f in "$T"/fs-*.log "$T"/emu.out; do
            [ -f "$f" ] && { echo "--- $f" >&2; tail -n 40 "$f" >&2; }
        done
    fi
    if [ "${KEEP_TMP:-0}" == 1 ]; then
        echo "# kept $T" >&2
    elif grep -qsF " $T/" /proc/self/mountinfo; then
        # Never let rm walk into a mount that refused to go away.
        echo "# $T still has a mount below it; not removed" >&2
    else
        rm -rf "$T"
    fi
    exit $rc
}
trap lib_cleanup EXIT
trap 'exit 130' INT TERM HUP

# ---------------------------------------------------------------- ossemu

write_accounts() {
    cat >"$T/accounts.json" <<EOF
{"accounts":[
 {"id":"1000000000000001","name":"alice",
  "keys":[{"id":"$ALICE_AK","secret":"$ALICE_SK"}],
  "users":[{"id":"2000000000000001","name":"auditor",
    "keys":[{"id":"$AUDITOR_AK","secret":"$AUDITOR_SK"}],
    "policy":{"Version":"1","Statement":[{"Effect":"Allow","Action":["oss:Get*","oss:List*"],
      "Resource":["acs:oss:*:*:*"]}]}}]},
 {"id":"1000000000000002","name":"bob",
  "keys":[{"id":"$BOB_AK","secret":"$BOB_SK"}]}
]}
EOF
    local u
    for u in alice auditor bob; do
        mkpasswd "$u"
    done
    (umask 077 && printf '%s:%s\n' "$ALICE_AK" wrong-secret >"$T/passwd-wrong")
}

# mkpasswd USER: $T/passwd-USER with "AK:SK", mode 0600.
mkpasswd() {
    local ak sk
    creds_of "$1" ak sk
    (umask 077 && printf '%s:%s\n' "$ak" "$sk" >"$T/passwd-$1")
}

# creds_of USER AKVAR SKVAR
creds_of() {
    case $1 in
    alice) printf -v "$2" %s "$ALICE_AK" && printf -v "$3" %s "$ALICE_SK" ;;
    auditor) printf -v "$2" %s "$AUDITOR_AK" && printf -v "$3" %s "$AUDITOR_SK" ;;
    bob) printf -v "$2" %s "$BOB_AK" && printf -v "$3" %s "$BOB_SK" ;;
    wrong) printf -v "$2" %s "$ALICE_AK" && printf -v "$3" %s wrong-secret ;;
    *) die "unknown user $1" ;;
    esac
}

# emu_start [EXTRA-ARGS]: ossemu on 127.0.0.1:<free port>; sets EMU_PID, EMU_ADDR, EMU_URL.
# shellcheck disable=SC2120
emu_start() {
    write_accounts
    mkdir -p "$T/emu"
    : >"$T/requests.log"
    "$OSSEMU" --data "$T/emu" --listen 127.0.0.1:0 --accounts "$T/accounts.json" \
        --request-log "$T/requests.log" --ready-file "$T/emu.ready" "$@" >"$T/emu.out" 2>&1 &
    EMU_PID=$!
    if ! wait_for 30 "grep -qE '^127\.0\.0\.1:[0-9]+$' '$T/emu.ready'"; then
        tail -n 20 "$T/emu.out" >&2
        die "ossemu did not become ready"
    fi
    EMU_ADDR=$(head -n 1 "$T/emu.ready")
    EMU_URL="http://$EMU_ADDR"
}

# ---------------------------------------------------------------- osspermfs

# fs_mount [-u USER] [-e] [-U] [-o OPTS] MOUNTPOINT [BUCKET]
# Mounts in the foreground (-f) in the background of this shell and waits until mounted.
# -u USER: credentials of alice (default), auditor, bob or wrong (alice's key, bad secret);
# -e: credentials from OSS_ACCESS_KEY_ID/OSS_ACCESS_KEY_SECRET instead of passwd_file;
# -U: no url=$EMU_URL (the default endpoint, or a url= in OPTS).
# Sets FS_PID and FS_LOG (daemon stderr). Returns 1 (and logs) if the mount does not come up.
fs_mount() {
    local user=alice env=0 opts="" OPTIND=1 o mnt bucket ak sk all n url="url=$EMU_URL"
    while getopts "u:eUo:" o; do
        case $o in
        u) user=$OPTARG ;;
        e) env=1 ;;
        U) url="" ;;
        o) opts=$OPTARG ;;
        *) die "fs_mount: bad option" ;;
        esac
    done
    shift $((OPTIND - 1))
    mnt=$1
    bucket=${2:-}
    mkdir -p "$mnt"
    all=$url
    [ $env -eq 1 ] || all="${all:+$all,}passwd_file=$T/passwd-$user"
    [ -z "$opts" ] || all="${all:+$all,}$opts"
    [ -z "${FS_EXTRA_OPTS:-}" ] || all="${all:+$all,}$FS_EXTRA_OPTS"
    n=${#FS_PIDS[@]}
    FS_LOG="$T/fs-$n.log"
    if [ $env -eq 1 ]; then
        creds_of "$user" ak sk
        OSS_ACCESS_KEY_ID=$ak OSS_ACCESS_KEY_SECRET=$sk \
            "$OSSPERMFS" ${bucket:+"$bucket"} "$mnt" -f -o "$all" >"$FS_LOG" 2>&1 &
    else
        env -u OSS_ACCESS_KEY_ID -u OSS_ACCESS_KEY_SECRET \
            "$OSSPERMFS" ${bucket:+"$bucket"} "$mnt" -f -o "$all" >"$FS_LOG" 2>&1 &
    fi
    fs_started "$mnt"
}

# fs_started MNT: registers the daemon just started in the background ($!) as FS_PID for
# cleanup and waits up to 30 s for MNT to be mounted; 1 (with the end of $FS_LOG) if it is not.
fs_started() {
    local mnt=$1
    FS_PID=$!
    FS_PIDS+=("$FS_PID")
    MOUNTS+=("$mnt")
    if ! wait_for 30 "kill -0 $FS_PID && timeout 2 mountpoint -q '$mnt'"; then
        echo "# osspermfs did not mount $mnt; its log:" >&2
        tail -n 20 "$FS_LOG" >&2
        return 1
    fi
}

# fs_unmount MOUNTPOINT: unmounts and waits for the daemon of the last mount there to exit.
fs_unmount() {
    local mnt=$1 i pid=""
    for i in "${!MOUNTS[@]}"; do
        [ "${MOUNTS[$i]}" == "$mnt" ] && pid=${FS_PIDS[$i]}
    done
    fusermount3 -u "$mnt" 2>/dev/null || fusermount3 -uz "$mnt"
    if [ -n "$pid" ]; then
        wait_for 10 "! kill -0 $pid" || kill_pid "$pid"
    fi
}

# ctl_setup BUCKET [FS_MOUNT-OPTIONS...]: ossemu, the bucket (alice's), and a mount of it at
# $T/mnt as alice; sets M to the mount point. Dies when the mount does not come up.
ctl_setup() {
    local bucket=$1
    shift
    # shellcheck disable=SC2119
    emu_start
    srv_mkbucket "$bucket" || die "cannot create bucket $bucket"
    M="$T/mnt"
    fs_mount "$@" "$M" "$bucket" || die "osspermfs did not mount"
}

# as_nobody SHELL-COMMAND: runs the command as uid/gid 65534 with no groups.
as_nobody() {
    setpriv --reuid=65534 --regid=65534 --clear-groups bash -c "$1"
}

# ---------------------------------------------------------------- request log

# Waits until ossemu stopped appending (the log line may follow the answer by a moment).
log_settle() {
    local prev=-1 cur i
    for i in $(seq 40); do
        cur=$(stat -c %s "$T/requests.log" 2>/dev/null || echo 0)
        [ "$cur" == "$prev" ] && return 0
        prev=$cur
        sleep 0.1
    done
}

# logmark: later reqcount/writecount count only requests made after this point.
logmark() {
    log_settle
    LOG_MARK=$(wc -l <"$T/requests.log")
}

# The request-log lines since the mark.
log_since() {
    log_settle
    tail -n +$((LOG_MARK + 1)) "$T/requests.log"
}

# reqcount OP: requests with that op since the mark.
reqcount() {
    log_since | jq -r '.op' | grep -cxF -- "$1" || true
}

# writecount: requests of the write kind (PUT, POST, DELETE) since the mark.
writecount() {
    log_since | jq -r 'select(.method=="PUT" or .method=="POST" or .method=="DELETE") | .op' |
        wc -l
}

# expect_count DESC N OP: exactly N requests with that op since the mark ("write" counts
# every PUT/POST/DELETE). Lists the requests seen when it fails.
expect_count() {
    local got
    if [ "$3" == write ]; then
        got=$(writecount)
    else
        got=$(reqcount "$3")
    fi
    if [ "$got" == "$2" ]; then
        pass "$1"
    else
        fail "$1: expected $2 $3, got $got; requests since mark: $(log_ops | tr '\n' ';')"
    fi
}

# The ops since the mark, one line each (for failure messages).
log_ops() {
    log_since | jq -r '"\(.method) \(.op) \(.bucket)/\(.key) \(.status) \(.code)"'
}

# ---------------------------------------------------------------- independent client

# oss_req USER METHOD PATH [HEADER...] [@FILE]
# A V1-signed request with curl (path style), independent of the code under test. PATH is
# "/bucket/", "/bucket/key" or "/bucket/key?acl&versionId=V" with URL-safe keys. HEADER is
# "Name: value"; @FILE sends the file as the body. Prints the body; exit 0 on 2xx, 2 on an
# OSS error (code on stderr), 1 on a transport failure.
oss_req() {
    local user=$1 method=$2 res=$3 ak sk body="" ctype="" h n v canon="" sub="" q p date sts sig
    local code hdrs=()
    shift 3
    creds_of "$user" ak sk
    for h in "$@"; do
        case $h in
        @*) body=${h#@} ;;
        *)
            n=${h%%:*}
            v=${h#*:}
            v=${v# }
            n=${n,,}
            if [ "$n" == content-type ]; then
                ctype=$v
            else
                hdrs+=("$h")
                [[ $n == x-oss-* ]] && canon+="$n:$v"$'\n'
            fi
            ;;
        esac
    done
    canon=$(printf %s "$canon" | LC_ALL=C sort)
    [ -z "$canon" ] || canon+=$'\n'
    [ -z "$body" ] || [ -n "$ctype" ] || ctype=application/octet-stream
    p=${res%%\?*}
    if [[ $res == *\?* ]]; then
        q=${res#*\?}
        sub=$(tr '&' '\n' <<<"$q" | grep -E '^(acl|versionId|versioning|versions|uploads|uploadId|partNumber|policy|objectMeta|delete|location|bucketInfo|stat|tagging|cors|lifecycle|referer|logging|website|encryption|symlink|continuation-token|publicAccessBlock|policyStatus|requestPayment|httpsConfig|worm|wormId|wormExtend|accessPoint|accessPointPolicy|x-oss-[a-z-]+)(=|$)' | LC_ALL=C sort | paste -sd '&')
    fi
    date=$(LC_ALL=C TZ=GMT date '+%a, %d %b %Y %H:%M:%S GMT')
    sts="$method"$'\n'$'\n'"$ctype"$'\n'"$date"$'\n'"$canon$p${sub:+?$sub}"
    sig=$(printf %s "$sts" | openssl dgst -sha1 -hmac "$sk" -binary | base64)
    local args=(-sS -X "$method" -H "Date: $date" -H "Authorization: OSS $ak:$sig"
        -H "Content-Type: $ctype" -o "$T/oss_req.body" -w '%{http_code}')
    for h in "${hdrs[@]}"; do
        args+=(-H "$h")
    done
    if [ -n "$body" ]; then
        args+=(--data-binary "@$body")
    elif [ "$method" == PUT ] || [ "$method" == POST ]; then
        args+=(--data-binary "")
    fi
    [ "$method" != HEAD ] || args+=(-I)
    code=$(curl "${args[@]}" "$EMU_URL$res") || return 1
    if [[ $code == 2* ]]; then
        cat "$T/oss_req.body"
        return 0
    fi
    echo "oss_req: $method $res: HTTP $code $(sed -n 's:.*<Code>\(.*\)</Code>.*:\1:p' "$T/oss_req.body")" >&2
    return 2
}

# xml_values TAG: the text of every <TAG> element on stdin, one per line.
xml_values() {
    grep -o "<$1>[^<]*</$1>" | sed "s:<$1>\(.*\)</$1>:\1:"
}

# oss_xml USER TAG METHOD PATH...: oss_req, printing the values of TAG in the answer; keeps
# oss_req's exit status.
oss_xml() {
    local user=$1 tag=$2 body rc
    shift 2
    body=$(oss_req "$user" "$@")
    rc=$?
    [ $rc -eq 0 ] || return $rc
    printf '%s\n' "$body" | xml_values "$tag"
    return 0
}

# osscli ARGS...: the conformance helper's Node client on the official ali-oss SDK, with the
# key of SRV_USER (default alice). Prints values, exits 2 on OSS errors.
osscli() {
    local ak sk
    creds_of "${SRV_USER:-alice}" ak sk
    OSS_ACCESS_KEY_ID=$ak OSS_ACCESS_KEY_SECRET=$sk node "$OSSCLI" --endpoint "$EMU_URL" "$@"
}

# Which independent client the srv_* helpers use: osscli (ali-oss) when it is installed, else
# signed curl. SRV_CLIENT=curl forces curl.
if [ -z "${SRV_CLIENT:-}" ]; then
    SRV_CLIENT=curl
    if command -v node >/dev/null && [ -f "$OSSCLI" ] &&
        [ -d "$REPO/tests/conformance/node_modules/ali-oss" ]; then
        SRV_CLIENT=osscli
    fi
fi

# The typed helpers below check and seed the server, never through the mount; every one acts
# as SRV_USER (default alice).

# srv_call OSSCLI-ARGS... -- CURL-HELPER ARGS...: `osscli OSSCLI-ARGS` when SRV_CLIENT is
# osscli, else the signed-curl helper (oss_req or oss_xml) as SRV_USER: `CURL-HELPER user ARGS`.
srv_call() {
    local cli=()
    while [ $# -gt 0 ] && [ "$1" != -- ]; do
        cli+=("$1")
        shift
    done
    [ "${1:-}" == -- ] || die "srv_call: no -- in its arguments"
    shift
    if [ "$SRV_CLIENT" == osscli ]; then
        osscli "${cli[@]}"
    else
        "$1" "${SRV_USER:-alice}" "${@:2}"
    fi
}
srv_mkbucket() { srv_call put-bucket "$1" -- oss_req PUT "/$1/" >/dev/null; }
srv_bucket_acl() { srv_call get-bucket-acl "$1" -- oss_xml Grant GET "/$1/?acl"; }
srv_set_bucket_acl() {
    srv_call put-bucket-acl "$1" "$2" -- oss_req PUT "/$1/?acl" "x-oss-acl: $2" >/dev/null
}
srv_access_monitor() { srv_call get-access-monitor "$1" -- oss_xml Status GET "/$1/?accessmonitor"; }
srv_set_access_monitor() {
    printf '<AccessMonitorConfiguration><Status>%s</Status></AccessMonitorConfiguration>' "$2" \
        >"$T/am.xml"
    srv_call put-access-monitor "$1" "$2" -- oss_req PUT "/$1/?accessmonitor" \
        "Content-Type: application/xml" "@$T/am.xml" >/dev/null
}
# srv_object_acl BUCKET KEY [VERSION]
srv_object_acl() {
    srv_call get-object-acl "$1" "$2" ${3:+"$3"} -- \
        oss_xml Grant GET "/$1/$2?acl${3:+&versionId=$3}"
}
# srv_set_object_acl BUCKET KEY ACL [VERSION] (osscli has no version argument: curl then)
srv_set_object_acl() {
    local SRV_CLIENT=$SRV_CLIENT
    [ -z "${4:-}" ] || SRV_CLIENT=curl
    srv_call put-object-acl "$1" "$2" "$3" -- \
        oss_req PUT "/$1/$2?acl${4:+&versionId=$4}" "x-oss-object-acl: $3" >/dev/null
}
# srv_put_object BUCKET KEY CONTENT
srv_put_object() {
    printf %s "$3" >"$T/put.body"
    srv_call put-object "$1" "$2" "$T/put.body" -- oss_req PUT "/$1/$2" "@$T/put.body" >/dev/null
}
srv_get_object() { srv_call get-object "$1" "$2" -- oss_req GET "/$1/$2"; }
srv_delete_object() { srv_call delete-object "$1" "$2" -- oss_req DELETE "/$1/$2" >/dev/null; }
# srv_keys BUCKET: every key, one per line.
srv_keys() { srv_call list "$1" -- oss_xml Key GET "/$1/?max-keys=1000"; }
# srv_enable_versioning BUCKET (signed curl: osscli has no versioning command)
srv_enable_versioning() {
    printf '<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>' \
        >"$T/ver.xml"
    oss_req "${SRV_USER:-alice}" PUT "/$1/?versioning" "Content-Type: application/xml" \
        "@$T/ver.xml" >/dev/null
}
# srv_versions BUCKET KEY: version ids of KEY, newest first (signed curl).
srv_versions() {
    oss_req "${SRV_USER:-alice}" GET "/$1/?versions&prefix=$2" |
        tr -d '\n' | grep -o '<Version>.*</Version>' | sed 's:</Version>:&\n:g' |
        grep "<Key>$2</Key>" | xml_values VersionId
}

# srv_seed BUCKET [--public-every K] PREFIX:COUNT...: many small objects through ali-oss
# (tests/tools/seed.js), named PREFIX/obj-NNNNN.dat.
srv_seed() {
    local b=$1 ak sk
    shift
    creds_of "${SRV_USER:-alice}" ak sk
    EMU_URL=$EMU_URL AK=$ak SK=$sk BUCKET=$b node "$REPO/tests/tools/seed.js" "$@"
}
