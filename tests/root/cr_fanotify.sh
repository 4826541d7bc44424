#!/usr/bin/env bash
# cr_fanotify: fanotify groups survive dump -> kill -> restore
# (kind_fanotify.c, fanotify_marks.c): a group with an inode mark and its
# ignored mask (surviving modify), a mount mark with an ignored mask, a
# file system mark, and a second group reporting file ids with a mark on
# a directory for its children; the restored program finds the same
# fdinfo lines (flags, objects, masks) and gets events again. The marked
# objects live on a tmpfs of the test's own (a mount mark on a busy mount
# would queue everyone's events). `pidtrace show` describes the groups.
# A restore that left the ignored masks out fails its verification, rolled
# back; a group with an event unread is refused, the event still there after;
# a mark whose file was replaced before the restore fails the restore in
# one line, rolled back; a damaged record is refused by the image check.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root

FS=$T/fs
mkdir -p "$FS"
if ! mount -t tmpfs -o size=1m pidtrace-fan "$FS"; then
	fail tmpfs "cannot mount a tmpfs"
	exit 0
fi
at_exit "umount -l '$FS'"
fresh() { rm -rf "${FS:?}"/*; }

fresh
# cr_roundtrip_show takes no program arguments: its checks set by hand.
CR_SHOW_CHECKS=(
	"groups=[.tasks[].fds[].fanotify | select(.) | .marks | map(.on) | sort] | sort == [[\"file system\", \"inode\", \"mount\"], [\"inode\"]]"
	"paths=[.tasks[].fds[].fanotify | select(.) | .marks[] | .path] | sort == [\"$FS\", \"$FS\", \"$FS/dir\", \"$FS/watched\"]"
	'flags=[.tasks[].fds[].fanotify | select(.) | .flags] | sort == ["0x12", "0x202"]'
	'type=[.tasks[].fds[] | select(.fanotify) | .type] == ["fanotify", "fanotify"]'
)
cr_roundtrip rt zdtm_fanotify "$FS"
CR_SHOW_CHECKS=()

# Plain show; a restore without the ignored masks (a test fault) fails
# its verification; then the watched file replaced before the restore.
fresh
if cr_start replaced zdtm_fanotify "$FS" && cr_dump; then
	"$PIDTRACE" show -D "$CR_DIR/img" >"$CR_DIR/show.txt" 2>&1
	if grep -Eq "fanotify flags 0x12, event flags 0x8000, 3 marks$" "$CR_DIR/show.txt" &&
		grep -Eq "^ +mark on inode $FS/watched: mask 0x3b, ignored 0x10, flags 0x40$" "$CR_DIR/show.txt"; then
		pass show_plain
	else
		fail show_plain "$(grep -iA3 fanotify "$CR_DIR/show.txt" | head -n 5)"
	fi
	# Ignored masks skipped at restore: the verification names the mark.
	rm -f "$CR_DIR/restore.json"
	PIDTRACE_FAULT=restore-skip-fanotify-ignored "$PIDTRACE" restore -D "$CR_DIR/img" --json \
		>"$CR_DIR/restore.json" 2>/dev/null
	same skip_ignored_status "$?" 1
	if jr .error | grep -Eq "^verify: pid $CR_PID: fd [0-9]+: fanotify \"fanotify [a-z_]+:[0-9a-f]+ .*ignored_mask:[1-9a-f][0-9a-f]*.*\" in the image, \"fanotify .*ignored_mask:0.*\" after restore\$"; then
		pass skip_ignored_verified
	else
		fail skip_ignored_verified "$(jr .error)"
	fi
	rm -f "$FS/watched"
	touch "$FS/watched"
	if cr_restore; then
		fail replaced_refused "the restore succeeded"
		cr_finish
	elif jr .error | grep -Eq "^files: pid $CR_PID fd [0-9]+: fanotify mark on inode $FS/watched: not the one it marked\$"; then
		pass replaced_refused
	else
		fail replaced_refused "$(jr .error)"
	fi
else
	fail replaced_dump "$(tail -n 3 "$CR_DIR/dump.err" 2>/dev/null)"
fi
cr_cleanup

# An event not read yet: refused, and still queued after.
fresh
if cr_start queued zdtm_fanotify "$FS" queued; then
	cr_refused queued "pid $CR_PID fd [0-9]+: fanotify group with [0-9]+ bytes of unread events is not supported"
else
	fail queued_start "the program did not start"
fi
cr_cleanup

# The same with --drop-unread-events: dumped without them, said twice.
fresh
if cr_start dropped zdtm_fanotify "$FS" dropped; then
	cr_dropped dropped fanotify
else
	fail dropped_start "the program did not start"
fi
cr_cleanup

# Damaged records: the image check names the file and the fd.
fresh
if cr_start bad zdtm_fanotify "$FS" && cr_dump; then
	bad() { show_bad_fd "bad_$1" "$CR_DIR/img" '.fanotify.flags == "0x12"' "fanotify.$2" "$3" "fanotify " "$4"; }
	bad class flags 4 ": a class with permission events"
	bad kind marks.0.kind 7 ": mark 0 of kind 7"
	bad path marks.0.path relative ": mark 0 has no absolute path"
else
	fail bad_dump "$(tail -n 3 "$CR_DIR/dump.err" 2>/dev/null)"
fi
cr_cleanup
