#!/bin/bash
# .access-monitor (DESIGN.md 1, 1.1): reads print the state, writes accept the word, the JSON
# and the AccessMonitorConfiguration XML, each as exactly one PutBucketAccessMonitor; there is
# no Delete call, so rm and an empty write are refused and change nothing.
. "$(dirname "$0")/lib.sh"

require_root_fuse
B=ctl-am
ctl_setup "$B"
F="$M/.access-monitor"

expect_eq "new bucket: access monitor Disabled" Disabled "$(srv_access_monitor $B)"
logmark
expect_eq "cat .access-monitor" Disabled "$(cat "$F")"
expect_count "cat is exactly one GetBucketAccessMonitor" 1 GetBucketAccessMonitor
expect_count "cat writes nothing" 0 write
expect_eq "the read ends with a newline" 0a "$(tail -c 1 "$F" | od -An -tx1 | tr -d ' ')"

# put_check DESC SHELL-COMMAND EXPECTED: the write succeeds as one PutBucketAccessMonitor.
put_check() {
    logmark
    expect_ok "$1" "$2"
    expect_count "$1: one PutBucketAccessMonitor" 1 PutBucketAccessMonitor
    expect_count "$1: nothing else of the write kind" 1 write
    expect_eq "$1: server has $3" "$3" "$(srv_access_monitor $B)"
}

put_check "echo Enabled" "echo Enabled > '$F'" Enabled
expect_eq "cat after Enabled" Enabled "$(cat "$F")"
put_check "printf Disabled" "printf Disabled > '$F'" Disabled
put_check "JSON" "echo '{\"Status\":\"Enabled\"}' > '$F'" Enabled
put_check "JSON with blanks" "printf ' { \"Status\" : \"Disabled\" }\n\n' > '$F'" Disabled
put_check "XML" \
    "echo '<AccessMonitorConfiguration><Status>Enabled</Status></AccessMonitorConfiguration>' > '$F'" \
    Enabled
expect_eq "cat after XML prints the word" Enabled "$(cat "$F")"
cat >"$T/am.xml" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<AccessMonitorConfiguration>
  <Status>Disabled</Status>
</AccessMonitorConfiguration>
XML
put_check "cp of an XML file with a declaration" "cp '$T/am.xml' '$F'" Disabled
put_check "tee of JSON" "echo '{\"Status\":\"Enabled\"}' | tee '$F' >/dev/null" Enabled

logmark
expect_fail_errno "wrong case is refused" 1 "Invalid argument" "echo enabled > '$F'"
expect_fail_errno "a bucket ACL word is refused" 1 "Invalid argument" "echo private > '$F'"
expect_count "refused values send nothing" 0 write
expect_eq "server unchanged after refusals" Enabled "$(srv_access_monitor $B)"

logmark
expect_fail_errno "rm .access-monitor is refused (no Delete call)" nz "Operation not permitted" \
    "rm -f '$F'"
expect_fail_errno "truncate -s 0 is refused (no Delete call)" nz "Operation not permitted" \
    "truncate -s 0 '$F'"
bash -c ": > '$F'" 2>/dev/null # bash ignores the error of close(); only the effect counts
expect_count "rm, truncate and an empty write send nothing" 0 write
expect_eq "server still Enabled" Enabled "$(srv_access_monitor $B)"
expect_eq "the file still reads" Enabled "$(cat "$F")"

finish
