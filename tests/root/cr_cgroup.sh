#!/usr/bin/env bash
# cgroups come back: a process in a cgroup v2 group of its own, a v1 memory
# cgroup and a v1 pids cgroup, with a thread alone in a v1 cpu cgroup, is
# dumped and restored into exactly those cgroups, before its memory is
# written (the memory cgroup is charged for its pages again). The cgroups
# are removed between dump and restore, as a job's cgroups are when it is
# checkpointed and moved: restore makes them again with their settings
# (pids.max, memory.limit_in_bytes, cpu.shares, cgroup.max.descendants),
# owners and modes, and an empty cgroup below the task's too; one that
# exists with other settings is used as it is, with a warning. Modes:
# --cgroups=existing makes none (the restore fails in one line, rolled
# back); --cgroups=strict refuses a cgroup that exists with other
# settings, and removes those it made; --cgroups=ignore leaves the task in
# pidtrace's cgroups. A restore that fails after making cgroups (a fault
# once the tasks are in them; a setting the kernel will not take back)
# removes them. A frozen cgroup, and a cgroup that no mount shows, are
# refused at dump with the tree untouched. --cgroup-root puts the tree
# below other roots (named hierarchies, or by default each where the task
# had a cgroup of its own), settings and children following.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/cr_lib.sh"
need_root

U=/sys/fs/cgroup/unified
for d in "$U" /sys/fs/cgroup/memory /sys/fs/cgroup/pids /sys/fs/cgroup/cpu /sys/fs/cgroup/cpuset; do
	[ -d "$d" ] || { fail cgroup_hierarchies "no $d"; exit 1; }
done
own=$(sed -n 's/^0:://p' /proc/self/cgroup)
# Below the test's own v2 group: the harness sees what is left there.
v2=$U${own%/}/cr-cgroup-$$
mem=/sys/fs/cgroup/memory/pidtrace-test-cg-$$
pids=/sys/fs/cgroup/pids/pidtrace-test-cg-$$
cpu=/sys/fs/cgroup/cpu/pidtrace-test-cg-$$
cs=/sys/fs/cgroup/cpuset/pidtrace-test-cg-$$
at_exit "cr_cleanup; cgroup_remove $v2/empty $v2 $mem $pids $cpu $cs/c $cs"

# The tree's cgroups, each with a setting that is not the default.
make_cgroups() {
	mkdir -p "$v2/empty" "$mem" "$pids" "$cpu" &&
		echo 5 >"$v2/cgroup.max.descendants" &&
		chown 1000:1000 "$v2/cgroup.procs" && chmod 0750 "$v2/empty" &&
		echo $((96 << 20)) >"$mem/memory.limit_in_bytes" &&
		echo 50 >"$pids/pids.max" && echo 512 >"$cpu/cpu.shares"
}
# None of them is left (the empty one below the v2 group included).
none_left() {
	local d left=
	for d in "$v2/empty" "$v2" "$mem" "$pids" "$cpu"; do
		[ -d "$d" ] && left="$left $d"
	done
	[ -z "$left" ] || { echo "left:$left"; return 1; }
}
remove_cgroups() { rmdir "$v2/empty" "$v2" "$mem" "$pids" "$cpu" 2>/dev/null; none_left >/dev/null; }
restore_error() { jq -r '.error // empty' "$CR_DIR/restore.json" 2>/dev/null || cat "$CR_DIR/restore.err"; }
# restore_fails NAME PATTERN [ARG..]: a restore expected to fail with an
# error that matches PATTERN (a glob), rolled back. Return: 0 when it did.
restore_fails() {
	local name=$1 pat=$2 err rc=1
	shift 2
	if cr_restore "$@"; then
		fail "$name" "restore succeeded"
		cr_finish
		return 1
	fi
	err=$(restore_error)
	# shellcheck disable=SC2053 # a glob on purpose
	if [[ $err == $pat ]]; then
		pass "$name"
		rc=0
	else
		fail "$name" "error: $err $(cat "$CR_DIR/restore.err")"
	fi
	wait "$CR_RESTORE" 2>/dev/null
	CR_RESTORE=
	wait_for 10 cr_gone "$CR_PID" || { fail "${name}_rolled_back" "pid $CR_PID is still there"; rc=1; }
	return $rc
}
# removed NAME CHECK..: after a restore that failed where it should (its
# return status is $1's), CHECK (a command) says the cgroups it made are gone.
removed() {
	local name=$1 failed_right=$2
	shift 2
	if [ "$failed_right" != 0 ]; then
		fail "$name" "the restore did not fail where it should have: nothing to check"
	elif wait_for 5 "$@"; then
		pass "$name"
	else
		fail "$name" "$("$@" 2>&1)"
	fi
}

