#!/usr/bin/env bash
# A seccomp filter answers getppid() with SECCOMP_RET_KILL_PROCESS: pidtrace
# watch says seccomp, SIGSYS with si_code SYS_SECCOMP.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/lib-scen.sh"
need_root

watch_start -c sc-seccomp || { fail watch_starts "$(cat "$T/watch.err")"; exit 1; }
scen seccomp_kill || { watch_stop; exit 1; }
settle_and_stop
d=$(death_of "$victim")
one_record seccomp_reports_one_death "$d" "victim $victim" || exit 1
expect seccomp_is_seccomp "$d" .cause seccomp
expect seccomp_signal_is_sigsys "$d" .signal SIGSYS
expect seccomp_signo_is_31 "$d" .signo 31
expect seccomp_si_code_is_sys_seccomp "$d" .si_code SYS_SECCOMP
expect seccomp_sender_is_kernel "$d" .sender_kind kernel
expect seccomp_current_was_the_victim "$d" .sender.pid "$victim"
expect seccomp_victim_exit_is_sigsys "$d" .exit.signal SIGSYS
