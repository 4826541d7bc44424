#!/usr/bin/env bash
# cr_netns_lock: `dump --network-lock netns` locks the whole net namespace
# of a tree (made outside pidtrace: --external-ns net:PATH) from the dump
# to the restore. A server outside the tree in that namespace: between
# dump and restore a client's connect to it is neither answered nor
# refused (every packet dropped, no reset), but one marked 0xC114 (the
# mark checkpoint/restore tools put on their repair traffic) connects; a
# failed restore keeps the lock, a successful one lifts it and everything
# connects again, the tree's own connection too. --leave-running and a
# failed dump leave no lock; the option without --external-ns net, on
# pidtrace's own namespace, or without BPF netfilter links is refused in
# one line.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root

NS=$T/net SRV='' TSRV=''
# shellcheck disable=SC2016 # expanded at exit
at_exit 'kill -9 $SRV $TSRV 2>/dev/null; umount "$NS" 2>/dev/null'
if ! touch "$NS" || ! unshare --net="$NS" true || ! nsenter --net="$NS" ip link set lo up; then
	fail setup "cannot make the namespace"
	exit 0
fi

# The server: a listener on 127.0.0.1 in NS, outside the tree; its own
# packets marked (the marked client's handshake needs both ways), it
# answers every connection with "hi".
nsenter --net="$NS" python3 -c '
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, 36, 0xC114)
s.bind(("127.0.0.1", 0)); s.listen(8)
print("PORT", s.getsockname()[1], flush=True)
while True:
    c, _ = s.accept(); c.sendall(b"hi"); c.close()
' >"$T/server" 2>&1 &
SRV=$!
wait_for 10 grep -q '^PORT ' "$T/server" || fail setup "server: $(cat "$T/server")"
PORT=$(sed -n 's/^PORT //p' "$T/server")

# probe MARK: connect to the server from NS, MARK on the socket (0: none).
# Prints "connected" (and the server's greeting came), "refused", or
# "pending" when nothing came back for a second (the lock dropped it).
probe() {
	nsenter --net="$NS" python3 -c '
import errno, select, socket, sys
c = socket.socket()
if int(sys.argv[1]): c.setsockopt(socket.SOL_SOCKET, 36, int(sys.argv[1]))
c.setblocking(False)
c.connect_ex(("127.0.0.1", int(sys.argv[2])))
wait = 1 if not int(sys.argv[1]) and sys.argv[3] == "locked" else 30
if not select.select([], [c], [], wait)[1]: print("pending"); sys.exit()
e = c.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
if e: print(errno.errorcode.get(e, e).lower().replace("econnrefused", "refused")); sys.exit()
c.setblocking(True); c.settimeout(30)
print("connected" if c.recv(2) == b"hi" else "no greeting")
' "$1" "$PORT" "$2" 2>&1
}

locks_of() { ls -d /sys/fs/bpf/pidtrace-netlock/"$1"-* 2>/dev/null; }

# Refused before anything: without --external-ns net.
out=$("$PIDTRACE" dump -t $$ -D "$T/none" --network-lock netns 2>&1)
rc=$?
same usage_needs_external_ns "$rc $out" \
	"2 pidtrace: dump: --network-lock netns needs --external-ns net[:PATH]"

# On pidtrace's own namespace: refused, the tree untouched.
if cr_start own zdtm_tcp pair; then
	"$PIDTRACE" dump -t "$CR_PID" -D "$CR_DIR/img" --external-ns net --network-lock netns \
		>/dev/null 2>"$CR_DIR/dump.err"
	rc=$?
	if [ "$rc" = 1 ] && [ "$(wc -l <"$CR_DIR/dump.err")" = 1 ] &&
		grep -Eq "^pidtrace: dump: --network-lock netns: the tree's net namespace net:\[[0-9]+\] is pidtrace's own" \
			"$CR_DIR/dump.err" && [ -z "$(locks_of "$CR_PID")" ]; then
		pass own_netns_refused
	else
		fail own_netns_refused "exit $rc: $(cat "$CR_DIR/dump.err")"
	fi
	cr_passes own_untouched
