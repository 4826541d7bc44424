#!/usr/bin/env bash
# cr_unix_named: listening unix sockets bound to a name (a path under the
# test's directory, an abstract name unique to the run; backlog, mode,
# O_NONBLOCK, SO_PASSCRED) survive dump -> kill -> restore: the restore
# replaces the stale socket file the killed original left behind, and
# the restored program connects to both names and talks through accept().
# A restore beside the still-running original (--pidns) is refused in
# one line, rolled back, and steals nothing: the original still works.
# A connection pending in a listener's backlog is connected again (one
# with data sent on it is refused at dump).
# Unconnected datagram sockets bound to a path and to an abstract name
# keep their queued datagrams (boundaries, an empty one, contents) over a
# round trip that replaces the stale socket file; one also connect()ed to
# another stays connected; one holding more datagrams than restore can send
# again is refused at dump; one whose socket file was replaced by a
# regular file keeps its name, and the file stays where it is; so does one
# bound to a relative name whose file was removed.
# A file that is not a socket at the path refuses the restore and is kept;
# a restore that fails after binding the path leaves no socket file.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root

# Round trip; the socket file of the killed original is still there.
D=$T/rt
mkdir -p "$D"
if ! cr_start rt zdtm_unix_named "$D"; then
	fail rt_start "the program did not start"
elif ! cr_dump; then
	fail rt_dump "$(tail -n 3 "$CR_DIR/dump.err")"
