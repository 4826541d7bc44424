#!/usr/bin/env bash
# The verdict says what the parent's SIGCHLD handler could see: a parent
# that blocks SIGCHLD around its kill() and waitpid() (CRIU's kill_helper()
# since #2491) had it blocked when the child died, so the handler could not
# see the death then; one that does not (the #2490 race) had it unblocked.
. "$(dirname "$0")/../lib.sh"
need_root

for mode in blocked unblocked; do
	"$PIDTRACE" run --json -o "$T/$mode.json" -- "$PROGS/sigchld_mask" "$mode" >"$T/$mode.out" 2>"$T/$mode.err"
	v=$(sed -n 's/^victim=//p' "$T/$mode.out")
	d=$(jq -c --argjson p "${v:-0}" 'select(.event == "death" and .victim.pid == $p)' "$T/$mode.json" 2>/dev/null)
	[ -n "$d" ] || { fail "sigchld_${mode}_death" "no death of ${v:-?}: $(cat "$T/$mode.err")"; continue; }
	want=false
	[ "$mode" = blocked ] && want=true
	expect "sigchld_${mode}_json_field" "$d" .lineage.parent_sigchld_blocked "$want"
	verdict=$(jfield "$d" .verdict)
	if [ "$mode" = blocked ]; then
		[[ $verdict == *"SIGCHLD handler installed but SIGCHLD blocked when this child died"* ]] &&
			[[ $verdict != *"saw this child"* ]] && pass sigchld_blocked_verdict ||
			fail sigchld_blocked_verdict "$verdict"
	else
		[[ $verdict == *"SIGCHLD handler installed and SIGCHLD unblocked"* ]] &&
			pass sigchld_unblocked_verdict || fail sigchld_unblocked_verdict "$verdict"
	fi
done
