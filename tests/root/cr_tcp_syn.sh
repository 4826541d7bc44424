#!/usr/bin/env bash
# cr_tcp_syn: a TCP socket still connecting (SYN_SENT, its SYNs dropped by
# an nftables table of the test's own: tests/progs/zdtm_tcpsyn) is dumped
# and restored connecting, with the same address and port; once the
# program deletes the table the connection completes (restore sent its
# SYN again, from the initial sequence number the dump saved) and carries
# bytes both ways. The image says "connecting".
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root

TABLE=pidtrace_t_syn_$$
drop_table() { nft delete table ip "$TABLE" 2>/dev/null; }
at_exit drop_table

CR_SHOW_CHECKS=("state=[.tasks[].fds[].inet | select(.proto == \"tcp\" and (.listening | not))] |
	length == 1 and .[0].state == \"connecting\" and .[0].peer_port > 0")
cr_roundtrip synsent zdtm_tcpsyn "$TABLE"
CR_SHOW_CHECKS=()
