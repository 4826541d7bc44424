#!/usr/bin/env bash
# test: slow (started first: see tests/README.md)
# rely_dump_faults: a dump that fails, or whose pidtrace is killed with
# SIGKILL, at any step (and inside any remote syscall) leaves the tree
# running exactly as it was - never stopped, never traced, registers, FPU,
# signal state and memory map unchanged, as the target checks itself - and
# no image, or a complete one. The target exiting, forking, execing or
# being killed while pidtrace walks or holds the tree fails the dump
# cleanly or is dumped as it now is. Faults are injected with the test-only
# PIDTRACE_FAULT and PIDTRACE_TEST_PAUSE (docs/reliability.md).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../dump_lib.sh"
. "$(dirname "$0")/../rely_lib.sh"
need_root

IMG=$T/img
STEPS="freeze core files memory commit commit-write commit-rename"

# ---- an injected error at each step: one line, tree untouched, no image ----
ft_start tree || exit 1
# Points in range: a dump of this tree makes 12 batches of remote calls
# (inject-regs, inject-return: one per batch) and ~150 calls (inject-entry,
# inject-exit: one per call; ptrace__syscalls()).
for s in $STEPS inject-regs@3 inject-entry@7 inject-exit@20 inject-return@10; do
	rm -rf "$IMG"
	PIDTRACE_FAULT=$s "$PIDTRACE" dump -t "$FT" -D "$IMG" >"$T/out" 2>"$T/err"
	rc=$?
	n=${s%@*}
	if [ "$rc" != 1 ] || [ "$(wc -l <"$T/err")" != 1 ] ||
		! grep -Eq "^pidtrace: dump: (test fault at $n|pid [0-9]+: cannot read its (signal |thread )?state: Input/output error)$" "$T/err"; then
		fail "error_at_${n}_fails_cleanly" "exit $rc: $(cat "$T/err")"
	else
		pass "error_at_${n}_fails_cleanly"
	fi
	ft_intact "error_at_${n}_tree_untouched"
	no_leftovers "error_at_${n}_no_image" "$IMG"
done

# An older image survives a dump that fails before it starts replacing it.
"$PIDTRACE" dump -t "$FT" -D "$IMG" --leave-running >/dev/null 2>&1
before=$(cat "$IMG/inventory.img" | md5sum)
PIDTRACE_FAULT=commit-write "$PIDTRACE" dump -t "$FT" -D "$IMG" >/dev/null 2>&1
same error_at_commit_write_keeps_old_image "$(md5sum <"$IMG/inventory.img")" "$before"
"$PIDTRACE" show -D "$IMG" >/dev/null 2>"$T/err"
same error_at_commit_write_old_image_valid "$? $(cat "$T/err")" "0 "
# Past that point the old image is gone, and no part of the new one stays.
PIDTRACE_FAULT=commit-rename "$PIDTRACE" dump -t "$FT" -D "$IMG" >/dev/null 2>&1
no_leftovers error_at_commit_rename_leaves_nothing "$IMG"
ft_intact error_at_commit_rename_tree_untouched

# ---- pidtrace killed (SIGKILL) at each step ----
for s in freeze core files memory commit commit-write; do
	rm -rf "$IMG"
	PIDTRACE_FAULT=$s:kill "$PIDTRACE" dump -t "$FT" -D "$IMG" >/dev/null 2>&1
	rc=$?
	same "killed_at_${s}_by_sigkill" "$rc" 137
	ft_intact "killed_at_${s}_tree_untouched"
	if [ -e "$IMG/inventory.img" ]; then
		fail "killed_at_${s}_no_image" "an inventory.img"
	else
		pass "killed_at_${s}_no_image"
	fi
done

