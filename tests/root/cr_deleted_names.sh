#!/usr/bin/env bash
# cr_deleted_names: deleted files come back under the names /proc showed
# (restore_named.c; zdtm link10, unlink_mmap01, unlink_fstat02, fd01 as
# tools/procdiff saw them): zdtm_deleted_names checks readlink of its fds,
# its maps lines and fdinfo flags after restore against what they were
# (an fd only, a file mapped through two links and held by an fd of the
# second, an O_TMPFILE fd whose flags keep __O_TMPFILE|O_DIRECTORY; fds
# of shared anonymous memory opened through map_files, zdtm shmemfd and
# shmemfd-priv: "/dev/zero (deleted)" off /dev, one object with its mapping).
#   - names taken by new files: NAME.pidtrace-PID-N beside them, those
#     files untouched, the contents right;
#   - no name can be given (test fault): nameless as before, said in one
#     warning, the restore verified;
#   - pidtrace killed at the naming step (the files filled, still
#     nameless): nothing left in the directory;
#   - an image saying an fd was made by O_TMPFILE when it was not: the
#     restore fails on its flags in one line (verification); a mapping
#     whose copy is named otherwise, on its name;
#   - paused between the links and the unlinks (the window a kill leaves
#     the names in): the names are there; let go, gone;
#   - no file of the restore's left in the directory after any of them.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root

# What the directory holds but the test's own files (names a restore could leave).
strays() { find "$CR_DIR" -mindepth 1 -maxdepth 1 ! -name img ! -name log ! -name 'restore.*' ! -name 'dump.*' ! -name 'show.*' -printf '%f ' | tr ' ' '\n' | sort | tr '\n' ' '; }

# The names as they were.
cr_roundtrip_show names zdtm_deleted_names \
	'tmpfile=[.tasks[0].fds[] | select(.type == "deleted" and .tmpfile)] | length == 1'
same names_left_nothing "$(strays)" ""

# Names taken by new files: beside them, the new files untouched.
if cr_start taken zdtm_deleted_names taken && cr_dump; then
	cr_restore_verify taken
	same taken_left_only_new "$(strays)" "fd-del map-del map-del.lnk "
else
	fail taken_dump "$(tail -n 3 "$CR_DIR/dump.err" 2>/dev/null)"
fi
cr_cleanup

# No name can be given (test fault, the first file): nameless, said.
if cr_start noname zdtm_deleted_names loose && cr_dump; then
	PIDTRACE_FAULT=restore-name cr_restore_verify noname
	if jq -r '.warnings[]?' "$CR_DIR/restore.json" | grep -q "^deleted file $CR_DIR/map-del.*: restored nameless (test fault)$"; then
		pass noname_said
	else
		fail noname_said "$(head -c 300 "$CR_DIR/restore.json")"
	fi
	same noname_left_nothing "$(strays)" ""
else
	fail noname_dump "$(tail -n 3 "$CR_DIR/dump.err" 2>/dev/null)"
fi
cr_cleanup

# pidtrace killed at the naming step: the files, filled, were nameless.
if cr_start killname zdtm_deleted_names && cr_dump; then
	if PIDTRACE_FAULT=restore-name:kill cr_restore; then
		fail killname_killed "the restore succeeded: $(head -c 300 "$CR_DIR/restore.json")"
	else
		wait_for 30 cr_gone "$CR_RESTORE"
		pass killname_killed
	fi
	same killname_left_nothing "$(strays)" ""
else
	fail killname_dump "$(tail -n 3 "$CR_DIR/dump.err" 2>/dev/null)"
fi
cr_cleanup

# Verification says what did not come back: an image claiming an fd was
# made by O_TMPFILE (fd-del was not: it is made by name) fails the restore
# on its flags, in one line, and is rolled back.
if cr_start badflags zdtm_deleted_names && cr_dump; then
	read -r _ I FD <<<"$(image_fd "$CR_DIR/img" '.path != null and (.path | endswith("/fd-del (deleted)"))')"
	if [ -n "$I" ] && image_set "$CR_DIR/img" "files-$CR_PID.img" "fds.$I.tmpfile" 1; then
		if cr_restore; then
			fail badflags_refused "the restore succeeded"
		else
			wait_for 30 cr_gone "$CR_RESTORE"
			same badflags_said "$(jq -r .error "$CR_DIR/restore.json")" \
				"verify: pid $CR_PID: fd $FD: O_TMPFILE flags 020200000 in the image, 00 after restore"
		fi
		same badflags_left_nothing "$(strays)" ""
	else
		fail badflags_edit "no fd-del in the image"
	fi
else
	fail badflags_dump "$(tail -n 3 "$CR_DIR/dump.err" 2>/dev/null)"
fi
cr_cleanup

# A mapping that does not come back under its name (the image's copy
# named otherwise, as if restore had got it wrong): verification fails
# the restore naming the mapping and both names.
if cr_start badmap zdtm_deleted_names && cr_dump; then
	"$PIDTRACE" show -D "$CR_DIR/img" --json >"$CR_DIR/show.json"
	K=$(jq '[.tasks[0].vmas | to_entries[] | select(.value.deleted.path // "" | endswith("/map-del")) | .key][0]' "$CR_DIR/show.json")
	if [ "$K" != null ] && image_set "$CR_DIR/img" "mm-$CR_PID.img" "vmas.$K.ghost.path" "$CR_DIR/other"; then
		if cr_restore; then
			fail badmap_refused "the restore succeeded"
		else
			wait_for 30 cr_gone "$CR_RESTORE"
			if jq -r .error "$CR_DIR/restore.json" | grep -Eq "^verify: pid $CR_PID: mapping [0-9a-f]+-[0-9a-f]+: file \"$CR_DIR/map-del \(deleted\)\" in the image, \"$CR_DIR/other \(deleted\)\" after restore$"; then
				pass badmap_said
			else
				fail badmap_said "$(jq -r .error "$CR_DIR/restore.json")"
			fi
		fi
		same badmap_left_nothing "$(strays)" ""
	else
		fail badmap_edit "no map-del mapping in the image"
	fi
else
	fail badmap_dump "$(tail -n 3 "$CR_DIR/dump.err" 2>/dev/null)"
fi
cr_cleanup

# The window: pidtrace paused once every name is linked and opened (test
# pause): the names are there, for the few system calls until the unlinks;
# let go, the restore ends with none of them left.
stopped() { [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" = T ]; }
if cr_start window zdtm_deleted_names && cr_dump; then
	(cd "$CR_DIR" && PIDTRACE_TEST_PAUSE=restore-name-linked exec "$PIDTRACE" restore \
		-D "$CR_DIR/img" --json >"$CR_DIR/restore.json" 2>"$CR_DIR/restore.err") &
	CR_RESTORE=$!
	if wait_for 30 stopped "$CR_RESTORE"; then
		same window_names_linked "$(strays)" "map-del map-del.lnk "
		kill -CONT "$CR_RESTORE"
		if wait_for 30 cr_reported && [ "$(jq -r .ok "$CR_DIR/restore.json")" = true ]; then
			pass window_restore
			same window_left_nothing "$(strays)" ""
			cr_finish
			same window_verify "$CR_RC/$(grep -c '^PASS' "$CR_DIR/log")" "0/1"
		else
			fail window_restore "$(head -c 300 "$CR_DIR/restore.json")"
		fi
	else
		fail window_paused "pidtrace did not stop at restore-name-linked"
	fi
else
	fail window_dump "$(tail -n 3 "$CR_DIR/dump.err" 2>/dev/null)"
fi
cr_cleanup
