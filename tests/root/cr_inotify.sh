#!/usr/bin/env bash
# cr_inotify: dump -> kill -> restore -> verify of an inotify instance
# (IN_NONBLOCK) watching a directory and files in it with different
# masks, IN_ONESHOT, IN_MASK_ADD, and a wd freed before the dump: every
# watch comes back with its wd, mask and inode, and reports the events it
# should. A watched file replaced (or removed) between dump and restore
# fails the restore in one line naming it, rolled back, nothing left; once
# the file is back the same image restores. An instance with unread
# events is refused at dump in one line, the tree left running with its
# events, and so is a watch on a directory no path reaches any more
# (a mount made over it). A watch on a file deleted while an fd of the
# task holds it comes back on the file made again for that fd.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root


# restore_fails NAME MESSAGE: a restore of the image fails with exit
# status 1 and the one line MESSAGE, and no task of it is left.
restore_fails() {
	"$PIDTRACE" restore -D "$CR_DIR/img" >"$CR_DIR/out" 2>"$CR_DIR/err"
	same "${1}_status" "$?" 1
	same "${1}_message" "$(cat "$CR_DIR/err")" "$2"
	if [ -e "/proc/$CR_PID" ] && cr_ours "$CR_PID"; then
		fail "${1}_rolled_back" "pid $CR_PID exists"
	else
		pass "${1}_rolled_back"
	fi
}

# bad_list NAME FIELD VALUE MESSAGE: the image with FIELD of the inotify
# record set to VALUE is refused by show naming the fd and MESSAGE.
EDIT="$TOP/$OUTPUT/tests/tools/image_edit"
bad_list() {
	local b=$T/bad_$1 err
	rm -rf "$b"
	cp -a "$CR_DIR/img" "$b"
	if ! "$EDIT" set "$b/files-$CR_PID.img" "fds.$IDX.inotify.$2" "$3" >/dev/null ||
		! (cd "$b" && "$EDIT" fix-inventory .) >/dev/null; then
		fail "bad_$1" "image_edit failed"
		return
	fi
	err=$("$PIDTRACE" show -D "$b" 2>&1 >/dev/null)
	same "bad_$1" "$err" "pidtrace: show: $b/files-$CR_PID.img: inotify fd $FD: $4"
	rm -rf "$b"
}

W=$T/rt/w
mkdir -p "$T/rt"
if ! cr_start rt zdtm_inotify "$W"; then
	fail rt_start "the program did not start"
elif ! cr_dump; then
	fail rt_dump "$(tail -n 3 "$CR_DIR/dump.err")"
else
	pass rt_dump
	q='[.tasks[0].fds[] | select(.type == "inotify") | .inotify.watches[]'
	cr_show_has rt_show_wds "$q | .wd] == [1, 2, 4, 5]"
	cr_show_has rt_show_paths "$q | .path] == [\"$W\", \"$W/a\", \"$W/c\", \"$W/d\"]"
	cr_show_has rt_show_masks "$q | .mask_names] == [\"MOVED_TO|CREATE|DELETE\", \"MODIFY|CLOSE_WRITE\", \"OPEN|ONESHOT\", \"ACCESS|MODIFY\"]"
	cr_show_has rt_show_inode "$q | select(.wd == 4) | [.dev, .ino]] == [[$(stat -c '%d, %i' "$W/c")]]"
	FD=$(jq -r '.tasks[0].fds[] | select(.type == "inotify") | .fd' "$CR_DIR/show.json")
	if "$PIDTRACE" show -D "$CR_DIR/img" 2>&1 | grep -q "watch 2: $W/a: MODIFY|CLOSE_WRITE\$"; then
		pass rt_show_plain
	else
		fail rt_show_plain "$("$PIDTRACE" show -D "$CR_DIR/img" 2>&1 | grep -A5 inotify | head -n 6)"
	fi
	# A damaged watch list is refused by the reader in one line.
	IDX=$(jq -r '.tasks[0].fds | map(.type) | index("inotify")' "$CR_DIR/show.json")
	bad_list wd_order watches.1.wd 1 "watch 1 is out of order or impossible"
	bad_list wd_zero watches.0.wd 0 "watch 0 is out of order or impossible"
	bad_list relative watches.2.path w/c "watch 4 has no absolute path"
	# Another file at a watched path, then none: refused, rolled back.
	mv "$W/a" "$W/a.orig"
	: >"$W/a"
	restore_fails rt_replaced \
		"pidtrace: restore: files: pid $CR_PID fd $FD: inotify watch 2: $W/a: the watched file was replaced (rolled back)"
	rm "$W/a"
	restore_fails rt_gone \
		"pidtrace: restore: files: pid $CR_PID fd $FD: inotify watch 2: $W/a: No such file or directory (rolled back)"
	mv "$W/a.orig" "$W/a"
	cr_restore_verify rt
