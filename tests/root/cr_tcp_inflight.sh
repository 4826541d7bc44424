#!/usr/bin/env bash
# cr_tcp_inflight: dump --skip-in-flight (CRIU's option, ours): a TCP
# listener with a connection not accepted yet (its client in the tree,
# tests/progs/zdtm_tcpinflight) is saved without it; restored, the
# listener has nothing to accept and takes new connections. Without the
# option the same listener is refused in one line, the tree untouched.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root

if cr_start refused zdtm_tcpinflight kept; then
	cr_refused inflight "pid $CR_PID fd [0-9]+: listening TCP socket 127\\.0\\.0\\.1:[0-9]+ with 1 pending connection is not supported"
else
	fail inflight_start "the program did not start"
fi
cr_cleanup

if ! cr_start skip zdtm_tcpinflight; then
	fail skip_start "the program did not start"
elif ! "$PIDTRACE" dump -t "$CR_PID" -D "$CR_DIR/img" --skip-in-flight >"$CR_DIR/dump.out" 2>"$CR_DIR/dump.err"; then
	fail skip_dump "$(cat "$CR_DIR/dump.err")"
else
	pass skip_dump
	wait_for 10 cr_gone "$CR_REAPER"
	wait "$CR_REAPER" 2>/dev/null
	CR_REAPER=
	cr_restore_verify skip
fi
cr_cleanup