make_cgroups || { fail cgroup_setup "cannot make the test's cgroups"; exit 1; }
MIB=32
# It holds an fd on its v2 cgroup, which restore makes again (zdtm cgroup02).
ZDTM_CGROUP_FD=1 cr_start cgroup zdtm_cgroup "$MIB" "$cpu" "$v2" "$mem" "$pids" ||
	{ fail cgroup_start "$(cat "$CR_DIR/log")"; exit 1; }
tid=$(sed -n 's/^thread=//p' "$CR_DIR/log")
cr_dump || { fail cgroup_dump "$(cat "$CR_DIR/dump.err")"; exit 1; }
pass cgroup_dump
cr_show_has cgroup_show_memory \
	".tasks[0].cgroups | map(select(.controllers == \"memory\"))[0].path == \"/${mem##*/}\""
cr_show_has cgroup_show_v2 \
	".tasks[0].cgroups | map(select(.controllers == \"\"))[0].path == \"${v2#"$U"}\""
cr_show_has cgroup_show_thread \
	".tasks[0].thread_cgroups[0].cgroups | map(select(.controllers == \"cpu\"))[0].path == \"/${cpu##*/}\""
cr_show_has cgroup_show_saved_settings \
	".cgroups | map(select(.controllers == \"pids\" and .path == \"/${pids##*/}\"))[0].settings[\"pids.max\"] == \"50\""
"$PIDTRACE" show -D "$CR_DIR/img" >"$CR_DIR/show.txt" 2>&1
grep -q "^  cgroups:.* memory:/${mem##*/}" "$CR_DIR/show.txt" && pass cgroup_show_plain ||
	fail cgroup_show_plain "$(grep cgroups "$CR_DIR/show.txt")"

# The job's cgroups are gone (moved to another machine, cleaned up).
remove_cgroups || { fail cgroup_remove "$(none_left)"; exit 1; }

# --cgroups=existing: none is made, the restore fails naming the first, rolled back.
restore_fails cgroup_existing_makes_none \
	"*cannot put it back in cgroup pids:/${pids##*/}: no such cgroup*" --cgroups existing
removed cgroup_existing_made_nothing $? none_left

# --cgroups=strict: the pids cgroup exists again, with pids.max at its
# default: refused; the v2, cpu and memory cgroups made before it are removed.
mkdir "$pids"
restore_fails cgroup_strict_refuses_other_settings \
	"*cgroup pids:/${pids##*/} exists, and pids.max is max, the image says 50 (--cgroups=strict)*" \
	--cgroups strict
rc=$?
rmdir "$pids"
removed cgroup_strict_rollback_removes_made $rc none_left

# A restore that fails once the task is in the cgroups it made: they go too.
PIDTRACE_FAULT=restore-memory restore_fails cgroup_fault_after_move \
	"*test fault at restore-memory*"
removed cgroup_fault_rollback_removes_made $? none_left

