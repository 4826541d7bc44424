#!/usr/bin/env bash
# cgroups come back: a process in a cgroup v2 group of its own, a v1 memory
# cgroup and a v1 pids cgroup, with a thread alone in a v1 cpu cgroup, is
# dumped and restored into exactly those cgroups, before its memory is
# written (the memory cgroup is charged for its pages again); a cgroup
# removed since the dump fails the restore in one line, rolled back; a
# cgroup that no mount shows (restore could not move a task there) is
# refused at dump with the tree untouched.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/cr_lib.sh"
need_root

U=/sys/fs/cgroup/unified
for d in "$U" /sys/fs/cgroup/memory /sys/fs/cgroup/pids /sys/fs/cgroup/cpu; do
	[ -d "$d" ] || { fail cgroup_hierarchies "no $d"; exit 1; }
done
own=$(sed -n 's/^0:://p' /proc/self/cgroup)
# Below the test's own v2 group: the harness sees what is left there.
v2=$U${own%/}/cr-cgroup-$$
mem=/sys/fs/cgroup/memory/pidtrace-test-cg-$$
pids=/sys/fs/cgroup/pids/pidtrace-test-cg-$$
cpu=/sys/fs/cgroup/cpu/pidtrace-test-cg-$$
at_exit "cr_cleanup; cgroup_remove $v2 $mem $pids $cpu"
mkdir -p "$v2" "$mem" "$pids" "$cpu"

MIB=32
cr_start cgroup zdtm_cgroup "$MIB" "$cpu" "$v2" "$mem" "$pids" ||
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
"$PIDTRACE" show -D "$CR_DIR/img" >"$CR_DIR/show.txt" 2>&1
grep -q "^  cgroups:.* memory:/${mem##*/}" "$CR_DIR/show.txt" && pass cgroup_show_plain ||
	fail cgroup_show_plain "$(grep cgroups "$CR_DIR/show.txt")"

# Removed since the dump: the restore fails, naming it, and leaves nothing.
rmdir "$pids"
if cr_restore; then
	fail cgroup_removed_fails_restore "restore succeeded"
	cr_finish
else
	err=$(jq -r '.error // empty' "$CR_DIR/restore.json")
	[[ $err == *"cannot put it back in cgroup pids:/${pids##*/}: no such cgroup"* ]] &&
		pass cgroup_removed_fails_restore || fail cgroup_removed_fails_restore "error: $err"
	wait "$CR_RESTORE" 2>/dev/null
	CR_RESTORE=
	wait_for 10 cr_gone "$CR_PID" && pass cgroup_removed_rolled_back ||
		fail cgroup_removed_rolled_back "pid $CR_PID is still there"
fi
mkdir -p "$pids"

if cr_restore; then
	pass cgroup_restore
	grep -q ":memory:/${mem##*/}\$" "/proc/$CR_PID/cgroup" && pass cgroup_process_in_memory_cgroup ||
		fail cgroup_process_in_memory_cgroup "$(cat "/proc/$CR_PID/cgroup")"
	grep -q ":cpu:/${cpu##*/}\$" "/proc/$CR_PID/task/$tid/cgroup" && pass cgroup_thread_in_its_cgroup ||
		fail cgroup_thread_in_its_cgroup "$(cat "/proc/$CR_PID/task/$tid/cgroup" 2>&1)"
	grep -qx "0::${v2#"$U"}" "/proc/$CR_PID/cgroup" && pass cgroup_process_in_v2_group ||
		fail cgroup_process_in_v2_group "$(grep '^0::' "/proc/$CR_PID/cgroup")"
	# The pages were written after the move: charged to the task's memory cgroup.
	usage=$(cat "$mem/memory.usage_in_bytes")
	[ "$usage" -ge $(((MIB - 2) << 20)) ] && pass "cgroup_memory_charged_to_its_cgroup ($((usage >> 20)) MiB)" ||
		fail cgroup_memory_charged_to_its_cgroup "memory.usage_in_bytes is $usage, expected >= $MIB MiB"
	[ "$(jr '.verified.cgroups // empty')" != 0 ] || true
	cr_finish
	[ "$CR_RC" = 0 ] && grep -q '^PASS' "$CR_DIR/log" && pass cgroup_verify ||
		fail cgroup_verify "exit $CR_RC: $(grep -E '^(FAIL|PASS)' -A3 "$CR_DIR/log" | head -n 6)"
else
	fail cgroup_restore "$(jq -r '.error // empty' "$CR_DIR/restore.json") $(cat "$CR_DIR/restore.err")"
fi
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
