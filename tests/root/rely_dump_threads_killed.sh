#!/usr/bin/env bash
# test: slow (started first: see tests/README.md)
# A multithreaded tree SIGKILLed from outside at a random moment of its
# dump: pidtrace must notice and exit (1, one line; or 0 if the image was
# already complete), never hang. The kernel reports a killed group leader's
# exit only once its other threads are reaped, and those are pidtrace's
# tracees: a blocking wait for the leader alone waited for ever (4 rounds
# in 40 hung before the fix).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root
rounds=${ROUNDS:-30}
hung=0 bad=0
for i in $(seq 1 "$rounds"); do
	cr_start "t$i" zdtm_threads || { fail "start_$i" "zdtm_threads did not start"; continue; }
	"$PIDTRACE" dump -t "$CR_PID" -D "$CR_DIR/img" >"$CR_DIR/dump.out" 2>"$CR_DIR/dump.err" &
	d=$!
	sleep "0.$(printf '%03d' $((RANDOM % 300)))"
	cr_kill_below "$CR_REAPER"
	if ! wait_for 10 cr_gone "$d"; then
		hung=$((hung + 1))
		echo "round $i: dump $d still running: $(awk '/^State/ {print $2}' /proc/$d/status 2>/dev/null) in $(cat /proc/$d/wchan 2>/dev/null)"
		kill -9 "$d" 2>/dev/null
	fi
	wait "$d" 2>/dev/null
	rc=$?
	lines=$(wc -l <"$CR_DIR/dump.err")
	# 0: the image was complete before the kill; 1: one line saying who exited.
	if ! { [ "$rc" = 0 ] || { [ "$rc" = 1 ] && [ "$lines" = 1 ]; }; }; then
		bad=$((bad + 1))
		echo "round $i: rc $rc, $lines lines: $(head -c 300 "$CR_DIR/dump.err")"
	fi
	cr_cleanup
done
[ "$hung" = 0 ] && pass "dump_of_a_killed_threaded_tree_never_hangs_${rounds}_rounds" ||
	fail "dump_of_a_killed_threaded_tree_never_hangs_${rounds}_rounds" "$hung rounds hung"
[ "$bad" = 0 ] && pass dump_of_a_killed_threaded_tree_fails_in_one_line ||
	fail dump_of_a_killed_threaded_tree_fails_in_one_line "$bad rounds"
