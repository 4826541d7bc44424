#!/usr/bin/env bash
# test: slow (started first: see tests/README.md)
# cr_threads: a multithreaded process (tests/progs/zdtm_threads.c): 8
# workers in a mutex/condvar ring, each counting in its own memory, a
# spinner interrupted in user mode, per-thread names, masks, altstacks,
# nice, parent-death signal, two signals pending on one worker alone, a
# PIDFD_THREAD pidfd to another worker. `pidtrace show` must list every
# thread with its state; after dump -> kill -> restore every thread is back
# with its tid and checks itself, the ring keeps turning, the pidfd still
# names its thread. Then the same restored into a new pid namespace next to
# the original (whose dump must be crash-safe in every thread, and leave it
# undisturbed); restores rolled back once threads exist; dumps killed at
# random; a process whose threads come and go; and what a dump must refuse: a
# process whose main thread has exited (threads with credentials of their
# own: cr_thread_creds.sh).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root

if cr_start threads zdtm_threads && cr_dump; then
	pass threads_dump
	"$PIDTRACE" show -D "$CR_DIR/img" --json >"$CR_DIR/show.json" 2>"$CR_DIR/show.err"
	"$PIDTRACE" show -D "$CR_DIR/img" >"$CR_DIR/show.txt" 2>>"$CR_DIR/show.err"
	js() { jq -r "$1" "$CR_DIR/show.json"; }
	same threads_show_count "$(js '.tasks[0].threads | length')" 9
	same threads_show_tids_unique \
		"$(js '[.tasks[0].pid] + [.tasks[0].threads[].tid] | unique | length')" 10
	same threads_show_names \
		"$(js '[.tasks[0].threads[].comm] | sort | join(",")')" \
		"spinner,worker-0,worker-1,worker-2,worker-3,worker-4,worker-5,worker-6,worker-7"
	# Worker 5: SIGUSR1 (tgkill) and glibc's SIGRTMIN+5 (value 4242) on its
	# own queue: signal 39, the kernel's SIGRTMIN+7, as pidtrace names it.
	same threads_show_private_pending \
		"$(js '[.tasks[0].threads[] | select(.comm == "worker-5") | .signals.pending[].name] | sort | join(",")')" \
		"SIGRTMIN+7,SIGUSR1"
	same threads_show_private_blocked \
		"$(js '.tasks[0].threads[] | select(.comm == "worker-5") | .signals.blocked_names | index("SIGUSR1") != null')" true
	same threads_show_process_queue_empty "$(js '.tasks[0].signals.shared_pending | length')" 0
	same threads_show_exit_state \
		"$(js '[.tasks[0].threads[] | select(.clear_child_tid != "0x0" and .robust_list != "0x0")] | length')" 9
	same threads_show_nice "$(js '.tasks[0].threads[] | select(.comm == "worker-6") | .nice')" 5
	same threads_show_pdeath \
		"$(js '.tasks[0].threads[] | select(.comm == "worker-4") | .signals.pdeath_sig')" 28
	same threads_show_fs_base_distinct \
		"$(js '[.tasks[0].regs.fs_base] + [.tasks[0].threads[].regs.fs_base] | unique | length')" 10
	# The PIDFD_THREAD pidfd: a target in the tree, a thread of the root.
	w2=$(js '.tasks[0].threads[] | select(.comm == "worker-2") | .tid')
	same threads_show_pidfd_thread \
		"$(js "[.pidfd_targets[] | select(.state == \"alive-in-tree\" and .tree_tid == $w2 and .holders[0].thread)] | length")" 1
	if grep -q "^  thread $w2 (worker-2)" "$CR_DIR/show.txt"; then
		pass threads_show_human
	else
		fail threads_show_human "no line for thread $w2: $(grep -c thread "$CR_DIR/show.txt") lines"
	fi
	if cr_restore; then
		pass threads_restore
		same threads_restore_report "$(jr .threads)" 9
		# Every thread has its old tid again.
		ok=1
		for tid in $(js '.tasks[0].threads[].tid'); do
			[ -d "/proc/$CR_PID/task/$tid" ] || ok=0
		done
		same threads_restore_tids "$ok" 1
		cr_finish
		if [ "$CR_RC" = 0 ] && grep -q '^PASS' "$CR_DIR/log"; then
			pass threads_verify
		else
			fail threads_verify "exit status $CR_RC: $(grep -E '^(FAIL|PASS)' "$CR_DIR/log")"
		fi
	else
		fail threads_restore "$(jr '.error // empty') $(tail -n 3 "$CR_DIR/restore.err")"
	fi
else
	fail threads_dump "$(tail -n 3 "$CR_DIR/dump.err" 2>/dev/null)"
fi
cr_cleanup

# Next to the running original, in a new pid namespace: the same tids inside.
if cr_start threads_ns zdtm_threads &&
	"$PIDTRACE" -v dump -t "$CR_PID" -D "$CR_DIR/img" --leave-running >/dev/null 2>"$CR_DIR/dump.err"; then
	# Calls injected into the threads were crash-safe, and exact.
	if grep -q "crash-safe remote syscalls not possible\|differs after sigreturn" "$CR_DIR/dump.err"; then
		fail threads_crash_safe_calls "$(grep 'not possible\|differs' "$CR_DIR/dump.err" | head -n 1)"
	else
		pass threads_crash_safe_calls
	fi
	if cr_restore --pidns; then
		pass threads_ns_restore_beside_original
		host=$(jr '.host_pids[0]')
		kill -TERM "$host"
		wait_for 30 cr_gone "$CR_RESTORE"
		wait "$CR_RESTORE"
		CR_RC=$?
		CR_RESTORE=
		if [ "$CR_RC" = 0 ] && [ "$(grep -c '^PASS' "$CR_DIR/log")" = 1 ]; then
			pass threads_ns_verify
		else
			fail threads_ns_verify "exit status $CR_RC: $(grep -E '^(FAIL|PASS)' "$CR_DIR/log")"
		fi
	else
		fail threads_ns_restore_beside_original "$(jr '.error // empty') $(tail -n 3 "$CR_DIR/restore.err")"
	fi
	# The original ran on, undisturbed by the dump. It writes its verdict at
	# the same file offset as the restored copy did (each has its own open
	# file description): mark that verdict seen, the original must rewrite it.
	off=$(grep -b '^PASS' "$CR_DIR/log" | head -n 1 | cut -d: -f1)
	[ -n "$off" ] && printf 'SEEN' | dd of="$CR_DIR/log" bs=1 seek="$off" conv=notrunc status=none
	kill -TERM "$CR_PID"
	wait_for 10 cr_gone "$CR_REAPER"
	if [ -n "$off" ] && grep -q '^PASS' "$CR_DIR/log" && ! grep -q '^FAIL' "$CR_DIR/log"; then
		pass threads_leave_running_undisturbed
	else
		fail threads_leave_running_undisturbed "$(grep -E '^(FAIL|PASS|SEEN)' "$CR_DIR/log")"
	fi
else
	fail threads_ns_dump "$(cat "$CR_DIR/dump.err" 2>/dev/null)"
fi
cr_cleanup

# Threads coming and going during the freeze; pthread_join after restore.
cr_roundtrip threads_churn zdtm_threads_edge churn
# The same without root: each thread lowers its own credentials at restore.
cr_roundtrip threads_nobody zdtm_threads_edge churn-nobody

# A restore that fails once the threads exist rolls everything back: a
# thread SIGKILLed from outside while the restore is paused (its threads
# are held then), and SIGTERM to pidtrace. Nothing is left, and the
# rollback does not hang on the held threads.
image_ids() { jq -r '.tasks[0].pid, .tasks[0].threads[].tid' "$CR_DIR/show.json"; }
left_over() {
	local p
	for p in $(image_ids); do [ -e "/proc/$p" ] && echo "$p"; done
}
paused() { grep -q 'test pause at' "$CR_DIR/restore.err" 2>/dev/null; }
for how in kill-thread sigterm; do
	if ! cr_start "threads_rollback_$how" zdtm_threads || ! cr_dump; then
		fail "threads_rollback_${how}" "could not start or dump"
		cr_cleanup
		continue
	fi
	"$PIDTRACE" show -D "$CR_DIR/img" --json >"$CR_DIR/show.json"
	(cd "$CR_DIR" && PIDTRACE_TEST_PAUSE=restore-state PIDTRACE_TEST_PAUSE_MS=20000 \
		exec "$PIDTRACE" restore -D "$CR_DIR/img" --json >"$CR_DIR/restore.json" \
		2>"$CR_DIR/restore.err") &
	CR_RESTORE=$!
	wait_for 30 paused
	if [ "$how" = kill-thread ]; then
		kill -9 "$(jq -r '.tasks[0].threads[3].tid' "$CR_DIR/show.json")"
	else
		kill -TERM "$CR_RESTORE"
	fi
	if wait_for 20 cr_gone "$CR_RESTORE"; then
		wait "$CR_RESTORE"
		rc=$?
		CR_RESTORE=
		same "threads_rollback_${how}_fails" "$rc $(jq -r .ok "$CR_DIR/restore.json")" "1 false"
		same "threads_rollback_${how}_nothing_left" "$(left_over)" ""
	else
		fail "threads_rollback_${how}_fails" "the restore hangs: $(tail -n 2 "$CR_DIR/restore.err")"
	fi
	cr_cleanup
done

# pidtrace killed (SIGKILL) at a random moment of a dump, in the middle of
# calls it runs inside the threads: the process must run on as it was
# (each thread's calls are crash-safe: undone by the thread itself).
bad=0 killed=0 first=''
for i in $(seq 1 "${THREADS_KILL_ROUNDS:-8}"); do
	cr_start threads_kill zdtm_threads || { bad=$((bad + 1)); continue; }
	"$PIDTRACE" dump -t "$CR_PID" -D "$CR_DIR/img" --leave-running >/dev/null 2>&1 &
	dump=$!
	sleep "0.0$(printf '%02d' $((RANDOM % 60)))"
	kill -9 "$dump" 2>/dev/null
	wait "$dump" 2>/dev/null
	[ $? = 137 ] && killed=$((killed + 1))
	why=
	wait_for 2 sh -c "! grep -q '^TracerPid:[[:space:]]*[1-9]' /proc/$CR_PID/task/*/status" ||
		why="still traced"
	if [ -z "$why" ]; then
		kill -TERM "$CR_PID"
		wait_for 10 cr_gone "$CR_REAPER"
		grep -q '^PASS' "$CR_DIR/log" || why=$(grep -E '^FAIL' "$CR_DIR/log" || echo "no verdict")
	fi
	if [ -n "$why" ]; then
		bad=$((bad + 1))
		[ -z "$first" ] && first="round $i: $why"
	fi
	cr_cleanup
	rm -rf "$CR_DIR"
done
if [ "$bad" != 0 ]; then
	fail threads_dump_killed_at_random "$bad rounds: first $first"
elif [ "$killed" = 0 ]; then
	fail threads_dump_killed_at_random "no dump was killed mid-way"
else
	pass "threads_dump_killed_at_random ($killed of ${THREADS_KILL_ROUNDS:-8} killed mid-dump)"
fi

# refused NAME PROG ARG PATTERN: the dump must fail naming the reason,
# and leave the process running untouched.
refused() {
	local name=$1 prog=$2 arg=$3 pattern=$4 err
	if ! cr_start "$name" "$prog" "$arg"; then
		fail "$name" "did not start"
		return
	fi
	if "$PIDTRACE" dump -t "$CR_PID" -D "$CR_DIR/img" >/dev/null 2>"$CR_DIR/dump.err"; then
		fail "$name" "dump succeeded"
	elif ! grep -q "$pattern" "$CR_DIR/dump.err"; then
		fail "$name" "$(cat "$CR_DIR/dump.err")"
	elif [ -e "$CR_DIR/img/inventory.img" ] || ! kill -0 "$CR_PID" 2>/dev/null ||
		grep -q '^State:.*[tT]' "/proc/$CR_PID/status" ||
		[ "$(awk '/^TracerPid:/ {print $2}' "/proc/$CR_PID/status")" != 0 ]; then
		fail "$name" "the process was not left running untouched"
	else
		pass "$name"
	fi
	cr_cleanup
}
refused threads_refuse_leader_exited zdtm_threads_edge leader-exit "its main thread exited"
