#!/usr/bin/env bash
# cr_fdt: fd tables shared between processes (CLONE_FILES; zdtm fd01,
# fdt_shared). Two groups of processes sharing a table (one with a thread)
# are dumped once per table and come back sharing them again: the image
# holds the table with the first task only, the others say whose table
# they use; after restore the program checks with kcmp and by opening fds
# that each child sees exactly its group's. A restore where the tasks did
# not share (test fault restore-fdt-unshared) must fail its verification
# and roll back. Refused at dump in one line, the tree running on: two
# processes sharing a table their parent gave up (unshare), and a thread
# with its own fd table. A damaged link is refused before any task exists.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root

cr_roundtrip_show fdt zdtm_fdt \
	'owners=.tasks[0].pid as $p | [.tasks[] | select(.fd_table_of == null)] | length == 2 and .[0].pid == $p' \
	'shared=[.tasks[] | select(.fd_table_of != null) | .fds | length] | length == 3 and all(. == 0)' \
	'root_table=(.tasks[0].pid as $p | [.tasks[] | select(.fd_table_of == $p)] | length) == 2' \
	'root_fds=[.tasks[0].fds[] | .fd] | index(100) != null'

# The same tree restored into a new pid namespace.
cr_pidns_roundtrip fdt_pidns zdtm_fdt

# Restored without sharing: the verification must say so, and roll back.
if cr_start fdt_fault zdtm_fdt && cr_dump; then
	rm -f "$CR_DIR/restore.json"
	(cd "$CR_DIR" && PIDTRACE_FAULT=restore-fdt-unshared exec "$PIDTRACE" restore \
		-D "$CR_DIR/img" --json >"$CR_DIR/restore.json" 2>"$CR_DIR/restore.err")
	err=$(jq -r '.error // empty' "$CR_DIR/restore.json" 2>/dev/null)
	if [[ "$err" =~ ^verify:\ pid\ $CR_PID:\ fd\ table\ of\ pid\ [0-9]+\ \"pid\ $CR_PID\'s\ \(CLONE_FILES\)\"\ in\ the\ image,\ \"not\ pid\ $CR_PID\'s\"\ after\ restore ]]; then
		pass fdt_unshared_caught
	else
		fail fdt_unshared_caught "error: $err $(head -c 300 "$CR_DIR/restore.err")"
	fi
	if wait_for 10 cr_gone "$CR_PID"; then
		pass fdt_unshared_rolled_back
	else
		fail fdt_unshared_rolled_back "pid $CR_PID still there"
	fi
else
	fail fdt_fault_dump "$(tail -n 3 "$CR_DIR/dump.err" 2>/dev/null)"
fi
cr_cleanup

# A damaged link: a task sharing the table of a pid that is not in the tree.
if cr_start fdt_bad zdtm_fdt && cr_dump; then
	KID=$("$PIDTRACE" show -D "$CR_DIR/img" --json | jq -r '[.tasks[] | select(.fd_table_of != null)][0].pid')
	if image_set "$CR_DIR/img" "files-$KID.img" fd_table_of 4000000; then
		(cd "$CR_DIR" && exec "$PIDTRACE" restore -D "$CR_DIR/img" --json \
			>"$CR_DIR/restore.json" 2>"$CR_DIR/restore.err")
		err=$(jq -r '.error // empty' "$CR_DIR/restore.json" 2>/dev/null)
		if [ "$err" = "check: pid $KID: files-$KID.img: the fd table of pid 4000000, which is not an earlier live task of the tree with a table of its own" ]; then
			pass fdt_bad_link
		else
			fail fdt_bad_link "error: $err"
		fi
	else
		fail fdt_bad_link "image_edit failed"
	fi
	# fds in a task that uses another's table: the image check refuses it.
	cp "$CR_DIR/img/files-$CR_PID.img" "$CR_DIR/img/files-$KID.img"
	image_set "$CR_DIR/img" "files-$KID.img" fd_table_of "$CR_PID"
	err=$("$PIDTRACE" show -D "$CR_DIR/img" 2>&1 >/dev/null)
	if [[ "$err" =~ files-$KID.img:\ uses\ the\ fd\ table\ of\ pid\ $CR_PID\ and\ has\ [0-9]+\ fds\ of\ its\ own$ ]]; then
		pass fdt_bad_fds
	else
		fail fdt_bad_fds "$err"
	fi
else
	fail fdt_bad_dump "$(tail -n 3 "$CR_DIR/dump.err" 2>/dev/null)"
fi
cr_cleanup

# refused MODE PATTERN: the dump fails in one line, the program runs on.
refused() {
	if ! cr_start "fdt_$1" zdtm_fdt "$1"; then
		fail "fdt_$1_start" "the program did not start"
		cr_cleanup
		return
	fi
	Q=$(sed -n 's/^READY .* q=\([0-9]*\).*/\1/p' "$CR_DIR/log")
	R1=$(sed -n 's/^READY .* r1=\([0-9]*\).*/\1/p' "$CR_DIR/log")
	R2=$(sed -n 's/^READY .* r2=\([0-9]*\).*/\1/p' "$CR_DIR/log")
	TID=$(sed -n 's/^READY .* tid=\([0-9]*\).*/\1/p' "$CR_DIR/log")
	cr_refused "fdt_$1" "$(eval echo "\"$2\"")"
	cr_cleanup
}
# shellcheck disable=SC2016
refused orphan 'pid ($R1|$R2) shares its fd table with pid ($R1|$R2), not with its parent $Q \(the task that cloned it with CLONE_FILES exited or unshared it\): not supported'
# shellcheck disable=SC2016
refused thread 'pid $CR_PID thread $TID has its own fd table \(unshare\(CLONE_FILES\)\): not supported'
