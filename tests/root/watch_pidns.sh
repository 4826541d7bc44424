#!/usr/bin/env bash
# The init of a pid namespace exits while its child sleeps; the kernel
# kills the child: pidtrace watch says pidns-teardown, sender the init.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/lib-scen.sh"
need_root

watch_start -c sc-pidns-v || { fail watch_starts "$(cat "$T/watch.err")"; exit 1; }
scen pidns_teardown || { watch_stop; exit 1; }
settle_and_stop
d=$(death_of "$victim")
one_record pidns_teardown_reports_one_death "$d" "victim $victim" || exit 1
expect pidns_teardown_is_pidns_teardown "$d" .cause pidns-teardown
expect pidns_teardown_signal_is_sigkill "$d" .signo 9
expect pidns_teardown_sender_is_kernel "$d" .sender_kind kernel
expect pidns_teardown_names_the_exiting_init "$d" .sender.pid "$init"
expect pidns_teardown_names_init_comm "$d" .sender.comm sc-pidns-init
expect pidns_teardown_victim_pid_inside_is_2 "$d" .victim.ns_pid 2
expect_that pidns_teardown_victim_in_a_child_namespace "$d" .victim.pidns \
	". != $(stat -L -c %i /proc/self/ns/pid)"
expect pidns_teardown_victim_exit_is_sigkill "$d" .exit.signal SIGKILL
