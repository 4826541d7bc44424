#!/usr/bin/env bash
# A child with PR_SET_PDEATHSIG(SIGKILL) loses its parent: pidtrace watch
# says parent-death-signal and names the parent that exited.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/lib-scen.sh"
need_root

watch_start -c sc-pdeath-v || { fail watch_starts "$(cat "$T/watch.err")"; exit 1; }
scen pdeathsig || { watch_stop; exit 1; }
settle_and_stop
d=$(death_of "$victim")
one_record pdeathsig_reports_one_death "$d" "victim $victim" || exit 1
expect pdeathsig_is_parent_death_signal "$d" .cause parent-death-signal
expect pdeathsig_signal_is_sigkill "$d" .signo 9
expect pdeathsig_names_the_dead_parent "$d" .sender.pid "$parent"
expect pdeathsig_names_parent_comm "$d" .sender.comm sc-pdeath-p
expect pdeathsig_victim_exit_is_sigkill "$d" .exit.signal SIGKILL
