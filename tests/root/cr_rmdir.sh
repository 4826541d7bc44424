#!/usr/bin/env bash
# cr_rmdir: directories removed while held (restore_rmdir.c): a task whose
# cwd and one of whose fds are on removed directories (the fd's with its
# parent) goes through
# dump -> kill -> restore -> verify, the program checking they are removed
# directories again (getcwd() ENOENT, st_nlink 0, mode and owner,
# "PATH (deleted)" links, no file can be made in them); a directory whose
# name a file took since cannot be made again: dump refuses it in one line
# and the tree runs on.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root

cr_roundtrip_show rmdir zdtm_rmdir \
	'fd=[.tasks[].fds[] | select(.dir_removed)] | length == 1' \
	'cwd=[.tasks[] | select(.cwd_removed)] | length == 1'
for d in "$T/rmdir/up" "$T/rmdir/cwd"; do
	if [ -e "$d" ]; then
		fail "rmdir_gone_${d##*/}" "$d exists after the restore"
	else
		pass "rmdir_gone_${d##*/}"
	fi
done

if cr_start rmdir_taken zdtm_rmdir taken; then
	fd=$(sed -n 's/^READY .*fd=\([0-9]*\).*/\1/p' "$CR_DIR/log")
	cr_refused rmdir_taken \
		"pid $CR_PID fd $fd: directory $T/rmdir_taken/up/held \\(deleted\\) was removed and its name is taken now: not supported"
else
	fail rmdir_taken_start "the program did not start"
fi
cr_cleanup
