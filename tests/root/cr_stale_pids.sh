#!/usr/bin/env bash
# cr_stale_pids: a test's cleanup never kills another test's processes.
# cr_cleanup kills what a round trip left by the pids it remembers (the
# dump, the restore and everything below it, the original's reaper); a
# round trip that failed leaves such a pid remembered long after its
# process ended, and by then the number may be another test's (pid_max is
# 32768 on the project machines, and cr_pgrp.sh moves ns_last_pid back).
# Under several suites at once that once killed another suite's `pidtrace
# restore` and its tree, which then ended without a word (docs/
# reliability.md, script_restored_ctty). Here the remembered pids belong to
# a process tree in another cgroup, as another test's would: it survives
# cr_cleanup and the at_exit kills (kill_ours).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root

if [ -z "$TEST_CGROUP" ] || [ "$TEST_CGROUP" = / ]; then
	skip stale_pids "not in a cgroup v2 group of its own (tests/run.sh gives one)"
	exit 0
fi
CG2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/self/mounts)
OTHER=$CG2$TEST_CGROUP/other
mkdir -p "$OTHER"
at_exit "cgroup_remove $OTHER"

# "Another test's" restore: a parent with a child, in another group, not
# a child of this shell (orphaned at once, as another test's would be).
(sh -c 'echo $$ >"$1/cgroup.procs" && echo $$ >"$2" && exec sh -c "sleep 1000 & wait"' \
	sh "$OTHER" "$T/stranger" </dev/null >/dev/null 2>&1 &)
wait_for 10 eval '[ -s "$T/stranger" ]'
STRANGER=$(cat "$T/stranger")
wait_for 10 eval '[ -n "$(cat /proc/$STRANGER/task/*/children 2>/dev/null)" ]'
CHILD=$(cat /proc/$STRANGER/task/*/children 2>/dev/null | awk '{ print $1 }')
if [ -z "$CHILD" ] || ! grep -qx "0::$TEST_CGROUP/other" "/proc/$STRANGER/cgroup"; then
	fail stale_pids_setup "no stranger tree in $OTHER"
	exit 0
fi

# This test's memory of a round trip whose processes are long gone, their
# numbers taken since by the stranger.
CR_RESTORE=$STRANGER CR_REAPER=$STRANGER CR_DUMP=$STRANGER
cr_cleanup 2>/dev/null
alive() { [ -e "/proc/$1" ] && [ "$(awk '/^State:/ { print $2 }' "/proc/$1/status")" != Z ]; }
if alive "$STRANGER" && alive "$CHILD"; then
	pass stale_pids_cr_cleanup_spares_others
else
	fail stale_pids_cr_cleanup_spares_others "pid $STRANGER or its child $CHILD was killed"
fi
kill_ours 9 "$STRANGER" "$CHILD"
sleep 0.2
if alive "$STRANGER" && alive "$CHILD"; then
	pass stale_pids_kill_ours_spares_others
else
	fail stale_pids_kill_ours_spares_others "pid $STRANGER or its child $CHILD was killed"
fi

# And one of ours is killed, with what is below it.
sh -c 'sleep 1000 & wait' </dev/null >/dev/null 2>&1 &
MINE=$!
wait_for 10 eval '[ -n "$(cat /proc/$MINE/task/*/children 2>/dev/null)" ]'
MINE_CHILD=$(cat /proc/$MINE/task/*/children 2>/dev/null | awk '{ print $1 }')
CR_RESTORE=$MINE
cr_cleanup 2>/dev/null
gone() { ! alive "$MINE" && ! alive "$MINE_CHILD"; }
if wait_for 5 gone; then
	pass stale_pids_cr_cleanup_kills_ours
else
	fail stale_pids_cr_cleanup_kills_ours "pid $MINE or its child $MINE_CHILD still there"
fi
