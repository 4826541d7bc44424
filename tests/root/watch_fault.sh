#!/usr/bin/env bash
# A NULL dereference: pidtrace watch says fault, SIGSEGV, SEGV_MAPERR.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/lib-scen.sh"
need_root

watch_start -c sc-fault || { fail watch_starts "$(cat "$T/watch.err")"; exit 1; }
scen fault || { watch_stop; exit 1; }
settle_and_stop
d=$(death_of "$victim")
one_record fault_reports_one_death "$d" "victim $victim" || exit 1
expect fault_is_fault "$d" .cause fault
expect fault_signal_is_sigsegv "$d" .signal SIGSEGV
expect fault_si_code_is_segv_maperr "$d" .si_code SEGV_MAPERR
expect fault_sender_is_kernel "$d" .sender_kind kernel
expect fault_victim_exit_is_sigsegv "$d" .exit.signal SIGSEGV
expect fault_no_core_dumped "$d" .exit.core false
