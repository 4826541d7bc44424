#!/usr/bin/env bash
# test: slow (started first: see tests/README.md)
# rely_dump_disk: a disk that fills up at any point of a dump leaves no
# image and no temporary directory, only one error naming the file, and the
# tree running; temporary directories of killed dumps are recognised (show
# says so) and removed by the next dump, one of a running dump is never
# touched; a directory others could write is refused before anything is
# written to it.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../dump_lib.sh"
. "$(dirname "$0")/../rely_lib.sh"
need_root

ft_start tree || exit 1

# How much the image needs: every size below it must fail cleanly.
"$PIDTRACE" dump -t "$FT" -D "$T/ref" --leave-running >/dev/null 2>&1 || { fail disk_setup "no reference dump"; exit 1; }
NEED=$(du -sk --apparent-size "$T/ref" | cut -f1)
NEED=$(( (NEED + 3) / 4 * 4 + 64 ))

# ---- the disk fills up: every size from 4 KiB to what the image needs ----
FS=$T/fs
mkdir -p "$FS"
n=0 bad=0 full=0 first=
for kb in $(seq 4 4 "$NEED"); do
	mount -t tmpfs -o "size=${kb}k,mode=0700" pidtrace-rely "$FS" || { fail disk_full_mount "tmpfs ${kb}k"; break; }
	n=$((n + 1))
	"$PIDTRACE" dump -t "$FT" -D "$FS/img" --leave-running >"$T/out" 2>"$T/err"
	rc=$?
	why=
	if [ "$rc" = 0 ]; then
		"$PIDTRACE" show -D "$FS/img" >/dev/null 2>&1 || why="a dump that succeeded left a bad image"
	else
		full=$((full + 1))
		if [ "$rc" != 1 ] || [ "$(wc -l <"$T/err")" != 1 ] ||
			! grep -Eq "^pidtrace: dump: $FS/img(/[a-z0-9-]+\.img)?: cannot (write|create|write an image here): No space left on device$" "$T/err"; then
			why="exit $rc: $(cat "$T/err")"
		elif [ -n "$(ls -A "$FS" 2>/dev/null)" ]; then
			why="left behind: $(ls -AR "$FS" | tr '\n' ' ')"
		fi
	fi
	[ -z "$why" ] && why=$(ft_why "$FT" "$FT_REP.counter")
	[ -z "$why" ] && why=$(cat "$FT_REP".broken "$FT_REP".child.broken 2>/dev/null)
	umount "$FS"
	if [ -n "$why" ]; then
		bad=$((bad + 1))
		[ -z "$first" ] && first="at ${kb}k: $why"
	fi
done
if [ "$full" -lt 3 ]; then
	fail disk_full_at_every_size "only $full of $n sizes ran out of space"
elif [ "$bad" = 0 ]; then
	pass "disk_full_at_every_size ($full of $n sizes full, no image, no temporary directory)"
else
	fail disk_full_at_every_size "$bad of $n sizes: first $first"
fi
ft_intact disk_full_tree_untouched

# ---- temporary directories of other dumps ----
IMG=$T/img
rm -rf "$IMG"
PIDTRACE_FAULT=memory:kill "$PIDTRACE" dump -t "$FT" -D "$IMG" >/dev/null 2>&1 &
DUMP=$!
wait "$DUMP"
left=$(cd "$IMG" && ls -A)
if [[ "$left" =~ ^\.pidtrace-tmp-$DUMP-[0-9]+-[a-z0-9]{6}$ ]]; then
	pass killed_dump_leaves_a_named_temporary_directory
else
	fail killed_dump_leaves_a_named_temporary_directory "left: $left"
fi
"$PIDTRACE" show -D "$IMG" >/dev/null 2>"$T/err"
same show_names_a_killed_dump "$? $(cat "$T/err")" \
	"1 pidtrace: show: $IMG: no image here (inventory.img is missing; $left was left by a dump (pid $DUMP) that was killed; the next dump removes it)"
