#!/usr/bin/env bash
# cr_taskstate: what a task set about itself and the kernel keeps outside
# its memory and fds comes back exactly: the scheduling policy, priority
# and reset-on-fork flag of each thread and of a child (zdtm
# sched_policy00), shown by `pidtrace show`, plain and --json; a
# SCHED_DEADLINE thread is refused at dump; oom_score_adj, loginuid, THP
# disable, child subreaper, membarrier registrations; O_ASYNC owners and
# signals (zdtm file_fown); a deleted file's mode, mtime and holes (zdtm
# file_attr, ghost_holes00); a zombie whose process group lost its leader
# (zdtm zombie01) is restored in that group; mappings keep their VmFlags (zdtm
# maps02, maps11: locked, noreserve, droppable, mergeable...); an
# executable memfd and private mappings of shared memory (zdtm memfd04,
# memfd05, shmemfd-priv).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root

cr_roundtrip_show sched zdtm_sched \
	"main=[.tasks[] | select(.threads | length == 2) | .sched] ==
		[{\"policy\": \"SCHED_RR\", \"priority\": 7, \"reset_on_fork\": true,
		  \"cpus\": \"$(awk '/^Cpus_allowed_list:/ { print $2 }' /proc/self/status)\"}]" \
	"threads=[.tasks[].threads[]?.sched.policy] | sort == [\"SCHED_FIFO\", \"SCHED_IDLE\"]" \
	"child=[.tasks[] | select(.threads | length == 0) | .sched.policy] == [\"SCHED_BATCH\"]"
"$PIDTRACE" show -D "$T/sched/img" >"$T/sched/show.txt" 2>&1
if grep -q '^  sched: main thread SCHED_RR priority 7, reset-on-fork, CPUs [0-9,-]*$' "$T/sched/show.txt" &&
	grep -q '^  sched: thread [0-9]* SCHED_IDLE, CPUs 0$' "$T/sched/show.txt"; then
	pass sched_show_plain
else
	fail sched_show_plain "$(grep sched: "$T/sched/show.txt")"
fi

# A SCHED_DEADLINE thread: refused at dump, left running with it. The
# kernel refuses SCHED_DEADLINE (EPERM) to a task whose CPU affinity is
# not every CPU of its root domain: whatever affinity the runner gave the
# suite (taskset -c 0: tools/envmatrix.sh 'cpu1'), the program gets all.
taskset -p -c "$(cat /sys/devices/system/cpu/online)" $$ >/dev/null 2>&1
if cr_start deadline zdtm_sched deadline; then
	cr_refused deadline "pid $CR_PID thread [0-9]+ runs under SCHED_DEADLINE: not supported"
else
	fail deadline_start "the program did not start: $(cat "$T/deadline/log")"
fi
cr_cleanup

# oom_score_adj, loginuid, THP disable, child subreaper (with an existing
# grandchild to adopt after restore), membarrier registrations.
cr_roundtrip_show knobs zdtm_knobs \
	"root=[.tasks[0] | .oom_score_adj, .loginuid, .thp_disable, .child_subreaper] ==
		[345, 1234, true, true]" \
	"membarrier=.tasks[0].membarrier | index(\"PRIVATE_EXPEDITED\") != null" \
	"children=[.tasks[1:][] | .child_subreaper] == [false, false]"
"$PIDTRACE" show -D "$T/knobs/img" >"$T/knobs/show.txt" 2>&1
if grep -q '^  process: oom_score_adj 345, loginuid 1234, THP disabled, child subreaper, membarrier .*PRIVATE_EXPEDITED' \
	"$T/knobs/show.txt"; then
	pass knobs_show_plain
else
	fail knobs_show_plain "$(grep process: "$T/knobs/show.txt")"
fi

# O_ASYNC owners (a process, a child's group, a thread; the uid that set them),
# their signals, and a deleted file's mode, mtime and holes.
cr_roundtrip_show fown zdtm_fown \
	"owners=[.tasks[0].fds[].owner // empty | [.type, .signum]] | sort ==
		[[\"pid\", 36], [\"process group\", 0], [\"thread\", 12]]" \
	"owner_uid=[.tasks[0].fds[].owner // empty | select(.signum == 36) | .euid] == [1]" \
	"ghost=[.tasks[0].fds[].deleted // empty | [.mtime_ns, .data_ranges]] ==
		[[1234567890000000000, [[4096, 4096], [12288, 4096]]]]"
"$PIDTRACE" show -D "$T/fown/img" >"$T/fown/show.txt" 2>&1
# (glibc's SIGRTMIN+2 is 36: the kernel's SIGRTMIN+4, as pidtrace names it)
if grep -q '^         O_ASYNC signals go to pid [0-9]* (set by uid 0 euid 1), signal SIGRTMIN+4$' \
	"$T/fown/show.txt"; then
	pass fown_show_plain
else
	fail fown_show_plain "$(grep -i async "$T/fown/show.txt")"
fi

# An owner outside the tree (the program's parent): refused at dump.
if cr_start fown_outside zdtm_fown outside; then
	cr_refused fown_outside \
		"pid $CR_PID fd [0-9]+: its O_ASYNC owner \\(F_SETOWN\\) is process [0-9]+, outside the dumped tree: not supported"
else
	fail fown_outside_start "the program did not start"
fi
cr_cleanup

# A zombie in a process group whose leader exited (zdtm zombie01): the
# group is made again by a helper (restore_pgrp.c; cr_pgrp.sh has more).
cr_roundtrip zombie_pgrp zdtm_zombie_pgrp

# Mapping flags and advice as smaps VmFlags shows them (zdtm maps02,
# maps11): growsdown, locked, noreserve, droppable, mergeable, hints.
cr_roundtrip mapflags zdtm_mapflags

# An executable memfd, private and shared mappings of memfds and of shared
# anonymous memory reopened through map_files (zdtm memfd04, memfd05,
# shmemfd-priv).
cr_roundtrip memfd_exec zdtm_memfd_exec

# The same, dumped and restored by a pidtrace whose own loginuid is set
# (run from a login session): the stubs inherit 777 and must be given
# 1234 with CAP_AUDIT_CONTROL.
cat >"$T/pidtrace-login" <<WRAP
#!/bin/sh
echo 777 >/proc/self/loginuid && exec "$PIDTRACE" "\$@"
WRAP
chmod +x "$T/pidtrace-login"
PIDTRACE_REAL=$PIDTRACE PIDTRACE=$T/pidtrace-login
cr_roundtrip_show knobs_login zdtm_knobs "loginuid=.tasks[0].loginuid == 1234"
PIDTRACE=$PIDTRACE_REAL
