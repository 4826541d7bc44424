#!/usr/bin/env bash
# cr_pty: pseudo-terminals (kind_pty.c, pty_restore.c). A master held by
# the root with the slave's termios, window size, owner and mode changed
# and packet mode on, and the hung-up slave of a second pair whose master
# it closed; the slave the controlling terminal of a session led in the
# tree, with a process group of its own in the foreground. The pairs come
# back at the same index, the session leader takes its terminal again as
# it is made, the foreground group is given back, the leader's fd on
# /dev/tty is opened again by it; the program checks termios, window size,
# the slave's owner, ptsname, the hung-up slave, /dev/tty (opened, and
# kept), tcgetsid, tcgetpgrp and a ping through the pair.
# Then: the leader holding no fd on the slave; --pidns; a line written to
# the master and not read (put back); bytes not read both ways, lines
# and a partial line, canonical and raw (zdtm_pty_queue); a task of the
# session that gave the terminal up (refused); the slave held outside the
# tree (refused, naming the holder); the index in use at restore
# (refused, rolled back); a process outside holding the same number of
# another devpts instance (not refused); a job of the shell pidtrace runs
# in, restored on that terminal and refused from another; damaged records.

# Pair numbers are the point of this test (a pair comes back at its index,
# a taken index is refused), and devpts hands out the lowest free number:
# any other test that opens /dev/ptmx while a dumped pair's number is free
# would take it. So the test runs with a devpts instance of its own, in a
# mount namespace of its own: /dev/pts and /dev/ptmx are this instance's
# only, for pidtrace and the programs alike. (Before lib.sh, whose exit
# trap must belong to the process that runs the test.)
if [ -z "${CR_PTY_OWN_DEVPTS:-}" ] && [ "$(id -u)" = 0 ]; then
	CR_PTY_OWN_DEVPTS=1 exec unshare -m --propagation private "$0" "$@"
fi
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts /dev/pts ||
	{ echo "FAIL own_devpts: cannot mount a devpts instance"; exit 1; }
mount --bind /dev/pts/ptmx /dev/ptmx ||
	{ echo "FAIL own_devpts: cannot bind its ptmx on /dev/ptmx"; exit 1; }

cr_roundtrip_show pty zdtm_pty \
	'kinds=[.tasks[].fds[] | select(.type == "pty") | [.pty.master, .pty.devtty, .pty.orphan]] | sort == [[false, false, false], [false, false, false], [false, false, true], [false, true, false], [true, false, false]]' \
	'termios=[.tasks[].fds[].pty | select(. and (.orphan | not)) | [.rows, .columns, .packet]] | unique == [[41, 133, false], [41, 133, true]]' \
	'ctty=[.tasks[].fds[].pty | select(. and (.orphan | not)) | .ctty_session] | unique | length == 1'

cr_roundtrip pty_noleaderfd zdtm_pty noleaderfd

cr_pidns_roundtrip pty_pidns zdtm_pty

# A line the master wrote that nobody read (the master in packet mode):
# put back as it was, G reads it first after restore.
cr_roundtrip pty_pending zdtm_pty pending

# Bytes nobody read, both ways (zdtm_pty_queue): lines ended every way,
# a partial line and what the slave wrote, in canonical mode without and
# with echo, and in raw mode; a partial line alone; the program reads
# them after restore.
for mode in canon echo raw partial; do
	out=0
	[ "$mode" = partial ] || out=1
	CR_SHOW_CHECKS=("queued=[.tasks[].fds[].pty | select(. and .master) | .input_bytes > 0 and (.output_bytes > 0) == ($out == 1)] == [true]")
	cr_roundtrip "pty_queue_$mode" zdtm_pty_queue "$mode"
	CR_SHOW_CHECKS=()
done

# Dump takes the bytes and puts them back at once: the tree, left
# running, reads them as it would have.
for mode in canon raw; do
	if ! cr_start "pty_queue_live_$mode" zdtm_pty_queue "$mode"; then
		fail "pty_queue_live_${mode}_start" "the program did not start"
	elif ! "$PIDTRACE" dump -t "$CR_PID" -D "$CR_DIR/img" --leave-running >/dev/null 2>"$CR_DIR/dump.err"; then
		fail "pty_queue_live_${mode}_dump" "$(cat "$CR_DIR/dump.err")"
	else
		pass "pty_queue_live_${mode}_dump"
		cr_passes "pty_queue_live_${mode}_untouched"
	fi
	cr_cleanup
done

# A task of the session without its terminal: restore would give it one.
if cr_start pty_notty zdtm_pty notty; then
	cr_refused pty_notty "pid [0-9]+: in session [0-9]+ without its controlling terminal /dev/pts/[0-9]+ \\(given up, or forked before the leader took it\\) is not supported"
fi
cr_cleanup

