#!/usr/bin/env bash
# cr_nsfs: dump -> kill -> restore -> verify of fds on the task's own
# namespace files (/proc/self/ns/NAME, zdtm proc-self; kind_nsfs.c): each
# comes back naming the namespace the restored task is in, with its
# close-on-exec flag, and works for setns(). An fd on a namespace the task
# is not in (another process's network namespace) is refused at dump in
# one line, the tree left running; a damaged record is refused by show.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root

same() { if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "got '$2', expected '$3'"; fi; }

NET=$(stat -L -c %i /proc/self/ns/net)
if ! cr_start own zdtm_nsfs; then
	fail own_start "the program did not start"
elif ! cr_dump; then
	fail own_dump "$(tail -n 3 "$CR_DIR/dump.err")"
else
	pass own_dump
	q='[.tasks[0].fds[] | select(.type == "nsfs") | .nsfs'
	cr_show_has own_show_names "$q | .ns] == [\"net\", \"uts\", \"ipc\", \"mnt\", \"pid\", \"cgroup\", \"user\"]"
	cr_show_has own_show_ino "$q | select(.ns == \"net\") | .ino] == [$NET]"
	if "$PIDTRACE" show -D "$CR_DIR/img" 2>&1 | grep -q "net namespace $NET (the task's own)"; then
		pass own_show_plain
	else
		fail own_show_plain "$("$PIDTRACE" show -D "$CR_DIR/img" 2>&1 | grep -i namespace | head -n 3)"
	fi
	# A damaged record: refused by the reader in one line.
	IDX=$(jq -r '.tasks[0].fds | map(.type) | index("nsfs")' "$CR_DIR/show.json")
	FD=$(jq -r "[.tasks[0].fds[] | select(.type == \"nsfs\")][0].fd" "$CR_DIR/show.json")
	b=$T/bad
	cp -a "$CR_DIR/img" "$b"
	EDIT="$TOP/$OUTPUT/tests/tools/image_edit"
	if "$EDIT" set "$b/files-$CR_PID.img" "fds.$IDX.nsfs_ns" bogus >/dev/null &&
		(cd "$b" && "$EDIT" fix-inventory .) >/dev/null; then
		same bad_ns "$("$PIDTRACE" show -D "$b" 2>&1 >/dev/null)" \
			"pidtrace: show: $b/files-$CR_PID.img: fd $FD: a namespace file of no known namespace"
	else
		fail bad_ns "image_edit failed"
	fi
	rm -rf "$b"
	cr_restore_verify own
fi
cr_cleanup

# Restored in a new pid namespace: the pid one names the task's new one.
cr_pidns_roundtrip own_pidns zdtm_nsfs
# The pid one (the 5th) opened as pidtrace's own (test fault): verify tells it from the task's
# new pid namespace, and the restore is rolled back.
if cr_start wrong zdtm_nsfs && cr_dump; then
	(cd "$CR_DIR" && PIDTRACE_FAULT=restore-nsfs-pidtrace@5 exec "$PIDTRACE" restore --pidns \
		-D "$CR_DIR/img" --json >"$CR_DIR/restore.json" 2>"$CR_DIR/restore.err")
	err=$(jq -r '.error // empty' "$CR_DIR/restore.json" 2>/dev/null)
	if [[ "$err" =~ ^verify:\ pid\ [0-9]+:\ fd\ [0-9]+:\ pid\ namespace\ of\ the\ task ]]; then
		pass wrong_caught
	else
		fail wrong_caught "error: $err"
	fi
else
	fail wrong_dump "$(tail -n 3 "$CR_DIR/dump.err" 2>/dev/null)"
fi
cr_cleanup

# Another process's network namespace: refused, the task untouched.
unshare -n sleep 600 &
OTHER=$!
at_exit "kill_ours TERM $OTHER"
# unshare(1) is in its own namespace once it has unshared (then it execs sleep).
other_netns() {
	local i
	i=$(stat -L -c %i "/proc/$OTHER/ns/net" 2>/dev/null) && [ -n "$i" ] && [ "$i" != "$NET" ]
}
if ! wait_for 10 other_netns; then
	fail other_unshare "no process in another network namespace"
elif ! cr_start other zdtm_nsfs "$OTHER"; then
	fail other_start "the program did not start"
else
	cr_refused other "pid $CR_PID fd [0-9]+: net:\[[0-9]+\], a namespace the task or pidtrace is not in, is not supported"
fi
cr_cleanup
kill "$OTHER" 2>/dev/null
wait "$OTHER" 2>/dev/null || true
