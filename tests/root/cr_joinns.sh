#!/usr/bin/env bash
# cr_joinns: a tree in namespaces made outside pidtrace. zdtm_joinns joins
# a net, a uts and an ipc namespace bound to files here (as `ip netns add`
# makes them) and holds TCP, abstract unix, netlink and packet sockets in
# the net one. `dump --external-ns` takes the namespaces as given (their
# identity in the image), `restore --join-ns` makes the tree and its
# sockets in them again: the program checks it and every socket is there,
# and that the sockets work. Without --join-ns the restore is refused at
# the check step; a namespace made again at the path after the dump is
# joined with a warning; a tree split across net namespaces, a path that
# is not the tree's namespace, a path that is no namespace of the kind
# are refused in one line.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root

NS=$T/net UTS=$T/uts IPC=$T/ipc OTHER=$T/other
ns_umount() { local f; for f in "$NS" "$UTS" "$IPC" "$OTHER"; do umount "$f" 2>/dev/null; done; }
at_exit ns_umount
# mk_netns FILE: a net namespace bound to FILE, lo up.
mk_netns() {
	touch "$1" && unshare --net="$1" true && nsenter --net="$1" ip link set lo up
}
if ! mk_netns "$NS" || ! mk_netns "$OTHER" || ! touch "$UTS" "$IPC" ||
	! unshare --uts="$UTS" hostname pt-joinns || ! unshare --ipc="$IPC" true; then
	fail setup "cannot make the namespaces"
	exit 0
fi
ino() { stat -L -c %i "$1" 2>/dev/null; }

# dump_ns NAME ARG..: dump CR_PID with ARGs; NAME passes when it did.
dump_ns() {
	local name=$1 rc
	shift
	"$PIDTRACE" dump -t "$CR_PID" -D "$CR_DIR/img" "$@" >"$CR_DIR/dump.out" 2>"$CR_DIR/dump.err" &
	CR_DUMP=$!
	wait "$CR_DUMP"
	rc=$?
	CR_DUMP=
	if [ "$rc" != 0 ]; then
		fail "$name" "exit $rc: $(cat "$CR_DIR/dump.err")"
		return 1
	fi
	pass "$name"
	wait_for 10 cr_gone "$CR_REAPER"
	wait "$CR_REAPER" 2>/dev/null
	CR_REAPER=
}

# refused NAME PATTERN ARG..: dump with ARGs refused in one line matching
# PATTERN, the tree left running and intact (it passes its check).
refused() {
	local name=$1 pat=$2 rc
	shift 2
	"$PIDTRACE" dump -t "$CR_PID" -D "$CR_DIR/img" "$@" >"$CR_DIR/dump.out" 2>"$CR_DIR/dump.err"
	rc=$?
	if [ "$rc" = 1 ] && [ "$(wc -l <"$CR_DIR/dump.err")" = 1 ] &&
		grep -Eq "^pidtrace: dump: $pat" "$CR_DIR/dump.err"; then
		pass "${name}_refused"
	else
		fail "${name}_refused" "exit $rc: $(cat "$CR_DIR/dump.err"), expected $pat"
	fi
}

# restore_refused NAME PATTERN ARG..: restore with ARGs fails in one line
# at the check step, no task made.
restore_refused() {
	local name=$1 pat=$2 rc
	shift 2
	"$PIDTRACE" restore -D "$CR_DIR/img" "$@" >"$CR_DIR/r.out" 2>"$CR_DIR/r.err" </dev/null
	rc=$?
	if [ "$rc" = 1 ] && [ "$(wc -l <"$CR_DIR/r.err")" = 1 ] &&
		grep -Eq "^pidtrace: restore: check: $pat" "$CR_DIR/r.err" && cr_gone "$CR_PID"; then
		pass "${name}_restore_refused"
	else
		fail "${name}_restore_refused" "exit $rc: $(cat "$CR_DIR/r.err"), expected $pat"
	fi
}

# finish NAME: SIGTERM the restored tree, its check passes.
finish() {
	cr_finish
	if [ "$CR_RC" = 0 ] && grep -q '^PASS' "$CR_DIR/log"; then
		pass "${1}_verify"
	else
		fail "${1}_verify" "exit $CR_RC: $(cat "$CR_DIR/log")"
	fi
	cr_cleanup
}

# Dumped without --external-ns: refused, saying how.
cr_start plain zdtm_joinns "$NS" - - || fail plain_start "did not start"
refused plain "pid [0-9]+ is in a net namespace \(net:\[$(ino "$NS")\]\) other than pidtrace's: .*--external-ns net"
cr_passes plain_untouched
cr_cleanup

