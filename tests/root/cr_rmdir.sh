#!/usr/bin/env bash
# cr_rmdir: directories removed while held (restore_rmdir.c): a task whose
# cwd and one of whose fds are on removed directories goes through
# dump -> kill -> restore -> verify, the program checking they are removed
# directories again (getcwd() ENOENT, st_nlink 0, mode and owner,
# "PATH (deleted)" links, no file can be made in them); a directory removed
# with its parent cannot be made again: dump refuses it in one line and
# the tree runs on.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root

cr_roundtrip_show rmdir zdtm_rmdir \
	'fd=[.tasks[].fds[] | select(.dir_removed)] | length == 1' \
	'cwd=[.tasks[] | select(.cwd_removed)] | length == 1'
for d in "$T/rmdir/held" "$T/rmdir/cwd"; do
	if [ -e "$d" ]; then
		fail "rmdir_gone_${d##*/}" "$d exists after the restore"
	else
		pass "rmdir_gone_${d##*/}"
	fi
done

if cr_start rmdir_parent zdtm_rmdir parent; then
	fd=$(sed -n 's/^READY .*fd=\([0-9]*\).*/\1/p' "$CR_DIR/log")
	cr_refused rmdir_parent \
		"pid $CR_PID fd $fd: directory $T/rmdir_parent/up/held \\(deleted\\) was removed with its parent: not supported"
else
	fail rmdir_parent_start "the program did not start"
fi
cr_cleanup
