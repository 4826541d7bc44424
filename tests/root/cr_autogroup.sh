#!/usr/bin/env bash
# cr_autogroup: a session's autogroup nice (/proc/PID/autogroup, with
# kernel.sched_autogroup_enabled) is dumped and set back once the session
# is made (dump_taskstate.c, restore_taskstate.c). The parent stays in
# the runner's autogroup: one of the runner's session, or PID 1's when
# the runner was started without setsid() (as CI is), whose file is empty
# and whose nice nobody can set: nothing is kept for it then.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root

if [ "$(cat /proc/sys/kernel/sched_autogroup_enabled 2>/dev/null)" != 1 ]; then
	skip autogroup "kernel.sched_autogroup_enabled is not 1"
	exit 0
fi
ours=$(cat /proc/$$/autogroup)
if [ -n "$ours" ]; then
	parent=".tasks[0].autogroup_nice == ${ours##* }"
else
	parent='.tasks[0] | has("autogroup_nice") | not'
fi
cr_roundtrip_show autogroup zdtm_autogroup 'nice=.tasks[1].autogroup_nice == 5' "parent=$parent"
