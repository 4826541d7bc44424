#!/usr/bin/env bash
# cr_tcp_window: a TCP connection whose receive window is closed, its
# peer outside the tree with bytes still to send (zdtm_tcpwin): between
# the dump and the restore the peer's window probes would meet no socket
# and be answered with a reset, so the restored connection could only
# fail. Dump refuses it in one line, the tree left running; the program
# then reads every byte the peer sent, to the end of the stream.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root

"$PROGS/zdtm_tcpwin" server >"$T/server.log" 2>&1 &
srv=$!
at_exit "kill $srv 2>/dev/null"
if ! wait_for 10 grep -q '^PORT ' "$T/server.log"; then
	fail window_server "$(cat "$T/server.log")"
	exit 0
fi
port=$(sed -n 's/^PORT //p' "$T/server.log")
if cr_start window zdtm_tcpwin client "$port" && wait_for 30 grep -q '^FILLED ' "$T/server.log"; then
	cr_refused window "pid $CR_PID fd [0-9]+: TCP connection 127\\.0\\.0\\.1:[0-9]+ -> 127\\.0\\.0\\.1:$port \\(established\\) with its receive window closed and its peer outside the dumped tree is not supported: the peer's window probes between the dump and the restore would be answered with a reset"
	filled=$(sed -n 's/^FILLED //p' "$T/server.log")
	if grep -q "^READ $filled\$" "$CR_DIR/log"; then
		pass window_every_byte_read
	else
		fail window_every_byte_read "server wrote $filled: $(grep -E '^(READ|FAIL)' "$CR_DIR/log")"
	fi
else
	fail window_start "$(cat "$T/server.log" "$CR_DIR/log" 2>/dev/null | head -n 5)"
fi
cr_cleanup
