#!/usr/bin/env bash
# cr_unix: dump -> kill -> restore -> verify of unix socketpairs with queued
# data (stream, datagram, seqpacket, a closed peer, an unconnected socket)
# and of open file descriptions shared across processes (inherited, passed
# with SCM_RIGHTS). `pidtrace show --json` must describe each socket.
# Named sockets: cr_unix_named.sh, connections: cr_unix_conn.sh.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root

cr_roundtrip_show unix zdtm_unix \
	'stream=[.tasks[].fds[] | select(.unix.sk_type == "stream" and .unix.queue_here) | .unix.queued_bytes] | sort == [10, 14, 23]' \
	'dgram=[.tasks[].fds[] | select(.unix.sk_type == "dgram" and .unix.queue_here) | .unix.queued_messages] | sort == [0, 2, 3]' \
	'unconnected=[.tasks[].fds[] | select(.unix.connected == false)] | length == 2'
cr_roundtrip fdpass zdtm_fdpass
