#!/usr/bin/env bash
# cr_pidfd: the pidfd family (see tests/progs/zdtm_pidfd.c): pidfds to
# itself (one PIDFD_THREAD), to a live child (then killed through it), two
# to a reaped child, and one to a reaped grandchild that exited with 3,
# shared with that grandchild's parent. After restore PIDFD_GET_INFO must
# say 0x300 and 9, and the restore report must explain each helper's death
# as expected (the --timeline file too). Then a pidfd to a live process
# outside the tree: restored, or refused once that process is gone.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root

if cr_start pidfd zdtm_pidfd && cr_dump; then
	pass pidfd_dump
	if cr_restore --timeline "$CR_DIR/timeline.json"; then
		pass pidfd_restore
		same pidfd_helpers "$(jr .helpers)" 2
		same pidfd_no_unexpected_death "$(jr .unexpected_deaths)" 0
		# The SIGKILLed target's helper dies by SIGKILL, expected, its own kill().
		same pidfd_helper_death_explained \
			"$(jr '[.deaths[] | select(.cause == "restore-helper" and .expected and .signal == "SIGKILL" and .exit.status == 9)] | length')" 1
		same pidfd_timeline_phases \
			"$(jq '[.traceEvents[] | select(.cat == "phase")] | length' "$CR_DIR/timeline.json")" 9
		same pidfd_timeline_helper \
			"$(jq '[.traceEvents[] | select(.cat == "death" and (.name | test("restore-helper")))] | length' "$CR_DIR/timeline.json")" 1
		cr_finish
		if [ "$CR_RC" = 0 ] && grep -q '^PASS' "$CR_DIR/log"; then
			pass pidfd_verify
		else
			fail pidfd_verify "exit status $CR_RC: $(grep -E '^(FAIL|PASS)' "$CR_DIR/log")"
		fi
	else
		fail pidfd_restore "$(jr '.error // empty') $(cat "$CR_DIR/restore.err")"
	fi
else
	fail pidfd_dump "could not start or dump"
fi
cr_cleanup

# A pidfd to a live process outside the tree: reopened on that very process
# if it still runs; refused if it was replaced by another one.
sleep 300 &
OUTSIDE=$!
at_exit "kill_ours TERM $OUTSIDE"
cr_roundtrip outside zdtm_pidfd_outside "$OUTSIDE"
if cr_start outside_gone zdtm_pidfd_outside "$OUTSIDE" && cr_dump; then
	kill "$OUTSIDE"
	wait "$OUTSIDE" 2>/dev/null
	"$PIDTRACE" restore -D "$CR_DIR/img" --json >"$CR_DIR/restore.json" 2>/dev/null
	rc=$?
	if [ "$rc" = 1 ] && jq -r .error "$CR_DIR/restore.json" |
		grep -q "pidfd target pid $OUTSIDE ('sleep') is gone or is another process now"; then
		pass outside_gone_refused
	else
		fail outside_gone_refused "rc $rc: $(jq -r .error "$CR_DIR/restore.json")"
	fi
else
	fail outside_gone_refused "could not start or dump"
fi
cr_cleanup
