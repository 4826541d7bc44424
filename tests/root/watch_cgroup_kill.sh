#!/usr/bin/env bash
# Writing 1 to cgroup.kill of a cgroup v2 group kills the sleeper in it:
# pidtrace watch says cgroup-kill, names the writer and its syscall (write).
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/lib-scen.sh"
need_root

[ -e /sys/fs/cgroup/unified/cgroup.procs ] ||
	{ skip cgroup_kill "no cgroup v2 hierarchy at /sys/fs/cgroup/unified"; exit 0; }
grp=/sys/fs/cgroup/unified/pidtrace-test-kill-$$
# The scenario kills and removes the group; this is in case it could not.
at_exit "cgroup_remove $grp"
watch_start -c sc-cgkill-v || { fail watch_starts "$(cat "$T/watch.err")"; exit 1; }
scen cgroup_kill "$grp" || { watch_stop; exit 1; }
settle_and_stop
[ -d "$grp" ] && fail cgroup_kill_scenario_removes_its_group "$grp is left" ||
	pass cgroup_kill_scenario_removes_its_group
d=$(death_of "$victim")
one_record cgroup_kill_reports_one_death "$d" "victim $victim" || exit 1
expect cgroup_kill_is_cgroup_kill "$d" .cause cgroup-kill
expect cgroup_kill_signal_is_sigkill "$d" .signo 9
expect cgroup_kill_names_the_writer "$d" .sender.pid "$sender"
expect cgroup_kill_names_writer_comm "$d" .sender.comm sc-cgkill
expect cgroup_kill_names_syscall_write "$d" .syscall write
expect_that cgroup_kill_names_victim_cgroup "$d" .victim.cgroup "endswith(\"/${grp##*/}\")"
expect cgroup_kill_victim_exit_is_sigkill "$d" .exit.signal SIGKILL