if cr_restore; then
	pass cgroup_restore_makes_them_again
	# The v2 group and the empty one below it, the memory, pids and cpu cgroups.
	[ "$(jr .cgroups_made)" = 5 ] && pass cgroup_report_counts_made ||
		fail cgroup_report_counts_made "cgroups_made: $(jr .cgroups_made)"
	grep -q ":memory:/${mem##*/}\$" "/proc/$CR_PID/cgroup" && pass cgroup_process_in_memory_cgroup ||
		fail cgroup_process_in_memory_cgroup "$(cat "/proc/$CR_PID/cgroup")"
	grep -q ":cpu:/${cpu##*/}\$" "/proc/$CR_PID/task/$tid/cgroup" && pass cgroup_thread_in_its_cgroup ||
		fail cgroup_thread_in_its_cgroup "$(cat "/proc/$CR_PID/task/$tid/cgroup" 2>&1)"
	grep -qx "0::${v2#"$U"}" "/proc/$CR_PID/cgroup" && pass cgroup_process_in_v2_group ||
		fail cgroup_process_in_v2_group "$(grep '^0::' "/proc/$CR_PID/cgroup")"
	got="$(cat "$pids/pids.max") $(cat "$mem/memory.limit_in_bytes") $(cat "$cpu/cpu.shares")"
	got="$got $(cat "$v2/cgroup.max.descendants")"
	[ "$got" = "50 $((96 << 20)) 512 5" ] && pass "cgroup_settings_made_again ($got)" ||
		fail cgroup_settings_made_again "pids.max, memory.limit_in_bytes, cpu.shares, cgroup.max.descendants: $got"
	got="$(stat -c %u:%g "$v2/cgroup.procs") $(stat -c %a "$v2/empty" 2>&1)"
	[ "$got" = "1000:1000 750" ] && pass cgroup_owner_mode_and_empty_child ||
		fail cgroup_owner_mode_and_empty_child "cgroup.procs owner, empty/ mode: $got"
	# The pages were written after the move: charged to the task's memory cgroup.
	usage=$(cat "$mem/memory.usage_in_bytes")
	[ "$usage" -ge $(((MIB - 2) << 20)) ] && pass "cgroup_memory_charged_to_its_cgroup ($((usage >> 20)) MiB)" ||
		fail cgroup_memory_charged_to_its_cgroup "memory.usage_in_bytes is $usage, expected >= $MIB MiB"
	cr_finish
	[ "$CR_RC" = 0 ] && grep -q '^PASS' "$CR_DIR/log" && pass cgroup_verify ||
		fail cgroup_verify "exit $CR_RC: $(grep -E '^(FAIL|PASS)' -A3 "$CR_DIR/log" | head -n 6)"
else
	fail cgroup_restore_makes_them_again "$(restore_error) $(cat "$CR_DIR/restore.err")"
fi
cr_cleanup

# ---- a cgroup that exists with other settings: used as it is, said ---------
make_cgroups || { fail cgroup_setup "cannot make the test's cgroups"; exit 1; }
cr_start differs zdtm_cgroup 1 - "$pids" || { fail cgroup_differs_start "$(cat "$CR_DIR/log")"; exit 1; }
cr_dump || { fail cgroup_differs_dump "$(cat "$CR_DIR/dump.err")"; exit 1; }
echo 60 >"$pids/pids.max"
# With --json the warning is in the report, which stays one object.
cr_restore
if [ "$(jq -s 'length' "$CR_DIR/restore.json")" = 1 ] &&
	[ "$(jq '.ok' "$CR_DIR/restore.json")" = true ]; then
	w="cgroup pids:/${pids##*/} exists, and pids.max is 60, the image says 50: used as it is (--cgroups=strict refuses it)"
	[ "$(jq -r '.warnings[]' "$CR_DIR/restore.json")" = "$w" ] &&
		[ "$(cat "$pids/pids.max")" = 60 ] &&
		grep -q ":pids:/${pids##*/}\$" "/proc/$CR_PID/cgroup" &&
		pass cgroup_existing_other_settings_warned ||
		fail cgroup_existing_other_settings_warned "$(cat "$CR_DIR/restore.json"); pids.max $(cat "$pids/pids.max")"
	cr_finish
else
	fail cgroup_existing_other_settings_warned "$(cat "$CR_DIR/restore.err" "$CR_DIR/restore.json")"
fi
cr_cleanup

# ---- --cgroups=ignore: the task stays where pidtrace is -------------------
make_cgroups || { fail cgroup_setup "cannot make the test's cgroups"; exit 1; }
cr_start ignore zdtm_cgroup 1 - "$mem" || { fail cgroup_ignore_start "$(cat "$CR_DIR/log")"; exit 1; }
cr_dump || { fail cgroup_ignore_dump "$(cat "$CR_DIR/dump.err")"; exit 1; }
rmdir "$mem"
if cr_restore --cgroups ignore; then
	want=$(grep ':memory:' /proc/self/cgroup)
	[ "$(grep ':memory:' "/proc/$CR_PID/cgroup")" = "$want" ] && [ ! -d "$mem" ] &&
		pass cgroup_ignore_stays_in_pidtraces ||
		fail cgroup_ignore_stays_in_pidtraces "$(grep ':memory:' "/proc/$CR_PID/cgroup"), want $want; $(ls -d "$mem" 2>&1)"
else
	fail cgroup_ignore_stays_in_pidtraces "$(restore_error)"
fi
cr_cleanup

