#!/usr/bin/env bash
# cr_deleted_map: mappings of files deleted while mapped (a library or the
# executable replaced by an upgrade) are dumped with their contents, once
# per file, and restored as nameless copies (zdtm_deleted_map verifies
# contents, written private pages, a MAP_SHARED mapping shared with an fd
# and a child, a dlopen()ed library copy, its own deleted executable).
#   - show --json: which mappings map a deleted file, which one holds its
#     contents (the fd does, for the file also open);
#   - restores that fail (an injected mmap or files-step error) are rolled
#     back and leave no file behind; the working directory stays empty
#     after the good restore too;
#   - the restored maps: "PATH (deleted)" as before (made by O_TMPFILE,
#     opened through its name for an instant), and a memfd where the
#     directory cannot take the file (injected); the exe link;
#   - the same image restored again with --pidns;
#   - a deleted mapped file above 64 MiB is refused in one line naming the
#     mapping and the file, and the program keeps running.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root

# The program runs from a copy (it deletes its own executable).
mkdir -p "$T/bin"
ln -sf "$PROGS/cr_reaper" "$T/bin/cr_reaper"
cp "$PROGS/zdtm_deleted_map" "$T/bin/zdtm_deleted_map"

# Files in a directory but the ones listed (names a restore could leave).
strays() { find "$1" -mindepth 1 -maxdepth 1 ! -name cr_reaper | sort | tr '\n' ' '; }

if ! PROGS=$T/bin cr_start ghost zdtm_deleted_map self; then
	fail ghost_start "the program did not start: $(cat "$CR_DIR/log" 2>/dev/null)"
	exit 1
fi
if ! cr_dump; then
	fail ghost_dump "$(tail -n 3 "$CR_DIR/dump.err")"
	exit 1
fi
pass ghost_dump
IMG=$CR_DIR/img
# Four deleted files: data, shared, the library copy, the executable.
cr_show_has ghost_show_files \
	'[.tasks[].vmas[] | select(.deleted) | .deleted.path | sub(".*/"; "")] | unique == ["data", "libm-copy.so", "shared", "zdtm_deleted_map"]'
# Saved once each: three by a mapping (of the root), "shared" by its fd.
cr_show_has ghost_show_saved_once \
	'[.tasks[].vmas[] | select(.deleted.data_here) | .deleted.path | sub(".*/"; "")] | sort == ["data", "libm-copy.so", "zdtm_deleted_map"]'
cr_show_has ghost_show_fd_saves_shared \
	'[.tasks[0].fds[] | select(.type == "deleted" and .deleted.data_here) | .deleted.size] == [8192]'
cr_show_has ghost_show_child_refers \
	'[.tasks[1].vmas[] | select(.deleted)] | length >= 4 and all(.deleted.data_here | not)'
if "$PIDTRACE" show -D "$IMG" | grep -q 'deleted file .*data.*bytes saved here'; then
	pass ghost_show_text
else
	fail ghost_show_text "$("$PIDTRACE" show -D "$IMG" | grep -m 3 deleted)"
fi
same ghost_dump_left_nothing "$(strays "$CR_DIR/work")$(strays "$T/bin")" ""

# A damaged copy: saved contents that do not match the size say so in one line.
K=$(jq '[.tasks[0].vmas | to_entries[] | select(.value.deleted.data_here) | .key][0]' "$CR_DIR/show.json")
image_damage "$IMG" "$CR_DIR/bad" "mm-$CR_PID.img" "vmas.$K.ghost.size" 1
"$PIDTRACE" restore -D "$CR_DIR/bad" >/dev/null 2>"$CR_DIR/bad.err"
rc=$?
if [ "$rc" = 1 ] && [ "$(wc -l <"$CR_DIR/bad.err")" = 1 ] &&
	grep -q "mm-$CR_PID.img: mapping 0x[0-9a-f]*: deleted file .* of 1 bytes holds [0-9]* bytes$" "$CR_DIR/bad.err"; then
	pass bad_size_one_line
else
	fail bad_size_one_line "status $rc: $(head -n 3 "$CR_DIR/bad.err")"
fi
rm -rf "$CR_DIR/bad"