else
	pass rt_dump
	cr_show_has rt_show_path "[.tasks[].fds[].unix | select(.listening and (.abstract | not))] |
		map([.name, .sk_type, .backlog, .file_mode]) == [[\"$D/a.sock\", \"stream\", 7, \"0640\"]]"
	cr_show_has rt_show_abstract "[.tasks[].fds[].unix | select(.listening and .abstract)] |
		map([.name, .sk_type, .backlog]) == [[\"zdtm_unix_named-$CR_PID\", \"seqpacket\", 3]]"
	if [ -S "$D/a.sock" ]; then pass rt_stale_file; else fail rt_stale_file "no socket file left"; fi
	# Not a socket at the path: refused, and the file is not touched.
	mv "$D/a.sock" "$D/stale.sock"
	echo precious >"$D/a.sock"
	"$PIDTRACE" restore -D "$CR_DIR/img" >"$CR_DIR/out" 2>"$CR_DIR/err"
	same rt_not_socket_status "$?" 1
	same rt_not_socket_message "$(cat "$CR_DIR/err")" \
		"pidtrace: restore: files: pid $CR_PID fd 3: unix socket $D/a.sock: exists and is not a socket (rolled back)"
	same rt_not_socket_kept "$(cat "$D/a.sock")" precious
	# A restore failing after it bound the path removes the socket file it
	# made (the stale one it replaced is gone too: nobody was bound to it).
	mv "$D/stale.sock" "$D/a.sock"
	PIDTRACE_FAULT=restore-state "$PIDTRACE" restore -D "$CR_DIR/img" >"$CR_DIR/out" 2>"$CR_DIR/err"
	same rt_failed_status "$?" 1
	same rt_failed_no_socket_file "$(find "$D" -maxdepth 1 -type s)" ""
	cr_restore_verify rt
fi
cr_cleanup

# Beside the live original: the path is in use.
D=$T/live.d
mkdir -p "$D"
if ! cr_start live zdtm_unix_named "$D"; then
	fail live_start "the program did not start"
elif ! "$PIDTRACE" dump -t "$CR_PID" -D "$CR_DIR/img" --leave-running >/dev/null 2>"$CR_DIR/dump.err"; then
	fail live_dump "$(cat "$CR_DIR/dump.err")"
else
	ino=$(stat -c %i "$D/a.sock")
	"$PIDTRACE" restore -D "$CR_DIR/img" --pidns >"$CR_DIR/out" 2>"$CR_DIR/err"
	same live_status "$?" 1
	same live_message "$(cat "$CR_DIR/err")" \
		"pidtrace: restore: files: pid $CR_PID fd 3: unix socket $D/a.sock: in use by a live socket (rolled back)"
	same live_file_kept "$(stat -c %i "$D/a.sock" 2>&1)" "$ino"
	same live_nothing_left "$(ls "$D")" "a.sock"
	# The original still owns its names: it connects, accepts and passes.
	cr_passes live_original_untouched
fi
cr_cleanup

# A connection pending in the backlog: connected again, accepted after
# the restore. One with a byte sent on it (in the unaccepted peer, which
# dump cannot read): refused at dump.
D=$T/pending
mkdir -p "$D"
if ! cr_start pending zdtm_unix_named "$D" pending; then
	fail pending_start "the program did not start"
elif ! cr_dump; then
	fail pending_dump "$(tail -n 3 "$CR_DIR/dump.err")"
else
	pass pending_dump
	cr_restore_verify pending
fi
cr_cleanup
D=$T/pending.data
mkdir -p "$D"
if cr_start pending_data zdtm_unix_named "$D" pending-data; then
	cr_refused pending_data \
		"pid $CR_PID fd 5: unix socket whose connection is not accepted yet, with data sent on it, is not supported"
else
	fail pending_data_start "the program did not start"
fi
cr_cleanup

# Bound datagram sockets with datagrams queued: round trip.
D=$T/dgram
mkdir -p "$D"
if ! cr_start dgram zdtm_unix_dgram "$D"; then
	fail dgram_start "the program did not start"
elif ! cr_dump; then
	fail dgram_dump "$(tail -n 3 "$CR_DIR/dump.err")"
else
	pass dgram_dump
	cr_show_has dgram_show_path "[.tasks[].fds[].unix | select(.name == \"$D/d.sock\")] |
		map([.sk_type, .listening, .abstract, .connected, .file_mode, .queued_messages,
		     .queued_bytes, has(\"backlog\")]) ==
		[[\"dgram\", false, false, false, \"0620\", 4, 3007, false]]"
	cr_show_has dgram_show_abstract "[.tasks[].fds[].unix | select(.abstract)] |
		map([.name, .sk_type, .listening, .passcred, .queued_messages, .queued_bytes]) ==
		[[\"zdtm_unix_dgram-$CR_PID\", \"dgram\", false, true, 3, 3]]"
	if [ -S "$D/d.sock" ]; then pass dgram_stale_file; else fail dgram_stale_file "no socket file left"; fi
	cr_restore_verify dgram
fi
cr_cleanup

# A bound datagram socket connected to another: kept connected (it sends
# through the connection after the restore).
D=$T/dgram.conn
mkdir -p "$D"
if ! cr_start dgram_connected zdtm_unix_dgram "$D" connected; then
	fail dgram_connected_start "the program did not start"
elif ! cr_dump; then
	fail dgram_connected_dump "$(tail -n 3 "$CR_DIR/dump.err")"
else
	pass dgram_connected_dump
	cr_restore_verify dgram_connected
fi
cr_cleanup

# A named datagram socket holding more datagrams than a sender other than
# its peer may queue (restore sends them so): refused at dump.
D=$T/dgram.many
mkdir -p "$D"
if cr_start dgram_many zdtm_unix_dgram "$D" many; then
	cr_refused dgram_many \
		"pid $CR_PID fd 4: unix datagram socket @zdtm_unix_dgram-$CR_PID with 23 datagrams queued, more than net\\.unix\\.max_dgram_qlen lets restore send again, is not supported"
else
	fail dgram_many_start "the program did not start"
fi
cr_cleanup

# A datagram socket whose socket file was replaced by a regular file: the
# name bound again while the file is moved aside, the file put back.
D=$T/dgram.replaced
mkdir -p "$D"
cr_roundtrip dgram_replaced zdtm_unix_dgram "$D" replaced
# Nothing of the restore's left beside it (the bound file, the aside one).
same dgram_replaced_nothing_left "$(find "$D" -name '*.pidtrace-*')" ""
cr_cleanup

# A relative name whose socket file was removed, the working directory
# left since: bound again from the directory the kernel still names, and
# removed again.
D=$T/dgram.relgone
mkdir -p "$D"
cr_roundtrip dgram_relgone zdtm_unix_dgram "$D" relgone
same dgram_relgone_nothing_left "$(ls -A "$D")" ""
cr_cleanup