else
	fail own_start "did not start"
fi
cr_cleanup

# The tree: in NS, a client of a zdtm_tcp server outside it (bytes both
# ways unread), started as cr_start does, through nsenter.
nsenter --net="$NS" "$PROGS/zdtm_tcp" server >"$T/tserver" 2>&1 &
TSRV=$!
wait_for 10 grep -qs '^PORT ' "$T/tserver"
cr_cleanup
CR_DIR=$T/trip
mkdir -p "$CR_DIR"
(cd "$CR_DIR" && exec nsenter --net="$NS" "$PROGS/cr_reaper" "$PROGS/zdtm_tcp" ext \
	"$(sed -n 's/^PORT //p' "$T/tserver")" >"$CR_DIR/log" 2>&1 </dev/null) &
CR_REAPER=$!
if ! wait_for 10 cr_ready; then
	fail trip_start "did not start: $(cat "$CR_DIR/log" "$T/tserver")"
	exit 0
fi
CR_PID=$(sed -n 's/^READY pid=\([0-9]*\).*/\1/p' "$CR_DIR/log")
same before_dump "$(probe 0 open)" connected
DUMP=(--external-ns "net:$NS" --network-lock netns)

# --leave-running: the lock is lifted when the dump ends.
"$PIDTRACE" dump -t "$CR_PID" -D "$CR_DIR/img0" --leave-running "${DUMP[@]}" >/dev/null \
	2>"$CR_DIR/dump0.err"
rc=$?
if [ "$rc" = 0 ] && [ -z "$(locks_of "$CR_PID")" ] &&
	[ -z "$("$PIDTRACE" show -D "$CR_DIR/img0" --json | jq -r '.netlock // empty')" ]; then
	pass leave_running_no_lock
else
	fail leave_running_no_lock "exit $rc, locks: $(locks_of "$CR_PID") $(cat "$CR_DIR/dump0.err")"
fi
same leave_running_open "$(probe 0 open)" connected

# A failed dump: no lock, the tree left running.
PIDTRACE_FAULT=commit "$PIDTRACE" dump -t "$CR_PID" -D "$CR_DIR/img1" "${DUMP[@]}" >/dev/null \
	2>"$CR_DIR/dump1.err"
rc=$?
if [ "$rc" = 1 ] && [ -z "$(locks_of "$CR_PID")" ] && kill -0 "$CR_PID"; then
	pass failed_dump_no_lock
else
	fail failed_dump_no_lock "exit $rc, locks: $(locks_of "$CR_PID") $(cat "$CR_DIR/dump1.err")"
fi
same failed_dump_open "$(probe 0 open)" connected

# No BPF netfilter links (as the fault makes it): refused, no nft fallback.
out=$(PIDTRACE_FAULT=netlock "$PIDTRACE" dump -t "$CR_PID" -D "$CR_DIR/img2" "${DUMP[@]}" 2>&1 >/dev/null)
rc=$?
same nobpf_refused "$rc $out" "1 pidtrace: dump: --network-lock netns: no BPF network lock on this kernel (test fault at netlock): the namespace cannot be locked"
same nobpf_open "$(probe 0 open)" connected

# The dump that kills the tree: the namespace is locked until the restore.
if ! dump_ok=$("$PIDTRACE" dump -t "$CR_PID" -D "$CR_DIR/img" "${DUMP[@]}" 2>&1); then
	fail trip_dump "$dump_ok"
	exit 0
fi
wait_for 10 cr_gone "$CR_REAPER"
wait "$CR_REAPER" 2>/dev/null
CR_REAPER=
lock=$("$PIDTRACE" show -D "$CR_DIR/img" --json | jq -r '.netlock.path // empty')
if [ -n "$lock" ] && [ -e "$lock/in4" ] && [ -e "$lock/out6" ]; then
	pass dump_pins_lock