"$PIDTRACE" dump -t "$FT" -D "$IMG" --leave-running >/dev/null 2>"$T/err"
same next_dump_removes_it "$? $(cat "$T/err") $(tmp_dirs "$IMG" | wc -l)" \
	"0 pidtrace: dump: warning: removed $IMG/$left, left by a dump (pid $DUMP) that was killed 0"

# A dump that is running (paused here) is never disturbed: a second dump
# into the same directory refuses, show says what it is.
PIDTRACE_TEST_PAUSE=memory "$PIDTRACE" dump -t "$FT" -D "$IMG" --leave-running >/dev/null 2>&1 &
DUMP=$!
if wait_stopped "$DUMP"; then
	live=$(tmp_dirs "$IMG")
	"$PIDTRACE" dump -t "$FT" -D "$IMG" --leave-running >/dev/null 2>"$T/err"
	same second_dump_refuses_a_running_one "$? $(cat "$T/err")" \
		"1 pidtrace: dump: $IMG: another dump (pid $DUMP) is writing an image here"
	"$PIDTRACE" show -D "$IMG" >/dev/null 2>"$T/err"
	same show_names_a_running_dump "$? $(cat "$T/err")" \
		"0 pidtrace: show: warning: $IMG/$live belongs to a dump (pid $DUMP) still running"
	[ -d "$IMG/$live" ] && pass running_dump_directory_untouched ||
		fail running_dump_directory_untouched "$live is gone"
	kill -CONT "$DUMP"
	wait "$DUMP"
	same running_dump_completes "$? $(tmp_dirs "$IMG" | wc -l)" "0 0"
else
	fail second_dump_refuses_a_running_one "pidtrace did not pause"
fi

# A recycled pid (same pid, other start time) is not the owner; a directory
# of another form is not ours to remove.
mkdir -m 0700 "$IMG/.pidtrace-tmp-$$-1-abcdef" "$IMG/.pidtrace-tmp-zzzzzz"
"$PIDTRACE" dump -t "$FT" -D "$IMG" --leave-running >/dev/null 2>"$T/err"
same stale_with_recycled_pid_removed "$? $(cat "$T/err")" \
	"0 pidtrace: dump: warning: removed $IMG/.pidtrace-tmp-$$-1-abcdef, left by a dump (pid $$) that was killed"
[ -d "$IMG/.pidtrace-tmp-zzzzzz" ] && pass foreign_temporary_directory_kept ||
	fail foreign_temporary_directory_kept "removed"
ft_intact temporary_directories_tree_untouched

# ---- a directory others could write is refused before any write ----
for how in "chmod 0777" "chmod 1777" "chmod 0730" "chown 65534"; do
	rm -rf "$IMG"
	mkdir -m 0700 "$IMG"
	$how "$IMG"
	"$PIDTRACE" dump -t "$FT" -D "$IMG" >"$T/out" 2>"$T/err"
	rc=$?
	name="dump_refuses_$(echo "$how" | tr ' ' '_')"
	if [ "$rc" = 1 ] && [ "$(wc -l <"$T/err")" = 1 ] &&
		grep -Eq "^pidtrace: dump: $IMG: (writable by other users \(mode [0-7]+\): an image there could be altered by them|owned by uid 65534: an image must belong to root)$" "$T/err" &&
		[ -z "$(ls -A "$IMG")" ]; then
		pass "$name"
	else
		fail "$name" "exit $rc: $(cat "$T/err"); $(ls -A "$IMG")"
	fi
done
ft_intact refused_directories_tree_untouched
# A new directory is made 0700, files 0600.
rm -rf "$IMG"
"$PIDTRACE" dump -t "$FT" -D "$IMG" --leave-running >/dev/null 2>&1
same new_image_dir_is_root_only "$(stat -c %a "$IMG") $(stat -c %a "$IMG"/* | sort -u | tr '\n' ' ')" "700 600 "
ft_stop
