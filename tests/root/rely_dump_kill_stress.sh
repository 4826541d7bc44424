#!/usr/bin/env bash
# test: slow (started first: see tests/README.md)
# rely_dump_kill_stress: pidtrace killed with SIGKILL at a random moment of
# a dump, again and again (spinning, sleeping and mixed targets): the tree
# always runs on exactly as it was, and no complete-looking image is left
# unless the dump had finished. The remote syscalls that make this possible
# are the crash-safe ones (ptrace_safe.c): a -v run shows they were used
# and that every task came back exactly as the frame said.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../dump_lib.sh"
. "$(dirname "$0")/../rely_lib.sh"
need_root

ROUNDS=${RELY_KILL_ROUNDS:-40}
IMG=$T/img

# The crash-safe path is the one taken, and it never needs fixing up.
ft_start tree || exit 1
"$PIDTRACE" -v dump -t "$FT" -D "$IMG" --leave-running >/dev/null 2>"$T/err"
if grep -q "crash-safe remote syscalls not possible" "$T/err"; then
	fail crash_safe_syscalls_used "$(grep 'not possible' "$T/err" | head -1)"
elif grep -q "differs after sigreturn\|crash-safe syscall .* failed" "$T/err"; then
	fail crash_safe_syscalls_exact "$(grep 'differs\|failed' "$T/err" | head -1)"
else
	pass crash_safe_syscalls_used_and_exact
fi
ft_intact crash_safe_dump_tree_untouched
ft_stop

for mode in both spin sleep; do
	bad=0 first='' killed=0 done_=0 rounds=$ROUNDS mode_arg=
	[ "$mode" != both ] && rounds=$((ROUNDS / 4)) mode_arg=$mode
	for i in $(seq 1 "$rounds"); do
		ft_start tree ${mode_arg:+"$mode_arg"} || { bad=$((bad + 1)); continue; }
		rm -rf "$IMG"
		"$PIDTRACE" dump -t "$FT" -D "$IMG" --leave-running >/dev/null 2>&1 &
		DUMP=$!
		sleep "0.0$(printf '%02d' $((RANDOM % 30)))"
		kill -9 "$DUMP" 2>/dev/null
		wait "$DUMP" 2>/dev/null
		rc=$?
		if [ "$rc" = 137 ]; then
			killed=$((killed + 1))
		else
			done_=$((done_ + 1))
		fi
		why=$(ft_why "$FT" "$FT_REP.counter")
		[ -z "$why" ] && why=$(ft_why "$FT_CHILD" "$FT_REP.child.counter")
		[ -z "$why" ] && why=$(cat "$FT_REP".broken "$FT_REP".child.broken 2>/dev/null)
		# Killed: no image, or (killed after commit) a complete one.
		if [ -z "$why" ] && [ -e "$IMG/inventory.img" ] && ! "$PIDTRACE" show -D "$IMG" >/dev/null 2>&1; then
			why="an inventory.img that show refuses"
		fi
		if [ -n "$why" ]; then
			bad=$((bad + 1))
			[ -z "$first" ] && first="round $i: $why"
		fi
		ft_stop
	done
	if [ "$killed" -lt 3 ]; then
		fail "killed_at_random_${mode}" "only $killed of $((killed + done_)) dumps were killed mid-way"
	elif [ "$bad" = 0 ]; then
		pass "killed_at_random_${mode} ($killed killed mid-dump, $done_ finished first)"
	else
		fail "killed_at_random_${mode}" "$bad rounds: first $first"
	fi
done
