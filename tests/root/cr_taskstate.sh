#!/usr/bin/env bash
# cr_taskstate: what a task set about itself and the kernel keeps outside
# its memory and fds comes back exactly: the scheduling policy, priority
# and reset-on-fork flag of each thread and of a child (zdtm
# sched_policy00), shown by `pidtrace show`, plain and --json; a
# SCHED_DEADLINE thread is refused at dump; oom_score_adj, loginuid, THP
# disable, child subreaper, membarrier registrations.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root

cr_roundtrip_show sched zdtm_sched \
	"main=[.tasks[] | select(.threads | length == 2) | .sched] ==
		[{\"policy\": \"SCHED_RR\", \"priority\": 7, \"reset_on_fork\": true}]" \
	"threads=[.tasks[].threads[]?.sched.policy] | sort == [\"SCHED_FIFO\", \"SCHED_IDLE\"]" \
	"child=[.tasks[] | select(.threads | length == 0) | .sched.policy] == [\"SCHED_BATCH\"]"
"$PIDTRACE" show -D "$T/sched/img" >"$T/sched/show.txt" 2>&1
if grep -q '^  sched: main thread SCHED_RR priority 7, reset-on-fork$' "$T/sched/show.txt" &&
	grep -q '^  sched: thread [0-9]* SCHED_FIFO priority 3$' "$T/sched/show.txt"; then
	pass sched_show_plain
else
	fail sched_show_plain "$(grep sched: "$T/sched/show.txt")"
fi

# A SCHED_DEADLINE thread: refused at dump, left running with it.
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