# ... and inside every kind of step of a remote syscall, early and late.
# Entries and exits 40 and 81 fall inside a batch (the sigactions of the
# root, then of its child): the task let go there runs the call it is at,
# then the rest of its way back from the same frame.
for st in inject-regs inject-entry inject-exit inject-return; do
	ns="1 2 17 40 81"
	case $st in inject-regs | inject-return) ns="1 2 6 9 11" ;; esac
	for n in $ns; do
		rm -rf "$IMG"
		PIDTRACE_FAULT=$st@$n:kill "$PIDTRACE" dump -t "$FT" -D "$IMG" >/dev/null 2>&1
		ft_intact "killed_at_${st}_${n}_tree_untouched"
	done
done

# Killed while moving files into place: not an image, and show says why;
# the next dump removes what is left and succeeds.
rm -rf "$IMG"
"$PIDTRACE" dump -t "$FT" -D "$IMG" --leave-running >/dev/null 2>&1
PIDTRACE_FAULT=commit-rename:kill "$PIDTRACE" dump -t "$FT" -D "$IMG" >/dev/null 2>&1 &
DUMP=$!
wait $DUMP
ft_intact killed_at_commit_rename_tree_untouched
"$PIDTRACE" show -D "$IMG" >/dev/null 2>"$T/err"
rc=$?
if [ "$rc" = 1 ] && grep -Eq "^pidtrace: show: $IMG: no image here \(inventory.img is missing; \.pidtrace-tmp-$DUMP-[0-9]+-[a-z0-9]+ was left by a dump \(pid $DUMP\) that was killed while committing; the next dump removes it\)$" "$T/err"; then
	pass killed_at_commit_rename_show_says_so
else
	fail killed_at_commit_rename_show_says_so "exit $rc: $(cat "$T/err")"
fi
"$PIDTRACE" dump -t "$FT" -D "$IMG" --leave-running >/dev/null 2>"$T/err"
rc=$?
if [ "$rc" = 0 ] && grep -Eq "^pidtrace: dump: warning: removed $IMG/\.pidtrace-tmp-$DUMP-[0-9]+-[a-z0-9]+, left by a dump \(pid $DUMP\) that was killed while committing$" "$T/err" &&
	[ -z "$(tmp_dirs "$IMG")" ] && "$PIDTRACE" show -D "$IMG" >/dev/null 2>&1; then
	pass next_dump_cleans_up_after_a_killed_one
else
	fail next_dump_cleans_up_after_a_killed_one "exit $rc: $(cat "$T/err"); $(ls -A "$IMG")"
fi

# Killed while letting the tree go: with --leave-running it runs on, image
# complete; when killing the tree, no part of it survives pidtrace.
for s in release release-one; do
	rm -rf "$IMG"
	PIDTRACE_FAULT=$s:kill "$PIDTRACE" dump -t "$FT" -D "$IMG" --leave-running >/dev/null 2>&1
	ft_intact "killed_at_${s}_leave_running_tree_runs"
	"$PIDTRACE" show -D "$IMG" >/dev/null 2>&1
	same "killed_at_${s}_leave_running_image_complete" $? 0
done
ft_stop
for s in release release-one; do
	ft_start tree || exit 1
	rm -rf "$IMG"
	PIDTRACE_FAULT=$s:kill "$PIDTRACE" dump -t "$FT" -D "$IMG" >/dev/null 2>&1
	sleep 0.2
	st="$(state "$FT")$(state "$FT_CHILD")"
	if [ -z "${st//Z/}" ]; then
		pass "killed_at_${s}_no_half_killed_tree"
	else
		fail "killed_at_${s}_no_half_killed_tree" "states '$(state "$FT")' '$(state "$FT_CHILD")'"
	fi
	"$PIDTRACE" show -D "$IMG" >/dev/null 2>&1
	same "killed_at_${s}_image_complete" $? 0
	ft_stop
done

