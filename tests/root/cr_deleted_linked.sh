#!/usr/bin/env bash
# cr_deleted_linked: files unlinked at their path but still linked
# elsewhere (zdtm unlink_fstat03, unlink_regular00): dump keeps their file
# handle, restore opens the same inode by it, links it at its old path (its
# removed directory made again meanwhile), opens and unlinks it
# (restore_relink.c). The program checks inode, links, offset, "(deleted)"
# and a write seen through the other name. The script checks show, that a
# restore whose inode is gone since (its other name removed) fails in one
# line naming it instead of opening another file, and the refusal of a
# file whose name is taken at dump.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root

cr_roundtrip_show linked zdtm_deleted_linked \
	'linked=[.tasks[0].fds[] | select(.deleted.linked_elsewhere) | .deleted.path | sub(".*/linked/"; "")] | sort == ["a", "sub/c"]' \
	'nodata=[.tasks[0].fds[] | select(.deleted.linked_elsewhere) | .deleted.data_here] | all(. == null)'

if cr_start keep zdtm_deleted_linked && cr_dump; then
	pid=$CR_PID
	if "$PIDTRACE" show -D "$CR_DIR/img" | grep -Eq '/a \(deleted, linked elsewhere: the same inode [0-9]+\)'; then
		pass linked_show_plain
	else
		fail linked_show_plain "$("$PIDTRACE" show -D "$CR_DIR/img" | grep deleted)"
	fi
	# The inode is gone: its handle is stale, nothing else is opened.
	mv "$CR_DIR/keep/b" "$CR_DIR/keep/b.saved"
	cp "$CR_DIR/keep/b.saved" "$CR_DIR/keep/b2"
	rm "$CR_DIR/keep/b.saved"
	if cr_restore; then
		fail linked_gone "the restore succeeded"
	else
		# The whole report: the restore has ended.
		wait_for 30 cr_gone "$CR_RESTORE"
		same linked_gone "$(jr .error | grep -Ec 'fd [0-9]+: file .*/a, unlinked but linked elsewhere: find it by its file handle: Stale file handle$')" 1
	fi
	same linked_gone_nothing_left "$(find "$CR_DIR" -maxdepth 1 \( -name a -o -name sub \) | wc -l)" 0
	cr_cleanup
else
	fail keep_dump "$(tail -n 3 "$CR_DIR/dump.err" 2>/dev/null)"
fi

cr_start taken zdtm_deleted_linked taken &&
	cr_refused linked_taken "pid [0-9]+ fd [0-9]+: file unlinked but linked elsewhere, .*/a \(deleted\) was removed and its name is taken now: not supported"
