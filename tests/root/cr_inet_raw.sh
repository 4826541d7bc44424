#!/usr/bin/env bash
# cr_inet_raw: the inet sockets beside TCP and UDP survive dump -> kill ->
# restore (kind_inet.c), with their socket filters (sk_filter.c): raw
# sockets of protocols ICMP, ICMPv6, UDP and 6 (bound or not, with
# IP_HDRINCL, IP_TTL, IP_FREEBIND, the ICMP type filters), ICMP ping
# sockets (the echo identifier kept: the echo is answered after), UDP-lite
# (connected, its checksum coverage), a UDP socket connected to port 0, a
# classic BPF filter locked on a raw socket and one that drops everything
# on a UDP socket (zdtm_inet_raw.c checks each). `pidtrace show` tells
# them (plain, JSON). A raw socket with packets queued is refused, the
# packets still there after, and so is a ping socket pidtrace could not
# make again (net.ipv4.ping_group_range). Damaged records: the image check's line.
# In a network namespace of its own, whose ping_group_range lets root make
# ping sockets.
if [ -z "${CR_INET_RAW_NETNS:-}" ]; then
	CR_INET_RAW_NETNS=1 exec unshare -n "$0" "$@"
fi
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root

field() { sed -n "s/^.*$1=\([0-9]*\).*/\1/p" "$CR_DIR/log" | head -n 1; }

ip link set lo up
echo "0 2147483647" >/proc/sys/net/ipv4/ping_group_range

if ! cr_start rt zdtm_inet_raw; then
	fail rt_start "the program did not start"
elif ! cr_dump; then
	fail rt_dump "$(tail -n 3 "$CR_DIR/dump.err")"
else
	pass rt_dump
	id=$(field ping_id) lport=$(field udplite_port)
	cr_show_has rt_show_raw '[.tasks[].fds[].inet | select(.proto == "raw") | [.family, .protocol, .addr]] ==
		[["inet", 1, "127.0.0.7"], ["inet6", 58, "::"], ["inet", 17, "0.0.0.0"], ["inet6", 6, "::"]]'
	cr_show_has rt_show_raw_opts '[.tasks[].fds[].inet | select(.proto == "raw" and .protocol == 17) | .options] ==
		[{"IP_TTL": 33, "IP_HDRINCL": 1}] and
		([.tasks[].fds[].inet | select(.proto == "raw" and .protocol == 17) | .freebind] == [true])'
	cr_show_has rt_show_icmp_filter '[.tasks[].fds[].inet | select(.proto == "raw" and (.protocol == 1 or .protocol == 58)) | .options | keys[]] ==
		["ICMP_FILTER", "ICMPV6_FILTER"]'
	cr_show_has rt_show_ping "[.tasks[].fds[].inet | select(.proto == \"icmp\") | [.family, .port]] ==
		[[\"inet\", $id], [\"inet6\", 0]]"
	cr_show_has rt_show_udplite "[.tasks[].fds[].inet | select(.proto == \"udplite\") | .port] | index($lport) != null"
	cr_show_has rt_show_port0 '[.tasks[].fds[].inet | select(.proto == "udp" and .peer_port == 0) | .peer_addr] == ["127.0.0.1"]'
	cr_show_has rt_show_filters '[.tasks[].fds[].inet.sk_filter | select(.)] == [{"insns": 4, "locked": true}, {"insns": 1, "locked": false}]'
	"$PIDTRACE" show -D "$CR_DIR/img" >"$CR_DIR/show.txt" 2>&1
	if grep -Eq "socket:\[[0-9]+\] raw IP 127\.0\.0\.7, protocol 1, filter of 4 instructions, locked, ICMP_FILTER " "$CR_DIR/show.txt" &&
		grep -Eq "socket:\[[0-9]+\] ICMP 127\.0\.0\.1:$id$" "$CR_DIR/show.txt" &&
		grep -Eq "socket:\[[0-9]+\] UDP-lite 127\.0\.0\.1:$lport -> 127\.0\.0\.1:[0-9]+, UDPLITE_SEND_CSCOV 20$" "$CR_DIR/show.txt"; then
		pass rt_show_plain
	else
		fail rt_show_plain "$(grep -E 'raw|ICMP|UDP' "$CR_DIR/show.txt" | head -n 12)"
	fi
	cr_restore_verify rt
	same rt_verified_sockopts "$(jq '.verified.sockopts >= 150' "$CR_DIR/restore.json" 2>/dev/null)" true
fi
cr_cleanup

# Packets queued in a raw socket: refused, and still there after.
if cr_start queued zdtm_inet_raw queued; then
	cr_refused queued \
		"pid $CR_PID fd [0-9]+: raw IP socket 0\\.0\\.0\\.0:1 with packets queued \\([0-9]+ bytes of receive buffer\\) is not supported"
else
	fail queued_start "the program did not start"
fi
cr_cleanup

# A ping socket pidtrace could not make again (ping_group_range no longer
# covers its group): refused in one line, the socket working on after.
if cr_start pingrange zdtm_inet_raw; then
	echo "1 0" >/proc/sys/net/ipv4/ping_group_range
	cr_refused pingrange \
		"pid $CR_PID fd [0-9]+: ICMP socket 127\\.0\\.0\\.1:[0-9]+ \\(protocol 1\\) that pidtrace cannot make again \\(Permission denied: net\\.ipv4\\.ping_group_range\\) is not supported"
	echo "0 2147483647" >/proc/sys/net/ipv4/ping_group_range
else
	fail pingrange_start "the program did not start"
fi
cr_cleanup

# A damaged entry: bad NAME SELECT FIELD VALUE MESSAGE (SELECT: jq filter of
# the fd; MESSAGE: what follows "fd N: ").
GOOD=$T/rt/img
bad() { show_bad_fd "bad_$1" "$GOOD" ".inet != null and ($2)" "$3" "$4" "" ": $5"; }
RAW='.inet.proto == "raw" and .inet.protocol == 1'
PING='.inet.proto == "icmp" and .inet.family == "inet"'
bad raw_port "$RAW" inet_sk.src_port 80 "raw IP socket of protocol 1 with port 80"
bad ping_type "$PING" inet_sk.sk_type 5 "inet socket of type 5 protocol 1"
bad dgram_proto "$PING" inet_sk.protocol 300 "inet socket of type 2 protocol 300"
# A bytes field takes a number: its length (the program cut to 3 bytes).
bad filter_len "$RAW" sk_filter.prog 3 "socket filter of 3 bytes"
