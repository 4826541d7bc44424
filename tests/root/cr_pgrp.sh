#!/usr/bin/env bash
# cr_pgrp: process groups whose leader is not in the dumped tree.
#   - The leader exited (zdtm zombie01): a live member and a zombie in a
#     group no process leads. Restore makes the group again with a helper
#     of the leader's pid that exits before the tree runs: after restore
#     both are in the group, the zombie still a zombie, no process has the
#     leader's pid, the group can be joined (the program checks); the
#     verification compared the groups (a restore that left a member in
#     the restorer's group would fail). Before, the dump refused it. The
#     same with --pidns.
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
