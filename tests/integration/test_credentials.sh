#!/bin/bash
# The credential chain beyond passwd_file= (DESIGN 1.4): credential_process= handing out
# short-lived STS keys that ossemu accepts until their expiration, refreshed by the daemon
# without a remount (the request log's akid changes and reads keep working past the first
# expiry); ram_role= against a fake ECS metadata service (tests/integration/fake_ecs.py, hardened
# mode) likewise; ~/.ossutilconfig as the last source (with its endpoint); the order of the
# sources; refusals with clear errors; and no secret or token in daemon logs, audit logs, error
# messages, or the argv and environment of the credential process.
. "$(dirname "$0")/lib.sh"
require_root_fuse
command -v python3 >/dev/null || {
    echo "SKIP: $TEST_NAME needs python3" >&2
    exit 77
}

# STS keys of alice's account; the first key of each source lives LIFE seconds.
LIFE=20
NOW=$(date +%s)
iso() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }
EXP_SHORT=$(iso $((NOW + LIFE)))
EXP_LONG=$(iso $((NOW + 3600)))
SECRETS=(sts-proc1-secret sts-proc2-secret sts-ecs1-secret sts-ecs2-secret tok-proc1-value
    tok-proc2-value tok-ecs1-value tok-ecs2-value fake-ecs-session-token "$ALICE_SK")

# The accounts file of lib.sh plus the STS keys (ossemu checks token and expiration).
eval "lib_write_accounts() $(declare -f write_accounts | tail -n +2)"
write_accounts() {
    lib_write_accounts
    jq --arg es "$EXP_SHORT" --arg el "$EXP_LONG" '.accounts[0].keys += [
      {"id":"STS.proc1","secret":"sts-proc1-secret","security_token":"tok-proc1-value","expiration":$es},
      {"id":"STS.proc2","secret":"sts-proc2-secret","security_token":"tok-proc2-value","expiration":$el},
      {"id":"STS.ecs1","secret":"sts-ecs1-secret","security_token":"tok-ecs1-value","expiration":$es},
      {"id":"STS.ecs2","secret":"sts-ecs2-secret","security_token":"tok-ecs2-value","expiration":$el}]' \
        "$T/accounts.json" >"$T/accounts.tmp" && mv "$T/accounts.tmp" "$T/accounts.json"
}

emu_start
B=credbkt
srv_mkbucket $B || die "cannot create bucket"
srv_put_object $B a.txt "hello" || die "seed"

# ---- sources: a credential script and a fake metadata service
mkdir -p "$T/proc" "$T/ecs" "$T/m"
cred_json() { # NAME N EXPIRATION
    printf '{"Version":1,"AccessKeyId":"STS.%s%s","AccessKeySecret":"sts-%s%s-secret",' \
        "$1" "$2" "$1" "$2"
    printf '"SecurityToken":"tok-%s%s-value","Expiration":"%s"}\n' "$1" "$2" "$3"
}
cred_json proc 1 "$EXP_SHORT" >"$T/proc/creds-1.json"
cred_json proc 2 "$EXP_LONG" >"$T/proc/creds-2.json"
for n in 1 2; do
    exp=$EXP_SHORT
    [ $n -eq 1 ] || exp=$EXP_LONG
    printf '{"Code":"Success","LastUpdated":"%s",%s' "$(iso "$NOW")" \
        "$(cred_json ecs $n "$exp" | cut -c2-)" >"$T/ecs/creds-$n.json"
done
# The script prints creds-N.json on its Nth run (the last file repeats) and records its
# arguments and environment for the no-secrets checks.
{
    echo '#!/bin/sh'
    echo "d='$T/proc'"
    echo 'n=$(cat "$d/count" 2>/dev/null || echo 0); n=$((n + 1)); echo $n >"$d/count"'
    echo 'echo "$0 $*" >>"$d/argv.log"'
    echo 'env >"$d/env-$n.log"'
    echo 'f="$d/creds-$n.json"; [ -f "$f" ] || f="$d/creds-2.json"'
    echo 'cat "$f"'
} >"$T/proc/cred-helper"
chmod 700 "$T/proc/cred-helper"
python3 "$REPO/tests/integration/fake_ecs.py" "$T/ecs" ecs-test-role >"$T/ecs.out" 2>&1 &
# stopped by lib.sh's cleanup like a daemon; MOUNTS gets a never-mounted placeholder so that
# MOUNTS and FS_PIDS stay index-aligned for fs_unmount
FS_PIDS+=("$!")
MOUNTS+=("$T/no-mount-fake-ecs")
wait_for 15 "test -s '$T/ecs/ready'" || die "fake metadata service did not start"
ECS_URL="http://$(head -n 1 "$T/ecs/ready")"

