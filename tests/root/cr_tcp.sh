#!/usr/bin/env bash
# cr_tcp: TCP sockets survive dump -> kill -> restore (tests/progs/zdtm_tcp):
#  - closed: never connected TCP sockets (unbound; bound to 127.0.0.1 with
#    SO_REUSEADDR and TCP_NODELAY; bound to [::1], V6ONLY) come back with
#    their names and options and still listen and connect;
#  - ext: a client in the tree connected to a server outside it, with the
#    server's bytes unread in the client and the client's send queue full
#    (the server does not read). The server's end stays established while
#    the client is dead (no RST, no FIN); after restore the client reads
#    the bytes, writes more, and the server receives every byte in order;
#  - pair: both ends and the listener in the tree, the same exchange
#    (pairhigh: the listener at a higher fd than its accepted connection);
#  - the same client dumped with --leave-running, and by a dump that
#    fails after reading the connection: it leaves TCP repair mode, the
#    conversation goes on;
#  - a connection whose peer closed and is gone (CLOSE_WAIT) comes back;
#  - a socket reset by its peer, its error read, comes back (closed, it
#    reads the end of the stream);
#  - refused in one line: a socket reset by its peer with its error not
#    read yet, a connection whose peer outside the tree sends during the
#    dump (what arrives would be lost).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root

SRV='' SRV_DIR=''
srv_stop() {
	[ -n "$SRV" ] && kill -9 "$SRV" 2>/dev/null && wait "$SRV" 2>/dev/null
	SRV=''
}
at_exit srv_stop

# srv_start NAME [trickle]: the outside server (not below any reaper of the tree).
srv_start() {
	srv_stop
	SRV_DIR=$T/$1-server
	mkdir -p "$SRV_DIR"
	"$PROGS/zdtm_tcp" server "${2:-}" >"$SRV_DIR/log" 2>&1 </dev/null &
	SRV=$!
	wait_for 10 grep -q '^PORT' "$SRV_DIR/log" || return 1
	SRV_PORT=$(sed -n 's/^PORT //p' "$SRV_DIR/log")
}

# srv_state: the state of the server's end of its connection ("" if none).
srv_state() {
	ss -Htn "( sport = :$SRV_PORT )" 2>/dev/null | awk '{ print $1 }'
}

# srv_verdict NAME: the server (let read by SIGUSR1 before the client's
# SIGTERM: the client's last write waits for it) read everything the
# client wrote (FILLED before the dump, 5000 after), with no error.
srv_verdict() {
	local want=$(($(sed -n 's/^FILLED //p' "$CR_DIR/log") + 5000))
	if wait_for 20 grep -q '^SERVER' "$SRV_DIR/log" &&
		grep -q "^SERVER PASS $want\$" "$SRV_DIR/log"; then
		pass "$1"
	else
		fail "$1" "server: $(tail -n 1 "$SRV_DIR/log"), expected SERVER PASS $want"
	fi
}

# bad_tcp NAME FIELD VALUE MESSAGE: the image with the connection's FIELD
# set to VALUE is refused by show, naming the fd and MESSAGE (a regex).
EDIT="$TOP/$OUTPUT/tests/tools/image_edit"
bad_tcp() {
	local b=$T/bad_$1 err
	rm -rf "$b"
	cp -a "$CR_DIR/img" "$b"
	if ! "$EDIT" set "$b/files-$CR_PID.img" "fds.$idx.inet_sk.tcp.$2" "$3" >/dev/null ||
		! (cd "$b" && "$EDIT" fix-inventory .) >/dev/null; then
		fail "bad_$1" "image_edit failed"
		return
	fi
	err=$("$PIDTRACE" show -D "$b" 2>&1 >/dev/null)
	if [[ $err =~ ^pidtrace:\ show:\ $b/files-$CR_PID\.img:\ fd\ $fd:\ $4$ ]]; then
		pass "bad_$1"
	else
		fail "bad_$1" "$err"
	fi
	rm -rf "$b"
}

