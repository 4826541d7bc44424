#!/usr/bin/env bash
# dump_errors: every way a dump can fail says why in one line, exits 1, and
# leaves the tree running exactly as it was and no image behind.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../dump_lib.sh"
need_root

# dump_fails NAME PATTERN ARGS...: dump exits 1 with one line matching PATTERN.
dump_fails() {
	local name=$1 pat=$2 rc
	shift 2
	"$PIDTRACE" dump "$@" >"$T/out" 2>"$T/err"
	rc=$?
	if [ "$rc" != 1 ]; then
		fail "$name" "exit status $rc, expected 1: $(cat "$T/err")"
	elif [ "$(wc -l <"$T/err")" != 1 ] || ! grep -Eq "^pidtrace: dump: $pat" "$T/err"; then
		fail "$name" "stderr: $(cat "$T/err")"
	else
		pass "$name"
	fi
}

# no_image NAME DIR: nothing that looks like an image, no temporary directory.
no_image() {
	if [ -n "$(ls -A "$2" 2>/dev/null)" ]; then
		fail "$1" "left behind: $(ls -A "$2")"
	else
		pass "$1"
	fi
}

# Bad input
PIDMAX=$(cat /proc/sys/kernel/pid_max)
NOPID=$((PIDMAX - 1))
while [ -e "/proc/$NOPID" ]; do NOPID=$((NOPID - 1)); done
dump_fails no_such_pid "pid $NOPID does not exist$" -t "$NOPID" -D "$T/none"
check no_such_pid_no_dir '[ ! -e "$T/none" ]'
"$PIDTRACE" dump -D "$T/none" >/dev/null 2>&1
same usage_no_pid $? 2
"$PIDTRACE" dump -t abc >/dev/null 2>&1
same usage_bad_pid $? 2
dump_fails ancestor "pid $$ is an ancestor of pidtrace" -t $$ -D "$T/none"

# No proc file system where pidtrace runs (zdtm clean_mntns unmounts /proc
# in the mount namespace it shares): one line that says so, not "failed:
# No such process"; the tree untouched.
start_target thread || exit 1
# shellcheck disable=SC2016 # expanded by the inner shell
unshare -m --propagation private sh -c 'umount -l /proc && exec "$0" dump -t "$1" -D "$2"' \
	"$PIDTRACE" "$TARGET" "$T/img" >/dev/null 2>"$T/err"
rc=$?
# The sanitized build's runtime also complains without /proc (SAN=1): only pidtrace's line.
same no_proc "$rc $(if [ -n "${SAN:-}" ]; then grep '^pidtrace: ' "$T/err"; else cat "$T/err"; fi)" "1 pidtrace: dump: no proc file system at /proc in pidtrace's mount namespace: processes are read from it"
untouched no_proc_untouched "$TARGET"
no_image no_proc_no_image "$T/img"
kill -9 "$TARGET"; wait "$TARGET" 2>/dev/null

# Unsupported objects: refused by name, the tree runs on untouched.
start_target socket || exit 1
dump_fails refuse_socket "pid $TARGET fd $(rep fd_socket): packet dgram socket \\(protocol 0x88b5, interface 0\\) in a fanout group steered by a BPF program is not supported$" \
	-t "$TARGET" -D "$T/img"
untouched refuse_socket_untouched "$TARGET"
no_image refuse_socket_no_image "$T/img"
kill -9 "$TARGET"; wait "$TARGET" 2>/dev/null

# Threads are dumped now (what about them is refused: cr_threads.sh); a
# dump that lets a two-thread target go leaves it as it was.
start_target thread || exit 1
"$PIDTRACE" dump -t "$TARGET" -D "$T/img" --leave-running >/dev/null 2>"$T/err"
same dump_threads_leave_running "$?$(cat "$T/err")" 0
untouched dump_threads_untouched "$TARGET"
rm -rf "$T/img"
kill -9 "$TARGET"; wait "$TARGET" 2>/dev/null

start_target tree || exit 1
dump_fails refuse_zombie_root "pid $(rep zombie_pid) is a zombie" -t "$(rep zombie_pid)" -D "$T/img"
# A stopped root is dumped now (cr_stopped.sh); one that is let go stays stopped.
kill -STOP "$TARGET"
sleep 0.1
"$PIDTRACE" dump -t "$TARGET" -D "$T/img" --leave-running >/dev/null 2>"$T/err"
same dump_stopped_leave_running "$?$(cat "$T/err")" 0
same dump_stopped_stays_stopped "$(state "$TARGET")" T
rm -rf "$T/img"
kill -CONT "$TARGET"
untouched dump_stopped_untouched "$TARGET"
kill -9 "$TARGET"; wait "$TARGET" 2>/dev/null

# The image directory cannot be written: read-only, then full.
start_target bigmem=4 || exit 1
mkdir -p "$T/ro" "$T/small"
mount -t tmpfs -o ro,size=1m,mode=0700 pidtrace-test "$T/ro" && at_exit "umount '$T/ro'"
dump_fails dir_readonly "$T/ro: cannot write an image here: Read-only file system$" \
	-t "$TARGET" -D "$T/ro"
untouched dir_readonly_untouched "$TARGET"
mount -t tmpfs -o size=256k,mode=0700 pidtrace-test "$T/small" && at_exit "umount '$T/small'"
dump_fails disk_full "$T/small/pages-$TARGET.img: cannot write: No space left on device$" \
	-t "$TARGET" -D "$T/small"
untouched disk_full_untouched "$TARGET"
no_image disk_full_no_image "$T/small"
kill -9 "$TARGET"; wait "$TARGET" 2>/dev/null

# A task killed from outside during the dump: the dump fails, naming it, and
# the rest of the tree runs on. 512 MiB keep the dump busy long enough.
start_target tree bigmem=512 || exit 1
CHILD=$(rep child_pid)
"$PIDTRACE" dump -t "$TARGET" -D "$T/img" >"$T/out" 2>"$T/err" &
DUMP=$!
for i in $(seq 1 500); do
	[ "$(state "$TARGET")" = t ] && [ "$(state "$CHILD")" = t ] && break
	sleep 0.005
done
kill -9 "$CHILD"
wait "$DUMP"
rc=$?
if [ "$rc" = 1 ] && grep -q "^pidtrace: dump: pid $CHILD exited during the dump (killed by signal 9)$" "$T/err"; then
	pass exits_during_dump
else
	fail exits_during_dump "exit $rc: $(cat "$T/err" "$T/out")"
fi
untouched exits_during_dump_untouched "$TARGET"
no_image exits_during_dump_no_image "$T/img"

# pidtrace interrupted (Ctrl-C) mid-dump lets the tree go.
"$PIDTRACE" dump -t "$TARGET" -D "$T/img" >"$T/out" 2>"$T/err" &
DUMP=$!
for i in $(seq 1 500); do
	[ "$(state "$TARGET")" = t ] && break
	sleep 0.005
done
kill -INT "$DUMP"
wait "$DUMP"
rc=$?
if [ "$rc" = 1 ] && grep -q "^pidtrace: dump: interrupted by Interrupt: the tree is left running$" "$T/err"; then
	pass interrupted
else
	fail interrupted "exit $rc: $(cat "$T/err" "$T/out")"
fi
untouched interrupted_untouched "$TARGET"
no_image interrupted_no_image "$T/img"
