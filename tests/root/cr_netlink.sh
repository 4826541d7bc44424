#!/usr/bin/env bash
# cr_netlink: netlink sockets survive dump -> kill -> restore (kind_netlink.c):
# a NETLINK_ROUTE socket bound by the kernel in groups 21, 22 and 34 with
# options, one never bound, a NETLINK_KOBJECT_UEVENT socket bound to an
# explicit port id in group 32, one connected to it, a NETLINK_GENERIC
# datagram socket; the restored program finds the same port ids, groups,
# destination and options, gets its RTM_GETLINK dump answered and its
# message delivered. `pidtrace show` describes each (plain and JSON). A
# restore beside the still running original (--pidns) fails on the port
# id in use, in one line, rolled back. A socket with an unread message is
# refused at dump, the tree left running with the message still there; so
# is a NETLINK_AUDIT socket (the kernel may keep state for its port).
# A damaged netlink entry is refused by the image check in one line.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root

field() { sed -n "s/^READY .* $1=\([0-9]*\).*/\1/p" "$CR_DIR/log" | head -n 1; }

# Round trip, with the image as show tells it.
if ! cr_start rt zdtm_netlink; then
	fail rt_start "the program did not start"
elif ! cr_dump; then
	fail rt_dump "$(tail -n 3 "$CR_DIR/dump.err")"
else
	pass rt_dump
	pid=$CR_PID port=$(field port) cport=$(field uconn_port)
	cr_show_has rt_show_route "[.tasks[].fds[].netlink | select(.protocol_name == \"route\")] |
		map([.port, .groups, .sk_type, .options.NETLINK_EXT_ACK, .options.NETLINK_GET_STRICT_CHK,
		     .options.NETLINK_NO_ENOBUFS, .options.NETLINK_PKTINFO, .connected]) ==
		[[$pid, [21, 22, 34], \"raw\", true, true, true, false, false],
		 [0, [], \"raw\", false, false, false, false, false]]"
	cr_show_has rt_show_uevent "[.tasks[].fds[].netlink | select(.protocol == 15)] |
		map([.port, .groups, .options.NETLINK_PKTINFO, .connected, .dst_port, .dst_group]) ==
		[[$port, [32], true, false, null, null], [$cport, [], false, true, $port, 32]]"
	cr_show_has rt_show_generic "[.tasks[].fds[].netlink | select(.protocol_name == \"generic\")] |
		map([.sk_type, .options.NETLINK_CAP_ACK]) == [[\"dgram\", true]]"
	cr_show_has rt_show_type "[.tasks[].fds[] | select(.netlink) | .type] == [\"netlink\", \"netlink\", \"netlink\", \"netlink\", \"netlink\"]"
	"$PIDTRACE" show -D "$CR_DIR/img" >"$CR_DIR/show.txt" 2>&1
	if grep -Eq "socket:\[[0-9]+\] netlink route, port $pid, groups 21,22,34, NO_ENOBUFS, EXT_ACK, GET_STRICT_CHK$" "$CR_DIR/show.txt" &&
		grep -Eq "socket:\[[0-9]+\] netlink kobject_uevent, port $cport, connected to port $port group 32$" "$CR_DIR/show.txt" &&
		grep -Eq "socket:\[[0-9]+\] netlink route, not bound$" "$CR_DIR/show.txt"; then
		pass rt_show_plain
	else
		fail rt_show_plain "$(grep -i netlink "$CR_DIR/show.txt" | head -n 5)"
	fi
	cr_restore_verify rt
	same rt_verified_sockopts "$(jq '.verified.sockopts >= 40' "$CR_DIR/restore.json" 2>/dev/null)" true
fi
cr_cleanup

# Beside the live original: the route socket's port id is in use.
if ! cr_start live zdtm_netlink; then
	fail live_start "the program did not start"
elif ! "$PIDTRACE" dump -t "$CR_PID" -D "$CR_DIR/img" --leave-running >/dev/null 2>"$CR_DIR/dump.err"; then
	fail live_dump "$(cat "$CR_DIR/dump.err")"
else
	fd=$("$PIDTRACE" show -D "$CR_DIR/img" --json | jq -r '[.tasks[].fds[] | select(.netlink)][0].fd')
	"$PIDTRACE" restore -D "$CR_DIR/img" --pidns >"$CR_DIR/out" 2>"$CR_DIR/err"
	same live_status "$?" 1
	same live_message "$(cat "$CR_DIR/err")" \
		"pidtrace: restore: files: pid $CR_PID fd $fd: netlink route socket (port $CR_PID): bind: Address already in use (rolled back)"
	# The original still has its sockets: it passes its own checks.
	cr_passes live_original_untouched
fi
cr_cleanup

# An unread message in the bound uevent socket: refused, and still there after.
if cr_start queued zdtm_netlink queued; then
	cr_refused queued \
		"pid $CR_PID fd [0-9]+: netlink kobject_uevent socket \\(port $(field port)\\) with unread messages \\([0-9]+ bytes queued\\) is not supported"
else
	fail queued_start "the program did not start"
fi
cr_cleanup

# A protocol whose kernel side may keep state for the socket: refused.
if cr_start audit zdtm_netlink audit; then
	cr_refused audit \
		"pid $CR_PID fd [0-9]+: netlink audit socket \\(not bound\\) is not supported: its kernel side may keep state for it that a new socket would not have"
else
	fail audit_start "the program did not start"
fi
cr_cleanup

# A damaged entry is refused by the image check, naming the file and the fd:
# bad NAME SELECT FIELD VALUE MESSAGE (SELECT: jq filter of the netlink fd;
# MESSAGE: what follows "netlink socket fd N").
GOOD=$T/rt/img
bad() {
	show_bad_fd "bad_$1" "$GOOD" ".netlink != null and ($2)" "netlink_sk.$3" "$4" "netlink socket " "$5"
}
ROUTE='.netlink.protocol_name == "route" and .netlink.port != 0'
CONN='.netlink.connected'
bad protocol "$ROUTE" protocol 32 ": protocol 32 is not below 32"
bad audit "$ROUTE" protocol 9 ": protocol 9 is not one restore makes"
bad type "$ROUTE" sk_type 1 ": socket type 1"
bad group0 "$ROUTE" groups.0 0 ": group 0 is not within 1..1048576"
bad group_big "$ROUTE" groups.2 2000000 ": group 2000000 is not within 1..1048576"
bad group_order "$ROUTE" groups.1 21 ": groups not in ascending order"
bad dst_group "$CONN" dst_group 40 ": connected to a group above 32"
bad conn_unbound "$CONN" port 0 ": connected but not bound"
bad dst_unconnected "$CONN" connected false " has a destination but is not connected"
