#!/usr/bin/env bash
# cr_deleted_node: device nodes removed while open, one with its directory
# (zdtm deleted_dev): restore makes each again at its path with mknod
# (number, mode, owner; the directory 0700 for as long as it takes),
# opens it with the fd's flags and removes it (restore_node.c). The
# program checks the number, mode, owner, no link, "(deleted)", and that
# nothing is left at either path. The script checks show, a restore that
# finds the name taken (rolled back, the file there left alone), and the
# refusal at dump of a node whose name is taken.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root

cr_roundtrip_show node zdtm_deleted_node \
	'removed=[.tasks[0].fds[] | select(.type == "chr" and .node.removed) | .path | sub(".*/node/"; "")] | sort == ["null", "sub/zero"]' \
	'owner=[.tasks[0].fds[] | select(.node.removed) | [.node.uid, .node.gid]] | unique == [[4321, 8765]]'

# Its name taken again before the restore: the restore fails in one line,
# is rolled back and leaves that file alone; then the image restores.
if cr_start keep zdtm_deleted_node && cr_dump; then
	pid=$CR_PID
	if "$PIDTRACE" show -D "$CR_DIR/img" | grep -q '/null (removed device node 1:3, owner 4321:8765)'; then
		pass node_show_plain
	else
		fail node_show_plain "$("$PIDTRACE" show -D "$CR_DIR/img" | grep chr)"
	fi
	echo taken >"$CR_DIR/null"
	if cr_restore; then
		fail node_name_taken "the restore succeeded"
	else
		# The whole report: the restore has ended.
		wait_for 30 cr_gone "$CR_RESTORE"
		same node_name_taken "$(jr .error | grep -c 'cannot make the removed node .*/null again: File exists')" 1
	fi
	same node_name_taken_kept "$(cat "$CR_DIR/null")" taken
	same node_name_taken_no_sub "$(find "$CR_DIR" -maxdepth 1 -name sub | wc -l)" 0
	rm -f "$CR_DIR/null"
	cr_cleanup
	CR_PID=$pid
	cr_restore_verify node_again
	cr_cleanup
else
	fail keep_dump "$(tail -n 3 "$CR_DIR/dump.err" 2>/dev/null)"
fi

cr_start taken zdtm_deleted_node taken &&
	cr_refused node_taken "pid [0-9]+ fd [0-9]+: device node .*/null \(deleted\) was removed and its name is taken now: not supported"
