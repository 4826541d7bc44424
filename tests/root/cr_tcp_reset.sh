#!/usr/bin/env bash
# cr_tcp_reset: TCP connections closed by a reset (zdtm socket-tcp-reseted;
# tests/progs/zdtm_tcpreset: its clients close with SO_LINGER 0):
#  - dumped, each is in the image closed by a reset, its error pending
#    (ECONNRESET, IPv4 and IPv6) or read by the program already (0);
#    restored, each reads its unread bytes, then the error once, then
#    the end of the stream, polls POLLERR only while the error is there,
#    and cannot write (the restore's verification compares SOCK_DONE,
#    the pending error, the soft error and the shutdown bits, read
#    without taking the error, with the image);
#  - a restore that takes a pending error (test fault
#    restore-take-reset-error) fails its verification, naming the fd;
#  - without the BPF iterator (test fault tcp-skerr-read), a socket
#    closed with no error pending (by FINs, or by a reset whose error was
#    read: only the iterator tells) is refused at dump, and the restore's
#    verification fails instead of checking nothing;
#  - dump --leave-running does not take the error: the program still
#    reads it afterwards (SO_ERROR would have cleared it).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root

cr_roundtrip_show reset zdtm_tcpreset \
	'errors=[.tasks[].fds[].inet | select(.tcp) | [.family, .tcp.reset_err, .tcp.inq_bytes]] | sort ==
		[["inet", 0, 2], ["inet", 104, 3], ["inet6", 104, 6]]' \
	'closed=[.tasks[].fds[].inet | select(.tcp) | .state] | unique == ["closed"]'

# The verification reads the restored sockets' errors the same way: a
# restore that takes a pending error (a test fault) fails, rolled back,
# naming the fd; the image restores as it should afterwards.
if ! cr_start errfault zdtm_tcpreset || ! cr_dump; then
	fail errfault_dump "$(tail -n 3 "$CR_DIR/dump.err" 2>/dev/null)"
else
	if PIDTRACE_FAULT=restore-take-reset-error cr_restore; then
		fail errfault "restored with the reset's error taken"
	elif jq -r .error "$CR_DIR/restore.json" | grep -Eq "^verify: pid $CR_PID: fd [0-9]+: pending socket error 104 in the image, 0 after restore"; then
		pass errfault
	else
		fail errfault "$(jq -r .error "$CR_DIR/restore.json" 2>/dev/null) $(tail -n 2 "$CR_DIR/restore.err")"
	fi
	cr_restore_verify errafter
fi
cr_cleanup

# Without the iterator at dump: the Nth socket read is the one whose
# error the program read (N is the fd order): its refusal says why.
got=
for n in 1 2 3 4; do
	cr_start noiter zdtm_tcpreset || break
	PIDTRACE_FAULT=tcp-skerr-read@$n "$PIDTRACE" dump -t "$CR_PID" -D "$CR_DIR/img" \
		>"$CR_DIR/dump.out" 2>"$CR_DIR/dump.err"
	if grep -Eq "^pidtrace: dump: pid $CR_PID fd [0-9]+: TCP socket 127\.0\.0\.1:[0-9]+ \(closed after a connection, by FINs or by a reset whose error was read: only a BPF iterator tells which \(Input/output error\)\) is not supported" "$CR_DIR/dump.err"; then
		got=$n
		cr_passes noiter_untouched
		break
	fi
	cr_cleanup
done
if [ -n "$got" ]; then pass noiter_refused; else fail noiter_refused "$(cat "$CR_DIR/dump.err")"; fi
cr_cleanup

# Without it at restore: the verification cannot read how a socket closed.
if ! cr_start noiterv zdtm_tcpreset || ! cr_dump; then
	fail noiterv_dump "$(tail -n 3 "$CR_DIR/dump.err" 2>/dev/null)"
else
	if PIDTRACE_FAULT=tcp-skerr-read cr_restore; then
		fail noiterv "restored, unchecked"
	elif jq -r .error "$CR_DIR/restore.json" | grep -Eq "^verify: pid $CR_PID: cannot read fd [0-9]+: how its TCP socket closed \(BPF iterator\): Input/output error"; then
		pass noiterv
	else
		fail noiterv "$(jq -r .error "$CR_DIR/restore.json" 2>/dev/null) $(tail -n 2 "$CR_DIR/restore.err")"
	fi
	cr_restore_verify noiterv_after
fi
cr_cleanup

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
