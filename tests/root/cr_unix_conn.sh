#!/usr/bin/env bash
# cr_unix_conn: unix sockets bound to a name and connected survive dump ->
# kill -> restore, for stream and seqpacket connections: datagram sockets
# connected to a named server (which is connected back to one of them),
# to themselves, and to a closed peer, and to sockets whose file was
# removed and taken by another socket, or removed with its directory (both
# gone again after the restore); a connection accepted on a
# listener of the tree, its client shut down for reading before it
# connected; a connection accepted on an abstract listener closed since;
# a socket bound to a relative name from a directory the task has left;
# SO_PASSSEC, SO_PRIORITY and SO_RCVTIMEO set on some of them. Once more
# with restore --pidns.
# The restored program checks names, peers, queued data and that each
# socket behaves as connected (zdtm_unix_conn.c). The image records the
# relative name as bound, with the directory it was bound in.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root

for type in stream seqpacket; do
	D=$T/conn-$type
	mkdir -p "$D"
	if ! cr_start "$type" zdtm_unix_conn "$D" "$type"; then
		fail "${type}_start" "the program did not start"
	elif ! cr_dump; then
		fail "${type}_dump" "$(tail -n 3 "$CR_DIR/dump.err")"
	else
		pass "${type}_dump"
		cr_show_has "${type}_show_relative" "[.tasks[].fds[].unix | select(.name == \"rel.sock\")] |
			map([.bind_dir, .listening, .connected]) == [[\"$D\", false, false]]"
		cr_restore_verify "$type"
	fi
	cr_cleanup
done

# The same into a new pid namespace (--pidns): the sockets are made in
# pidtrace and handed over through the namespace's init.
D=$T/conn-pidns
mkdir -p "$D"
cr_pidns_roundtrip pidns zdtm_unix_conn "$D" stream