fi
cr_cleanup

# Unread events: refused, and they are still there to read.
mkdir -p "$T/unread"
if ! cr_start unread zdtm_inotify "$T/unread/w" unread; then
	fail unread_start "the program did not start"
else
	cr_refused unread "pid $CR_PID fd [0-9]+: inotify with [0-9]+ bytes of unread events is not supported"
fi
cr_cleanup

# The same with --drop-unread-events: dumped without them, said twice.
mkdir -p "$T/dropped"
if cr_start dropped zdtm_inotify "$T/dropped/w" dropped; then
	cr_dropped dropped inotify
else
	fail dropped_start "the program did not start"
fi
cr_cleanup

# A watched directory hidden under a mount made after the watch: no path
# reaches it (its own path names the mount's root now): refused.
H=$T/hidden/w
mkdir -p "$T/hidden"
if ! cr_start hidden zdtm_inotify "$H"; then
	fail hidden_start "the program did not start"
elif ! mount -t tmpfs -o size=64k,mode=0700 pidtrace-test "$H"; then
	fail hidden_mount "cannot mount a tmpfs over $H"
else
	at_exit "mountpoint -q '$H' && umount '$H'"
	"$PIDTRACE" dump -t "$CR_PID" -D "$CR_DIR/img" >"$CR_DIR/dump.out" 2>"$CR_DIR/dump.err"
	same hidden_status "$?" 1
	if grep -Eq "^pidtrace: dump: pid $CR_PID fd [0-9]+: inotify watch 1 on inode [0-9]+, deleted or reached by no path, is not supported\$" "$CR_DIR/dump.err" &&
		[ "$(wc -l <"$CR_DIR/dump.err")" = 1 ]; then
		pass hidden_refused
	else
		fail hidden_refused "$(cat "$CR_DIR/dump.err")"
	fi
	umount "$H"
	cr_passes hidden_untouched
fi
cr_cleanup

# A watch on a file deleted while the task holds it open (zdtm inotify00):
# dumped by the holding fd, the file made again and the watch added
# through it with the same wd and mask; nothing queued after the restore,
# and the events after it are those of the new file.
D=$T/deleted/w
mkdir -p "$T/deleted"
if ! cr_start deleted zdtm_inotify_deleted "$D"; then
	fail deleted_start "the program did not start"
elif ! cr_dump; then
	fail deleted_dump "$(tail -n 3 "$CR_DIR/dump.err")"
else
	pass deleted_dump
	q='[.tasks[0].fds[] | select(.type == "inotify") | .inotify.watches[]'
	cr_show_has deleted_show_wds "$q | .wd] == [1, 2, 3]"
	HOLD=$(jq -r '.tasks[0].fds[] | select(.type == "deleted") | .fd' "$CR_DIR/show.json")
	cr_show_has deleted_show_fd "$q | .deleted_fd] == [null, $HOLD, null]"
	cr_show_has deleted_show_path "$q | select(.wd == 2) | .path] == [\"$D/f (deleted)\"]"
	if "$PIDTRACE" show -D "$CR_DIR/img" 2>&1 |
		grep -q "watch 2: $D/f (deleted): MODIFY|ATTRIB|CLOSE_WRITE|DELETE_SELF (through fd $HOLD)\$"; then
		pass deleted_show_plain
	else
		fail deleted_show_plain "$("$PIDTRACE" show -D "$CR_DIR/img" 2>&1 | grep -A4 inotify | head -n 5)"
	fi
	# The watch's fd must be its deleted file: refused by the reader.
	IDX=$(jq -r '.tasks[0].fds | map(.type) | index("inotify")' "$CR_DIR/show.json")
	FD=$(jq -r '.tasks[0].fds[] | select(.type == "inotify") | .fd' "$CR_DIR/show.json")
	bad_list deleted_fd watches.1.deleted_fd "$FD" "watch 2: fd $FD is not its deleted file"
	cr_restore_verify deleted
fi
cr_cleanup
