#!/usr/bin/env bash
# cr_sk_filter: classic socket filters on netlink sockets survive dump ->
# kill -> restore (sk_filter.c, called by kind_netlink.c as by the inet
# and packet kinds: cr_inet_raw, cr_packet): a dropping filter locked
# with SO_LOCK_FILTER and a passing one, read back the same, the lock
# holding, the kernel's answers dropped and delivered as before
# (zdtm_sk_filter.c). `pidtrace show` tells them. A unix socket with a
# filter is refused at dump in one line, the filter still there after.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root

cr_roundtrip_show rt zdtm_sk_filter \
	"filters=[.tasks[].fds[].netlink.sk_filter | select(.)] == [{\"insns\": 1, \"locked\": true}, {\"insns\": 2, \"locked\": false}]"

if cr_start unix zdtm_sk_filter unix; then
	cr_refused unix "pid $CR_PID fd [0-9]+: unix socket with a socket filter \\(BPF\\) is not supported"
else
	fail unix_start "the program did not start"
fi
cr_cleanup
