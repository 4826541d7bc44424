#!/usr/bin/env bash
# cr_fdkinds: dump -> kill -> restore -> verify of the fd kinds beyond
# files and pipes: unix socketpairs with queued data (stream, datagram,
# seqpacket, a closed peer, an unconnected socket), eventfd, signalfd,
# timerfd, files deleted while open (contents saved), and open file
# descriptions shared across processes (inherited, passed with
# SCM_RIGHTS). `pidtrace show --json` must describe each object.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root

# show_has NAME FILTER: `pidtrace show --json` of the last image satisfies FILTER.
show_has() {
	"$PIDTRACE" show -D "$CR_DIR/img" --json >"$CR_DIR/show.json" 2>"$CR_DIR/show.err"
	if jq -e "$2" "$CR_DIR/show.json" >/dev/null 2>&1; then
		pass "$1"
	else
		fail "$1" "show --json does not satisfy $2 ($(head -c 300 "$CR_DIR/show.err"))"
	fi
}

# roundtrip_show NAME PROG FILTER..: a round trip, checking the image after the dump.
roundtrip_show() {
	local name=$1 prog=$2 f
	shift 2
	if ! cr_start "$name" "$prog"; then
		fail "${name}_start" "the program did not start"
		cr_cleanup
		return
	fi
	if ! cr_dump; then
		fail "${name}_dump" "$(tail -n 3 "$CR_DIR/dump.err")"
		cr_cleanup
		return
	fi
	pass "${name}_dump"
	for f in "$@"; do
		show_has "${name}_show_${f%%=*}" "${f#*=}"
	done
	if ! cr_restore; then
		fail "${name}_restore" "$(jr '.error // empty') $(tail -n 3 "$CR_DIR/restore.err")"
		cr_cleanup
		return
	fi
	pass "${name}_restore"
	cr_finish
	if [ "$CR_RC" = 0 ] && grep -q '^PASS' "$CR_DIR/log"; then
		pass "${name}_verify"
	else
		fail "${name}_verify" "exit status $CR_RC: $(grep -E '^(FAIL|PASS)' "$CR_DIR/log" | head -n 3)"
	fi
	cr_cleanup
}

roundtrip_show unix zdtm_unix \
	'stream=[.tasks[].fds[] | select(.unix.sk_type == "stream" and .unix.queue_here) | .unix.queued_bytes] | sort == [10, 14, 23]' \
	'dgram=[.tasks[].fds[] | select(.unix.sk_type == "dgram" and .unix.queue_here) | .unix.queued_messages] | sort == [0, 2, 3]' \
	'unconnected=[.tasks[].fds[] | select(.unix.connected == false)] | length == 2'
roundtrip_show anonfds zdtm_anonfds \
	'eventfd=[.tasks[].fds[] | select(.type == "eventfd") | .eventfd.count] | index(4886718345) != null' \
	'signalfd=[.tasks[].fds[] | select(.type == "signalfd") | .signalfd.signals] | index("SIGUSR1,SIGRTMIN+2") != null' \
	'timerfd=[.tasks[0].fds[] | select(.type == "timerfd") | .timerfd.interval_ns] | sort == [0, 0, 0, 7000000000]'
roundtrip_show deleted zdtm_deleted \
	'deleted=[.tasks[].fds[] | select(.type == "deleted" and .deleted.data_here) | .deleted.size] | sort == [10000, 50003]'
cr_roundtrip fdpass zdtm_fdpass
