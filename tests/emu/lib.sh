# tests/emu/lib.sh: what the ossemu wire tests (run.sh, wire.sh, early.sh) share: pass/fail
# counting, starting ossemu on a free port, stopping it by PID (a non-zero exit on SIGTERM, as a
# crash or a sanitizer's leak report gives, is a failure) and removing $WORK on exit.
# Source it after setting OSSEMU and WORK; it sets PID, FAILS and the EXIT/INT/TERM traps.

PID=
FAILS=0

fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }
pass() { echo "ok: $*"; }

stop_server() {
    if [ -n "$PID" ]; then
        kill -TERM "$PID" 2>/dev/null
        wait "$PID" 2>/dev/null
        local rc=$?
        PID=
        if [ "$rc" -ne 0 ]; then
            echo "FAIL: ossemu exited with status $rc on SIGTERM"; cat "$WORK/stderr"
            FAILS=$((FAILS + 1))
        fi
    fi
}
cleanup() {
    stop_server
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# start_ossemu ARGS...: runs $OSSEMU on 127.0.0.1 with a free port and the given arguments
# (stdout and stderr in $WORK), waits up to 10 s for its ready file and sets PID and ADDR
# (host:port). Ends the script with status 1 when ossemu does not come up.
start_ossemu() {
    rm -f "$WORK/ready"
    "$OSSEMU" --listen 127.0.0.1:0 --ready-file "$WORK/ready" "$@" \
        >"$WORK/stdout" 2>"$WORK/stderr" &
    PID=$!
    for _ in $(seq 100); do
        [ -s "$WORK/ready" ] && break
        kill -0 "$PID" 2>/dev/null || break
        sleep 0.1
    done
    if [ ! -s "$WORK/ready" ]; then
        echo "FAIL: ossemu did not start"; cat "$WORK/stderr"; exit 1
    fi
    ADDR=$(cat "$WORK/ready")
}