# Closed and never connected sockets.
CR_SHOW_CHECKS=("state=[.tasks[].fds[].inet | select(.proto == \"tcp\") | [.family, .addr, .state, .reuseaddr, .nodelay, .v6only]] ==
		[[\"inet\", \"0.0.0.0\", \"closed\", false, false, null],
		 [\"inet\", \"127.0.0.1\", \"closed\", true, true, null],
		 [\"inet6\", \"::1\", \"closed\", false, false, true]]")
cr_roundtrip closed zdtm_tcp closed
CR_SHOW_CHECKS=()

# A client of a server outside the tree.
if ! srv_start ext; then
	fail ext_server "the server did not start: $(cat "$SRV_DIR/log")"
elif ! cr_start ext zdtm_tcp ext "$SRV_PORT"; then
	fail ext_start "the program did not start"
elif ! cr_dump; then
	fail ext_dump "$(tail -n 3 "$CR_DIR/dump.err")"
else
	pass ext_dump
	cr_show_has ext_show_json "[.tasks[].fds[].inet | select(.tcp)] | length == 1 and
		(.[0] | .peer_port == $SRV_PORT and .state == \"established\" and
		 .tcp.inq_bytes == 32768 and .tcp.outq_bytes > 0 and
		 .tcp.unsent_bytes <= .tcp.outq_bytes and .tcp.mss > 0)"
	"$PIDTRACE" show -D "$CR_DIR/img" >"$CR_DIR/show.txt" 2>&1
	if grep -Eq "TCP 127\.0\.0\.1:[0-9]+ -> 127\.0\.0\.1:$SRV_PORT, established, seq rcv [0-9]+ snd [0-9]+, queued 32768 in [0-9]+ out" "$CR_DIR/show.txt"; then
		pass ext_show_plain
	else
		fail ext_show_plain "$(grep TCP "$CR_DIR/show.txt")"
	fi
	# Damaged connection state is refused by the image checks.
	idx=$("$PIDTRACE" show -D "$CR_DIR/img" --json | jq '[.tasks[].fds[]] | map(.inet != null) | index(true)')
	fd=$("$PIDTRACE" show -D "$CR_DIR/img" --json | jq '[.tasks[].fds[] | select(.inet)][0].fd')
	bad_tcp mss mss 0 "TCP connection with MSS 0"
	bad_tcp state state 3 "TCP connection in state 3"
	bad_tcp finunsent fin_unsent 1 "TCP connection established with an unsent FIN"
	bad_tcp unsent unsent 99999999 "TCP connection with 99999999 unsent bytes of a [0-9]+-byte send queue"
	bad_tcp wscale snd_wscale 15 "TCP connection with options 0x7, window scales 15/[0-9]+"
	# The client is dead: its close in repair mode told the server nothing.
	sleep 0.3
	st=$(srv_state)
	if [ "$st" = ESTAB ]; then pass ext_peer_silent; else fail ext_peer_silent "server end: '$st'"; fi
	if ! cr_restore; then
		fail ext_restore "$(tail -n 3 "$CR_DIR/restore.err")"
	else
		pass ext_restore
		kill -USR1 "$SRV"
		cr_finish
		if [ "$CR_RC" = 0 ] && grep -q '^PASS' "$CR_DIR/log"; then
			pass ext_verify
		else
			fail ext_verify "exit status $CR_RC: $(tail -n 1 "$CR_DIR/log")"
		fi
		srv_verdict ext_server
	fi
fi
cr_cleanup
srv_stop

# Both ends in the tree; then with the listener at a higher fd than the
# connection accepted on its port (restored first, it must not take the port).
cr_roundtrip pair zdtm_tcp pair
# The same over IPv6 (::1): the client's IPV6_V6ONLY was off, a restore
# binds it (which turns it on): verify does not count that flag on a
# connection, which never binds again.
cr_roundtrip pair6 zdtm_tcp pair6
cr_roundtrip pairhigh zdtm_tcp pairhigh

# --leave-running, and a dump that fails late: the program keeps a
# working connection (out of repair mode).
for how in leave fault; do
	if ! srv_start "$how"; then
		fail "${how}_server" "the server did not start"
		continue
	fi
	if ! cr_start "$how" zdtm_tcp ext "$SRV_PORT"; then
		fail "${how}_start" "the program did not start"
		continue
	fi
	if [ "$how" = leave ]; then
		"$PIDTRACE" dump -t "$CR_PID" -D "$CR_DIR/img" --leave-running >/dev/null 2>"$CR_DIR/dump.err"
		rc=$?
		want=0
	else
		PIDTRACE_FAULT=memory "$PIDTRACE" dump -t "$CR_PID" -D "$CR_DIR/img" >/dev/null 2>"$CR_DIR/dump.err"
		rc=$?
		want=1
	fi
	# The fault must be what stopped it, after the connection was read.
	if [ "$how" = fault ] && ! grep -q 'test fault at memory' "$CR_DIR/dump.err"; then
		fail "${how}_dump" "$(cat "$CR_DIR/dump.err")"
	elif [ "$rc" = "$want" ]; then
		pass "${how}_dump"
	else
		fail "${how}_dump" "exit status $rc, expected $want: $(cat "$CR_DIR/dump.err")"
	fi
	kill -USR1 "$SRV"
	cr_passes "${how}_original"
	srv_verdict "${how}_server"
	cr_cleanup
	srv_stop
done

# CLOSE_WAIT, its peer closed and gone: restored (the peer's FIN made
# again), the byte and the end of the stream read after it
# (tests/root/cr_tcp_close.sh has the other closing states).
cr_roundtrip closewait zdtm_tcp closewait

# Reset by its peer, the error read: a closed socket that had a
# connection, restored (it reads the end of the stream). With the error
# not read yet: restored with it pending (read at dump without taking it,
# the reset replayed: cr_tcp_reset.sh), it reads the error, then the end.
cr_roundtrip reset zdtm_tcp reset
cr_roundtrip resetpending zdtm_tcp resetpending

# A peer that keeps sending from before the dump until after the restore:
# the network lock drops its segments from the freeze until the restore
# has made the connection again (the peer only sees losses and sends them
# again), so nothing arrives during the dump and nothing is reset in
# between; the restored program and the server then see every byte.
if ! srv_start trickle trickle; then
	fail trickle_server "the server did not start"
elif ! cr_start trickle zdtm_tcp ext "$SRV_PORT"; then
	fail trickle_start "the program did not start"
else
	# A while first: the server's congestion window grows.
	kill -USR2 "$SRV"
	sleep 0.2
	if cr_dump; then
		pass trickle_dump
		[ "$("$PIDTRACE" show -D "$CR_DIR/img" --json | jq -r .netlock.held)" = true ] &&
			pass trickle_locked || fail trickle_locked "show: no network lock held"
		sleep 0.5
		if cr_restore; then
			pass trickle_restore
			kill -USR1 "$SRV"
			cr_finish
			if [ "$CR_RC" = 0 ] && grep -q '^PASS' "$CR_DIR/log"; then
				pass trickle_verify
			else
				fail trickle_verify "exit status $CR_RC: $(grep -E '^(FAIL|PASS)' "$CR_DIR/log" | head -n 3)"
			fi
			srv_verdict trickle_server
		else
			fail trickle_restore "$(jq -r '.error // empty' "$CR_DIR/restore.json" 2>/dev/null) $(tail -n 3 "$CR_DIR/restore.err")"
		fi
	else
		fail trickle_dump "$(tail -n 3 "$CR_DIR/dump.err")"
	fi
fi
cr_cleanup
srv_stop
