#!/usr/bin/env bash
# test: slow (started first: see tests/README.md)
# rely_dump_splice: the dump's splice path (a task's pages vmspliced by a
# helper thread of its own, docs/PERFORMANCE.md round six) leaves nothing
# in the tree whenever pidtrace dies or fails: killed (SIGKILL) or failed
# at every stop of it - the helper's clone entered and reported, its first
# stop, each of its calls (close_range, pipe2, vmsplice) at entry and exit,
# the pipe taken, the pages in the pipe and in the file, the helper let go,
# the clone returned - each task runs on as it was (its own checks), with
# the same descriptors and threads and no helper left, and a big target's
# every word is unchanged. A dump through the splice path restores every
# byte; a task that cannot have the helper (pids.max reached) is dumped by
# copy instead, never refused. PIDTRACE_SPLICE_MIB=0 takes the path for
# every task, whatever its size; by default only tasks past 64 MiB take it.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../dump_lib.sh"
. "$(dirname "$0")/../rely_lib.sh"
. "$TOP/tests/cr_lib.sh"
need_root
export PIDTRACE_SPLICE_MIB=0

IMG=$T/img
# fds_threads PID: its descriptors (targets) and its threads, one a line;
# not the /proc/self/maps fault_target opens for a moment each round.
fds_threads() {
	local f l
	for f in "/proc/$1/fd/"*; do
		l=$(readlink "$f" 2>/dev/null) || continue
		case $l in /proc/*/maps) continue ;; esac
		echo "${f##*/} $l"
	done
	ls "/proc/$1/task" 2>/dev/null
}
tree_state() { fds_threads "$FT"; echo --; fds_threads "$FT_CHILD"; }

ft_start tree || exit 1
before=$(tree_state)

# A dump of the tree goes by the splice path, both tasks.
rm -rf "$IMG"
"$PIDTRACE" dump -t "$FT" -D "$IMG" --leave-running --json >"$T/j" 2>"$T/err"
same splice_path_taken "$(jq -r '"\(.splice_tasks) \(.splice_fallbacks) \(.spliced_bytes > 0)"' "$T/j" 2>/dev/null)" "2 0 true"
same splice_path_leaves_tree "$(tree_state)" "$before"
# Not taken for small tasks by default (below 64 MiB it does not pay), nor "off".
for v in '' off; do
	rm -rf "$IMG.d"
	PIDTRACE_SPLICE_MIB=$v "$PIDTRACE" dump -t "$FT" -D "$IMG.d" --leave-running --json >"$T/j" 2>&1
	same "splice_path_not_taken${v:+_$v}" "$(jq -r '"\(.splice_tasks) \(.spliced_bytes)"' "$T/j" 2>/dev/null)" "0 0"
done
ft_intact splice_path_tree_runs

# Killed at every stop of the path (the root's calls first: close_range,
# pipe2, then a vmsplice a MiB; @4 and later fall in the child's).
POINTS="splice-clone-entry@1 splice-clone-entry@2 splice-clone-event@1 splice-clone-event@2
	splice-helper-stop@1 splice-helper-stop@2 splice-entry@1 splice-entry@2 splice-entry@3
	splice-entry@4 splice-entry@6 splice-exit@1 splice-exit@2 splice-exit@3 splice-exit@4
	splice-exit@6 splice-pipe@1 splice-pipe@2 splice-vmsplice@1 splice-vmsplice@2
	splice-splice@1 splice-splice@2 splice-helper-exit@1 splice-helper-exit@2
	splice-clone-exit@1 splice-clone-exit@2 splice-runs@1 splice-runs@3"
for p in $POINTS; do
	for how in kill error; do
		n="${how}ed_at_${p/@/_}"
		rm -rf "$IMG"
		PIDTRACE_FAULT=$p:$how "$PIDTRACE" dump -t "$FT" -D "$IMG" --leave-running >"$T/out" 2>"$T/err"
		rc=$?
		if [ "$how" = kill ]; then
			same "${n}_by_sigkill" "$rc" 137
		elif [ "$rc" != 0 ] && [ "$(wc -l <"$T/err")" != 1 ]; then
			# A failed step either falls back to the copy (0) or fails in one line.
			fail "${n}_one_line" "exit $rc: $(cat "$T/err")"
		fi
		# The kernel ends a let-go helper at once, but not before we look.
		for i in $(seq 1 500); do
			[ "$(tree_state)" = "$before" ] && break
			sleep 0.01
		done
		same "${n}_same_fds_threads" "$(tree_state)" "$before"
		ft_intact "${n}_tree_untouched"
	done
