#!/usr/bin/env bash
# cr_unix_cred: unix sockets' peer credentials (SO_PEERCRED: pid, uid,
# gid; and the process SO_PEERPIDFD names) are what they were after dump
# -> kill -> restore: socketpairs made by a task of uid 1234/gid 2345 and
# by the root with its effective ids switched to 3456/4567 for the call,
# a connection from each process to the other's listener, and the
# listeners themselves (zdtm_unix_cred.c). The image holds them (show
# --json), the restore verifies them, and a restore with --pidns too.
# A restore whose socket names another peer fails its verification, rolled
# back. A socketpair whose maker has exited (uid 1234) comes back naming
# that pid; one whose maker runs outside the tree is refused at dump.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root

if ! cr_start cred zdtm_unix_cred; then
	fail cred_start "the program did not start"
elif ! cr_dump; then
	fail cred_dump "$(tail -n 3 "$CR_DIR/dump.err")"
else
	pass cred_dump
	cr_show_has cred_show "[.tasks[].fds[].unix | select(. != null) | .peer_uid] |
		(index(1234) != null) and (index(3456) != null) and (index(0) != null)"
	cr_restore_verify cred
fi
cr_cleanup

cr_pidns_roundtrip cred_pidns zdtm_unix_cred

# A restore that skips the switch to the image's ids (test fault
# restore-skip-peercred) fails its verification, rolled back.
if cr_start cred_skip zdtm_unix_cred && cr_dump; then
	root=$CR_PID
	(cd "$CR_DIR" && PIDTRACE_FAULT=restore-skip-peercred exec "$PIDTRACE" restore \
		-D "$CR_DIR/img" >"$CR_DIR/out" 2>"$CR_DIR/err")
	rc=$?
	if [ "$rc" = 1 ] && [ "$(wc -l <"$CR_DIR/err")" = 1 ] &&
		grep -Eq "^pidtrace: restore: verify: pid $root: fd [0-9]+: unix socket's peer uid \(SO_PEERCRED\) [1-9][0-9]* in the image, 0 after restore \(rolled back\)\$" "$CR_DIR/err"; then
		pass cred_skip_caught
	else
		fail cred_skip_caught "exit $rc: $(head -c 400 "$CR_DIR/err")"
	fi
	wait_for 10 eval '! kill -0 '"$root"' 2>/dev/null'
	if kill -0 "$root" 2>/dev/null; then
		fail cred_skip_nothing_left "pid $root still there"
	else
		pass cred_skip_nothing_left
	fi
else
	fail cred_skip_dump "$(tail -n 3 "$CR_DIR/dump.err" 2>/dev/null)"
fi
cr_cleanup

# A socketpair whose maker has exited: a process forked with its pid and
# ids makes it again at restore, and exits.
cr_roundtrip cred_orphan zdtm_unix_cred orphan

# A socketpair whose maker runs outside the tree: refused at dump, the
# program untouched.
if cr_start cred_outside zdtm_unix_cred outside; then
	cr_refused cred_outside "pid $CR_PID fd [0-9]+: unix socket [0-9]+ whose peer credentials \\(SO_PEERCRED\\) name pid [0-9]+, a process outside the dumped tree, is not supported"
else
	fail cred_outside_start "the program did not start"
fi
cr_cleanup
