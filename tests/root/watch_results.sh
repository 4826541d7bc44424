#!/usr/bin/env bash
# SIGTERMs that do not kill: with '-s TERM' each generation is a signal
# record whose result says what the kernel did with it: ignored (SIG_IGN),
# blocked, then already-pending for a second one while the first waits.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/lib-scen.sh"
need_root

watch_start -s TERM -c sc-results-v || { fail watch_starts "$(cat "$T/watch.err")"; exit 1; }
if scen sig_results ignore; then
	settle_and_stop
	s=$(signals_to "$victim" 15)
	if one_record sigterm_to_sig_ign_reports_one_signal "$s" "SIGTERM to $victim"; then
		expect sigterm_to_sig_ign_result_is_ignored "$s" .result ignored
		expect sigterm_to_sig_ign_names_sender "$s" .sender.pid "$sender"
		expect sigterm_to_sig_ign_is_kill_syscall "$s" .cause kill-syscall
	fi
else
	watch_stop
fi
rm -f "$T/watch.json"

watch_start -s TERM -c sc-results-v || { fail watch_starts "$(cat "$T/watch.err")"; exit 1; }
scen sig_results block || { watch_stop; exit 1; }
settle_and_stop
s=$(signals_to "$victim" 15)
n=$(printf '%s' "$s" | grep -c .)
[ "$n" = 2 ] && pass sigterm_twice_while_blocked_reports_two_signals ||
	fail sigterm_twice_while_blocked_reports_two_signals "$n records; the tracer wrote: $(recorded)"
expect sigterm_while_blocked_result_is_blocked "$(printf '%s\n' "$s" | sed -n 1p)" .result blocked
expect second_sigterm_while_blocked_is_already_pending "$(printf '%s\n' "$s" | sed -n 2p)" \
	.result already-pending
