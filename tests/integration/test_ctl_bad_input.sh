#!/bin/bash
# Bad input to control files (DESIGN.md 1.1): misspelled and wrong-case values, NUL bytes,
# invalid UTF-8, malformed XML and JSON, an XML entity bomb, and 10 MB of input. Each must exit
# non-zero with a clear error, send no write request and leave the server value unchanged; the
# daemon must stay up and answer afterwards.
. "$(dirname "$0")/lib.sh"

require_root_fuse
B=ctl-bad
ctl_setup "$B" -o "audit_log=$T/audit.log"
srv_set_bucket_acl $B public-read || die "cannot set the ACL"
srv_set_access_monitor $B Enabled || die "cannot set the access monitor"
ACL="$M/.acl"
AM="$M/.access-monitor"

# refused DESC ERRNO-TEXT SHELL-COMMAND: exits non-zero with that error, sends nothing, and
# both settings keep their values.
refused() {
    logmark
    expect_fail_errno "$1" nz "$2" "$3"
    expect_count "$1: no write request" 0 write
    expect_eq "$1: .acl unchanged on the server" public-read "$(srv_bucket_acl $B)"
    expect_eq "$1: .access-monitor unchanged on the server" Enabled "$(srv_access_monitor $B)"
}

# echo and printf report the error of the write() that carries the value, with exit 1.
refused "misspelled ACL" "Invalid argument" "echo pubic-read > '$ACL'"
expect_eq "the daemon log gives the reason" 1 \
    "$(grep -cF 'invalid value "pubic-read" for .acl' "$FS_LOG" | awk '{ print ($1 > 0) ? 1 : 0 }')"
refused "wrong-case ACL" "Invalid argument" "echo Private > '$ACL'"
refused "upper-case ACL" "Invalid argument" "echo PUBLIC-READ-WRITE > '$ACL'"
refused "object-only value on the bucket" "Invalid argument" "echo default > '$ACL'"
refused "two values" "Invalid argument" "echo 'private public-read' > '$ACL'"
refused "NUL byte after the value" "Invalid argument" "printf 'private\\0' > '$ACL'"
refused "NUL byte inside" "Invalid argument" "printf 'pri\\0vate\\n' > '$ACL'"
refused "invalid UTF-8" "Invalid argument" "printf 'priv\\377ate\\n' > '$ACL'"
refused "Latin-1 byte" "Invalid argument" "printf 'pr\\351vate\\n' > '$ACL'"
refused "misspelled access monitor" "Invalid argument" "echo Enable > '$AM'"
refused "wrong-case access monitor" "Invalid argument" "echo disabled > '$AM'"
refused "malformed JSON" "Invalid argument" "echo '{\"Status\" \"Disabled\"}' > '$AM'"
refused "JSON with a bad value" "Invalid argument" "echo '{\"Status\":\"disabled\"}' > '$AM'"
refused "JSON with an unknown key" "Invalid argument" "echo '{\"State\":\"Disabled\"}' > '$AM'"
refused "malformed XML" "Invalid argument" \
    "echo '<AccessMonitorConfiguration><Status>Disabled</Stat></AccessMonitorConfiguration>' > '$AM'"
refused "XML with a bad value" "Invalid argument" \
    "echo '<AccessMonitorConfiguration><Status>Off</Status></AccessMonitorConfiguration>' > '$AM'"
refused "XML with a wrong root" "Invalid argument" \
    "echo '<VersioningConfiguration><Status>Disabled</Status></VersioningConfiguration>' > '$AM'"

cat >"$T/bomb.xml" <<'XML'
<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "Disabled">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<AccessMonitorConfiguration><Status>&lol9;</Status></AccessMonitorConfiguration>
XML
refused "XML entity bomb (cat)" "Invalid argument" "cat '$T/bomb.xml' > '$AM'"
refused "XML external entity" "Invalid argument" \
    "echo '<!DOCTYPE a [<!ENTITY x SYSTEM \"file:///etc/hostname\">]><AccessMonitorConfiguration><Status>&x;</Status></AccessMonitorConfiguration>' > '$AM'"

# Input that never becomes a value fails at close(): tee reports it, echo cannot.
refused "truncated XML through tee" "Invalid argument" \
    "printf '<AccessMonitorConfiguration><Status>Disabled</Status>' | tee '$AM' >/dev/null"
refused "prefix of an ACL through tee" "Invalid argument" "printf public- | tee '$ACL' >/dev/null"
refused "truncated JSON through cp" "Invalid argument" \
    "printf '{\"Status\":\"Disabled\"' > '$T/trunc.json'; cp '$T/trunc.json' '$AM'"
logmark
bash -c "echo '<AccessMonitorConfiguration>' > '$AM'" 2>/dev/null
expect_count "truncated XML through echo sends nothing" 0 write
expect_eq "truncated XML through echo: server unchanged" Enabled "$(srv_access_monitor $B)"

# 10 MB: larger than any valid document.
head -c $((10 * 1024 * 1024)) /dev/zero | tr '\0' ' ' >"$T/blanks"
head -c $((10 * 1024 * 1024)) /dev/zero | tr '\0' 'a' >"$T/big"
refused "10 MB of blanks to .acl (cat)" "File too large" "cat '$T/blanks' > '$ACL'"
refused "10 MB to .acl (dd)" "File too large" "dd if='$T/big' of='$ACL' bs=1M status=none"
refused "10 MB to .acl (cp)" "File too large" "cp '$T/big' '$ACL'"
refused "10 MB to .access-monitor (cat)" "File too large" "cat '$T/blanks' > '$AM'"
head -c $((64 * 1024 + 1)) "$T/blanks" >"$T/blanks64k1"
refused "64 KB + 1 byte to .acl" "File too large" "cat '$T/blanks64k1' > '$ACL'"

expect_eq "audit: oversized writes are refused sets, never deletes" 0 \
    "$(jq -c 'select(.action=="delete")' "$T/audit.log" | wc -l)"
expect_eq "audit: each oversized write is one refused set" 5 \
    "$(jq -c 'select(.action=="set" and .errno==27)' "$T/audit.log" | wc -l)"

# The daemon is still up and correct.
expect_ok "still mounted" "mountpoint -q '$M'"
expect_eq "cat .acl still works" public-read "$(cat "$ACL")"
expect_ok "a good write still works" "echo private > '$ACL'"
expect_eq "server has private" private "$(srv_bucket_acl $B)"
expect_eq "daemon memory stayed small (RSS < 200 MB)" 1 \
    "$(awk '/^VmHWM/ { print ($2 < 200 * 1024) ? 1 : 0 }' "/proc/$FS_PID/status")"

finish
