#!/usr/bin/env bash
# cr_anonfds: dump -> kill -> restore -> verify of eventfd, signalfd and
# timerfd (kind_eventfd.c, kind_signalfd.c, kind_timerfd.c), described by
# `pidtrace show --json`.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root

# (glibc's SIGRTMIN+2 is signal 36: the kernel's SIGRTMIN+4, as pidtrace names it)
cr_roundtrip_show anonfds zdtm_anonfds \
	'eventfd=[.tasks[].fds[] | select(.type == "eventfd") | .eventfd.count] | index(4886718345) != null' \
	'signalfd=[.tasks[].fds[] | select(.type == "signalfd") | .signalfd.signals] | index("SIGUSR1,SIGRTMIN+4") != null' \
	'timerfd=[.tasks[0].fds[] | select(.type == "timerfd") | .timerfd.interval_ns] | sort == [0, 0, 0, 7000000000]'
