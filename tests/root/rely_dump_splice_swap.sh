#!/usr/bin/env bash
# rely_dump_splice_swap: a task that crosses the splice threshold only as
# its pages are dumped (resident anonymous memory below it, the rest in
# swap: RssAnon does not count swapped pages) after the copy path's reader
# thread has started, and that cannot have the helper thread (pids.max
# reached): the copy path goes on and restarts its reader. The reader
# stopped for the splice path kept its "quit" flag, so the restarted one
# exited at its first batch and the dump waited for it forever, the tree
# held (a hang, found by this test's timeout). Needs a swap file: one of
# 32 MiB is made for the test (swapon), and taken away again.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root
IMG=$T/img
pids=/sys/fs/cgroup/pids/pidtrace-test-splice-swap-$$
if [ ! -d /sys/fs/cgroup/pids ]; then
	skip splice_swap "no pids controller (cgroup v1) here"
	exit 0
fi
if ! { dd if=/dev/zero of="$T/swapfile" bs=1M count=32 status=none && chmod 600 "$T/swapfile" &&
	mkswap "$T/swapfile" >/dev/null && swapon -p -2 "$T/swapfile"; } 2>/dev/null; then
	skip splice_swap "no swap file can be made here"
	exit 0
fi
at_exit "swapoff '$T/swapfile'"
at_exit "cr_cleanup; cgroup_remove $pids"
# 8 MiB, 6 of them paged out: RssAnon ~2 MiB, below the threshold of 4.
# A page dropped at 3 MiB: a first run of 3 MiB is copied (the reader
# starts after 2 MiB), the next run crosses the threshold.
if cr_start swap zdtm_bigmem 8 6 && mkdir "$pids" && echo 1 >"$pids/pids.max" &&
	echo "$CR_PID" >"$pids/cgroup.procs"; then
	swapped=$(awk '/^VmSwap:/ { print $2 }' "/proc/$CR_PID/status")
	if [ "${swapped:-0}" -lt 4096 ]; then
		skip splice_swap "only ${swapped:-0} kB of the target in swap"
	else
		PIDTRACE_SPLICE_MIB=4 timeout -k 5 30 "$PIDTRACE" dump -t "$CR_PID" -D "$IMG" \
			--leave-running --json >"$T/j" 2>"$T/err"
		same splice_swap_falls_back "$? $(jq -r '"\(.splice_tasks) \(.splice_fallbacks)"' "$T/j" 2>/dev/null)" "0 0 1"
		same splice_swap_threads "$(ls "/proc/$CR_PID/task")" "$CR_PID"
	fi
	echo "$CR_PID" >/sys/fs/cgroup/pids/cgroup.procs
	cr_passes splice_swap_task_intact
else
	fail splice_swap_start "could not start the target in $pids"
fi
cr_cleanup