# ---- --cgroup-root: the tree's cgroups below another root (zdtm cgroup02) --
# The task is in $v2 (with an empty cgroup below it) and in $pids. With
# cgroup2:NEW2 and pids:NEWP, the task goes to NEW2 and NEWP, which get
# the old roots' settings (cgroup.max.descendants 5, pids.max 50), the
# empty cgroup follows below NEW2; the old ones are not made.
new2=$U${own%/}/cr-cgroot-$$
newp=/sys/fs/cgroup/pids/pidtrace-test-cgroot-$$
newm=/sys/fs/cgroup/memory/pidtrace-test-cgroot-$$
at_exit "cgroup_remove $new2/empty $new2 $newp $newm/sub $newm $newp/sub"
make_cgroups || { fail cgroup_setup "cannot make the test's cgroups"; exit 1; }
cr_start cgroot zdtm_cgroup 1 - "$v2" "$pids" || { fail cgroup_root_start "$(cat "$CR_DIR/log")"; exit 1; }
cr_dump || { fail cgroup_root_dump "$(cat "$CR_DIR/dump.err")"; exit 1; }
remove_cgroups
# A fault once the task is in them: the new roots are removed again.
PIDTRACE_FAULT=restore-memory restore_fails cgroup_root_fault \
	"*test fault at restore-memory*" --cgroup-root "cgroup2:${new2#"$U"}" --cgroup-root "pids:/${newp##*/}"
