#!/usr/bin/env bash
# cr_packet: packet sockets survive dump -> kill -> restore (kind_packet.c):
# raw, datagram and SOCK_PACKET sockets, bound to lo or not, with
# TPACKET_V2/V3, receive and transmit rings, memberships, a fanout group,
# auxdata, origdev, reserve, a socket filter (zdtm_packet.c checks each,
# and receives an IP packet on the restored datagram socket). `pidtrace
# show` tells them (plain, JSON); restore's verification counts them.
# Rings mapped into the task, shared and privately (zdtm packet_sock_mmap):
# mapped again at the same address from the restored socket, where the
# program then receives a packet through the mapping; verification
# compares the mapping (the socket's inode behind the restored fd).
# Refused at dump, the tree left running and its packets still there: a
# packet queued, a ring frame not released, half a ring mapped, a ring
# mapped privately with a page written (the program's copy). Damaged
# records: the image check's line. In a network namespace of its own
# (a quiet lo).
if [ -z "${CR_PACKET_NETNS:-}" ]; then
	CR_PACKET_NETNS=1 exec unshare -n "$0" "$@"
fi
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root


ip link set lo up

if ! cr_start rt zdtm_packet; then
	fail rt_start "the program did not start"
elif ! cr_dump; then
	fail rt_dump "$(tail -n 3 "$CR_DIR/dump.err")"
else
	pass rt_dump
	cr_show_has rt_show_types '[.tasks[].fds[] | select(.packet) | [.type, .packet.sk_type, .packet.bound_protocol, .packet.ifindex]] ==
		[["packet", "raw", 0, 0], ["packet", "dgram", 2048, 1], ["packet", "raw", 34998, 1],
		 ["packet", "spkt", 34999, 0], ["packet", "spkt", 35000, 0]]'
	cr_show_has rt_show_rings '[.tasks[].fds[].packet | select(.) | [.options.PACKET_VERSION, .rx_ring.block_nr, .tx_ring.block_size]] ==
		[[1, 4, null], [0, null, 8192], [2, 2, null], [null, null, null], [null, null, null]]'
	cr_show_has rt_show_opts '[.tasks[].fds[].packet | select(.sk_type == "dgram") | [.options.PACKET_RESERVE, .options.PACKET_ORIGDEV, .fanout, .memberships, .sk_filter]] ==
		[[8, 1, 77, [{"ifindex": 1, "type": 3, "alen": 6}], {"insns": 1, "locked": false}]]'
	cr_show_has rt_show_dev '[.tasks[].fds[].packet | select(.sk_type == "spkt") | .dev] == ["lo", null]'
	"$PIDTRACE" show -D "$CR_DIR/img" >"$CR_DIR/show.txt" 2>&1
	if grep -Eq "socket:\[[0-9]+\] packet raw, protocol 0x0000, TPACKET_V2, rx ring 4x4096, 1 membership, AUXDATA$" "$CR_DIR/show.txt" &&
		grep -Eq "socket:\[[0-9]+\] packet dgram, protocol 0x0800, interface 1, tx ring 2x8192, 1 membership, fanout group 77 type 0, ORIGDEV, filter of 1 instruction$" "$CR_DIR/show.txt" &&
		grep -Eq "socket:\[[0-9]+\] packet spkt, protocol 0x88b7, device lo$" "$CR_DIR/show.txt"; then
		pass rt_show_plain
	else
		fail rt_show_plain "$(grep packet "$CR_DIR/show.txt" | head -n 6)"
	fi
	cr_restore_verify rt
	same rt_verified_sockopts "$(jq '.verified.sockopts >= 80' "$CR_DIR/restore.json" 2>/dev/null)" true
fi
cr_cleanup

# refused NAME PATTERN: zdtm_packet NAME is refused, in one line.
refused() {
	if cr_start "$1" zdtm_packet "$1"; then
		cr_refused "$1" "$2"
	else
		fail "$1_start" "the program did not start"
	fi
	cr_cleanup
}
refused queued "pid [0-9]+ fd [0-9]+: packet dgram socket \\(protocol 0x0800, interface 1\\) with packets queued \\([0-9]+ bytes of receive buffer\\) is not supported"
refused held "pid [0-9]+ fd [0-9]+: packet dgram socket \\(protocol 0x0800, interface 1\\) with [0-9]+ ring frames? held by the program or queued to send is not supported"
refused written "pid [0-9]+: mapping [0-9a-f]+-[0-9a-f]+ of socket:\\[[0-9]+\\]: a privately mapped packet ring with a page the program wrote is not supported"
refused part "pid [0-9]+: mapping [0-9a-f]+-[0-9a-f]+ of socket:\\[[0-9]+\\]: a part of a packet ring \\(not the whole ring from offset 0\\) is not supported"

# A ring mapped (shared, and privately as zdtm packet_sock_mmap): a round
# trip; the image has the whole ring's mapping and none of its pages.
for m in mapped private; do
	if ! cr_start "$m" zdtm_packet "$m"; then
		fail "${m}_start" "the program did not start"
	elif ! cr_dump; then
		fail "${m}_dump" "$(tail -n 3 "$CR_DIR/dump.err")"
	else
		pass "${m}_dump"
		sh=$([ "$m" = mapped ] && echo true || echo false)
		cr_show_has "${m}_show_ring" "[.tasks[].vmas[] | select(.name | startswith(\"socket:[\")) | [.size, .pgoff, .dumped_pages, .shared]] == [[8192, 0, 0, $sh]]"
		cr_restore_verify "$m"
	fi
	cr_cleanup
done

# A damaged entry: bad NAME SELECT FIELD VALUE MESSAGE (what follows "packet socket fd N").
GOOD=$T/rt/img
bad() {
	show_bad_fd "bad_$1" "$GOOD" ".packet != null and ($2)" "$3" "$4" "packet socket " "$5"
}
DGRAM='.packet.sk_type == "dgram"'
RAW='.packet.sk_type == "raw" and .packet.ifindex == 0'
bad type "$DGRAM" packet_sk.sk_type 5 ": socket type 5"
bad version "$RAW" packet_sk.version 7 ": version 7"
bad fanout "$DGRAM" packet_sk.fanout 0x6004d ": fanout 0x6004d"
bad ring "$RAW" packet_sk.rx_ring.block_size 0 ": a ring of no size or over 4 GiB"
bad filter "$DGRAM" sk_filter.prog 5 ": socket filter of 5 bytes"
