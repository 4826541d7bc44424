#!/usr/bin/env bash
# Children that end with exit(2) (a forked child calling SYS_exit, a
# clone()d child whose function returns) exited with code 0: `pidtrace run`
# reports no death by a signal for them, neither as group-exit nor as
# SIGKILL (the last thread leaving by exit(2) marks its group as exiting on
# this kernel, which is not a sibling's exit_group()).
. "$(dirname "$0")/../lib.sh"
need_root

"$PIDTRACE" run --json -o "$T/run.json" -- "$PROGS/plain_exit" >"$T/out" 2>"$T/err"
rc=$?
[ "$rc" = 0 ] && pass plain_exit_command_succeeds || fail plain_exit_command_succeeds "exit $rc: $(cat "$T/err")"
for who in fork clone; do
	pid=$(sed -n "s/.*$who=\([0-9]*\).*/\1/p" "$T/out")
	d=$(jq -c --argjson p "${pid:-0}" 'select(.event == "death" and .victim.pid == $p)' "$T/run.json")
	[ -n "$pid" ] && [ -z "$d" ] && pass "plain_exit_${who}_child_is_no_death" ||
		fail "plain_exit_${who}_child_is_no_death" "pid ${pid:-?}: $d"
done
