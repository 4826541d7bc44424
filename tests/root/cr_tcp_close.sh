#!/usr/bin/env bash
# cr_tcp_close: TCP connections half or fully closed survive dump -> kill
# -> restore (tests/progs/zdtm_tcp_close):
#  - local4, local6: both ends in the tree, over 127.0.0.1 and [::1]: a
#    half-closed connection (FIN_WAIT2 / CLOSE_WAIT), a FIN queued behind
#    unread bytes (FIN_WAIT1), LAST_ACK and CLOSING with their FINs unsent,
#    a connection shut down for reading, and one that ended both ways
#    (both sockets closed, bytes unread). After restore every end is
#    in its state, the half-closed side reads the end of the stream, the
#    other still sends, every byte comes in order;
#  - the image says so (show: the states, the FIN unsent);
#  - ext: an end in the tree whose peer outside the tree shut down
#    (CLOSE_WAIT: the peer's FIN is made again from a raw socket), and one
#    that shut down itself (FIN_WAIT2: the peer's ACK likewise); the peer
#    receives what the restored ends send and sends on;
#  - reuseport: two listeners sharing a port through SO_REUSEPORT, one of
#    them with the flag cleared after listening: both restored on the
#    port, the flags as they were, connections accepted.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root

SRV='' SRV_DIR=''
srv_stop() {
	[ -n "$SRV" ] && kill -9 "$SRV" 2>/dev/null && wait "$SRV" 2>/dev/null
	SRV=''
}
at_exit srv_stop

CR_SHOW_CHECKS=("states=[.tasks[].fds[].inet | select(.tcp) | .state] | sort ==
		[\"close-wait\", \"closed\", \"closed\", \"closing\", \"established\",
		 \"established\", \"established\",
		 \"fin-wait-1\", \"fin-wait-2\", \"fin-wait-2\", \"fin-wait-2\", \"last-ack\"]"
	"finunsent=[.tasks[].fds[].inet | select(.tcp) | select(.tcp.fin_unsent) | .state] | sort ==
		[\"closing\", \"fin-wait-1\", \"last-ack\"]"
	"shutrd=[.tasks[].fds[].inet | select(.tcp) | select(.state == \"established\" and .shutdown == \"read\")] | length == 1")
cr_roundtrip local4 zdtm_tcp_close local 4
CR_SHOW_CHECKS=()
cr_roundtrip local6 zdtm_tcp_close local 6

# Two listeners sharing a port (SO_REUSEPORT), the first with the flag
# cleared since.
cr_roundtrip reuseport zdtm_tcp_close reuseport

# A peer outside the tree.
SRV_DIR=$T/ext-server
mkdir -p "$SRV_DIR"
"$PROGS/zdtm_tcp_close" server >"$SRV_DIR/log" 2>&1 </dev/null &
SRV=$!
if ! wait_for 10 grep -q '^PORT' "$SRV_DIR/log"; then
	fail ext_server "the server did not start: $(cat "$SRV_DIR/log")"
elif ! cr_start ext zdtm_tcp_close ext "$(sed -n 's/^PORT //p' "$SRV_DIR/log")"; then
	fail ext_start "the program did not start"
elif ! cr_dump; then
	fail ext_dump "$(tail -n 3 "$CR_DIR/dump.err")"
else
	pass ext_dump
	cr_restore_verify ext
	if wait_for 20 grep -q 'PASS\|FAIL' "$SRV_DIR/log" && grep -q '^SERVER PASS$' "$SRV_DIR/log"; then
		pass ext_server
	else
		fail ext_server "$(tail -n 2 "$SRV_DIR/log")"
	fi
fi
cr_cleanup
srv_stop