# The round trip, with the three kinds.
ARGS=(--join-ns "net:$NS" --join-ns "uts:$UTS" --join-ns "ipc:$IPC")
if cr_start trip zdtm_joinns "$NS" "$UTS" "$IPC" &&
	dump_ns trip_dump --external-ns "net:$NS" --external-ns "uts:$UTS" --external-ns ipc; then
	"$PIDTRACE" show -D "$CR_DIR/img" --json >"$CR_DIR/show.json" 2>&1
	same trip_show_external_ns "$(jq -c '[.external_ns[] | [.kind, .ino, .path]]' "$CR_DIR/show.json")" \
		"[[\"net\",$(ino "$NS"),\"$NS\"],[\"uts\",$(ino "$UTS"),\"$UTS\"],[\"ipc\",$(ino "$IPC"),null]]"
	restore_refused trip_no_join "the image's tree was in the net namespace net:\[$(ino "$NS")\] $NS \(dump --external-ns\), which restore does not make: --join-ns net:PATH is needed"
	restore_refused trip_no_uts "the image's tree was in the uts namespace" --join-ns "net:$NS"
	restore_refused trip_not_ns "--join-ns net:$CR_DIR/log: not a namespace file" --join-ns "net:$CR_DIR/log" \
		--join-ns "uts:$UTS" --join-ns "ipc:$IPC"
	restore_refused trip_wrong_kind "--join-ns net:$UTS: not a net namespace" --join-ns "net:$UTS" \
		--join-ns "uts:$UTS" --join-ns "ipc:$IPC"
	if cr_restore "${ARGS[@]}"; then
		pass trip_restore
		same trip_task_in_netns "$(ino "/proc/$(jr '.host_pids[0]')/ns/net")" "$(ino "$NS")"
		same trip_task_in_utsns "$(ino "/proc/$(jr '.host_pids[0]')/ns/uts")" "$(ino "$UTS")"
		same trip_no_warning "$(jr '.warnings // [] | length')" 0
		finish trip
	else
		fail trip_restore "$(jr '.error // empty' 2>&1) $(cat "$CR_DIR/restore.err")"
	fi
fi
cr_cleanup

# The namespace made again at its path after the dump (another inode):
# joined all the same, with a warning.
if cr_start again zdtm_joinns "$NS" - - && dump_ns again_dump --external-ns "net:$NS"; then
	old=$(ino "$NS")
	umount "$NS" && mk_netns "$NS"
	if cr_restore --join-ns "net:$NS"; then
		pass again_restore
		if jr '.warnings[]?' | grep -q "net:$NS is net:\[$(ino "$NS")\], not the dumped net:\[$old\]"; then
			pass again_warned
		else
			fail again_warned "warnings: $(jr '.warnings')"
		fi
		finish again
	else
		fail again_restore "$(jr '.error // empty' 2>&1) $(cat "$CR_DIR/restore.err")"
	fi
fi
cr_cleanup

# A tree split across net namespaces; a path that is not the tree's.
cr_start split zdtm_joinns "$NS" - - split || fail split_start "did not start"
refused split "pid [0-9]+ is in net namespace net:\[[0-9]+\], pid $CR_PID in net:\[$(ino "$NS")\]: a tree split across net namespaces is not supported" \
	--external-ns net
refused other "pid $CR_PID is in net namespace net:\[$(ino "$NS")\], not in net:\[$(ino "$OTHER")\] of --external-ns net:$OTHER" \
	--external-ns "net:$OTHER"
cr_passes split_untouched
cr_cleanup

# A thread in another net namespace than its process, in pidtrace's
# (unshare in a thread): restore would make it in its process's.
cr_start thread zdtm_joinns - - - thread || fail thread_start "did not start"
refused thread "pid $CR_PID thread [0-9]+ is in a net namespace \(net:\[[0-9]+\]\) other than its process's \(net:\[$(ino /proc/self/ns/net)\]\): restore makes every thread in its process's, not supported"
cr_cleanup

# Usage errors.
"$PIDTRACE" dump -t 1 --external-ns mnt >/dev/null 2>&1
same usage_external_mnt $? 2
"$PIDTRACE" restore --join-ns net >/dev/null 2>&1
same usage_join_no_path $? 2
"$PIDTRACE" restore --join-ns "net:$NS" --join-ns "net:$NS" >/dev/null 2>&1
same usage_join_twice $? 2
