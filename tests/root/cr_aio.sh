#!/usr/bin/env bash
# cr_aio: AIO contexts (io_setup; zdtm aio00, aio01). Two contexts, one
# empty, one gone round its ring with three completions left unreaped,
# come back at their addresses with their ids, sizes, head and tail: the
# program reaps exactly the three completions with their data, and new
# requests complete in both (also restored into a new pid namespace). The
# restore's verification compares each ring with the image: one left with
# other events (test fault restore-aio-skip-events, at the second ring:
# the first is empty) fails it, rolled back.
# A context with a request in flight (a poll request) is refused at dump
# in one line, and the tree runs on. A damaged ring record is refused by
# the image check.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root

cr_roundtrip aio zdtm_aio
cr_pidns_roundtrip aio_pidns zdtm_aio

# The index of the first AIO ring in FILE's mappings.
aio_index() {
	local i n
	n=$(image_edit count "$1" vmas)
	for ((i = 0; i < n; i++)); do
		if image_edit get "$1" "vmas.$i.aio.nr_events" >/dev/null 2>&1; then
			echo "$i"
			return
		fi
	done
}

if cr_start aio_fault zdtm_aio && cr_dump; then
	CTX=$(sed -n 's/^READY .* ctx=\([0-9a-f]*\).*/\1/p' "$CR_DIR/log")
	(cd "$CR_DIR" && PIDTRACE_FAULT=restore-aio-skip-events@2 exec "$PIDTRACE" restore \
		-D "$CR_DIR/img" --json >"$CR_DIR/restore.json" 2>"$CR_DIR/restore.err")
	err=$(jq -r '.error // empty' "$CR_DIR/restore.json" 2>/dev/null)
	if [ "$err" = "verify: pid $CR_PID: AIO context $CTX: events \"the image's\" in the image, \"others\" after restore" ]; then
		pass aio_skip_events_caught
	else
		fail aio_skip_events_caught "error: $err"
	fi
	if wait_for 10 cr_gone "$CR_PID"; then
		pass aio_skip_events_rolled_back
	else
		fail aio_skip_events_rolled_back "pid $CR_PID still there"
	fi
	# A damaged record: the image check refuses it in one line.
	MM=$CR_DIR/img/mm-$CR_PID.img
	I=$(aio_index "$MM")
	if [ -n "$I" ] && image_set "$CR_DIR/img" "mm-$CR_PID.img" "vmas.$I.aio.tail" 99999; then
		err=$("$PIDTRACE" show -D "$CR_DIR/img" 2>&1 >/dev/null)
		if [[ "$err" =~ mm-$CR_PID.img:\ AIO\ ring\ 0x[0-9a-f]+\ is\ damaged$ ]]; then
			pass aio_bad_tail
		else
			fail aio_bad_tail "$err"
		fi
	else
		fail aio_bad_tail "no AIO ring in $MM, or image_edit failed"
	fi
else
	fail aio_fault_dump "$(tail -n 3 "$CR_DIR/dump.err" 2>/dev/null)"
fi
cr_cleanup

# A poll request in flight: refused, and it completes afterwards.
if cr_start aio_inflight zdtm_aio inflight; then
	CTX=$(sed -n 's/^READY .* ctx=\([0-9a-f]*\).*/\1/p' "$CR_DIR/log")
	cr_refused aio_inflight "pid $CR_PID: AIO context $CTX \\(ring $CTX-[0-9a-f]+\\): 1 request in flight: not supported"
else
	fail aio_inflight_start "the program did not start"
fi
cr_cleanup
