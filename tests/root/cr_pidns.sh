#!/usr/bin/env bash
# cr_pidns: `restore --pidns` puts the tree in a new pid namespace where its
# old pids are free: restoring works while the original still runs with
# those very pids (dumped with --leave-running). Inside, every task sees
# its old pid, parent, group and session, and pidfds work.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root

# ns_roundtrip NAME PROG: dump with --leave-running, restore --pidns next to
# the original, SIGTERM both; both must PASS.
ns_roundtrip() {
	local name=$1 prog=$2 host
	if ! cr_start "$name" "$prog"; then
		fail "${name}_start" "did not start"
		return
	fi
	if ! "$PIDTRACE" dump -t "$CR_PID" -D "$CR_DIR/img" --leave-running >/dev/null \
		2>"$CR_DIR/dump.err"; then
		fail "${name}_dump" "$(cat "$CR_DIR/dump.err")"
		cr_cleanup
		return
	fi
	# Both trees write to the same log; the original writes only once
	# it gets SIGTERM, after the restored one is checked.
	if cr_restore --pidns; then
		pass "${name}_restore_beside_original"
		same "${name}_same_pids_inside" "$(jr '.pids[0]')" "$CR_PID"
		host=$(jr '.host_pids[0]')
		check_ns=$(stat -L -c %i "/proc/$host/ns/pid" 2>/dev/null)
		if [ -n "$check_ns" ] && [ "$check_ns" != "$(stat -L -c %i /proc/self/ns/pid)" ]; then
			pass "${name}_in_new_namespace"
		else
			fail "${name}_in_new_namespace" "ns '$check_ns'"
		fi
		kill -TERM "$host"
		wait_for 30 cr_gone "$CR_RESTORE"
		wait "$CR_RESTORE"
		CR_RC=$?
		CR_RESTORE=
		if [ "$CR_RC" = 0 ] && [ "$(grep -c '^PASS' "$CR_DIR/log")" = 1 ]; then
			pass "${name}_verify"
		else
			fail "${name}_verify" "exit status $CR_RC: $(cat "$CR_DIR/log")"
		fi
	else
		fail "${name}_restore_beside_original" "$(jr '.error // empty') $(cat "$CR_DIR/restore.err")"
	fi
	kill -TERM "$CR_PID"
	wait_for 10 cr_gone "$CR_REAPER"
	cr_cleanup
}

ns_roundtrip ns_counter zdtm_counter
ns_roundtrip ns_tree zdtm_tree
ns_roundtrip ns_pidfd zdtm_pidfd
