#!/bin/bash
# .worm (issue 9): the bucket's retention policy. Reads "InProgress N" / "Locked N", empty when
# none (one GetBucketWorm). A number starts one (GetBucketWorm + InitiateBucketWorm), "lock"
# locks it (+ CompleteBucketWorm), a larger number on a locked one extends it
# (+ ExtendBucketWorm), a smaller one is EINVAL; rm aborts an unlocked one and is EPERM on a
# locked one. Retained objects cannot be overwritten or deleted, through the mount (EPERM) or
# ali-oss (409 FileImmutable).
. "$(dirname "$0")/lib.sh"

require_root_fuse
B=ctl-worm
ctl_setup "$B"
F="$M/.worm"
srv_worm() { osscli get-sub "$B" worm 2>/dev/null | tr -d '\n' |
    sed -n 's:.*<State>\(.*\)</State>.*<RetentionPeriodInDays>\(.*\)</RetentionPeriodInDays>.*:\1 \2:p'; }

expect_ok ".worm is listed" "ls -a '$M' | grep -qx .worm"
logmark
expect_eq "no WORM: reads empty" "" "$(cat "$F")"
expect_count "cat is one GetBucketWorm" 1 GetBucketWorm
expect_eq "server has none" "" "$(srv_worm)"

logmark
expect_ok "echo 30 starts a WORM" "echo 30 > '$F'"
expect_count "one InitiateBucketWorm" 1 InitiateBucketWorm
expect_count "nothing else of the write kind" 1 write
expect_eq "server: InProgress 30" "InProgress 30" "$(srv_worm)"
expect_eq "cat: InProgress 30" "InProgress 30" "$(cat "$F")"

logmark
expect_ok "a new number replaces an unlocked WORM" "echo 20 > '$F'"
expect_count "abort and initiate" 2 write
expect_eq "server: InProgress 20" "InProgress 20" "$(srv_worm)"

logmark
expect_ok "rm aborts an unlocked WORM" "rm '$F'"
expect_count "one AbortBucketWorm" 1 AbortBucketWorm
expect_eq "server has none after rm" "" "$(srv_worm)"
expect_eq "reads empty after rm" "" "$(cat "$F")"

expect_fail_errno "lock without a WORM" 1 "No such file" "echo lock > '$F'"
expect_ok "sed -i round trip: start again" "echo 10 > '$F'"
expect_ok "sed -i InProgress -> Locked" "sed -i s/InProgress/Locked/ '$F'"
expect_eq "server: Locked 10" "Locked 10" "$(srv_worm)"
expect_ok "lock again changes nothing" "echo lock > '$F'"

logmark
expect_ok "a larger number extends a locked WORM" "echo 15 > '$F'"
expect_count "one ExtendBucketWorm" 1 ExtendBucketWorm
expect_eq "server: Locked 15" "Locked 15" "$(srv_worm)"
logmark
expect_fail_errno "a smaller number is refused" 1 "Invalid argument" "echo 5 > '$F'"
expect_fail_errno "rm of a locked WORM is refused" nz "Operation not permitted" "rm -f '$F'"
expect_fail_errno "not a number" 1 "Invalid argument" "echo soon > '$F'"
expect_fail_errno "zero days" 1 "Invalid argument" "echo 0 > '$F'"
expect_fail_errno "more than 70 years" 1 "Invalid argument" "echo 25551 > '$F'"
expect_count "refusals change nothing" 0 InitiateBucketWorm
expect_count "no extension" 0 ExtendBucketWorm
expect_eq "server still Locked 15" "Locked 15" "$(srv_worm)"

# retention: objects written before and after the lock are kept
expect_ok "write a file through the mount" "echo kept > '$M/log.txt'"
expect_fail_errno "rm of a retained object" nz "Operation not permitted" "rm '$M/log.txt'"
echo new >"$T/new.txt"
expect_fail_errno "overwrite of a retained object (cp reports close)" nz "Operation not permitted" \
    "cp '$T/new.txt' '$M/log.txt'"
expect_eq "the object is unchanged" kept "$(srv_get_object "$B" log.txt)"
osscli delete-object "$B" log.txt 2>"$T/del.err"
rc=$?
expect_eq "ali-oss delete of a retained object: 409 FileImmutable" "2 FileImmutable" \
    "$rc $(grep -o FileImmutable "$T/del.err")"
expect_eq "the object is still there" log.txt "$(srv_keys "$B")"
expect_ok "new objects can still be written" "echo more > '$M/new.txt'"
expect_eq "new object stored" more "$(srv_get_object "$B" new.txt)"

finish
