#!/usr/bin/env bash
# cr_opath: O_PATH fds (kind_file.c's "path" kind): a file, a directory, a
# symlink itself (O_NOFOLLOW), /dev/null, and a symlink and a FIFO node
# removed while held, which restore makes again at their paths and
# removes (restore_node.c). zdtm_opath checks flags, inodes, owners,
# targets and "(deleted)" itself; the script checks show, the restore's
# verification of a removed node, damaged records, and the refusal of an
# O_PATH fd of a removed regular file.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root

cr_roundtrip_show opath zdtm_opath \
	'types=[.tasks[0].fds[] | select(.type == "path") | .opath.file_type] | sort == ["FIFO", "character device", "directory", "file", "symlink", "symlink"]' \
	'targets=[.tasks[0].fds[] | select(.opath.link_target) | .opath.link_target] | sort == ["../nowhere/target with space", "/gone/target"]' \
	'removed=[.tasks[0].fds[] | select(.opath.removed) | .opath.file_type] | sort == ["FIFO", "symlink"]'

# Again, keeping the image: show's plain line, then damaged copies of it.
if cr_start keep zdtm_opath && cr_dump; then
	pass keep_dump
	if "$PIDTRACE" show -D "$CR_DIR/img" | grep -q 'gone-link (O_PATH, symlink to /gone/target, removed)'; then
		pass opath_show_plain
	else
		fail opath_show_plain "$("$PIDTRACE" show -D "$CR_DIR/img" | grep -i path)"
	fi
	# Nothing the dump could leave behind in the directory.
	same opath_dump_left_nothing "$(find "$CR_DIR" -maxdepth 1 -name 'gone-*' | wc -l)" 0
else
	fail keep_dump "$(tail -n 3 "$CR_DIR/dump.err" 2>/dev/null)"
fi
GOOD=$CR_DIR/img
# bad NAME JQ_SELECT FIELD VALUE MESSAGE: that field of the first fd JQ_SELECT picks, set.
bad() { show_bad_fd "bad_$1" "$GOOD" "$2" "$3" "$4" "" "$5"; }
LINK='.opath.link_target == "/gone/target"'
bad removed_dir '.opath.file_type == "directory"' node_removed 1 \
	": a removed node restore cannot make again (mode 040750)"
bad nofollow "$LINK" flags 010000000 ": an O_PATH symlink without its target or O_NOFOLLOW"
bad relative "$LINK" path gone-link ": a removed node restore cannot make again (mode 0120777)"

# A removed node whose name is taken again at restore: the restore fails
# in one line and is rolled back, nothing of ours left at that name.
if [ -d "$GOOD" ]; then
	n=$(jq -r '[.tasks[0].fds[] | select(.opath.link_target == "/gone/target") | .path][0]' \
		<("$PIDTRACE" show -D "$GOOD" --json))
	echo taken >"$n"
	pid=$CR_PID
	if cr_restore; then
		fail opath_name_taken "the restore succeeded"
	else
		# The whole report: the restore has ended.
		wait_for 30 cr_gone "$CR_RESTORE"
		same opath_name_taken "$(jr .error | grep -c 'cannot make the removed node .*gone-link again: File exists')" 1
	fi
	same opath_name_taken_kept "$(cat "$n")" taken
	rm -f "$n"
	cr_cleanup
	# Then the same image restored, checked by the program itself.
	CR_PID=$pid
	cr_restore_verify opath_again
	cr_cleanup
fi

cr_start refuse zdtm_opath deleted &&
	cr_refused opath_deleted_file "pid [0-9]+ fd [0-9]+: O_PATH fd of the deleted .*/gone-file \(deleted\) is not supported"
