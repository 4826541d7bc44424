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
#    test's own where an nftables rule drops what comes from its peer's
#    port: the dump's probe and the restore's replay of the peer's FIN go
#    through a moment's accept rule for pidtrace's mark (tcp_fwpass.h):
#    dumped, restored with the rule still there, the rule set as it was
#    after each, the program reads its byte and the end of the stream.
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
		before=$(nsx nft list ruleset)
		if nsx "$PIDTRACE" dump -t "$CR_PID" -D "$CR_DIR/img" >/dev/null 2>"$CR_DIR/dump.err" &&
			wait_for 10 cr_gone "$CR_REAPER"; then
			pass firewalled_dump
			CR_REAPER=
			same firewalled_rules_dump "$(nsx nft list ruleset)" "$before"
			(cd "$CR_DIR" && exec nsenter -t "$NS" -n "$PIDTRACE" restore -D "$CR_DIR/img" \
				--json >"$CR_DIR/restore.json" 2>"$CR_DIR/restore.err") &
			CR_RESTORE=$!
			if wait_for 30 cr_reported && [ "$(jr .ok)" = true ]; then
				pass firewalled_restore
				same firewalled_rules_restore "$(nsx nft list ruleset)" "$before"
				CR_PID=$(jr '.host_pids[0]')
				cr_finish
				if [ "$CR_RC" = 0 ] && grep -q '^PASS' "$CR_DIR/log"; then
					pass firewalled_verify
				else
					fail firewalled_verify "exit status $CR_RC: $(grep -E '^(FAIL|PASS)' "$CR_DIR/log")"
				fi
			else
				fail firewalled_restore "$(jr '.error // empty') $(tail -n 2 "$CR_DIR/restore.err")"
			fi
		else
			fail firewalled_dump "$(cat "$CR_DIR/dump.err")"
		fi
		nsx nft delete table inet zdtm_fw
	fi
fi
cr_cleanup
ns_stop
