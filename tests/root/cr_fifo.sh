#!/usr/bin/env bash
# cr_fifo: named FIFOs (dump_fifo.c, restore_fifo.c) in every open mode,
# with their unread bytes, shared between a parent and its child, one of
# them unlinked while open; and `pidtrace show` of them.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root

cr_roundtrip_show fifo zdtm_fifo \
	'kind=[.tasks[].fds[] | select(.type == "fifo")] | length == 9' \
	'data=[.tasks[].fds[] | select(.fifo.data_here) | .fifo.bytes] | sort == [7, 100, 3000]' \
	'deleted=[.tasks[].fds[] | select(.fifo.deleted)] | length == 4'

# With --pidns (the FIFOs are opened by pidtrace, outside the namespace).
cr_pidns_roundtrip fifo_pidns zdtm_fifo