done
ft_stop

# Every word of a 72 MiB target unchanged after kills inside the vmsplice
# batches and the helper's way out, then a dump and restore through the
# path verifying every byte: by default (past 64 MiB resident, every page).
if cr_start bigmem zdtm_bigmem 72; then
	for p in splice-vmsplice@1 splice-vmsplice@5 splice-exit@5 splice-splice@9 splice-helper-exit@1; do
		PIDTRACE_FAULT=$p:kill "$PIDTRACE" dump -t "$CR_PID" -D "$IMG" --leave-running >/dev/null 2>&1
	done
	# A let-go helper thread runs its own way out: on a loaded machine
	# that takes a while after pidtrace's death (CI saw it listed).
	for i in $(seq 1 500); do
		[ "$(ls "/proc/$CR_PID/task")" = "$CR_PID" ] && break
		sleep 0.01
	done
	same bigmem_killed_threads "$(ls "/proc/$CR_PID/task")" "$CR_PID"
	if PIDTRACE_SPLICE_MIB='' cr_dump; then
		same bigmem_dump_spliced "$(jq -r '"\(.splice_tasks) \(.spliced_bytes == .pages_bytes) \(.spliced_bytes >= 75497472)"' "$CR_DIR/dump.json")" "1 true true"
		cr_restore_verify bigmem
	else
		fail bigmem_dump "$(tail -n 3 "$CR_DIR/dump.err")"
	fi
else
	fail bigmem_start "the program did not start"
fi
cr_cleanup

# A multithreaded task (8 workers, a spinner): the other threads held all
# along; killed inside the path, the same threads and fds; then a dump and
# restore through it, every worker checking itself.
if cr_start threads zdtm_threads; then
	th_before=$(fds_threads "$CR_PID")
	for p in splice-clone-event@1 splice-helper-stop@1 splice-vmsplice@1 splice-exit@3 splice-clone-exit@1; do
		PIDTRACE_FAULT=$p:kill "$PIDTRACE" dump -t "$CR_PID" -D "$IMG" --leave-running >/dev/null 2>&1
		for i in $(seq 1 500); do
			[ "$(fds_threads "$CR_PID")" = "$th_before" ] && break
			sleep 0.01
		done
		same "threads_killed_at_${p/@/_}_same" "$(fds_threads "$CR_PID")" "$th_before"
	done
	if cr_dump; then
		same threads_dump_spliced "$(jq -r .splice_tasks "$CR_DIR/dump.json")" 1
		cr_restore_verify threads
	else
		fail threads_dump "$(tail -n 3 "$CR_DIR/dump.err")"
	fi
else
	fail threads_start "the program did not start"
fi
cr_cleanup

# A seccomp filter that kills the process for each call the path makes in
# it: the dump suspends it (the helper inherits that), the task lives on.
if cr_start seccomp splice_seccomp 8; then
	"$PIDTRACE" dump -t "$CR_PID" -D "$IMG.s" --leave-running --json >"$T/j" 2>"$T/err"
	same seccomp_dump_spliced "$? $(jq -r .splice_tasks "$T/j" 2>/dev/null)" "0 1"
	cr_passes seccomp_task_lives
else
	fail seccomp_start "the program did not start"
fi
cr_cleanup

# No helper possible (pids.max is the task's own count): the copy path, the
# dump succeeds, the task is unchanged.
pids=/sys/fs/cgroup/pids/pidtrace-test-splice-$$
at_exit "cr_cleanup; cgroup_remove $pids"
if [ ! -d /sys/fs/cgroup/pids ]; then
	skip pids_max_fallback "no pids controller (cgroup v1) here"
elif cr_start pidsmax zdtm_bigmem 4 && mkdir "$pids" && echo 1 >"$pids/pids.max" &&
	echo "$CR_PID" >"$pids/cgroup.procs"; then
	"$PIDTRACE" dump -t "$CR_PID" -D "$IMG.p" --leave-running --json >"$T/j" 2>"$T/err"
	same pids_max_falls_back "$? $(jq -r '"\(.splice_tasks) \(.splice_fallbacks)"' "$T/j" 2>/dev/null)" "0 0 1"
	same pids_max_threads "$(ls "/proc/$CR_PID/task")" "$CR_PID"
	echo "$CR_PID" >/sys/fs/cgroup/pids/cgroup.procs
	cr_passes pids_max_task_intact
else
	fail pids_max_start "could not start the target in $pids"
fi
cr_cleanup
