#!/usr/bin/env bash
# cr_pgrp: process groups whose leader is not in the dumped tree.
#   - The leader exited (zdtm zombie01): a live member and a zombie in a
#     group no process leads. Restore makes the group again with a helper
#     of the leader's pid that exits before the tree runs: after restore
#     both are in the group, the zombie still a zombie, no process has the
#     leader's pid, the group can be joined (the program checks); the
#     verification compared the groups (a restore that left a member in
#     the restorer's group would fail). Before, the dump refused it. The
#     same with --pidns. With the leader's pid taken by another process
#     when the restore comes, it fails naming it and is rolled back.
#   - The leader is alive outside the tree: refused at dump in one line,
#     the tree left running.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root

cr_roundtrip_show pgrp zdtm_pgrp_orphan \
	'tasks=[.tasks[] | .state] | sort == ["alive", "alive", "zombie"]'
# The group's pids, from the last round trip's log.
g=$(sed -n 's/^GROUP group=\([0-9]*\) .*/\1/p' "$CR_DIR/log")
l=$(sed -n 's/^GROUP .* live=\([0-9]*\) .*/\1/p' "$CR_DIR/log")
if [ -n "$g" ] && jq -e --argjson g "$g" --argjson l "$l" \
	'[.tasks[] | select(.pid != .pgid and .pgid == $g)] | length == 2' "$CR_DIR/show.json" >/dev/null; then
	pass pgrp_image_says_the_group
else
	fail pgrp_image_says_the_group "group $g live $l: $(jq -c '[.tasks[] | {pid, pgid, state}]' "$CR_DIR/show.json" 2>&1)"
fi

# The helper's pid taken when the restore comes (another process has it):
# the restore fails naming it, rolled back; once it is free, it restores.
# take_pid PID: start a sleeper with that pid (ns_last_pid; retried, other
# processes fork too). HOLDER: its pid.
take_pid() {
	local i
	HOLDER=
	for i in $(seq 1 50); do
		echo $(($1 - 1)) >/proc/sys/kernel/ns_last_pid 2>/dev/null || return 1
		sleep 60 &
		if [ $! = "$1" ]; then
			HOLDER=$!
			# The next forks (the restore's) far from the tree's pids.
			echo $(($1 + 5000)) >/proc/sys/kernel/ns_last_pid
			return 0
		fi
		kill $! 2>/dev/null
		wait $! 2>/dev/null
	done
	return 1
}
if cr_start pgrp_taken zdtm_pgrp_orphan && cr_dump; then
	g=$(sed -n 's/^GROUP group=\([0-9]*\) .*/\1/p' "$CR_DIR/log")
	if take_pid "$g"; then
		# (The restore itself may have been given a pid of the tree: another
		# test moving ns_last_pid too. Then it is tried again.)
		for i in 1 2 3; do
			cr_restore && break
			jq -r .error "$CR_DIR/restore.json" | grep -q "^check: pid [0-9]* is in use by 'pidtrace'" || break
			wait "$CR_RESTORE" 2>/dev/null
		done
		if jq -e .ok "$CR_DIR/restore.json" >/dev/null; then
			fail pgrp_taken_fails "restored with pid $g taken"
		elif jq -r .error "$CR_DIR/restore.json" |
			grep -q "cannot make process group $g again (its leader had exited) with a helper of pid $g: File exists"; then
			pass pgrp_taken_fails
		else
			fail pgrp_taken_fails "$(jq -r .error "$CR_DIR/restore.json") $(cat "$CR_DIR/restore.err") (group $g, holder $HOLDER, root $CR_PID, $(grep GROUP "$CR_DIR/log"))"
		fi
		wait "$CR_RESTORE" 2>/dev/null
		CR_RESTORE=
		wait_for 10 cr_gone "$CR_PID" && pass pgrp_taken_rolled_back ||
			fail pgrp_taken_rolled_back "pid $CR_PID is still there"
		kill "$HOLDER"
		wait "$HOLDER" 2>/dev/null
		cr_restore_verify pgrp_taken_then_free
	else
		skip pgrp_taken_fails "could not get pid $g for a holder"
	fi
else
	fail pgrp_taken_setup "$(cat "$CR_DIR/log" "$CR_DIR/dump.err" 2>/dev/null | head -n 5)"
fi
cr_cleanup

# The same into a new pid namespace (the helper is forked there, with the
# leader's pid as the tree sees it).
cr_pidns_roundtrip pgrp_pidns zdtm_pgrp_orphan

# The leader alive outside the dumped tree.
if cr_start outside zdtm_pgrp_orphan outside; then
	x=$(tr -d ' ' <"/proc/$CR_PID/task/$CR_PID/children")
	lead=$(sed 's/.*) //' "/proc/$x/stat" | cut -d' ' -f3)
	cr_refused pgrp_outside \
		"pid $x: its process group $lead is led by pid $lead, outside the dumped tree: not supported"
else
	fail pgrp_outside_start "the program did not start"
fi
cr_cleanup