# ---- the tree changes while pidtrace holds its root ----
# Paused once the root is held: its child runs on and forks, execs or exits.
for act in USR1:forks HUP:execs INT:exits; do
	sig=${act%%:*} what=${act#*:}
	ft_start tree || exit 1
	rm -rf "$IMG"
	PIDTRACE_TEST_PAUSE=freeze "$PIDTRACE" dump -t "$FT" -D "$IMG" --leave-running >"$T/out" 2>"$T/err" &
	DUMP=$!
	wait_stopped "$DUMP" || { fail "child_${what}_during_freeze" "pidtrace did not pause"; continue; }
	kill "-$sig" "$FT_CHILD"
	sleep 0.3
	kill -CONT "$DUMP"
	wait "$DUMP"
	rc=$?
	"$PIDTRACE" show -D "$IMG" --json >"$T/show.json" 2>/dev/null
	tasks=$(jq '.tasks | length' "$T/show.json" 2>/dev/null)
	case $what in
	forks) want=3 ;; execs) want=2 ;; exits) want=2 ;;
	esac
	if [ "$rc" = 0 ] && [ "$tasks" = "$want" ]; then
		pass "child_${what}_during_freeze_dumped_as_it_is"
	else
		fail "child_${what}_during_freeze_dumped_as_it_is" "exit $rc, $tasks tasks: $(cat "$T/err")"
	fi
	if [ "$what" = exits ]; then
		z=$(jq -r --argjson p "$FT_CHILD" '.tasks[] | select(.pid == $p) | .state + " " + (.exit_status | tostring)' "$T/show.json")
		same child_exits_during_freeze_is_a_zombie "$z" "zombie 1792"
		FT_CHILD=
	fi
	[ "$what" = execs ] && same child_execs_during_freeze_new_program \
		"$(jq -r --argjson p "$FT_CHILD" '.tasks[] | select(.pid == $p) | .comm' "$T/show.json")" exe
	ft_intact "child_${what}_during_freeze_tree_untouched"
	ft_stop
done

# Paused with the root held, its child (not held yet) gets SIGKILL: it is
# dumped as the zombie it now is.
ft_start tree || exit 1
rm -rf "$IMG"
PIDTRACE_TEST_PAUSE=freeze "$PIDTRACE" dump -t "$FT" -D "$IMG" --leave-running >"$T/out" 2>"$T/err" &
DUMP=$!
if wait_stopped "$DUMP"; then
	kill -9 "$FT_CHILD"
	sleep 0.1
	kill -CONT "$DUMP"
	wait "$DUMP"
	rc=$?
	z=$(jq -r --argjson p "$FT_CHILD" '.tasks[] | select(.pid == $p) | .state + " " + (.exit_status | tostring)' \
		<("$PIDTRACE" show -D "$IMG" --json 2>/dev/null))
	same child_killed_at_freeze_is_a_zombie "$rc $z" "0 zombie 9"
else
	fail child_killed_at_freeze_is_a_zombie "pidtrace did not pause"
fi
FT_CHILD=
ft_intact child_killed_at_freeze_root_runs_on
ft_stop

# Paused at each later step (the tree held): its child gets SIGKILL. The
# dump fails naming it, or (after commit) the image is complete.
for s in core files memory commit release; do
	[ -n "$FT" ] || ft_start tree || exit 1
	rm -rf "$IMG"
	PIDTRACE_TEST_PAUSE=$s "$PIDTRACE" dump -t "$FT" -D "$IMG" --leave-running >"$T/out" 2>"$T/err" &
	DUMP=$!
	wait_stopped "$DUMP" || { fail "child_killed_at_$s" "pidtrace did not pause"; continue; }
	kill -9 "$FT_CHILD"
	kill -CONT "$DUMP"
	wait "$DUMP"
	rc=$?
	if [ "$s" = release ]; then
		"$PIDTRACE" show -D "$IMG" >/dev/null 2>&1
		same child_killed_at_release_image_complete "$rc $?" "0 0"
	elif [ "$rc" = 1 ] && grep -q "^pidtrace: dump: pid $FT_CHILD exited during the dump (killed by signal 9)$" "$T/err"; then
		pass "child_killed_at_${s}_dump_fails_naming_it"
	else
		fail "child_killed_at_${s}_dump_fails_naming_it" "exit $rc: $(cat "$T/err")"
	fi
	[ "$s" != release ] && no_leftovers "child_killed_at_${s}_no_image" "$IMG"
	FT_CHILD=
	ft_intact "child_killed_at_${s}_root_runs_on"
	ft_stop
