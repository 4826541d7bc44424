#!/usr/bin/env bash
# A tracer kills its tracee with PTRACE_KILL, or exits while holding it with
# PTRACE_O_EXITKILL: pidtrace watch says ptrace-kill and names the tracer.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/lib-scen.sh"
need_root

watch_start -c sc-ptkill-v || { fail watch_starts "$(cat "$T/watch.err")"; exit 1; }
if scen ptrace_kill; then
	settle_and_stop
	d=$(death_of "$victim")
	if one_record ptrace_kill_reports_one_death "$d" "victim $victim"; then
		expect ptrace_kill_is_ptrace_kill "$d" .cause ptrace-kill
		expect ptrace_kill_signal_is_sigkill "$d" .signo 9
		expect ptrace_kill_names_the_tracer "$d" .sender.pid "$tracer"
		expect ptrace_kill_names_tracer_comm "$d" .sender.comm sc-ptkill-t
		expect ptrace_kill_names_syscall_ptrace "$d" .syscall ptrace
		expect ptrace_kill_victim_exit_is_sigkill "$d" .exit.signal SIGKILL
	fi
else
	watch_stop
fi
rm -f "$T/watch.json"

watch_start -c sc-ptexit-v || { fail watch_starts "$(cat "$T/watch.err")"; exit 1; }
scen ptrace_exitkill || { watch_stop; exit 1; }
settle_and_stop
d=$(death_of "$victim")
one_record ptrace_exitkill_reports_one_death "$d" "victim $victim" || exit 1
expect ptrace_exitkill_is_ptrace_kill "$d" .cause ptrace-kill
expect ptrace_exitkill_signal_is_sigkill "$d" .signo 9
expect ptrace_exitkill_sender_is_kernel "$d" .sender_kind kernel
expect ptrace_exitkill_names_the_exiting_tracer "$d" .sender.pid "$tracer"
expect ptrace_exitkill_victim_exit_is_sigkill "$d" .exit.signal SIGKILL