# The slave also held outside the tree: the dump would hang it up there.
if cr_start pty_outside zdtm_pty; then
	idx=$(sed -n 's/^tty-index:\t*//p' "/proc/$CR_PID/fdinfo/3")
	# A process that holds the slave as its fd 0 (it never reads it).
	# shellcheck disable=SC2217
	sleep 30 <"/dev/pts/$idx" &
	holder=$!
	wait_for 10 grep -q '^sleep$' "/proc/$holder/comm"
	cr_refused pty_outside "pid $CR_PID fd 3: pseudo-terminal master of /dev/pts/$idx, whose slave pid $holder \\(sleep\\) fd 0 holds outside the dumped tree, is not supported"
	kill "$holder"
	wait "$holder" 2>/dev/null
fi
cr_cleanup

# The same number in another devpts instance is another terminal: a
# process outside the tree whose controlling terminal is /dev/pts/N of a
# second instance (a container's, say), where the tree's pair is this
# instance's /dev/pts/N, does not stop the dump. Once holding that slave
# as an fd too ("fd"); else holding only the master: in a mount namespace
# whose /dev/pts is that instance ("ns"); in this test's namespace, whose
# /dev/pts is the tree's instance ("view": /dev/pts/N seen from its root
# is the tree's pair, which alone once refused the dump); and with a
# child of its session exited and not reaped, a zombie with that tty_nr
# and no root to look from ("zombie": once refused).
mkdir -p "$T/pts2"
if mount -t devpts -o newinstance,ptmxmode=0666 devpts "$T/pts2"; then
	for how in fd ns view zombie; do
		case $how in
		fd | view) pre=() dir=$T/pts2 ;;
		*)
			pre=(unshare -m --propagation private sh -c 'mount --bind "$0" /dev/pts && exec "$@"' "$T/pts2")
			dir=/dev/pts
			;;
		esac
		"${pre[@]}" python3 -c '
import os, sys, fcntl, struct, time, termios
m = os.open(sys.argv[1] + "/ptmx", os.O_RDWR | os.O_NOCTTY)
fcntl.ioctl(m, 0x40045431, struct.pack("i", 0))  # TIOCSPTLCK: unlock
n = struct.unpack("I", fcntl.ioctl(m, 0x80045430, b"\0\0\0\0"))[0]  # TIOCGPTN
os.setsid()
s = os.open(sys.argv[1] + "/%d" % n, os.O_RDWR)
fcntl.ioctl(s, termios.TIOCSCTTY, 0)
if sys.argv[2] != "fd":
	os.close(s)
if sys.argv[2] == "zombie":
	c = os.fork()
	if c == 0:
		os._exit(0)
	while open("/proc/%d/stat" % c).read().rsplit(")", 1)[1].split()[0] != "Z":
		time.sleep(0.01)
print(n, flush=True)
time.sleep(60)' "$dir" "$how" >"$T/foreign_$how.log" 2>&1 &
		foreign=$!
		at_exit "kill_ours TERM $foreign"
		wait_for 30 test -s "$T/foreign_$how.log"
		n=$(head -n 1 "$T/foreign_$how.log")
		if [ "$n" = 0 ] && cr_start "pty_foreign_$how" zdtm_pty &&
			[ "$(sed -n 's/^tty-index:\t*//p' "/proc/$CR_PID/fdinfo/3")" = 0 ]; then
			if cr_dump; then
				pass "pty_foreign_${how}_dump"
				cr_restore_verify "pty_foreign_$how"
			else
				fail "pty_foreign_${how}_dump" "$(cat "$CR_DIR/dump.err")"
			fi
		else
			fail "pty_foreign_${how}_start" "holder: $(head -c 300 "$T/foreign_$how.log") ($(cut -d' ' -f1-3 "/proc/$foreign/stat" 2>&1)); the program did not start, or its pair is not /dev/pts/0"
		fi
		cr_cleanup
		# unshare and sh exec: $foreign is the python process itself.
		kill "$foreign" 2>/dev/null
		wait "$foreign" 2>/dev/null
		wait_for 30 test ! -e "$T/pts2/0"
	done
	umount "$T/pts2"
else
	fail pty_foreign_mount "cannot mount a second devpts instance"
fi

# The index taken when restore runs: refused in one line, rolled back.
if cr_start pty_busy zdtm_pty && cr_dump; then
	pass pty_busy_dump
	idx=$(jq -r '[.tasks[].fds[].pty | select(.)][0].index' <("$PIDTRACE" show -D "$CR_DIR/img" --json))
	# Hold every index up to and including the pair's.
	python3 -c '
import os, sys, fcntl, struct, time
want = int(sys.argv[1]); held = []
while True:
	fd = os.open("/dev/ptmx", os.O_RDWR | os.O_NOCTTY)
	held.append(fd)
	n = struct.unpack("I", fcntl.ioctl(fd, 0x80045430, b"\0\0\0\0"))[0]
	if n >= want: break
print("held", flush=True)
time.sleep(30)' "$idx" >"$CR_DIR/holder.log" 2>&1 &
	holder=$!
	wait_for 10 grep -q held "$CR_DIR/holder.log"
	if cr_restore; then
		fail pty_busy_refused "the restore succeeded"
		cr_finish
	elif jr .error | grep -Eq "^create: pid [0-9]+ fd 3: pseudo-terminal /dev/pts/$idx is in use \(devpts gave [0-9]+, for 2 s\): not made again$"; then
		pass pty_busy_refused
	else
		fail pty_busy_refused "$(jr .error)"
	fi
	kill "$holder"
	wait "$holder" 2>/dev/null
