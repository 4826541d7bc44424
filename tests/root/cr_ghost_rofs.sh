#!/usr/bin/env bash
# cr_ghost_rofs: files deleted while open (one by an fd, one mapped) on a
# tmpfs bind-remounted read-only after (zdtm ghost_on_rofs): restore makes
# them again through a writable clone of the mount (restore_rofs.c); the
# program checks contents, size, mode, owner, offset and device, the fd on
# a read-only mount and the mount still read-only, nothing left named,
# nor when pidtrace is killed while it fills one (nameless until filled). A
# clone that cannot be made (test fault: no open_tree) is refused at dump,
# the tree running; so are what restore must make on a read-only mount: a
# removed cwd, a unix socket's name, a deleted FIFO.
# The test runs in a mount namespace of its own: its mounts die with it.
if [ -z "${CR_ROFS_OWN_NS:-}" ] && [ "$(id -u)" = 0 ]; then
	CR_ROFS_OWN_NS=1 exec unshare -m --propagation private "$0" "$@"
fi
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root

cr_roundtrip_show ghost_rofs zdtm_ghost_rofs \
	'ro=[.tasks[0].fds[] | select(.type == "deleted") | .deleted.ro_mount] == [true]' \
	'ro_map=[.tasks[0].vmas[] | select(.deleted) | .deleted.ro_mount] == [true]'
umount "$T/ghost_rofs/rofs" 2>/dev/null

# pidtrace killed while it fills a deleted file (test fault after the
# fill): the file was nameless (O_TMPFILE) until then, so the read-only
# mount holds no file of the restore's afterwards.
if cr_start killfill zdtm_ghost_rofs && cr_dump; then
	before=$(ls -A "$CR_DIR/rofs")
	if PIDTRACE_FAULT=restore-rofs-filled:kill cr_restore; then
		fail rofs_killfill_killed "the restore succeeded: $(head -c 300 "$CR_DIR/restore.json")"
	else
		wait_for 30 cr_gone "$CR_RESTORE"
		pass rofs_killfill_killed
	fi
	same rofs_killfill_no_file "$(ls -A "$CR_DIR/rofs")" "$before"
else
	fail killfill_dump "$(tail -n 3 "$CR_DIR/dump.err" 2>/dev/null)"
fi
cr_cleanup
umount "$T/killfill/rofs" 2>/dev/null

# No writable clone of the mount (test fault: a kernel without
# open_tree()): refused at dump, before the tree is touched.
if cr_start noclone zdtm_ghost_rofs; then
	PIDTRACE_FAULT=dump-rofs-clone cr_refused noclone \
		"pid [0-9]+ fd [0-9]+: deleted file .*/rofs/ghost is on a read-only mount and no writable clone of the mount at its directory can be made to create it again \(Function not implemented\): not supported"
	cr_cleanup
else
	fail noclone_start "the program did not start"
fi
umount "$T/noclone/rofs" 2>/dev/null

# The file system itself read-only: nothing deleted can be held there,
# and a plain open file dumps and restores as before.
cr_roundtrip ghost_sbro zdtm_ghost_rofs sbro
umount "$T/ghost_sbro/rofs" 2>/dev/null

# A directory removed while it was the cwd, on a read-only mount: restore
# would mkdir it there: refused at dump.
mkdir -p "$T/rodir/m"
mount -t tmpfs rodir "$T/rodir/m"
mkdir "$T/rodir/m/gone"
(cd "$T/rodir/m/gone" && exec sleep 300) &
sl=$!
wait_for 5 test "$(readlink /proc/$sl/cwd)" = "$T/rodir/m/gone"
rmdir "$T/rodir/m/gone"
mount -o remount,bind,ro "$T/rodir/m"
"$PIDTRACE" dump -t "$sl" -D "$T/rodir/img" >"$T/rodir/out" 2>"$T/rodir/err"
rc=$?
if [ "$rc" = 1 ] && [ "$(wc -l <"$T/rodir/err")" = 1 ] &&
	grep -Eq "^pidtrace: dump: pid $sl: cwd .*/gone \(deleted\) was removed and .*/m, where restore would make it again, is on a read-only mount: not supported\$" "$T/rodir/err"; then
	pass rodir_refused
else
	fail rodir_refused "exit status $rc: $(cat "$T/rodir/err")"
fi
if kill -0 "$sl" 2>/dev/null; then pass rodir_untouched; else fail rodir_untouched "sleep is gone"; fi
kill "$sl" 2>/dev/null
wait "$sl" 2>/dev/null
umount "$T/rodir/m"

# A unix socket bound to a name and a FIFO unlinked while open, on a
# mount made read-only after: restore would bind the name and mkfifo
# there again: refused at dump, the holder left running.
# rofs_refused CASE SETUP PATTERN: SETUP (python) prints "ok" when ready.
rofs_refused() {
	local d=$T/$1 pid rc
	mkdir -p "$d/m"
	mount -t tmpfs "$1" "$d/m"
	python3 -c "$2" "$d/m" >"$d/ready" 2>&1 &
	pid=$!
	wait_for 10 grep -q ok "$d/ready"
	mount -o remount,bind,ro "$d/m"
	"$PIDTRACE" dump -t "$pid" -D "$d/img" >"$d/out" 2>"$d/err"
	rc=$?
	if [ "$rc" = 1 ] && [ "$(wc -l <"$d/err")" = 1 ] &&
		grep -Eq "^pidtrace: dump: pid $pid fd [0-9]+: $3\$" "$d/err"; then
		pass "$1_refused"
	else
		fail "$1_refused" "exit status $rc: $(cat "$d/err")"
	fi
	if kill -0 "$pid" 2>/dev/null; then pass "$1_untouched"; else fail "$1_untouched" "gone"; fi
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	umount "$d/m"
}
rofs_refused rosock 'import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1] + "/sock")
s.listen(1)
print("ok", flush=True)
time.sleep(300)' "listening unix socket .*/rosock/m/sock, whose name restore binds again in .*/rosock/m on a read-only mount, is not supported"
rofs_refused rofifo 'import os, sys, time
p = sys.argv[1] + "/fifo"
os.mkfifo(p)
fd = os.open(p, os.O_RDWR)
os.unlink(p)
print("ok", flush=True)
time.sleep(300)' "named FIFO .*/rofifo/m/fifo \(deleted\), unlinked, on a read-only mount where restore cannot make it again, is not supported"
