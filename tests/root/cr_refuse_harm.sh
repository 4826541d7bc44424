#!/usr/bin/env bash
# cr_refuse_harm: what restore could not bring back exactly is refused by
# dump before it kills the tree, in one line naming the pid, fd and object,
# exit status 1, no image; the tree runs on untouched (after the failed
# dump, SIGTERM makes the program check its object still works and print
# PASS). A pty slave whose master is outside the tree as a session's
# terminal (script(1)'s shell alone), a pipe whose writer is outside the
# tree, a pid namespace of its own (and
# unshare(1)'s), more fds than pidtrace may hold, a parent-death signal
# bound to a thread; and what is exact is taken: a removed cwd or
# directory held open, a child forked by a
# thread other than the main one, 2500 descriptions under a soft fd limit
# of 1024, file locks and leases, a pty pair, script(1) with its shell
# (round trips), and a stub of its restore that dies (rolled back).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root

# refused NAME KIND PATTERN [ULIMIT_ARGS]: PATTERN may use @PID@ and @FD@;
# ULIMIT_ARGS, if given, are ulimit's for the dump.
refused() {
	local name=$1 kind=$2 pat=$3 lim=${4:-} fd
	if ! cr_start "$name" zdtm_harm "$kind"; then
		fail "${name}_start" "the program did not start"
		cr_cleanup
		return
	fi
	CR_PID=$(sed -n 's/^READY pid=\([0-9]*\).*/\1/p' "$CR_DIR/log")
	fd=$(sed -n 's/^READY .*fd=\([0-9-]*\).*/\1/p' "$CR_DIR/log")
	pat=${pat//@PID@/$CR_PID}
	pat=${pat//@FD@/$fd}
	if [ -n "$lim" ]; then
		(ulimit $lim && cr_refused "$name" "$pat")
	else
		cr_refused "$name" "$pat"
	fi
	cr_cleanup
}

# flock(), POSIX and OFD locks and leases are restored (cr_locks.sh): the
# program's own check of them passes after a round trip.
cr_roundtrip harm_flock zdtm_harm flock
cr_roundtrip harm_posix zdtm_harm posix
cr_roundtrip harm_ofd zdtm_harm ofd
cr_roundtrip harm_lease zdtm_harm lease
# A pseudo-terminal pair is made again (cr_pty.sh): a round trip.
cr_roundtrip harm_ptmx zdtm_harm ptmx
# System V shared memory, the first segment of its IPC namespace (id 0,
# maps' inode 0): said as such, not "a shared mapping without a file".
# Its namespace said external, so that dump goes as far as the mapping.
CR_REFUSED_ARGS="--external-ns ipc" refused sysvshm sysvshm \
	"pid @PID@: mapping [0-9a-f]+-[0-9a-f]+ of /SYSV0+ \\(deleted\\): System V shared memory is not supported"
refused ipcns sysvshm \
	"pid @PID@ is in an ipc namespace \\(ipc:\\[[0-9]+\\]\\) other than pidtrace's: restore does not recreate namespaces, not supported \\(--external-ns ipc if it will exist at restore\\)"
refused devtty devtty \
	"pid @PID@ fd @FD@: /dev/tty of a task without a controlling terminal is not supported"
refused pipe pipe \
	"pid @PID@ fd @FD@: pipe:\\[[0-9]+\\] is also held by pid [0-9]+ \\(zdtm_harm\\) fd [0-9]+, outside the dumped tree: not supported"
refused pidns pidns \
	"pid @PID@ is in a pid namespace \\(pid:\\[[0-9]+\\]\\) other than pidtrace's: restore does not recreate namespaces, not supported"
# pidtrace's hard limit below what the tree holds.
refused ofds ofds \
	"the tree has 25[0-9][0-9] open file descriptions: restore would hold them all at once, more than pidtrace's fd limit of 2000 \\(raise the hard RLIMIT_NOFILE\\): not supported" \
	"-n 2000"
refused highfd highfd "pid @PID@ fd 3000: above pidtrace's fd limit of 2000, restore could not install it: not supported" \
	"-n 2000"
refused threaddeath threaddeath \
	"pid [0-9]+: its parent-death signal 9 is bound to thread [0-9]+ of pid @PID@, not its main thread: not supported"
# A removed directory is made again and removed (cr_rmdir.sh): round trips.
cr_roundtrip harm_rmdir_cwd zdtm_harm rmdir_cwd
cr_roundtrip harm_rmdir_open zdtm_harm rmdir_open
# A removed device node is made again and removed (cr_deleted_node.sh): a round trip.
cr_roundtrip harm_deleted_dev zdtm_harm deleted_dev
# A dead outsider's /proc file is opened on a stand-in (cr_procfile.sh): a round trip.
cr_roundtrip harm_proc_dead zdtm_harm proc_dead
cr_roundtrip harm_proc_cwd zdtm_harm proc_cwd

# A file on a mount detached since (umount -l): its path leads nowhere.
mkdir -p "$T/detached/harm.mnt"
if mount -t tmpfs -o size=64k harm "$T/detached/harm.mnt" && cr_start detached zdtm_harm mntfile &&
	umount -l "$T/detached/harm.mnt"; then
	CR_PID=$(sed -n 's/^READY pid=\([0-9]*\).*/\1/p' "$CR_DIR/log")
	fd=$(sed -n 's/^READY .*fd=\([0-9]*\).*/\1/p' "$CR_DIR/log")
	cr_refused detached \
		"pid $CR_PID fd $fd: /file is not that file any more \\(a detached mount, or replaced\\): not supported"
else
	fail detached_start "cannot mount, start or detach"
fi
cr_cleanup
umount "$T/detached/harm.mnt" 2>/dev/null

# The same objects as the unix socket with an outside peer: named with
# its holder.
if cr_start unix_outside zdtm_refuse outside; then
	CR_PID=$(sed -n 's/^READY pid=\([0-9]*\).*/\1/p' "$CR_DIR/log")
	fd=$(sed -n 's/^READY .*fd=\([0-9]*\).*/\1/p' "$CR_DIR/log")
	cr_refused unix_outside \
		"pid $CR_PID fd $fd: unix socket whose peer \\(socket [0-9]+\\) is held by pid [0-9]+ \\(zdtm_refuse\\) fd [0-9]+, outside the dumped tree, is not supported"
else
	fail unix_outside_start "the program did not start"
fi
cr_cleanup

# running_ok PID: running (or sleeping), not traced.
running_ok() {
	grep -Eq '^State:.(S|R)' "/proc/$1/status" 2>/dev/null &&
		grep -q '^TracerPid:.0$' "/proc/$1/status"
}

# running_as NAME PID COMM STATE: PID is still COMM, not stopped nor traced.
running_as() {
	local st tracer comm
	comm=$(cat "/proc/$2/comm" 2>/dev/null)
	st=$(awk '/^State:/ {print $2}' "/proc/$2/status" 2>/dev/null)
	tracer=$(awk '/^TracerPid:/ {print $2}' "/proc/$2/status" 2>/dev/null)
	if [ "$comm" != "$3" ]; then
		fail "$1" "pid $2 is '$comm', not '$3' any more"
	elif [ "$st" != S ] && [ "$st" != R ] || [ "$tracer" != 0 ]; then
		fail "$1" "pid $2 is left stopped or traced (state $st, tracer $tracer)"
	else
		pass "$1"
	fi
}

# dump_refused NAME PID PATTERN: one line, exit status 1, no image.
dump_refused() {
	local rc
	"$PIDTRACE" dump -t "$2" -D "$T/$1.img" >"$T/$1.out" 2>"$T/$1.err"
	rc=$?
	if [ "$rc" != 1 ] || [ "$(wc -l <"$T/$1.err")" != 1 ] ||
		! grep -Eq "^pidtrace: dump: $3\$" "$T/$1.err"; then
		fail "${1}_refused" "exit status $rc: $(cat "$T/$1.err"), expected: $3"
	else
		pass "${1}_refused"
	fi
	if [ -n "$(ls -A "$T/$1.img" 2>/dev/null)" ]; then
		fail "${1}_no_image" "left behind: $(ls -A "$T/$1.img")"
	else
		pass "${1}_no_image"
	fi
}

# child_of PID: its only child's pid.
child_of() { cat /proc/"$1"/task/*/children 2>/dev/null | awk '{ print $1 }'; }
has_child() { [ -n "$(child_of "$1")" ]; }

# script(1): a pseudo-terminal master, its shell and sleep on the slave,
# whose controlling terminal it is.
setsid script -qc 'exec sleep 1000' /dev/null </dev/null >/dev/null 2>&1 &
SCRIPT=$!
at_exit "kill_ours 9 $SCRIPT"
wait_for 10 has_child "$SCRIPT"
SLEEP=$(child_of "$SCRIPT")
wait_for 10 grep -q '^sleep$' "/proc/$SLEEP/comm"
# The session leader on the slave alone: its terminal would be lost.
dump_refused script_slave "$SLEEP" \
	"pid $SLEEP: its controlling terminal /dev/pts/[0-9]+ \\(of session $SLEEP, led in the tree\\) is not supported: only a pseudo-terminal whose master the tree holds is made again"
running_as script_slave_untouched "$SLEEP" sleep
# With the master: a round trip, sleep's terminal the same pts again.
tty_of() { awk '{ sub(/.*\) /, ""); print $5 }' "/proc/$1/stat" 2>/dev/null; }
TTY=$(tty_of "$SLEEP")
if "$PIDTRACE" dump -t "$SCRIPT" -D "$T/script.img" >"$T/script.out" 2>&1; then
	pass script_dump
	wait_for 10 cr_gone "$SCRIPT"
	wait "$SCRIPT" 2>/dev/null
	wait_for 10 cr_gone "$SLEEP"
	# Watched: a restore that ends without a word was killed or stopped
	# by someone, and the watch names who (it happened under heavy load,
	# docs/reliability.md).
	watch_start -p $$ --all-signals
	"$PIDTRACE" restore -D "$T/script.img" --json >"$T/script.json" 2>"$T/script.restore" &
	RESTORE=$!
	at_exit "kill_ours 9 $RESTORE"
	# The report comes once the tree is let go. Before it, the pid may
	# be the restore's stub, running untraced before it is seized and
	# without its terminal yet (it failed once so: "tty_nr 0").
	if wait_for 60 reported "$T/script.json" "$RESTORE" && [ "$(jq -r .ok "$T/script.json" 2>/dev/null)" = true ] &&
		running_ok "$SLEEP" && [ "$(tty_of "$SLEEP")" = "$TTY" ]; then
		pass script_restored_ctty
	else
		# How the restore ended says whose failure it is (it once ended
		# quickly with no report and no error line).
		if cr_gone "$RESTORE"; then
			wait "$RESTORE"
			st="restore exited with status $?"
		else
			st="restore still running (state $(awk '/^State:/ {print $2}' "/proc/$RESTORE/status" 2>/dev/null), in $(cat "/proc/$RESTORE/wchan" 2>/dev/null))"
		fi
		sleep 0.5
		sigs=$(jq -r --argjson p "$RESTORE" 'select(.victim.pid == $p) | "\(.event) \(.signal) from \(.sender.pid) (\(.sender.comm)), \(.cause)"' \
			"$T/watch.json" 2>/dev/null | tr '\n' ';')
		fail script_restored_ctty "tty_nr $(tty_of "$SLEEP"), expected $TTY; $st; signals to it: ${sigs:-none}: $(head -c 300 "$T/script.json") $(head -n 3 "$T/script.restore")"
	fi
	watch_stop
	kill -9 "$SLEEP" "$SCRIPT" 2>/dev/null
	wait "$RESTORE" 2>/dev/null
	# A stub that dies while pidtrace waits for its reply (here the session
	# leader, as it takes its terminal): its socket stays open in its
	# parent's stub, so a plain read waited for ever (the restore "still
	# running" once); the tracer's record of the death ends the wait.
	pids_free() { [ ! -e "/proc/$SCRIPT" ] && [ ! -e "/proc/$SLEEP" ]; }
	wait_for 30 pids_free
	PIDTRACE_FAULT=restore-stub-ctty:kill "$PIDTRACE" restore -D "$T/script.img" --json \
		>"$T/stub.json" 2>"$T/stub.err" &
	RESTORE=$!
	at_exit "kill_ours 9 $RESTORE"
	if wait_for 30 cr_gone "$RESTORE"; then
		wait "$RESTORE"
		rc=$?
		if [ "$rc" = 1 ] && [ "$(jq -r .error "$T/stub.json")" = "create: pid $SLEEP died during the restore: SIGKILL from pid $SLEEP (sleep), kill-syscall" ]; then
			pass script_stub_dies_rolled_back
		else
			fail script_stub_dies_rolled_back "exit status $rc: $(head -c 300 "$T/stub.json") $(cat "$T/stub.err")"
		fi
	else
		fail script_stub_dies_rolled_back "restore still running after 30 s"
		kill -9 "$RESTORE" "$SCRIPT" "$SLEEP" 2>/dev/null
		wait "$RESTORE"
	fi
	if wait_for 10 pids_free; then pass script_stub_dies_nothing_left; else fail script_stub_dies_nothing_left "$SCRIPT or $SLEEP"; fi
else
	fail script_dump "$(cat "$T/script.out")"
	kill -9 "$SLEEP" "$SCRIPT" 2>/dev/null
	wait "$SCRIPT" 2>/dev/null
fi

# unshare(1): its child is pid 1 of a new pid namespace, /proc mounted
# in a new mount namespace.
unshare -fp --mount-proc sleep 1000 </dev/null >/dev/null 2>&1 &
UNSHARE=$!
at_exit "kill_ours 9 $UNSHARE"
wait_for 10 has_child "$UNSHARE"
INNER=$(child_of "$UNSHARE")
wait_for 10 grep -q '^sleep$' "/proc/$INNER/comm"
dump_refused unshare "$UNSHARE" \
	"pid $UNSHARE is in a pid_for_children namespace \\(pid_for_children:\\[[0-9]+\\]\\) other than pidtrace's: restore does not recreate namespaces, not supported"
dump_refused unshare_inner "$INNER" \
	"pid $INNER is in a pid namespace \\(pid:\\[[0-9]+\\]\\) other than pidtrace's: restore does not recreate namespaces, not supported"
running_as unshare_untouched "$UNSHARE" unshare
running_as unshare_inner_untouched "$INNER" sleep
if [ "$(awk '/^NSpid:/ { print $3 }' "/proc/$INNER/status")" = 1 ]; then
	pass unshare_inner_still_pid_1
else
	fail unshare_inner_still_pid_1 "$(grep NSpid "/proc/$INNER/status")"
fi
kill -9 "$UNSHARE" "$INNER" 2>/dev/null
wait "$UNSHARE" 2>/dev/null

# What is exact is taken. A child forked by a thread other than the main
# one is in the image and comes back (its parent the process).
if ! cr_start thread zdtm_harm thread; then
	fail thread_start "the program did not start"
elif ! cr_dump; then
	fail thread_dump "$(tail -n 3 "$CR_DIR/dump.err")"
else
	pass thread_dump
	cr_show_has thread_child_in_image '(.tasks | length) == 2'
	cr_restore_verify thread
fi
cr_cleanup
# O_ASYNC with its owner, a locked page, THP disabled: in the image, and
# back (cr_taskstate.sh tests them further; cgroups: cr_cgroup.sh).
cr_roundtrip async zdtm_harm async
cr_roundtrip mlock zdtm_harm mlock
cr_roundtrip thp zdtm_harm thp
# A file made with O_TMPFILE: reopened without it.
cr_roundtrip tmpfile zdtm_harm tmpfile
chmod 700 "$T/tmpfile/harm.tmpdir" 2>/dev/null
# /proc/CHILD/stat held by its parent: the restored child's file.
cr_roundtrip proc_child zdtm_harm proc_child
# A chrooted task whose cwd is outside its root.
cr_roundtrip chroot zdtm_harm chroot
# 2500 descriptions, pidtrace's soft limit 1024 (the hard one higher):
# pidtrace raises its own to the hard limit, restore opens them all.
if [ "$(ulimit -Hn)" = unlimited ] || [ "$(ulimit -Hn)" -ge 4096 ]; then
	(ulimit -Sn 1024 && cr_roundtrip ofds_soft_1024 zdtm_harm ofds)
	# The same image, restored by a pidtrace whose hard limit is too low:
	# refused at the check step, before any task exists.
	if cr_start ofds_hard_2000 zdtm_harm ofds && cr_dump; then
		(ulimit -n 2000 && exec "$PIDTRACE" restore -D "$CR_DIR/img" >"$CR_DIR/r.out" 2>"$CR_DIR/r.err")
		rc=$?
		if [ "$rc" = 1 ] && grep -q "^pidtrace: restore: check: the tree has 25[0-9][0-9] open file descriptions, more than pidtrace's fd limit of 2000 lets it hold" "$CR_DIR/r.err"; then
			pass ofds_hard_2000_restore_refused
		else
			fail ofds_hard_2000_restore_refused "exit status $rc: $(cat "$CR_DIR/r.err" "$CR_DIR/r.out")"
		fi
		cr_restore_verify ofds_hard_2000
	else
		fail ofds_hard_2000_dump "$(cat "$CR_DIR/dump.err" 2>/dev/null)"
	fi
	cr_cleanup
else
	skip ofds_soft_1024 "hard fd limit $(ulimit -Hn) below 4096"
fi
