#!/usr/bin/env bash
# cr_tcp_reset: TCP connections closed by a reset (zdtm socket-tcp-reseted;
# tests/progs/zdtm_tcpreset: its clients close with SO_LINGER 0):
#  - dumped, each is in the image closed by a reset, its error pending
#    (ECONNRESET, IPv4 and IPv6) or read by the program already (0);
#    restored, each reads its unread bytes, then the error once, then
#    the end of the stream, polls POLLERR only while the error is there,
#    and cannot write (the restore's verification compares SOCK_DONE and
#    the pending error, read without taking it, with the image);
#  - dump --leave-running does not take the error: the program still
#    reads it afterwards (SO_ERROR would have cleared it).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root

cr_roundtrip_show reset zdtm_tcpreset \
	'errors=[.tasks[].fds[].inet | select(.tcp) | [.family, .tcp.reset_err, .tcp.inq_bytes]] | sort ==
		[["inet", 0, 2], ["inet", 104, 3], ["inet6", 104, 6]]' \
	'closed=[.tasks[].fds[].inet | select(.tcp) | .state] | unique == ["closed"]'

if cr_start leave zdtm_tcpreset; then
	if "$PIDTRACE" dump -t "$CR_PID" -D "$CR_DIR/img" --leave-running >"$CR_DIR/dump.out" \
		2>"$CR_DIR/dump.err"; then
		pass leave_dump
		cr_passes leave_error_kept
	else
		fail leave_dump "$(tail -n 2 "$CR_DIR/dump.err")"
	fi
else
	fail leave_start "the program did not start"
fi
cr_cleanup
