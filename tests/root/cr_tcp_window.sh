#!/usr/bin/env bash
# cr_tcp_window: a TCP connection whose receive window is closed, its
# peer outside the tree with bytes still to send (zdtm_tcpwin): between
# the dump and the restore the peer keeps probing the window. Without a
# network lock those probes would meet no socket and be answered with a
# reset (dump refused it); with the lock (bpf/netlock.bpf.c) they are
# dropped until the restore has made the connection again. The image
# says the lock is held (show), the restore removes it, and the program
# then reads every byte the peer sent, to the end of the stream.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root

SRV=
at_exit '[ -n "$SRV" ] && kill $SRV 2>/dev/null'

# srv_client NAME [6]: a zdtm_tcpwin server and its client (CR_PID), over
# IPv4 (or IPv6), the client's receive window closed, the server's queue full.
srv_client() {
	[ -n "$SRV" ] && kill "$SRV" 2>/dev/null
	"$PROGS/zdtm_tcpwin" "server${2:-}" >"$T/server.log" 2>&1 &
	SRV=$!
	wait_for 10 grep -q '^PORT ' "$T/server.log" || return 1
	port=$(sed -n 's/^PORT //p' "$T/server.log")
	cr_start "$1" zdtm_tcpwin "client${2:-}" "$port" || return 1
	wait_for 30 grep -q '^FILLED ' "$T/server.log"
}

# No network lock to be had (a kernel without netfilter BPF links):
# refused in one line with the reason, the tree left running.
if srv_client nolock; then
	PIDTRACE_FAULT=netlock cr_refused nolock "pid $CR_PID fd [0-9]+: TCP connection 127\\.0\\.0\\.1:[0-9]+ -> 127\\.0\\.0\\.1:$port \\(established\\) with its receive window closed and its peer outside the dumped tree is not supported without a network lock \\(test fault at netlock\\): the peer's window probes between the dump and the restore would be answered with a reset"
	cr_read_all nolock_every_byte_read "$T/server.log"
else
	fail nolock_start "$(cat "$T/server.log" "$CR_DIR/log" 2>/dev/null | head -n 5)"
fi
cr_cleanup

# roundtrip NAME [6]: dump the client (the lock pinned, show says held),
# a while without the tree, restore (the lock removed), every byte read.
roundtrip() {
	if ! srv_client "$1" "${2:-}"; then
		fail ${1}_start "$(cat "$T/server.log" "$CR_DIR/log" 2>/dev/null | head -n 5)"
		cr_cleanup
		return
	fi
	if ! cr_dump; then
		fail ${1}_dump "$(tail -n 3 "$CR_DIR/dump.err")"
		cr_cleanup
		return
	fi
	pass ${1}_dump
	lock=$("$PIDTRACE" show -D "$CR_DIR/img" --json | jq -r '.netlock.path // empty')
	held=$("$PIDTRACE" show -D "$CR_DIR/img" --json | jq -r '.netlock.held // empty')
	if [ -n "$lock" ] && [ "$held" = true ] && [ -e "$lock/in${2:-4}" ] &&
		"$PIDTRACE" show -D "$CR_DIR/img" | grep -q "^network lock $lock: held"; then
		pass ${1}_lock_held
	else
		fail ${1}_lock_held "show: lock '$lock' held '$held'"
	fi
	# The peer probes the closed window meanwhile (every RTO, backing off):
	# a while without the tree, the probes dropped, not reset.
	sleep 1
	if cr_restore; then
		pass ${1}_restore
	else
		fail ${1}_restore "$(jq -r '.error // empty' "$CR_DIR/restore.json" 2>/dev/null) $(tail -n 3 "$CR_DIR/restore.err")"
	fi
	if [ -n "$lock" ] && [ ! -e "$lock" ] &&
		[ "$("$PIDTRACE" show -D "$CR_DIR/img" --json | jq -r .netlock.held)" = false ]; then
		pass ${1}_lock_removed
	else
		fail ${1}_lock_removed "lock '$lock': $(ls "$lock" 2>&1)"
	fi
	cr_finish
	cr_read_all "${1}_every_byte_read" "$T/server.log" --rc
	cr_cleanup
}

roundtrip window
roundtrip window6 6

# The same in a net namespace of its own, the peer there too (dump
# --external-ns, restore --join-ns): the lock is made in that namespace.
NS=$T/net
at_exit 'umount "$NS" 2>/dev/null'
if touch "$NS" && unshare --net="$NS" true && nsenter --net="$NS" ip link set lo up; then
	cr_cleanup
	CR_DIR=$T/netns
	mkdir -p "$CR_DIR"
	[ -n "$SRV" ] && kill "$SRV" 2>/dev/null
	nsenter --net="$NS" "$PROGS/zdtm_tcpwin" server >"$T/server.log" 2>&1 &
	SRV=$!
	wait_for 10 grep -q '^PORT ' "$T/server.log"
	port=$(sed -n 's/^PORT //p' "$T/server.log")
	(cd "$CR_DIR" && exec nsenter --net="$NS" "$PROGS/cr_reaper" "$PROGS/zdtm_tcpwin" client \
		"$port" >"$CR_DIR/log" 2>&1 </dev/null) &
	CR_REAPER=$!
	if wait_for 10 cr_ready && wait_for 30 grep -q '^FILLED ' "$T/server.log"; then
		CR_PID=$(sed -n 's/^READY pid=\([0-9]*\).*/\1/p' "$CR_DIR/log")
		if "$PIDTRACE" dump -t "$CR_PID" -D "$CR_DIR/img" --external-ns "net:$NS" \
			>/dev/null 2>"$CR_DIR/dump.err" && wait_for 10 cr_gone "$CR_REAPER"; then
			pass netns_dump
			lock=$("$PIDTRACE" show -D "$CR_DIR/img" --json | jq -r '.netlock.path // empty')
			[ -n "$lock" ] && [ -e "$lock/in4" ] && pass netns_lock_held ||
				fail netns_lock_held "no lock: '$lock'"
			sleep 1
			if cr_restore --join-ns "net:$NS"; then
				pass netns_restore
			else
				fail netns_restore "$(jq -r '.error // empty' "$CR_DIR/restore.json" 2>/dev/null) $(tail -n 3 "$CR_DIR/restore.err")"
			fi
			[ -n "$lock" ] && [ ! -e "$lock" ] && pass netns_lock_removed ||
				fail netns_lock_removed "lock '$lock' still there"
			cr_finish
			cr_read_all netns_every_byte_read "$T/server.log" --rc
		else
			fail netns_dump "$(cat "$CR_DIR/dump.err")"
		fi
	else
		fail netns_start "$(cat "$T/server.log" "$CR_DIR/log" 2>/dev/null | head -n 5)"
	fi
	cr_cleanup
else
	fail netns_setup "cannot make a net namespace"
fi
