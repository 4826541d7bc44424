#!/usr/bin/env bash
# cr_vt: a virtual console (4:9, /dev/tty9) as the controlling terminal of
# a session led in the tree (zdtm vt): restore opens it again by the
# path of the tree's fd, the leader takes it with TIOCSCTTY (no force),
# gives the foreground back to its child's group and sets its termios back
# (echo off: a console resets them on its last close, at the dump's kill)
# (restore_ctty.c). A console another session took between dump and
# restore is not stolen, nor are its modes changed: the restore fails in
# one line, rolled back (and a restore that fails later puts the
# console's termios back); once
# that session let it go the same image restores. A console no path of
# the tree reaches (its node removed) is refused at dump; another device
# at its path by restore is refused (its path escaped); so are
# /dev/tty standing for the console and a console in VT_PROCESS or
# KD_GRAPHICS mode (dump_ctty.c).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root

# zdtm's own vt test uses tty5: another console, so that a sweep may run.
VT=4:9
if ! python3 -c 'import os; os.close(os.open("/dev/tty9", os.O_RDONLY | os.O_NOCTTY | os.O_NONBLOCK))' 2>/dev/null; then
	skip vt "no virtual console /dev/tty9 here"
	exit 0
fi

# The modes of console @1 (iflag, oflag, cflag, lflag), through an open that takes nothing.
vt_termios() {
	python3 -c 'import os, sys, termios
fd = os.open(sys.argv[1], os.O_RDONLY | os.O_NOCTTY | os.O_NONBLOCK)
print(termios.tcgetattr(fd)[:4])' "$1"
}

CR_SHOW_CHECKS=('ctty=.tasks[1].pid as $c | .tasks[0].ctty_dev | (.path | endswith("/vt")) and .rdev == 1033 and .fg_pgrp == $c')
cr_roundtrip vt zdtm_vt "$VT"
CR_SHOW_CHECKS=()

if cr_start steal zdtm_vt "$VT" && cr_dump; then
	# Another session takes the console as its terminal (an open without O_NOCTTY).
	setsid python3 -c 'import os, sys, time
os.open(sys.argv[1], os.O_RDONLY)
print(os.getpid(), flush=True)
time.sleep(120)' "$CR_DIR/vt" >"$CR_DIR/holder" &
	wait_for 10 test -s "$CR_DIR/holder"
	holder=$(cat "$CR_DIR/holder")
	before=$(vt_termios "$CR_DIR/vt")
	if cr_restore; then
		fail vt_not_stolen "the restore succeeded: $(head -c 300 "$CR_DIR/restore.json")"
	else
		wait_for 30 cr_gone "$CR_RESTORE"
		err=$(jr .error)
		if grep -Eq "its controlling terminal .*/vt is session $holder's now: not taken from it" <<<"$err"; then
			pass vt_not_stolen
		else
			fail vt_not_stolen "error: $err"
		fi
	fi
	if kill -0 "$CR_PID" 2>/dev/null; then
		fail vt_rolled_back "pid $CR_PID is there"
	else
		pass vt_rolled_back
	fi
	same vt_holder_keeps "$(ps -o tty= -p "$holder" | tr -d ' ')" tty9
	# Its modes too: the dump's (echo off) are set only once the console is taken.
	same vt_holder_termios "$(vt_termios "$CR_DIR/vt")" "$before"
	kill "$holder"
	wait_for 10 cr_gone "$holder"
	cr_restore_verify vt_after_release
	cr_cleanup
else
	fail steal_dump "$(tail -n 3 "$CR_DIR/dump.err" 2>/dev/null)"
fi

# A restore that fails late (test fault before the tree is let go), the
# console held open meanwhile by a process it is not the terminal of (so
# no last close resets it): its termios are as they were. (On a console
# the kernel's hangup at the killed leader's exit resets them too; the
# put-back of restore_ctty__end() is what keeps a serial line's.)
if cr_start late zdtm_vt "$VT" && cr_dump; then
	python3 -c 'import os, sys, time
os.open(sys.argv[1], os.O_RDONLY | os.O_NOCTTY)
print(os.getpid(), flush=True)
time.sleep(120)' "$CR_DIR/vt" >"$CR_DIR/opener" &
	wait_for 10 test -s "$CR_DIR/opener"
	opener=$(cat "$CR_DIR/opener")
	before=$(vt_termios "$CR_DIR/vt")
	if PIDTRACE_FAULT=restore-detach cr_restore; then
		fail vt_late_fail "the restore succeeded"
	else
		wait_for 30 cr_gone "$CR_RESTORE"
		same vt_late_termios "$(vt_termios "$CR_DIR/vt")" "$before"
	fi
	kill "$opener"
	wait_for 10 cr_gone "$opener"
else
	fail late_dump "$(tail -n 3 "$CR_DIR/dump.err" 2>/dev/null)"
fi
cr_cleanup

# Another device at the path by restore (the node made again as
# /dev/null's): refused in one line, the path (from the image: here with
# an escape sequence in it) escaped in the message.
if cr_start $'other\e]0;x\a' zdtm_vt "$VT" && cr_dump; then
	rm "$CR_DIR/vt"
	mknod "$CR_DIR/vt" c 1 3
	if cr_restore; then
		fail vt_other_dev "the restore succeeded"
	else
		wait_for 30 cr_gone "$CR_RESTORE"
		err=$(jr .error)
		if [[ $err == *$'\e'* ]] || [[ $err == *$'\a'* ]]; then
			fail vt_other_dev "the path is printed raw: $(printf %q "$err")"
		elif grep -Fq 'other\x1b]0;x\x07/vt is device 1:3 now, not 4:9' <<<"$err"; then
			pass vt_other_dev
		else
			fail vt_other_dev "error: $(printf %q "$err")"
		fi
	fi
else
	fail other_dump "$(tail -n 3 "$CR_DIR/dump.err" 2>/dev/null)"
fi
cr_cleanup

# The node removed: no path of the tree's reaches the console again.
cr_start unlinked zdtm_vt "$VT" unlink &&
	cr_refused vt_unlinked "pid [0-9]+: its controlling terminal tty 4:9 \(of session [0-9]+, led in the tree\) is not supported: no fd of the tree holds it by a path restore could open it by"
cr_cleanup

# /dev/tty open too, standing for the console: reopened by pidtrace it
# would be pidtrace's terminal (only a pty's is opened in its task): refused.
cr_start devtty zdtm_vt "$VT" devtty &&
	cr_refused vt_devtty "pid [0-9]+ fd [0-9]+: /dev/tty of session [0-9]+, whose terminal tty 4:9 restore takes again, is not supported"
cr_cleanup

# What the dump's kill would lose is refused before it: the program's
# switching of the console (VT_PROCESS), its graphics mode (KD_GRAPHICS).
# The program puts the console back as found at the end.
cr_start process zdtm_vt "$VT" process || fail vt_process_start "$(cat "$CR_DIR/log")"
[ -n "$CR_PID" ] && cr_refused vt_process "pid [0-9]+: its controlling terminal tty 4:9 \(of session [0-9]+, led in the tree\) is not supported: its console switching is the program's \(VT_PROCESS\), lost with it"
cr_cleanup
cr_start graphics zdtm_vt "$VT" graphics || fail vt_graphics_start "$(cat "$CR_DIR/log")"
[ -n "$CR_PID" ] && cr_refused vt_graphics "pid [0-9]+: its controlling terminal tty 4:9 \(of session [0-9]+, led in the tree\) is not supported: the console is in graphics mode \(KD_GRAPHICS\): the program's screen is not saved"
cr_cleanup
