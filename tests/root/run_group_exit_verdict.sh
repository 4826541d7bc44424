#!/usr/bin/env bash
# A thread zapped by its sibling's exit_group(42) did not die by a signal:
# the verdict says the group exited with code 42 and who called
# exit_group, names the thread (not its process), and never says "died by
# SIGKILL".
. "$(dirname "$0")/../lib.sh"
need_root

for mode in leader thread; do
	"$PIDTRACE" run --json -o "$T/$mode.json" -- "$PROGS/group_exit" "$mode" >"$T/$mode.out" 2>"$T/$mode.err"
	vt=$(sed -n 's/.*victim_tid=\([0-9]*\).*/\1/p' "$T/$mode.out")
	it=$(sed -n 's/.*initiator=\([0-9]*\).*/\1/p' "$T/$mode.out")
	d=$(jq -c --argjson t "${vt:-0}" 'select(.event == "death" and .victim.tid == $t)' "$T/$mode.json" 2>/dev/null | head -n1)
	v=$(jfield "$d" .verdict)
	[[ "$v" == *"exited with code 42: sibling thread $it "*"called exit_group"* ]] &&
		pass "group_exit_${mode}_verdict_is_the_exit_code" ||
		fail "group_exit_${mode}_verdict_is_the_exit_code" "victim $vt initiator $it: $v"
	[[ "$v" != *"died by SIGKILL"* ]] && pass "group_exit_${mode}_not_died_by_sigkill" ||
		fail "group_exit_${mode}_not_died_by_sigkill" "$v"
	if [ "$mode" = leader ]; then
		[[ "$v" == "thread $vt of pid "* ]] && pass group_exit_names_the_thread ||
			fail group_exit_names_the_thread "$v"
	fi
done
