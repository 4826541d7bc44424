#!/usr/bin/env bash
# A busy task with RLIMIT_CPU 1 s (soft = hard) and SIGXCPU ignored is
# SIGKILLed by the kernel at the hard limit: pidtrace watch says rlimit-cpu.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/lib-scen.sh"
need_root

watch_start -c sc-rlimit-cpu || { fail watch_starts "$(cat "$T/watch.err")"; exit 1; }
scen rlimit_cpu || { watch_stop; exit 1; }
settle_and_stop
d=$(death_of "$victim")
one_record rlimit_cpu_reports_one_death "$d" "victim $victim" || exit 1
expect rlimit_cpu_is_rlimit_cpu "$d" .cause rlimit-cpu
expect rlimit_cpu_signal_is_sigkill "$d" .signo 9
expect rlimit_cpu_sender_is_kernel "$d" .sender_kind kernel
expect rlimit_cpu_si_code_is_si_kernel "$d" .si_code SI_KERNEL
expect rlimit_cpu_current_was_the_victim "$d" .sender.pid "$victim"
expect rlimit_cpu_victim_exit_is_sigkill "$d" .exit.signal SIGKILL
