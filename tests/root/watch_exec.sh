#!/usr/bin/env bash
# One thread of a two-thread process calls execve() while the other sleeps:
# pidtrace watch reports the sleeper killed by exec-de-thread and names the
# exec'ing thread. Both ways round: the main thread execs, a thread execs.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/lib-scen.sh"
need_root

for mode in leader thread; do
	watch_start -c sc-exec || { fail "exec_by_${mode}_watch_starts" "see stderr"; continue; }
	scen exec_de_thread "$mode" || { watch_stop; continue; }
	settle_and_stop
	d=$(death_of_tid "$victim_tid")
	if one_record "exec_by_${mode}_reports_the_sleeping_thread" "$d" "thread $victim_tid"; then
		expect "exec_by_${mode}_is_exec_de_thread" "$d" .cause exec-de-thread
		expect "exec_by_${mode}_victim_pid_is_the_process" "$d" .victim.pid "$victim"
		expect "exec_by_${mode}_signal_is_sigkill" "$d" .signo 9
		expect "exec_by_${mode}_names_initiator_thread" "$d" .initiator.tid "$initiator"
		expect "exec_by_${mode}_names_initiator_syscall" "$d" .initiator.syscall execve
	fi
	rm -f "$T/watch.json"
done
