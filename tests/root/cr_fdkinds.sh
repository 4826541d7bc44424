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

cr_roundtrip_show unix zdtm_unix \
	'stream=[.tasks[].fds[] | select(.unix.sk_type == "stream" and .unix.queue_here) | .unix.queued_bytes] | sort == [10, 14, 23]' \
	'dgram=[.tasks[].fds[] | select(.unix.sk_type == "dgram" and .unix.queue_here) | .unix.queued_messages] | sort == [0, 2, 3]' \
	'unconnected=[.tasks[].fds[] | select(.unix.connected == false)] | length == 2'
# (glibc's SIGRTMIN+2 is signal 36: the kernel's SIGRTMIN+4, as pidtrace names it)
cr_roundtrip_show anonfds zdtm_anonfds \
	'eventfd=[.tasks[].fds[] | select(.type == "eventfd") | .eventfd.count] | index(4886718345) != null' \
	'signalfd=[.tasks[].fds[] | select(.type == "signalfd") | .signalfd.signals] | index("SIGUSR1,SIGRTMIN+4") != null' \
	'timerfd=[.tasks[0].fds[] | select(.type == "timerfd") | .timerfd.interval_ns] | sort == [0, 0, 0, 7000000000]'
cr_roundtrip_show deleted zdtm_deleted \
	'deleted=[.tasks[].fds[] | select(.type == "deleted" and .deleted.data_here) | .deleted.size] | sort == [10000, 50003]'
cr_roundtrip fdpass zdtm_fdpass
