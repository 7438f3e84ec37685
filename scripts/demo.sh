#!/bin/sh
# The first-run demo: installs what is needed, builds, starts ossemu on 127.0.0.1:9000 with a demo
# account and a bucket holding a few objects, mounts the account at /mnt/oss and shows a short
# session. ossemu and the mount stay up afterwards so you can explore; the last lines say how to
# stop them.
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)
./scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$(nproc)" >/dev/null

demo=${DEMO_DIR:-/var/tmp/osspermfs-demo}
mnt=${DEMO_MOUNT:-/mnt/oss}
listen=${DEMO_LISTEN:-127.0.0.1:9000}
AK=LTAIdemo00000001
SK=demo-secret-not-for-production
mkdir -p "$demo" "$mnt"
umask 077
printf '%s:%s\n' "$AK" "$SK" > "$demo/passwd"
chmod 600 "$demo/passwd"

# Start ossemu unless a demo server already answers.
if ! curl -s -o /dev/null "http://$listen/"; then
    rm -f "$demo/ready"
    OSS_ACCESS_KEY_ID=$AK OSS_ACCESS_KEY_SECRET=$SK \
        setsid "$top/build/bin/ossemu" --data "$demo/data" --listen "$listen" \
        --request-log "$demo/requests.log" --ready-file "$demo/ready" > "$demo/ossemu.out" 2>&1 &
    echo $! > "$demo/ossemu.pid"
    i=0
    while [ ! -s "$demo/ready" ]; do
        i=$((i + 1))
        [ $i -lt 100 ] || { echo "ossemu did not start; see $demo/ossemu.out" >&2; exit 1; }
        sleep 0.1
    done
fi

# A V1-signed request with curl, the way any OSS client sends it.
oss() { # METHOD PATH(/bucket/key) [curl args...]
    method=$1 path=$2
    shift 2
    date=$(LC_ALL=C TZ=GMT date '+%a, %d %b %Y %H:%M:%S GMT')
    sig=$(printf '%s\n\n%s\n%s\n%s' "$method" "application/octet-stream" "$date" "$path" |
        openssl dgst -sha1 -hmac "$SK" -binary | openssl base64)
    curl -sf -X "$method" -H "Date: $date" -H "Content-Type: application/octet-stream" \
        -H "Authorization: OSS $AK:$sig" "$@" "http://$listen$path" > /dev/null
}
oss PUT /photos/
printf 'a cat, in JPEG, one day\n' | oss PUT /photos/2024/cat.jpg --data-binary @-
printf 'a dog, in JPEG, one day\n' | oss PUT /photos/2024/dog.jpg --data-binary @-
printf 'remember to check the ACLs\n' | oss PUT /photos/notes.txt --data-binary @-

mountpoint -q "$mnt" || "$top/build/bin/osspermfs" "$mnt" -o "url=http://$listen,passwd_file=$demo/passwd"

show() { printf '\n$ %s\n' "$*"; bash -c "$*" 2>&1 || true; }
cd "$mnt"
show "ls -la $mnt/photos"
show "cat $mnt/photos/.acl"
show "echo public-read > $mnt/photos/.acl"
show "cat $mnt/photos/.acl"
show "echo publc-read > $mnt/photos/.acl"
show "cat $mnt/photos/.access-monitor"
show "echo Enabled > $mnt/photos/.access-monitor && cat $mnt/photos/.access-monitor"
show "grep -H . $mnt/photos/2024/.acl.d/*"
show "echo private > $mnt/photos/2024/.acl.d/cat.jpg && grep -H . $mnt/photos/2024/.acl.d/*"
show "getfattr -n user.oss.acl $mnt/photos/2024/dog.jpg"
show "cat $mnt/photos/2024/cat.jpg"
show "tail -n 3 $demo/requests.log"
cat <<MSG

The account is mounted at $mnt (ossemu on $listen, request log $demo/requests.log).
Stop:  fusermount3 -u $mnt; kill \$(cat $demo/ossemu.pid)
MSG
