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

# A restore that fails after the directories were made removes them: the
# open of the first fd by path fails (the test fault), after the cwd was
# made; the rollback leaves neither the cwd nor the fd's directory.
(cd "$T/rmdir" && PIDTRACE_FAULT=restore-reopen "$PIDTRACE" restore -D "$T/rmdir/img" \
	>"$T/rmdir/fault.out" 2>"$T/rmdir/fault.err")
rc=$?
if [ "$rc" != 1 ] || ! grep -q "rolled back" "$T/rmdir/fault.err"; then
	fail rmdir_fault_rolled_back "exit $rc: $(head -c 300 "$T/rmdir/fault.err")"
elif [ -e "$T/rmdir/cwd" ] || [ -e "$T/rmdir/up" ]; then
	fail rmdir_fault_rolled_back "left behind: $(ls "$T/rmdir")"
else
	pass rmdir_fault_rolled_back
fi

if cr_start rmdir_taken zdtm_rmdir taken; then
	fd=$(sed -n 's/^READY .*fd=\([0-9]*\).*/\1/p' "$CR_DIR/log")
	cr_refused rmdir_taken \
		"pid $CR_PID fd $fd: directory $T/rmdir_taken/up/held \\(deleted\\) was removed and its name is taken now: not supported"
else
	fail rmdir_taken_start "the program did not start"
fi
cr_cleanup