else
	fail dump_pins_lock "lock '$lock': $(ls "$lock" 2>&1)"
fi
same locked_unmarked_dropped "$(probe 0 locked)" pending
same locked_marked_passes "$(probe $((0xC114)) locked)" connected

# A failed restore keeps the lock.
PIDTRACE_FAULT=restore-detach "$PIDTRACE" restore -D "$CR_DIR/img" --join-ns "net:$NS" \
	>/dev/null 2>"$CR_DIR/r1.err"
rc=$?
if [ "$rc" = 1 ] && [ -n "$lock" ] && [ -e "$lock/in4" ]; then
	pass failed_restore_keeps_lock
else
	fail failed_restore_keeps_lock "exit $rc, lock '$lock': $(cat "$CR_DIR/r1.err")"
fi
same failed_restore_still_locked "$(probe 0 locked)" pending

if cr_restore --join-ns "net:$NS"; then
	pass trip_restore
else
	fail trip_restore "$(jr '.error // empty' 2>&1) $(cat "$CR_DIR/restore.err")"
fi
if [ -n "$lock" ] && [ ! -e "$lock" ]; then
	pass restore_removes_lock
else
	fail restore_removes_lock "lock '$lock' still there"
fi
same restored_open "$(probe 0 open)" connected
# The tree's connection to the server carries every byte both ways (the
# server reads from SIGUSR1 on: the client's last write waits for it).
kill -USR1 "$TSRV"
cr_finish
want=$(($(sed -n 's/^FILLED //p' "$CR_DIR/log") + 5000))
if [ "$CR_RC" = 0 ] && grep -q '^PASS' "$CR_DIR/log" && wait_for 20 grep -q '^SERVER' "$T/tserver" &&
	grep -q "^SERVER PASS $want\$" "$T/tserver"; then
	pass trip_verify
else
	fail trip_verify "exit $CR_RC: $(cat "$CR_DIR/log") server: $(tail -n 1 "$T/tserver"), expected SERVER PASS $want"
fi
cr_cleanup

# An image given up: `restore --unlock-only` opens the whole namespace
# again, restoring nothing, and says that it was the namespace's lock.
CR_DIR=$T/giveup
mkdir -p "$CR_DIR"
(cd "$CR_DIR" && exec nsenter --net="$NS" "$PROGS/cr_reaper" "$PROGS/zdtm_tcp" pair \
	>"$CR_DIR/log" 2>&1 </dev/null) &
CR_REAPER=$!
if ! wait_for 10 cr_ready; then
	fail giveup_start "did not start: $(cat "$CR_DIR/log")"
	exit 0
fi
CR_PID=$(sed -n 's/^READY pid=\([0-9]*\).*/\1/p' "$CR_DIR/log")
if ! out=$("$PIDTRACE" dump -t "$CR_PID" -D "$CR_DIR/img" "${DUMP[@]}" 2>&1); then
	fail giveup_dump "$out"
	exit 0
fi
wait_for 10 cr_gone "$CR_REAPER"
wait "$CR_REAPER" 2>/dev/null
CR_REAPER=
lock=$("$PIDTRACE" show -D "$CR_DIR/img" --json | jq -r '.netlock.path // empty')
same giveup_locked "$(probe 0 locked)" pending
out=$("$PIDTRACE" restore -D "$CR_DIR/img" --unlock-only 2>&1)
same giveup_unlock_only "$? $out" "0 $CR_DIR/img: network lock $lock removed: the net namespace's packets pass again, the peers of the tree's TCP connections are answered with resets from now on"
same giveup_open "$(probe 0 open)" connected
if [ -n "$lock" ] && [ ! -e "$lock" ]; then
	pass giveup_lock_gone
else
	fail giveup_lock_gone "lock '$lock' still there"
fi
