#!/usr/bin/env bash
# --cgroup PATH reports only victims in that cgroup or below, on the cgroup
# v2 hierarchy and on a v1 controller's hierarchy alike.
. "$(dirname "$0")/../lib.sh"
need_root

v2=/sys/fs/cgroup/unified/pidtrace-filter-$$
v1=/sys/fs/cgroup/memory/pidtrace-filter-$$
mkdir -p "$v2/sub" "$v1" || { fail cgroups_created "mkdir failed"; exit 1; }
# What a test moves out of its own cgroup is its own to kill (see tests/README.md).
at_exit "cgroup_remove $v2/sub $v2 $v1"


for tree in v2 v1; do
	dir=${!tree}
	target=$dir
	[ "$tree" = v2 ] && target=$dir/sub # a descendant cgroup must match too
	watch_start --cgroup "$dir" || { fail "${tree}_watch_starts" "$(cat "$T/watch.err")"; continue; }
	# A sleeping task that moves itself into the cgroup (no subshell: $!
	# must be its pid, and its stdout must not hold a pipe open).
	sh -c "echo \$\$ > $target/cgroup.procs && exec sleep 100" >/dev/null &
	inside=$!
	sleep 100 &
	outside=$!
	# In the group before the kill (a loaded machine may take longer
	# than any fixed while to run the shell's echo).
	for i in $(seq 1 500); do
		grep -qx "$inside" "$target/cgroup.procs" && break
		sleep 0.02
	done
	kill -9 "$inside" "$outside"
	wait "$inside" "$outside" 2>/dev/null
	sleep 0.3
	watch_stop
	d=$(death_of "$inside")
	expect "${tree}_cgroup_filter_reports_the_task_inside" "$d" .victim.pid "$inside"
	[ -z "$(death_of "$outside")" ] && pass "${tree}_cgroup_filter_hides_the_task_outside" ||
		fail "${tree}_cgroup_filter_hides_the_task_outside" "$(death_of "$outside")"
	if [ "$tree" = v2 ]; then
		expect v2_victim_cgroup_is_the_subgroup "$d" .victim.cgroup "/pidtrace-filter-$$/sub"
	fi
done
"$PIDTRACE" watch --cgroup /tmp >/dev/null 2>"$T/err"
rc=$?
[ "$rc" = 1 ] && grep -q 'not a cgroup' "$T/err" && pass cgroup_filter_refuses_a_non_cgroup_dir ||
	fail cgroup_filter_refuses_a_non_cgroup_dir "exit $rc: $(cat "$T/err")"
