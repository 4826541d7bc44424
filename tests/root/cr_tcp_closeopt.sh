#!/usr/bin/env bash
# cr_tcp_closeopt: CRIU's --tcp-close, ours (tests/progs/zdtm_tcpclosed):
#  - dump --tcp-close: the connections (established with bytes unread,
#    half closed, IPv6) are not saved: the image holds them as closed
#    sockets, unbound and shut down both ways, and no connection state;
#    restored, each is closed (state CLOSE, end of stream, POLLHUP, EPIPE,
#    no port) and the listener still accepts;
#  - the same connections dumped as usual and restored with --tcp-close:
#    the same closed sockets (and the restore's verification checks them
#    so);
#  - without the option the same program is restored with its
#    connections alive, so its checks fail: the option is what closes them.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root

# dump_with NAME ARG..: start zdtm_tcpclosed, dump it with ARGs.
dump_with() {
	local name=$1
	shift
	if ! cr_start "$name" zdtm_tcpclosed; then
		fail "${name}_start" "the program did not start"
		return 1
	fi
	if ! "$PIDTRACE" dump -t "$CR_PID" -D "$CR_DIR/img" "$@" >"$CR_DIR/dump.out" 2>"$CR_DIR/dump.err"; then
		fail "${name}_dump" "$(cat "$CR_DIR/dump.err")"
		return 1
	fi
	wait_for 10 cr_gone "$CR_REAPER" || return 1
	wait "$CR_REAPER" 2>/dev/null
	CR_REAPER=
	pass "${name}_dump"
}

if dump_with dumpclose --tcp-close; then
	cr_show_has dumpclose_show '[.tasks[].fds[].inet | select(.proto == "tcp")] |
		(map(select(.listening)) | length == 1) and
		(map(select(.listening | not)) | length == 6 and
		 all(.state == "closed" and .port == 0 and .shutdown == "read-write" and .tcp == null))'
	cr_restore_verify dumpclose
fi
cr_cleanup

if dump_with restoreclose; then
	cr_show_has restoreclose_show '[.tasks[].fds[].inet | select(.tcp)] | length == 6'
	cr_restore_verify restoreclose --tcp-close
fi
cr_cleanup

# The same without the option: the connections come back alive.
if dump_with restoreopen; then
	if cr_restore; then
		cr_finish
		if grep -q '^FAIL: client: TCP state 1, not closed' "$CR_DIR/log"; then
			pass restoreopen_verify
		else
			fail restoreopen_verify "$(grep -E '^(FAIL|PASS)' "$CR_DIR/log" | tail -n 2)"
		fi
	else
		fail restoreopen_restore "$(jr '.error // empty') $(tail -n 2 "$CR_DIR/restore.err")"
	fi
fi
cr_cleanup
