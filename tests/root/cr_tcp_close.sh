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
#    port, the flags as they were, connections accepted;
#  - firewalled: a connection in CLOSE_WAIT in a network namespace of the
#    test's own where a firewall rule drops what comes from its peer's
#    port: restore could not replay the peer's FIN, so dump refuses in one
#    line and the program runs on untouched.
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

# A firewall rule that would drop the replayed FIN: refused, untouched.
NS=''
ns_stop() {
	[ -n "$NS" ] && kill -9 "$NS" 2>/dev/null && wait "$NS" 2>/dev/null
	NS=''
}
at_exit ns_stop
unshare -n sleep 600 &
NS=$!
sleep 0.2
nsx() { nsenter -t "$NS" -n "$@"; }
if ! nsx ip link set lo up; then
	fail firewalled_netns "no network namespace of our own"
else
	CR_DIR=$T/firewalled
	mkdir -p "$CR_DIR"
	(cd "$CR_DIR" && exec nsenter -t "$NS" -n "$PROGS/cr_reaper" "$PROGS/zdtm_tcp" closewait \
		>"$CR_DIR/log" 2>&1 </dev/null) &
	CR_REAPER=$!
	if ! wait_for 10 cr_ready; then
		fail firewalled_start "$(cat "$CR_DIR/log")"
	else
		CR_PID=$(sed -n 's/^READY pid=\([0-9]*\).*/\1/p' "$CR_DIR/log")
		port=$(sed -n 's/^PORTS tcp=//p' "$CR_DIR/log")
		nsx nft -f - <<NFT
table inet zdtm_fw {
	chain in {
		type filter hook input priority 0; policy accept;
		tcp sport $port drop
	}
}
NFT
		nsx "$PIDTRACE" dump -t "$CR_PID" -D "$CR_DIR/img" >/dev/null 2>"$CR_DIR/dump.err"
		rc=$?
		nsx nft delete table inet zdtm_fw
		if [ "$rc" = 1 ] && [ "$(wc -l <"$CR_DIR/dump.err")" = 1 ] &&
			grep -Eq "^pidtrace: dump: pid $CR_PID fd [0-9]+: TCP connection 127\.0\.0\.1:[0-9]+ -> 127\.0\.0\.1:$port \(close-wait\), where no segment from its peer's address arrives \(a firewall rule\?\), is not supported: restore replays the peer's FIN or ACK that way$" "$CR_DIR/dump.err"; then
			pass firewalled_refused
		else
			fail firewalled_refused "exit status $rc: $(cat "$CR_DIR/dump.err")"
		fi
		cr_passes firewalled_untouched
	fi
fi
cr_cleanup
ns_stop