done

# Paused at each step, the root itself gets SIGKILL: the dump fails naming
# it, leaves no image, and holds nothing (its child dies by its pdeath
# signal, as it would have anyway).
for s in freeze core files memory commit; do
	ft_start tree || exit 1
	rm -rf "$IMG"
	PIDTRACE_TEST_PAUSE=$s "$PIDTRACE" dump -t "$FT" -D "$IMG" --leave-running >"$T/out" 2>"$T/err" &
	DUMP=$!
	wait_stopped "$DUMP" || { fail "root_killed_at_$s" "pidtrace did not pause"; ft_stop; continue; }
	# Its child dies with it (pdeath signal): the dump may see that first.
	named=$FT
	for c in $(cat /proc/"$FT"/task/*/children 2>/dev/null); do named="$named|$c"; done
	kill -9 "$FT"
	kill -CONT "$DUMP"
	wait "$DUMP"
	rc=$?
	if [ "$rc" = 1 ] && [ "$(wc -l <"$T/err")" = 1 ] &&
		grep -Eq "^pidtrace: dump: pid ($named) (exited during the dump( \(killed by signal 9\))?|does not exist)$" "$T/err"; then
		pass "root_killed_at_${s}_dump_fails_naming_it"
	else
		fail "root_killed_at_${s}_dump_fails_naming_it" "exit $rc: $(cat "$T/err")"
	fi
	no_leftovers "root_killed_at_${s}_no_image" "$IMG"
	ft_stop
done

# A SIGSTOP sent to the target while pidtrace holds it is not swallowed,
# whether pidtrace finishes or is killed: the target ends stopped as asked
# (group stop, never a trace stop) and SIGCONT lets it go on unchanged.
ft_start || exit 1
for how in finish kill; do
	rm -rf "$IMG"
	PIDTRACE_TEST_PAUSE=core,files "$PIDTRACE" dump -t "$FT" -D "$IMG" --leave-running >/dev/null 2>&1 &
	DUMP=$!
	wait_stopped "$DUMP" || { fail "sigstop_while_held_$how" "pidtrace did not pause"; continue; }
	kill -STOP "$FT"
	kill -CONT "$DUMP"
	sleep 0.2
	wait_stopped "$DUMP" || { fail "sigstop_while_held_$how" "pidtrace did not pause again"; continue; }
	if [ "$how" = finish ]; then
		kill -CONT "$DUMP"
		wait "$DUMP"
		rc=$?
		sleep 0.1
		same sigstop_while_held_is_delivered "$rc $(state "$FT")" "0 T"
	else
		kill -9 "$DUMP"
		wait "$DUMP" 2>/dev/null
		sleep 0.1
		same sigstop_while_held_then_pidtrace_killed_is_delivered "$(state "$FT")" T
	fi
	kill -CONT "$FT"
	ft_intact "sigstop_while_held_${how}_then_sigcont_untouched"
done
ft_stop

# Paused at each step, pidtrace itself gets SIGKILL.
ft_start tree || exit 1
for s in freeze core files memory commit release; do
	rm -rf "$IMG"
	PIDTRACE_TEST_PAUSE=$s "$PIDTRACE" dump -t "$FT" -D "$IMG" --leave-running >/dev/null 2>&1 &
	DUMP=$!
	wait_stopped "$DUMP" || { fail "paused_at_${s}_then_killed" "pidtrace did not pause"; continue; }
	kill -9 "$DUMP"
	wait "$DUMP" 2>/dev/null
	ft_intact "paused_at_${s}_then_killed_tree_untouched"
done
ft_stop
