#!/usr/bin/env bash
# One thread of a two-thread process calls _exit() (exit_group) while the
# other sleeps: pidtrace watch reports the sleeping thread killed, cause
# group-exit, and names the exiting thread as the initiator. Both ways
# round: the main thread exits the group, a second thread does.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/lib-scen.sh"
need_root

for mode in leader thread; do
	watch_start -c sc-grpexit || { fail "group_exit_by_${mode}_watch_starts" "see stderr"; continue; }
	scen group_exit "$mode" || { watch_stop; continue; }
	settle_and_stop
	d=$(death_of_tid "$victim_tid")
	if one_record "group_exit_by_${mode}_reports_the_sleeping_thread" "$d" "thread $victim_tid"; then
		expect "group_exit_by_${mode}_is_group_exit" "$d" .cause group-exit
		expect "group_exit_by_${mode}_victim_pid_is_the_process" "$d" .victim.pid "$victim"
		expect "group_exit_by_${mode}_signal_is_sigkill" "$d" .signo 9
		expect "group_exit_by_${mode}_names_initiator_thread" "$d" .initiator.tid "$initiator"
		expect "group_exit_by_${mode}_names_initiator_syscall" "$d" .initiator.syscall exit_group
	fi
	n=$(death_of_tid "$initiator" | grep -c .)
	[ "$n" = 0 ] && pass "group_exit_by_${mode}_initiator_is_no_victim" ||
		fail "group_exit_by_${mode}_initiator_is_no_victim" "$n death records for thread $initiator"
	rm -f "$T/watch.json"
done
