#!/usr/bin/env bash
# Lineage in pidtrace run: a child made with clone3(CLONE_PIDFD), killed
# through that pidfd with pidfd_send_signal and reaped with waitid(P_PIDFD);
# a supervisor's timeout kill; a PR_SET_PDEATHSIG death; and the timeline.
. "$(dirname "$0")/../lib.sh"
need_root

"$PIDTRACE" run --json -o "$T/c.json" --timeline "$T/tl.json" -- \
	"$PROGS/lineage_clone_pidfd" >"$T/out" 2>&1
rc=$?
[ "$rc" = 0 ] && pass clone_pidfd_program_succeeds || fail clone_pidfd_program_succeeds "exit $rc: $(cat "$T/out")"
eval "$(grep '^child=' "$T/out")"
d=$(jq -c --argjson p "$child" 'select(.event == "death" and .victim.pid == $p)' "$T/c.json")
expect clone_child_killed_via_pidfd_send_signal "$d" .syscall pidfd_send_signal
expect clone_child_created_by_parent "$d" .lineage.created_by.pid "$parent"
expect clone_child_created_with_clone3 "$d" .lineage.created_by.syscall clone3
expect clone_child_pidfd_at_clone "$d" '.lineage.pidfds[0].via' clone-pidfd
expect clone_child_reaped_with_waitid "$d" .lineage.reaped_by.syscall waitid
expect clone_child_parent_sigchld_default "$d" .lineage.parent_sigchld default
expect clone_child_sender_function "$d" .sender_function stop_child

# The timeline is Chrome trace-event JSON: parse it, check its shape.
if jq -e '.traceEvents | type == "array"' "$T/tl.json" >/dev/null 2>&1; then
	pass timeline_is_valid_trace_event_json
else
	fail timeline_is_valid_trace_event_json "$(head -c 300 "$T/tl.json")"
fi
n=$(jq --argjson p "$child" '[.traceEvents[] | select(.ph == "X" and .tid == $p and .dur > 0)] | length' "$T/tl.json")
[ "$n" = 1 ] && pass timeline_has_the_childs_lifetime || fail timeline_has_the_childs_lifetime "$n X events"
c=$(jq -r --argjson p "$child" '.traceEvents[] | select(.ph == "i" and .tid == $p and .args.cause != null) | .args.cause' "$T/tl.json")
[ "$c" = kill-syscall ] && pass timeline_signal_carries_its_cause || fail timeline_signal_carries_its_cause "'$c'"
m=$(jq '[.traceEvents[] | select(.ph == "M" and .name == "process_name")] | length' "$T/tl.json")
[ "$m" -ge 2 ] && pass timeline_names_its_tracks || fail timeline_names_its_tracks "$m names"

# A supervisor's timeout: timeout(1) kills sleep after 0.5 s.
"$PIDTRACE" run --json -o "$T/t.json" -- timeout -s KILL 0.5 sleep 10 >/dev/null 2>&1
rc=$?
[ "$rc" = 137 ] && pass timeout_run_exits_137 || fail timeout_run_exits_137 "exit $rc"
d=$(jq -c 'select(.event == "death" and .victim.comm == "sleep")' "$T/t.json")
expect timeout_kill_is_supervisor_pattern "$d" .pattern supervisor-timeout
expect timeout_kill_sender_is_timeout "$d" .sender.comm timeout

# A parent killed, and its child's PR_SET_PDEATHSIG firing.
"$PIDTRACE" run --json -o "$T/p.json" -- "$PROGS/pdeathsig" >"$T/pout" 2>&1
d=$(jq -c 'select(.event == "death" and .cause == "parent-death-signal")' "$T/p.json")
expect pdeath_pattern_is_parent_death "$d" .pattern parent-death
