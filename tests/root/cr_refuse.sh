#!/usr/bin/env bash
# cr_refuse: objects dump cannot save are refused at dump time with one
# line naming the task, the fd and the object ("pid 812 fd 7: inotify is
# not supported"), exit status 1, no image; the tree runs on untouched
# (after the failed dump, SIGTERM makes the program check its object
# still works and print PASS).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root

# refused NAME KIND PATTERN: PATTERN may use @PID@, @FD@ and @PORT@.
refused() {
	local name=$1 kind=$2 pat=$3 fd port rc
	if ! cr_start "$name" zdtm_refuse "$kind"; then
		fail "${name}_start" "the program did not start"
		cr_cleanup
		return
	fi
	CR_PID=$(sed -n 's/^READY pid=\([0-9]*\).*/\1/p' "$CR_DIR/log")
	fd=$(sed -n 's/^READY .*fd=\([0-9]*\).*/\1/p' "$CR_DIR/log")
	port=$(sed -n 's/^READY .*port=\([0-9]*\).*/\1/p' "$CR_DIR/log")
	pat=${pat//@PID@/$CR_PID}
	pat=${pat//@FD@/$fd}
	pat=${pat//@PORT@/$port}
	"$PIDTRACE" dump -t "$CR_PID" -D "$CR_DIR/img" >"$CR_DIR/dump.out" 2>"$CR_DIR/dump.err"
	rc=$?
	if [ "$rc" != 1 ]; then
		fail "${name}_refused" "exit status $rc, expected 1: $(cat "$CR_DIR/dump.err")"
	elif [ "$(wc -l <"$CR_DIR/dump.err")" != 1 ] ||
		! grep -Eq "^pidtrace: dump: $pat$" "$CR_DIR/dump.err"; then
		fail "${name}_refused" "stderr: $(cat "$CR_DIR/dump.err"), expected: $pat"
	else
		pass "${name}_refused"
	fi
	if [ -e "$CR_DIR/img" ] && [ -n "$(ls -A "$CR_DIR/img")" ]; then
		fail "${name}_no_image" "left behind: $(ls -A "$CR_DIR/img")"
	else
		pass "${name}_no_image"
	fi
	kill -TERM "$CR_PID"
	if wait_for 10 grep -q '^PASS' "$CR_DIR/log"; then
		pass "${name}_untouched"
	else
		fail "${name}_untouched" "$(cat "$CR_DIR/log")"
	fi
	cr_cleanup
}

refused inotify inotify "pid @PID@ fd @FD@: inotify is not supported"
refused tcp tcp "pid @PID@ fd @FD@: TCP socket 127\\.0\\.0\\.1:@PORT@ \\(listening\\) is not supported"
refused epoll epoll "pid @PID@ fd @FD@: epoll is not supported"
refused bound bound "pid @PID@ fd @FD@: unix socket bound to refuse\\.sock is not supported"
refused outside outside \
	"pid @PID@ fd @FD@: unix socket whose peer \\(socket [0-9]+\\) is outside the dumped tree is not supported"
