#!/usr/bin/env bash
# cr_sigwait: a task asleep in a call that swaps its signal mask for the
# call's time (rt_sigsuspend, ppoll, pselect6) or in a read() that a
# signal without SA_RESTART ends with EINTR, when pidtrace stops it. The kernel keeps the task's own mask aside until the call
# returns, and decides on the way out whether the call is restarted or
# returns EINTR (a handler ran). pidtrace must leave both decisions to the
# kernel, after a dump that lets the task go as after a restore:
# - the mask the program had outside the call comes back, not the call's
#   temporary one (`*_mask`: the program checks SIGUSR1 is still blocked);
# - a signal that arrives before the task is back in the call wakes it,
#   the call returning EINTR (`*_stopped`: the task is group-stopped in
#   the call, SIGTERM is queued while it is stopped, then SIGCONT: without
#   the kernel's own restart the handler runs and the call sleeps on).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root

declare -A nr=([sigsuspend]=130 [ppoll]=271 [pselect]=270 [read]=0)

# in_call PID NR: the task sleeps in syscall NR.
in_call() { [ "$(cut -d' ' -f1 "/proc/$1/syscall" 2>/dev/null)" = "$2" ]; }
stopped() { [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" = T ]; }

# expect_pass CASE: the program printed PASS (within 20 s).
expect_pass() {
	if wait_for 20 grep -q '^PASS' "$CR_DIR/log"; then
		pass "$1"
	else
		fail "$1" "no PASS: $(tr '\n' ' ' <"$CR_DIR/log"); $(grep -E '^(State|SigBlk|SigPnd):' "/proc/$CR_PID/status" 2>&1 | tr '\n' ' ')"
	fi
}

# start NAME HOW: the program asleep in its call.
start() {
	if ! cr_start "$1" zdtm_sigwait "$2"; then
		fail "$1" "the program did not start: $(cat "$CR_DIR/log")"
		return 1
	fi
	wait_for 10 in_call "$CR_PID" "${nr[$2]}"
}

leave() {
	"$PIDTRACE" dump -t "$CR_PID" -D "$CR_DIR/img" --leave-running >/dev/null 2>"$CR_DIR/dump.err" ||
		{ fail "$1" "dump: $(cat "$CR_DIR/dump.err")"; return 1; }
}

for how in sigsuspend ppoll pselect read; do
	# After dump --leave-running: back in the call with its own mask aside.
	if start "leave_mask_$how" "$how"; then
		if leave "leave_mask_$how"; then
			wait_for 10 in_call "$CR_PID" "${nr[$how]}"
			kill -TERM "$CR_PID"
			expect_pass "leave_mask_$how"
		fi
		cr_cleanup
	fi

	# After dump --leave-running of the task stopped in the call: SIGTERM
	# while stopped, then SIGCONT.
	if start "leave_stopped_$how" "$how"; then
		kill -STOP "$CR_PID"
		wait_for 10 stopped "$CR_PID"
		if leave "leave_stopped_$how"; then
			kill -TERM "$CR_PID"
			kill -CONT "$CR_PID"
			expect_pass "leave_stopped_$how"
		fi
		cr_cleanup
	fi

	# Restored: the same two.
	if start "restore_mask_$how" "$how"; then
		if ! cr_dump; then
			fail "restore_mask_$how" "dump: $(cat "$CR_DIR/dump.err")"
		elif ! cr_restore; then
			fail "restore_mask_$how" "restore: $(cat "$CR_DIR/restore.err")"
		else
			wait_for 10 in_call "$CR_PID" "${nr[$how]}"
			kill -TERM "$CR_PID"
			expect_pass "restore_mask_$how"
		fi
		cr_cleanup
	fi

	if start "restore_stopped_$how" "$how"; then
		kill -STOP "$CR_PID"
		wait_for 10 stopped "$CR_PID"
		if ! cr_dump; then
			fail "restore_stopped_$how" "dump: $(cat "$CR_DIR/dump.err")"
		elif ! cr_restore; then
			fail "restore_stopped_$how" "restore: $(cat "$CR_DIR/restore.err")"
		else
			wait_for 10 stopped "$CR_PID"
			kill -TERM "$CR_PID"
			kill -CONT "$CR_PID"
			expect_pass "restore_stopped_$how"
		fi
		cr_cleanup
	fi
done
