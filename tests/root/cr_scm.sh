#!/usr/bin/env bash
# cr_scm: files in flight in unix socket queues (SCM_RIGHTS; dump_scm.c,
# restore_scm.c): pipe ends in datagrams and in a stream, one also held by
# the sender (one open file description), a pipe's buffered bytes; the
# queue is only peeked at dump. Files of other kinds that a task keeps too
# (sockets, one in flight in its own queue, an eventfd): the same
# descriptions come back in flight, also with --pidns. One no task holds
# (an eventfd closed once sent) is refused in one line, the message still
# there for the receiver.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root

cr_roundtrip_show scm zdtm_scm \
	'msgs=[.tasks[].fds[] | select(.unix.in_flight != null) | .unix.in_flight[] | (.fds | length)] | sort == [1, 1, 2]'

if cr_start scm_eventfd zdtm_scm eventfd; then
	cr_refused scm_eventfd "pid $CR_PID fd [0-9]+: unix socket with anon_inode:\\[eventfd\\] in flight \\(SCM_RIGHTS\\), held by no task of the tree, is not supported"
	cr_cleanup
fi

CR_SHOW_CHECKS=('types=[.tasks[].fds[] | select(.unix.in_flight != null) | .unix.in_flight[] | .fds[] | .type] | sort == ["eventfd", "unix", "unix", "unix", "unix", "unix"]')
cr_roundtrip scm_held zdtm_scm held
CR_SHOW_CHECKS=()
cr_pidns_roundtrip scm_held_pidns zdtm_scm held

# With --pidns the files in flight are passed into the namespace's init
# like every other object (one description with the sender's copy still).
cr_pidns_roundtrip scm_pidns zdtm_scm
