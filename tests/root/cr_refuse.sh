#!/usr/bin/env bash
# cr_refuse: objects dump cannot save are refused at dump time with one
# line naming the task, the fd and the object ("pid 812 fd 7: inotify
# with 32 bytes of unread events is not supported"), exit status 1, no
# image; the tree runs on untouched
# (after the failed dump, SIGTERM makes the program check its object
# still works and print PASS).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root

# refused NAME KIND PATTERN: PATTERN may use @PID@, @FD@ and @PORT@.
refused() {
	local name=$1 kind=$2 pat=$3 fd port
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
	cr_refused "$name" "$pat"
	cr_cleanup
}

refused inotify inotify "pid @PID@ fd @FD@: inotify with [0-9]+ bytes of unread events is not supported"
# TCP connections are dumped now; a closing one is refused in cr_tcp.sh.
# An epoll target closed after it was added is dumped now (its file found
# in the tree's fds); one whose file no fd of the tree holds is refused in
# cr_epoll.sh (epoll_inflight).
refused bound bound "pid @PID@ fd @FD@: unix datagram socket bound to relative path refuse\\.sock whose socket file was moved is not supported"
refused outside outside \
	"pid @PID@ fd @FD@: unix socket whose peer \\(socket [0-9]+\\) is held by pid [0-9]+ \\(zdtm_refuse\\) fd [0-9]+, outside the dumped tree, is not supported"
