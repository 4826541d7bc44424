#!/usr/bin/env bash
# cr_autogroup: a session's autogroup nice (/proc/PID/autogroup, with
# kernel.sched_autogroup_enabled) is dumped and set back once the session
# is made (dump_taskstate.c, restore_taskstate.c).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root

if [ "$(cat /proc/sys/kernel/sched_autogroup_enabled 2>/dev/null)" != 1 ]; then
	skip autogroup "kernel.sched_autogroup_enabled is not 1"
	exit 0
fi
cr_roundtrip_show autogroup zdtm_autogroup 'nice=.tasks[1].autogroup_nice == 5'