removed cgroup_root_rollback_removes_new $? test ! -d "$new2" -a ! -d "$newp"
if cr_restore --cgroup-root "cgroup2:${new2#"$U"}" --cgroup-root "pids:/${newp##*/}"; then
	got="$(grep -c "^0::${new2#"$U"}\$" "/proc/$CR_PID/cgroup") $(grep -c ":pids:/${newp##*/}\$" "/proc/$CR_PID/cgroup")"
	same_line() { [ "$2" = "$3" ] && pass "$1" || fail "$1" "got '$2', expected '$3'"; }
	same_line cgroup_root_task_in_new_roots "$got" "1 1"
	same_line cgroup_root_settings_follow \
		"$(cat "$new2/cgroup.max.descendants" "$newp/pids.max" 2>&1 | tr '\n' ' ')" "5 50 "
	same_line cgroup_root_children_follow "$(stat -c %a "$new2/empty" 2>&1)" 750
	same_line cgroup_root_old_not_made "$(ls -d "$v2" "$pids" 2>/dev/null)" ""
	# Every task verified against the rewritten paths (restore's own check).
	same_line cgroup_root_verified "$(jr .ok) $(jr '.verified.tasks')" "true 1"
	kill -9 "$CR_PID"
	wait_for 10 cr_gone "$CR_RESTORE"
else
	fail cgroup_root_task_in_new_roots "$(restore_error) $(cat "$CR_DIR/restore.err")"
fi
cr_cleanup
cgroup_remove "$new2/empty" "$new2" "$newp"

# Without CONTROLLER: every hierarchy where the task had a cgroup of its
# own (v1 memory and pids here, a sub-cgroup below $mem); its v2 cgroup is
# the restorer's (the test's group), left as it is.
make_cgroups || { fail cgroup_setup "cannot make the test's cgroups"; exit 1; }
mkdir -p "$mem/sub" && echo 7 >"$pids/pids.max"
cr_start cgroot2 zdtm_cgroup 1 - "$mem/sub" "$pids" || { fail cgroup_root_default_start "$(cat "$CR_DIR/log")"; exit 1; }
cr_dump || { fail cgroup_root_default_dump "$(cat "$CR_DIR/dump.err")"; exit 1; }
rmdir "$mem/sub"
remove_cgroups
if cr_restore --cgroup-root "/${newp##*/}"; then
	want="$(grep '^0::' /proc/self/cgroup) :memory:/${newm##*/} :pids:/${newp##*/}"
	got="$(grep '^0::' "/proc/$CR_PID/cgroup") $(grep -o ':memory:.*' "/proc/$CR_PID/cgroup") $(grep -o ':pids:.*' "/proc/$CR_PID/cgroup")"
	[ "$got" = "$want" ] && [ "$(cat "$newp/pids.max")" = 7 ] && [ ! -d "$mem" ] &&
		pass cgroup_root_default_owned_hierarchies ||
		fail cgroup_root_default_owned_hierarchies "got '$got', want '$want'; pids.max $(cat "$newp/pids.max" 2>&1)"
	kill -9 "$CR_PID"
	wait_for 10 cr_gone "$CR_RESTORE"
else
	fail cgroup_root_default_owned_hierarchies "$(restore_error) $(cat "$CR_DIR/restore.err")"
fi
cr_cleanup
cgroup_remove "$newm" "$newp"
# A bad argument: a usage error, nothing restored.
"$PIDTRACE" restore -D "$CR_DIR/img" --cgroup-root newroot >/dev/null 2>"$T/err"
[ $? = 2 ] && grep -q "PATH must be a cgroup below a hierarchy's root" "$T/err" &&
	pass cgroup_root_bad_path_refused || fail cgroup_root_bad_path_refused "$(cat "$T/err")"
make_cgroups || { fail cgroup_setup "cannot make the test's cgroups"; exit 1; }

# ---- a frozen cgroup: refused at dump --------------------------------------
cr_start frozen zdtm_cgroup 1 - "$v2" || { fail cgroup_frozen_start "$(cat "$CR_DIR/log")"; exit 1; }
echo 1 >"$v2/empty/cgroup.freeze"
cr_refused cgroup_frozen \
	"cgroup cgroup2:${v2#"$U"}/empty: it is frozen \(cgroup.freeze: 1\): restore could not make it again as it is"
echo 0 >"$v2/empty/cgroup.freeze"
cr_cleanup

# ---- a setting the kernel will not take back: the restore fails, rolled back
# The task's cpuset is CPU 1 of its parent's 0-1; once it is gone and the
# parent (which exists, and is used as it is) has only CPU 0, CPU 1 cannot
# be given back.
mkdir -p "$cs/c" && echo 0-1 >"$cs/cpuset.cpus" && echo 0 >"$cs/cpuset.mems" &&
	echo 1 >"$cs/c/cpuset.cpus" && echo 0 >"$cs/c/cpuset.mems" ||
	{ fail cgroup_cpuset_setup "cannot make $cs/c (2 CPUs needed)"; exit 1; }
cr_start cpuset zdtm_cgroup 1 - "$cs/c" || { fail cgroup_cpuset_start "$(cat "$CR_DIR/log")"; exit 1; }
cr_dump || { fail cgroup_cpuset_dump "$(cat "$CR_DIR/dump.err")"; exit 1; }
rmdir "$cs/c"
echo 0 >"$cs/cpuset.cpus"
restore_fails cgroup_unwritable_setting_fails_restore \
	"*cannot make cgroup cpuset:/${cs##*/}/c again as it was: cpuset.cpus: cannot write 1: Permission denied*"
removed cgroup_unwritable_rollback_removes_made $? test ! -d "$cs/c"
cr_cleanup

# ---- a cgroup no mount shows: refused before harm --------------------------
# A named v1 hierarchy, mounted only long enough to make a group and move
# the program into it: the hierarchy stays (it is in use) but no mount of
# pidtrace's shows it.
nm=$T/named
mkdir -p "$nm"
mount -t cgroup -o none,name=pidtrace-test-$$ none "$nm" ||
	{ fail cgroup_named_hierarchy_mount "cannot mount a named hierarchy"; exit 1; }
mkdir -p "$nm/sub"
# The hierarchy goes away only when it is unmounted with no group left in
# it, and a group goes only once its last task is reaped, not just dead.
named_cleanup() {
	local i
	cr_cleanup
	# (PID 1 reaps orphans every 1-2 s here)
	for i in $(seq 1 200); do
		[ -z "${UNREACH_PID:-}" ] || [ ! -e "/proc/$UNREACH_PID" ] && break
		sleep 0.05
	done
	mountpoint -q "$nm" || mount -t cgroup -o none,name=pidtrace-test-$$ none "$nm" || return 0
	for i in $(seq 1 50); do
		rmdir "$nm/sub" 2>/dev/null || [ ! -d "$nm/sub" ] && break
		sleep 0.1
	done
	umount "$nm"
}
at_exit named_cleanup
cr_start unreachable zdtm_cgroup 1 - "$nm/sub" || { fail cgroup_unreachable_start "$(cat "$CR_DIR/log")"; exit 1; }
UNREACH_PID=$CR_PID
umount "$nm"
cr_refused cgroup_unreachable \
	"pid $CR_PID: its cgroup name=pidtrace-test-$$:/sub is not one pidtrace can move a task to \(no mount of that hierarchy shows it\): restore could not put it back"
named_cleanup
