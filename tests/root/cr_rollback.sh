#!/usr/bin/env bash
# cr_rollback: a restore that goes wrong leaves nothing behind.
#   1. Something outside SIGKILLs a restored task while the restore is
#      paused before detaching (PIDTRACE_TEST_PAUSE): the restore fails,
#      its JSON report names the sender (this shell) and the class
#      (kill-syscall) of that unexpected death, the rollback's own kills are
#      marked expected, and none of the tree's pids is left, stopped or not.
#   2. SIGTERM to pidtrace mid-restore: same rollback, "interrupted".
#   3. SIGKILL to pidtrace mid-restore: the tasks die with it.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root

# pids of the image, and which of them still exist (as anything).
image_pids() { "$PIDTRACE" show -D "$CR_DIR/img" --json | jq -r '.tasks[].pid'; }
left_over() {
	local p
	for p in $(image_pids); do
		[ -e "/proc/$p" ] && echo "$p($(awk '/^State:/ {print $2}' "/proc/$p/status" 2>/dev/null))"
	done
}
# Our own process tree: children of this shell that are not the test's.
own_children() { ps -o pid=,comm= --ppid $$ | grep -v -E ' (ps|grep|bash)$' || true; }
paused() { grep -q 'test pause at' "$CR_DIR/restore.err" 2>/dev/null; }

# 1. An outside SIGKILL during the restore.
if cr_start killed zdtm_tree && cr_dump; then
	VICTIM=$(image_pids | sed -n 2p)
	(cd "$CR_DIR" && PIDTRACE_TEST_PAUSE=restore-detach PIDTRACE_TEST_PAUSE_MS=20000 \
		exec "$PIDTRACE" restore -D "$CR_DIR/img" --json >"$CR_DIR/restore.json" \
		2>"$CR_DIR/restore.err") &
	CR_RESTORE=$!
	wait_for 30 paused
	if paused; then
		SHELL_PID=$$
		kill -9 "$VICTIM"
		wait "$CR_RESTORE"
		rc=$?
		CR_RESTORE=
		same rollback_exit_status "$rc" 1
		R=$CR_DIR/restore.json
		same rollback_reported_failure "$(jq -r .ok "$R")" false
		D=$(jq -c --argjson v "$VICTIM" '.deaths[] | select(.victim.pid == $v and .expected == false)' "$R")
		same rollback_victim_unexpected "$(jq -r .signal <<<"$D")" SIGKILL
		same rollback_sender_named "$(jq -r .sender.pid <<<"$D")" "$SHELL_PID"
		same rollback_class "$(jq -r .cause <<<"$D")" kill-syscall
		if jq -r .error "$R" | grep -q "pid $VICTIM died during the restore: SIGKILL from pid $SHELL_PID"; then
			pass rollback_error_names_it
		else
			fail rollback_error_names_it "$(jq -r .error "$R")"
		fi
		check_n=$(jq '[.deaths[] | select(.cause == "restore-rollback" and .expected)] | length' "$R")
		if [ "$check_n" -ge 1 ]; then pass rollback_kills_expected; else fail rollback_kills_expected "$check_n"; fi
		same rollback_nothing_left "$(left_over)" ""
		same rollback_own_tree_empty "$(own_children)" ""
	else
		fail rollback_paused "restore did not pause: $(cat "$CR_DIR/restore.err")"
	fi
else
	fail rollback_setup "could not start or dump"
fi
cr_cleanup

# 2. SIGTERM to pidtrace in the middle.
if cr_start sigterm zdtm_tree && cr_dump; then
	(cd "$CR_DIR" && PIDTRACE_TEST_PAUSE=restore-files PIDTRACE_TEST_PAUSE_MS=20000 \
		exec "$PIDTRACE" restore -D "$CR_DIR/img" --json >"$CR_DIR/restore.json" \
		2>"$CR_DIR/restore.err") &
	CR_RESTORE=$!
	wait_for 30 paused
	kill -TERM "$CR_RESTORE"
	wait "$CR_RESTORE"
	rc=$?
	CR_RESTORE=
	if [ "$rc" = 1 ] && jq -r .error "$CR_DIR/restore.json" | grep -q 'interrupted by Terminated'; then
		pass sigterm_rolls_back
	else
		fail sigterm_rolls_back "rc $rc: $(cat "$CR_DIR/restore.json")"
	fi
	if [ -z "$(left_over)" ]; then pass sigterm_nothing_left; else fail sigterm_nothing_left "$(left_over)"; fi
else
	fail sigterm_setup "could not start or dump"
fi
cr_cleanup

# 3. SIGKILL to pidtrace in the middle: the tasks die too (parent-death
# signals down the tree). Their zombies go to PID 1, which reaps slowly:
# nothing may be left running or stopped, zombies are fine.
alive_left() { left_over | grep -v '(Z)' || true; }
if cr_start sigkill zdtm_tree && cr_dump; then
	(cd "$CR_DIR" && PIDTRACE_TEST_PAUSE=restore-state PIDTRACE_TEST_PAUSE_MS=20000 \
		exec "$PIDTRACE" restore -D "$CR_DIR/img" --json >"$CR_DIR/restore.json" \
		2>"$CR_DIR/restore.err") &
	CR_RESTORE=$!
	wait_for 30 paused
	kill -KILL "$CR_RESTORE"
	wait "$CR_RESTORE" 2>/dev/null
	CR_RESTORE=
	no_alive() { [ -z "$(alive_left)" ]; }
	if wait_for 5 no_alive; then pass sigkill_tree_dies; else fail sigkill_tree_dies "$(left_over)"; fi
else
	fail sigkill_setup "could not start or dump"
fi
cr_cleanup
