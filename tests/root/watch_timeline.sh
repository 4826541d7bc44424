#!/usr/bin/env bash
# watch --timeline FILE writes the deaths it saw as Chrome trace-event JSON:
# the victim's signal (with its explanation) and its death on its track.
. "$(dirname "$0")/../lib.sh"
need_root

watch_start -c sc-tl --timeline "$T/tl.json" || { fail watch_starts "$(cat "$T/watch.err")"; exit 1; }
"$PROGS/sleeper" sc-tl >"$T/out" &
victim=$!
for _ in $(seq 100); do grep -q victim= "$T/out" && break; sleep 0.02; done
kill -9 "$victim"
wait "$victim" 2>/dev/null
sleep 0.3
watch_stop
jq -e '.traceEvents | type == "array"' "$T/tl.json" >/dev/null 2>&1 &&
	pass watch_timeline_is_trace_event_json || fail watch_timeline_is_trace_event_json "$(head -c 200 "$T/tl.json")"
c=$(jq -r --argjson p "$victim" '.traceEvents[] | select(.ph == "i" and .pid == $p and .args.cause != null) | .args.cause' "$T/tl.json")
[ "$c" = kill-syscall ] && pass watch_timeline_signal_carries_its_cause ||
	fail watch_timeline_signal_carries_its_cause "'$c'"
n=$(jq --argjson p "$victim" '[.traceEvents[] | select(.ph == "i" and .pid == $p and .name == "killed by SIGKILL")] | length' "$T/tl.json")
[ "$n" = 1 ] && pass watch_timeline_has_the_death || fail watch_timeline_has_the_death "$n death events"