# Injected failures after the copies exist: rolled back, nothing left.
for p in restore-mmap restore-files; do
	PIDTRACE_FAULT=$p "$PIDTRACE" restore -D "$IMG" --json >"$CR_DIR/f.json" 2>"$CR_DIR/f.err"
	rc=$?
	same "fault_${p#restore-}_status" "$rc/$(jq -r .ok "$CR_DIR/f.json")" "1/false"
	same "fault_${p#restore-}_nothing_on_disk" "$(strays "$CR_DIR/work")$(strays "$T/bin")" ""
	[ -e "/proc/$CR_PID" ] && fail "fault_${p#restore-}_rolled_back" "pid $CR_PID exists" ||
		pass "fault_${p#restore-}_rolled_back"
done

# The first copy made cannot go in its directory (injected): a memfd.
if ! PIDTRACE_FAULT=restore-ghost-dir cr_restore; then
	fail ghost_restore "$(jq -r '.error // empty' "$CR_DIR/restore.json" 2>/dev/null) $(tail -n 3 "$CR_DIR/restore.err")"
	exit 1
fi
pass ghost_restore
same ghost_restore_left_nothing "$(strays "$CR_DIR/work")$(strays "$T/bin")" ""
MAPS=$(cat "/proc/$CR_PID/maps")
# The executable was deleted: its copy is the exe file again.
if readlink "/proc/$CR_PID/exe" | grep -Eq '(/#[0-9]+|/memfd:zdtm_deleted_map) \(deleted\)$'; then
	pass ghost_exe
else
	fail ghost_exe "$(readlink "/proc/$CR_PID/exe")"
fi
# Made by O_TMPFILE, then opened through their names (restore_named.c).
if grep -q " $CR_DIR/work/data (deleted)$" <<<"$MAPS" &&
	grep -q " $CR_DIR/work/shared (deleted)$" <<<"$MAPS" &&
	! grep -q "/#[0-9]* (deleted)" <<<"$MAPS"; then
	pass ghost_maps_named
else
	fail ghost_maps_named "$(grep deleted <<<"$MAPS" | head -n 3)"
fi
if grep -q '/memfd:.* (deleted)' <<<"$MAPS"; then
	pass ghost_maps_memfd_fallback
else
	fail ghost_maps_memfd_fallback "$(grep deleted <<<"$MAPS" | head -n 3)"
fi
cr_finish
if [ "$CR_RC" = 0 ] && grep -q '^PASS' "$CR_DIR/log"; then
	pass ghost_verify
else
	fail ghost_verify "exit status $CR_RC: $(grep -E '^(FAIL|PASS)' "$CR_DIR/log" | head -n 3)"
fi

# The same image in a new pid namespace (its init keeps the copies' fds for the stubs).
if cr_restore --pidns; then
	pass ghost_pidns_restore
	kill -TERM "$(jr '.host_pids[0]')"
	wait_for 30 cr_gone "$CR_RESTORE"
	wait "$CR_RESTORE"
	CR_RC=$?
	CR_RESTORE=
	# The log is reopened at its dump-time offset: this PASS overwrites the first.
	same ghost_pidns_verify "$CR_RC/$(grep -c '^PASS' "$CR_DIR/log")/$(grep -c '^FAIL' "$CR_DIR/log")" "0/1/0"
	same ghost_pidns_left_nothing "$(strays "$CR_DIR/work")$(strays "$T/bin")" ""
else
	fail ghost_pidns_restore "$(jr '.error // empty') $(tail -n 2 "$CR_DIR/restore.err")"
fi
cr_cleanup

# Above the limit: refused in one line, the program runs on untouched.
if cr_start big zdtm_deleted_map big; then
	"$PIDTRACE" dump -t "$CR_PID" -D "$CR_DIR/img" >/dev/null 2>"$CR_DIR/err"
	rc=$?
	same big_status "$rc" 1
	same big_one_line "$(wc -l <"$CR_DIR/err")" 1
	if grep -Eq "^pidtrace: dump: pid $CR_PID: mapping [0-9a-f]+-[0-9a-f]+ of $CR_DIR/work/big \(deleted\): deleted file with 68[0-9]{6} bytes of data: more than the 64 MiB saved$" "$CR_DIR/err"; then
		pass big_message
	else
		fail big_message "$(cat "$CR_DIR/err")"
	fi
	st=$(awk '/^State:/ {print $2}' "/proc/$CR_PID/status" 2>/dev/null)
	tr=$(awk '/^TracerPid:/ {print $2}' "/proc/$CR_PID/status" 2>/dev/null)
	same big_left_running "$st/$tr" "S/0"
else
	fail big_start "the program did not start: $(cat "$CR_DIR/log" 2>/dev/null)"
fi
cr_cleanup