# cred_mount MOUNTPOINT OPTIONS [NAME=VALUE...]: a foreground mount with no credentials in the
# environment (plus the assignments given), registered for cleanup; 1 if it does not come up.
cred_mount() {
    local mnt=$1 opts=$2 n
    shift 2
    mkdir -p "$mnt"
    n=${#FS_PIDS[@]}
    FS_LOG="$T/fs-$n.log"
    env -u OSS_ACCESS_KEY_ID -u OSS_ACCESS_KEY_SECRET -u OSS_SESSION_TOKEN HOME="$T/nohome" "$@" \
        "$OSSPERMFS" $B "$mnt" -f -o "$opts" >"$FS_LOG" 2>&1 &
    fs_started "$mnt"
}

# "akid status-class" pairs (200 and 206 are both 2xx) of the requests since the mark, unique,
# on one line.
akids_since() {
    log_since | jq -r '"\(.akid) \(.status / 100 | floor)xx"' | sort -u | tr '\n' ' '
}
akid_only_since() {
    log_since | jq -r .akid | sort -u | tr -d '\n'
}

# ---- mount with both refreshable sources at once (they share the wait)
logmark
MP="$T/mnt-proc"
cred_mount "$MP" "url=$EMU_URL,attr_timeout=0,audit_log=$T/audit-proc.log,credential_process=$T/proc/cred-helper" ||
    die "credential_process mount"
LOG_PROC=$FS_LOG
ME="$T/mnt-ecs"
cred_mount "$ME" "url=$EMU_URL,attr_timeout=0,audit_log=$T/audit-ecs.log,ram_role=ecs-test-role,ram_role_url=$ECS_URL" ||
    die "ram_role mount"
LOG_ECS=$FS_LOG
expect_eq "credential_process: the first key reads" hello "$(cat "$MP/a.txt")"
expect_eq "ram_role: the first key reads" hello "$(cat "$ME/a.txt")"
expect_eq "requests before the refresh use the first keys" "STS.ecs1 2xx STS.proc1 2xx " \
    "$(akids_since)"
expect_eq "hardened mode: the metadata service handed out a session token" 1 \
    "$(grep -c '^PUT /latest/api/token ' "$T/ecs/requests.log")"
expect_eq "every metadata GET carried the session token" 0 \
    "$(grep '^GET ' "$T/ecs/requests.log" | grep -vc 'token=1')"

# ---- past the first keys' expiry: refreshed (at half of a 20 s life), reads go on
wait_for $((LIFE + 10)) "grep -q 'key STS.proc2' '$LOG_PROC' && grep -q 'key STS.ecs2' '$LOG_ECS'" ||
    fail "no refresh logged: $(tail -n 3 "$LOG_PROC" "$LOG_ECS" | tr '\n' ' ')"
expect_eq "credential_process ran twice (mount, one refresh)" 2 "$(cat "$T/proc/count")"
expect_eq "the metadata service was asked for the role twice" 2 \
    "$(grep -c '^GET /latest/meta-data/ram/security-credentials/ecs-test-role ' "$T/ecs/requests.log")"
while [ "$(date +%s)" -le $((NOW + LIFE + 1)) ]; do sleep 0.5; done
srv_put_object $B b.txt "after expiry" || die "seed b.txt"
logmark
expect_eq "credential_process: reads work after the first key expired" "after expiry" \
    "$(cat "$MP/b.txt")"
expect_eq "ram_role: reads work after the first key expired" "after expiry" "$(cat "$ME/b.txt")"
expect_ok "listing works after the expiry" "ls '$MP' | grep -qx b.txt && ls '$ME' | grep -qx b.txt"
echo private >"$MP/.acl" || fail "control file write with refreshed keys"
expect_eq "after the refresh every request uses the new keys and succeeds" \
    "STS.ecs2 2xx STS.proc2 2xx " "$(akids_since)"
expect_eq "no request was refused for an expired or wrong token" "" \
    "$(jq -r 'select(.code=="SecurityTokenExpired" or .code=="InvalidSecurityToken") | .akid' "$T/requests.log")"
expect_eq "the audit log recorded the change" "private ok" \
    "$(jq -r 'select(.entry==".acl") | "\(.new) \(.result)"' "$T/audit-proc.log")"
fs_unmount "$MP"
fs_unmount "$ME"

# ---- nothing secret in logs, errors, the child's argv or environment
leaks=""
for s in "${SECRETS[@]}"; do
    for f in "$LOG_PROC" "$LOG_ECS" "$T/audit-proc.log" "$T/audit-ecs.log" "$T/proc/argv.log" \
        "$T/proc"/env-*.log; do
        if [ -f "$f" ] && grep -qF -- "$s" "$f"; then
            leaks+=" $s in $(basename "$f")"
        fi
    done
done
expect_eq "no secret or token in daemon logs, audit logs, child argv or environment" "" "$leaks"
expect_ok "the refreshes were logged (by key id)" \
    "grep -q 'credentials refreshed by credential_process: key STS.proc2' '$LOG_PROC' &&
     grep -q 'credentials refreshed by ram_role: key STS.ecs2' '$LOG_ECS'"

# ---- order: passwd_file= and the environment win over credential_process=
logmark
M="$T/mnt-order"
cred_mount "$M" "url=$EMU_URL,passwd_file=$T/passwd-auditor,credential_process=$T/proc/cred-helper" ||
    die "order mount"
fs_unmount "$M"
expect_eq "passwd_file= wins over credential_process=" "$AUDITOR_AK" "$(akid_only_since)"
logmark
cred_mount "$M" "url=$EMU_URL,credential_process=$T/proc/cred-helper" \
    OSS_ACCESS_KEY_ID=$ALICE_AK OSS_ACCESS_KEY_SECRET=$ALICE_SK || die "env order mount"
fs_unmount "$M"
expect_eq "the environment wins over credential_process=" "$ALICE_AK" "$(akid_only_since)"
expect_eq "credential_process was not run when not needed" 2 "$(cat "$T/proc/count")"

# ---- ~/.ossutilconfig: last in the chain, its endpoint used without url=
mkdir -p "$T/home"
printf '[Credentials]\nlanguage=EN\nendpoint=%s\naccessKeyID=%s\naccessKeySecret=%s\n' \
    "$EMU_URL" "$ALICE_AK" "$ALICE_SK" >"$T/home/.ossutilconfig"
chmod 600 "$T/home/.ossutilconfig"
logmark
M="$T/mnt-ossutil"
cred_mount "$M" "attr_timeout=0" HOME="$T/home" || die "ossutilconfig mount"
expect_eq "~/.ossutilconfig: keys and endpoint" hello "$(cat "$M/a.txt")"
fs_unmount "$M"
expect_eq "~/.ossutilconfig: requests signed with its key" "$ALICE_AK" "$(akid_only_since)"
chmod 644 "$T/home/.ossutilconfig"
expect_fail_errno "~/.ossutilconfig readable by others is refused" nz "must not be accessible" \
    "HOME='$T/home' env -u OSS_ACCESS_KEY_ID -u OSS_ACCESS_KEY_SECRET timeout 10 '$OSSPERMFS' $B '$T/m' -f"
# An endpoint without a scheme is taken as https://; against ossemu's plain HTTP the mount
# fails and says how to write the endpoint instead of only quoting the TLS library.
mkdir -p "$T/home-noscheme"
printf '[Credentials]\nendpoint=%s\naccessKeyID=%s\naccessKeySecret=%s\n' \
    "${EMU_URL#http://}" "$ALICE_AK" "$ALICE_SK" >"$T/home-noscheme/.ossutilconfig"
chmod 600 "$T/home-noscheme/.ossutilconfig"
expect_fail_errno "~/.ossutilconfig endpoint without a scheme: https:// and a clear error" nz \
    "give its endpoint as http://HOST" \
    "HOME='$T/home-noscheme' env -u OSS_ACCESS_KEY_ID -u OSS_ACCESS_KEY_SECRET timeout 20 '$OSSPERMFS' $B '$T/m' -f"

# ---- refusals: clear errors, no secret, nothing mounted
{
    echo '#!/bin/sh'
    echo "echo '{\"AccessKeyId\":\"x\",\"AccessKeySecret\":\"$ALICE_SK\"}'"
    echo 'exit 4'
} >"$T/proc/failing"
chmod 700 "$T/proc/failing"
cred_json proc 9 "$(iso $((NOW - 60)))" >"$T/proc/expired.json"
# run_bad OPTIONS: the command line of a foreground mount at $T/m that must fail.
run_bad() {
    echo "env -u OSS_ACCESS_KEY_ID -u OSS_ACCESS_KEY_SECRET HOME='$T/nohome' timeout 20 '$OSSPERMFS' $B '$T/m' -f -o 'url=$EMU_URL,$1'"
}
expect_fail_errno "a failing credential_process stops the mount" nz "exited with status 4" \
    "$(run_bad "credential_process=$T/proc/failing")"
expect_ok "its error quotes no secret" "! grep -qF '$ALICE_SK' '$T/last.err'"
expect_fail_errno "credential_process with shell syntax is refused" nz "needs a shell" \
    "$(run_bad "credential_process=$T/proc/cred-helper | cat")"
expect_fail_errno "a missing credential_process program" nz "cannot run" \
    "$(run_bad "credential_process=$T/proc/nope")"
expect_fail_errno "credentials that already expired are refused" nz "already expired" \
    "$(run_bad "credential_process=cat $T/proc/expired.json")"
expect_ok "that error quotes no secret either" "! grep -qF 'sts-proc9-secret' '$T/last.err'"
expect_fail_errno "an unknown role" nz "HTTP 404" \
    "$(run_bad "ram_role=no-such-role,ram_role_url=$ECS_URL")"
expect_fail_errno "an unreachable metadata service" nz "cannot reach the metadata service" \
    "$(run_bad "ram_role=r,ram_role_url=http://127.0.0.1:9")"
expect_eq "nothing was mounted by the refusals" "" "$(grep -F " $T/m " /proc/self/mountinfo)"

finish
