#!/usr/bin/env bash
# cr_tcp_netlock: the network lock's life (bpf/netlock.bpf.c). A dump
# that kills a tree with a TCP connection to a peer outside it pins a
# lock that drops the connection's segments; a restore that fails keeps
# it (the image restorable again: the next restore succeeds and the
# program reads every byte the peer sent), a restore that succeeds
# removes it, `restore --unlock-only` removes it for an image given up.
# A dump that leaves the tree running, or fails, leaves no lock.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root

SRV=
at_exit '[ -n "$SRV" ] && kill $SRV 2>/dev/null'

# srv_client NAME: a zdtm_tcpwin server and its client (CR_PID), the
# client's receive window closed, the server's queue full.
srv_client() {
	"$PROGS/zdtm_tcpwin" server >"$T/$1.server" 2>&1 &
	SRV=$!
	wait_for 10 grep -q '^PORT ' "$T/$1.server" || return 1
	cr_start "$1" zdtm_tcpwin client "$(sed -n 's/^PORT //p' "$T/$1.server")" || return 1
	wait_for 30 grep -q '^FILLED ' "$T/$1.server"
}

# The lock directories of the tree rooted at CR_PID (named ROOT-TIME).
locks_of() { ls -d /sys/fs/bpf/pidtrace-netlock/"$1"-* 2>/dev/null; }

# 1. A failed restore keeps the lock; the next one restores and removes it.
if ! srv_client again; then
	fail again_start "$(cat "$T/again.server" "$CR_DIR/log" 2>/dev/null | head -n 5)"
elif ! cr_dump; then
	fail again_dump "$(tail -n 3 "$CR_DIR/dump.err")"
else
	lock=$("$PIDTRACE" show -D "$CR_DIR/img" --json | jq -r '.netlock.path // empty')
	PIDTRACE_FAULT=restore-detach "$PIDTRACE" restore -D "$CR_DIR/img" >"$CR_DIR/r1.out" 2>"$CR_DIR/r1.err"
	rc=$?
	if [ "$rc" = 1 ] && grep -q 'test fault at restore-detach' "$CR_DIR/r1.err" &&
		[ -n "$lock" ] && [ -e "$lock/in4" ] &&
		"$PIDTRACE" show -D "$CR_DIR/img" | grep -q "^network lock $lock: held"; then
		pass failed_restore_keeps_lock
	else
		fail failed_restore_keeps_lock "exit status $rc, lock '$lock' $(ls "$lock" 2>&1): $(cat "$CR_DIR/r1.err")"
	fi
	if cr_restore; then
		pass again_restore
	else
		fail again_restore "$(jq -r '.error // empty' "$CR_DIR/restore.json" 2>/dev/null) $(tail -n 3 "$CR_DIR/restore.err")"
	fi
	if [ -n "$lock" ] && [ ! -e "$lock" ]; then
		pass restore_removes_lock
	else
		fail restore_removes_lock "lock '$lock' still there"
	fi
	cr_finish
	cr_read_all again_every_byte_read "$T/again.server" --rc
fi
cr_cleanup
wait "$SRV" 2>/dev/null
SRV=

# 2. An image given up: --unlock-only removes its lock, nothing restored.
if ! srv_client unlock; then
	fail unlock_start "$(cat "$T/unlock.server" "$CR_DIR/log" 2>/dev/null | head -n 5)"
elif ! cr_dump; then
	fail unlock_dump "$(tail -n 3 "$CR_DIR/dump.err")"
else
	lock=$("$PIDTRACE" show -D "$CR_DIR/img" --json | jq -r '.netlock.path // empty')
	out=$("$PIDTRACE" restore -D "$CR_DIR/img" --unlock-only 2>&1)
	rc=$?
	if [ "$rc" = 0 ] && [ -n "$lock" ] && [ ! -e "$lock" ] &&
		[ "$out" = "$CR_DIR/img: network lock $lock removed: the peers of its TCP connections are answered with resets from now on" ] &&
		"$PIDTRACE" show -D "$CR_DIR/img" | grep -q "^network lock $lock: gone" &&
		! kill -0 "$CR_PID" 2>/dev/null; then
		pass unlock_only_removes_lock
	else
		fail unlock_only_removes_lock "exit status $rc, lock '$lock': $out"
	fi
	out=$("$PIDTRACE" restore -D "$CR_DIR/img" --unlock-only 2>&1)
	rc=$?
	if [ "$rc" = 0 ] && [ "$out" = "$CR_DIR/img: network lock $lock: gone already" ]; then
		pass unlock_only_again
	else
		fail unlock_only_again "exit status $rc: $out"
	fi
fi
cr_cleanup
kill "$SRV" 2>/dev/null
wait "$SRV" 2>/dev/null
SRV=

# 3. --leave-running and a failed dump leave no lock, and the tree's connection works on.
if ! srv_client leave; then
	fail leave_start "$(cat "$T/leave.server" "$CR_DIR/log" 2>/dev/null | head -n 5)"
else
	"$PIDTRACE" dump -t "$CR_PID" -D "$CR_DIR/img" --leave-running >/dev/null 2>"$CR_DIR/dump.err"
	rc=$?
	if [ "$rc" = 0 ] && [ -z "$(locks_of "$CR_PID")" ] &&
		[ -z "$("$PIDTRACE" show -D "$CR_DIR/img" --json | jq -r '.netlock // empty')" ]; then
		pass leave_running_no_lock
	else
		fail leave_running_no_lock "exit status $rc, locks: $(locks_of "$CR_PID") $(cat "$CR_DIR/dump.err")"
	fi
	rm -rf "$CR_DIR/img2"
	PIDTRACE_FAULT=commit "$PIDTRACE" dump -t "$CR_PID" -D "$CR_DIR/img2" >/dev/null 2>"$CR_DIR/dump2.err"
	rc=$?
	if [ "$rc" = 1 ] && [ -z "$(locks_of "$CR_PID")" ] && kill -0 "$CR_PID"; then
		pass failed_dump_no_lock
	else
		fail failed_dump_no_lock "exit status $rc, locks: $(locks_of "$CR_PID") $(cat "$CR_DIR/dump2.err")"
	fi
	cr_term "$CR_PID"
	cr_read_all leave_every_byte_read "$T/leave.server"
fi
cr_cleanup
