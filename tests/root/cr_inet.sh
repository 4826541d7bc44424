#!/usr/bin/env bash
# cr_inet: the inet sockets a server holds survive dump -> kill -> restore:
# a TCP listener on 127.0.0.1 (SO_REUSEADDR, SO_KEEPALIVE), a TCP6 one on
# [::1] (IPV6_V6ONLY, TCP_NODELAY, O_NONBLOCK), a bound UDP socket, a
# connected UDP socket and an unbound one, all on kernel-chosen ports;
# the restored program finds the same names and options, accepts on
# both listeners and exchanges datagrams. A restore beside the still
# running original (--pidns) fails on the port in use, in one line,
# rolled back, and the original still works. A listener with a pending
# connection is refused at dump; an established connection comes back
# (cr_tcp.sh tests TCP repair further).
# Options beyond those (SO_BROADCAST, IP_TOS, SO_PRIORITY, IPV6_TCLASS,
# TCP_KEEPIDLE, TCP_CONGESTION, SO_LINGER...) and UDP shutdown state
# (zdtm socket_udp-broadcast, socket_udp_shutdown) come back, shown by
# `pidtrace show`; so does a UDP socket bound to an address that is not
# local while IP_FREEBIND was on, cleared since (zdtm sk-freebind-false).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root

port() { sed -n "s/^PORTS .*$1=\([0-9]*\).*/\1/p" "$CR_DIR/log" | head -n 1; }

# Round trip, with the image as show --json tells it.
if ! cr_start rt zdtm_inet; then
	fail rt_start "the program did not start"
elif ! cr_dump; then
	fail rt_dump "$(tail -n 3 "$CR_DIR/dump.err")"
else
	pass rt_dump
	tcp=$(port tcp) tcp6=$(port tcp6) udp=$(port udp)
	cr_show_has rt_show_tcp "[.tasks[].fds[].inet | select(.proto == \"tcp\" and .family == \"inet\")] |
		map([.addr, .port, .listening, .backlog, .reuseaddr, .keepalive, .nodelay]) ==
		[[\"127.0.0.1\", $tcp, true, 5, true, true, false]]"
	cr_show_has rt_show_tcp6 "[.tasks[].fds[].inet | select(.family == \"inet6\")] |
		map([.proto, .addr, .port, .listening, .backlog, .v6only, .nodelay]) ==
		[[\"tcp\", \"::1\", $tcp6, true, 9, true, true]]"
	cr_show_has rt_show_udp "[.tasks[].fds[].inet | select(.proto == \"udp\")] |
		map([.addr, .port, .listening, .peer_port]) ==
		[[\"127.0.0.1\", $udp, false, null], [\"127.0.0.1\", .[1].port, false, $udp],
		 [\"0.0.0.0\", 0, false, null]]"
	cr_show_has rt_show_type "[.tasks[].fds[] | select(.inet) | .type] | unique == [\"inet\"]"
	"$PIDTRACE" show -D "$CR_DIR/img" >"$CR_DIR/show.txt" 2>&1
	if grep -q "TCP6 \[::1\]:$tcp6, listening, backlog 9" "$CR_DIR/show.txt"; then
		pass rt_show_plain
	else
		fail rt_show_plain "$(grep -i 'tcp\|udp' "$CR_DIR/show.txt" | head -n 5)"
	fi
	cr_restore_verify rt
fi
cr_cleanup

# Beside the live original: its TCP port is in use (the first inet fd).
if ! cr_start live zdtm_inet; then
	fail live_start "the program did not start"
elif ! "$PIDTRACE" dump -t "$CR_PID" -D "$CR_DIR/img" --leave-running >/dev/null 2>"$CR_DIR/dump.err"; then
	fail live_dump "$(cat "$CR_DIR/dump.err")"
else
	tcp=$(port tcp)
	fd=$("$PIDTRACE" show -D "$CR_DIR/img" --json | jq -r '[.tasks[].fds[] | select(.inet)][0].fd')
	"$PIDTRACE" restore -D "$CR_DIR/img" --pidns >"$CR_DIR/out" 2>"$CR_DIR/err"
	same live_status "$?" 1
	same live_message "$(cat "$CR_DIR/err")" \
		"pidtrace: restore: files: pid $CR_PID fd $fd: TCP 127.0.0.1:$tcp: Address already in use (rolled back)"
	# The original still owns its ports: it accepts, exchanges and passes.
	cr_passes live_original_untouched
fi
cr_cleanup

# A connection waiting in the accept queue: refused at dump.
if cr_start pending zdtm_inet pending; then
	cr_refused pending \
		"pid $CR_PID fd [0-9]+: listening TCP socket 127\\.0\\.0\\.1:$(port tcp) with 1 pending connection is not supported"
else
	fail pending_start "the program did not start"
fi
cr_cleanup

# An accepted connection: saved in TCP repair mode (cr_tcp.sh), and used after restore.
cr_roundtrip established zdtm_inet established
cr_cleanup

# Options and shutdown state.
cr_roundtrip_show opts zdtm_inet_opts \
	"broadcast=[.tasks[].fds[].inet | select(.options.SO_BROADCAST == 1)] | length == 1" \
	"shutdown=[.tasks[].fds[].inet.shutdown // empty] | sort ==
		[\"none\", \"none\", \"none\", \"none\", \"read\", \"read\", \"write\"]" \
	"tcp=[.tasks[].fds[].inet | select(.listening) | .options |
		.TCP_KEEPIDLE, .TCP_CONGESTION, .TCP_DEFER_ACCEPT != null] == [77, \"reno\", true]" \
	"v6=[.tasks[].fds[].inet | select(.family == \"inet6\") | .options.IPV6_TCLASS] == [32, null]"
"$PIDTRACE" show -D "$T/opts/img" >"$T/opts/show.txt" 2>&1
if grep -q 'UDP 127\.0\.0\.1:[0-9]* -> 127\.0\.0\.1:[0-9]*, shut down for writing' "$T/opts/show.txt" &&
	grep -q 'SO_BROADCAST 1' "$T/opts/show.txt"; then
	pass opts_show_plain
else
	fail opts_show_plain "$(grep -E 'UDP|TCP' "$T/opts/show.txt" | head -n 6)"
fi