else
	fail pty_busy_dump "$(tail -n 3 "$CR_DIR/dump.err" 2>/dev/null)"
fi
cr_cleanup

# A job started from the shell pidtrace runs in: its terminal is outside
# the tree, reopened by its path. Terminal A (script(1)) starts sleep in
# the background, dumps it, and later restores it; a restore run from
# terminal B meanwhile is refused (A still has the number).
D=$T/shell
mkdir -p "$D"
script -qfc "(sleep 100 & echo \$! >$D/pid); sleep 0.5; \
	$PIDTRACE dump -t \$(cat $D/pid) -D $D/img >$D/dump.out 2>&1; echo \$? >$D/dump.rc; \
	while [ ! -e $D/go ]; do sleep 0.1; done; \
	$PIDTRACE restore -D $D/img --json >$D/restore.json 2>$D/restore.err & sleep 20" \
	/dev/null </dev/null >/dev/null 2>&1 &
termA=$!
at_exit "kill_ours TERM $termA"
wait_for 10 test -s "$D/dump.rc"
jobpid=$(cat "$D/pid" 2>/dev/null)
idx=$(jq -r '[.tasks[].fds[].pty | select(.)][0].index' <("$PIDTRACE" show -D "$D/img" --json 2>/dev/null))
if [ "$(cat "$D/dump.rc" 2>/dev/null)" = 0 ] &&
	"$PIDTRACE" show -D "$D/img" --json 2>/dev/null | jq -e '[.tasks[].fds[].pty | select(.) | .shell] | length > 0 and all' >/dev/null; then
	pass shell_dump
else
	fail shell_dump "$(cat "$D/dump.out" 2>/dev/null)"
fi
wait_for 10 cr_gone "$jobpid"
script -qfc "$PIDTRACE restore -D $D/img >$D/restoreB.out 2>&1; echo \$? >$D/restoreB.rc" \
	/dev/null </dev/null >/dev/null 2>&1
if [ "$(cat "$D/restoreB.rc" 2>/dev/null)" = 1 ] &&
	grep -q "^pidtrace: restore: files: pid $jobpid fd 1: /dev/pts/$idx, the terminal it was dumped from, is not pidtrace's terminal: restore from that terminal (rolled back)\$" "$D/restoreB.out"; then
	pass shell_other_terminal_refused
else
	fail shell_other_terminal_refused "status $(cat "$D/restoreB.rc" 2>/dev/null): $(head -n 2 "$D/restoreB.out" 2>/dev/null)"
fi
wait_for 10 cr_gone "$jobpid"
touch "$D/go"
if wait_for 20 test -s "$D/restore.json" && [ "$(jq -r .ok "$D/restore.json")" = true ] &&
	[ "$(readlink "/proc/$jobpid/fd/1")" = "/dev/pts/$idx" ]; then
	pass shell_same_terminal
else
	fail shell_same_terminal "$(cat "$D/restore.json" "$D/restore.err" 2>/dev/null | head -n 3)"
fi
kill "$jobpid" "$termA" 2>/dev/null
wait "$termA" 2>/dev/null

# Damaged records: the image check names the file and the fd.
# bad NAME FIELD VALUE MESSAGE (MESSAGE: what follows "pty fd N").
EDIT="$TOP/$OUTPUT/tests/tools/image_edit"
same() { if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "got '$2', expected '$3'"; fi; }
if cr_start pty_bad zdtm_pty && cr_dump; then
	GOOD=$CR_DIR/img
	pass pty_bad_dump
else
	GOOD=
	fail pty_bad_dump "$(tail -n 3 "$CR_DIR/dump.err" 2>/dev/null)"
fi
bad() {
	local b=$T/bad_$1 pid idx fd err
	read -r pid idx fd < <("$PIDTRACE" show -D "$GOOD" --json 2>/dev/null |
		jq -r ".tasks[0] | [.pid, (.fds | map(.pty != null) | index(true)),
			(.fds | map(select(.pty != null)) | .[0].fd)] | @tsv")
	rm -rf "$b"
	cp -a "$GOOD" "$b" 2>/dev/null
	if [ -z "$idx" ] || [ "$idx" = null ] ||
		! "$EDIT" set "$b/files-$pid.img" "fds.$idx.pty.$2" "$3" >/dev/null ||
		! (cd "$b" && "$EDIT" fix-inventory .) >/dev/null; then
		fail "pty_bad_$1" "no pty fd in the image, or image_edit failed"
		return
	fi
	err=$("$PIDTRACE" show -D "$b" 2>&1 >/dev/null)
	same "pty_bad_$1" "$err" "pidtrace: show: $b/files-$pid.img: pty fd $fd$4"
	rm -rf "$b"
}
bad index index 2000000 " has index 2000000 (above 1048576)"
bad line line 3 " has line discipline 3 (restore sets N_TTY only)"
bad winsize ws_row 70000 " has a window size above 65535"
bad external external 1 " is a master outside the tree"
bad queue input_inq 5000 " has more unread bytes than a pty holds"
cr_cleanup
