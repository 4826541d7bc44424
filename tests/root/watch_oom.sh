#!/usr/bin/env bash
# A task in a 32 MiB cgroup v1 memory group touches memory until the OOM
# killer kills it: pidtrace watch says oom-kill and names the memory group.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/lib-scen.sh"
need_root

grp=/sys/fs/cgroup/memory/pidtrace-test-oom-$$
# The scenario removes the group; this is in case it could not.
at_exit "cgroup_remove $grp"
watch_start -c sc-oom-v || { fail watch_starts "$(cat "$T/watch.err")"; exit 1; }
scen oom_kill "$grp" || { watch_stop; exit 1; }
settle_and_stop
[ -d "$grp" ] && fail oom_scenario_removes_its_group "$grp is left" ||
	pass oom_scenario_removes_its_group
d=$(death_of "$victim")
one_record oom_kill_reports_one_death "$d" "victim $victim" || exit 1
expect oom_kill_is_oom_kill "$d" .cause oom-kill
expect oom_kill_signal_is_sigkill "$d" .signo 9
expect oom_kill_sender_is_kernel "$d" .sender_kind kernel
expect oom_kill_si_code_is_si_kernel "$d" .si_code SI_KERNEL
expect_that oom_kill_names_memcg "$d" .oom.memcg "endswith(\"/${grp##*/}\")"
expect_that oom_kill_gives_victim_anon_rss "$d" .oom.anon_rss_kb '. > 16384'
expect_that oom_kill_gives_victim_total_vm "$d" .oom '.total_vm_kb >= .anon_rss_kb'
expect oom_kill_trigger_is_the_victim "$d" .oom.trigger.pid "$victim"
expect oom_kill_victim_exit_is_sigkill "$d" .exit.signal SIGKILL
