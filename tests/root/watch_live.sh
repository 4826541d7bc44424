#!/usr/bin/env bash
# A lone death on a quiet host is reported while watch runs, not when it
# stops: the kernel side batches wakeups (one per 1/16 of the ring), so the
# reader must read what is queued on every poll timeout. Also for --stacks
# (records of ~2.5 kB) and for a plain text output.
. "$(dirname "$0")/../lib.sh"
need_root
cp /bin/sleep "$T/pt-live-victim"

# live_case NAME WATCH-ARGS...
live_case() {
	local name=$1 pid i seen=
	shift
	watch_start -c pt-live-victim "$@" || { fail "$name" "watch did not start"; return; }
	"$T/pt-live-victim" 1000 &
	pid=$!
	wait_comm "$pid" pt-live-victim
	kill -9 "$pid"
	wait "$pid" 2>/dev/null
	# Generous: the reader polls every 100 ms; before the fix the record
	# stayed queued until watch stopped.
	for i in $(seq 1 100); do
		if grep -q "pt-live-victim" "$T/watch.json" 2>/dev/null; then
			seen=1
			break
		fi
		sleep 0.05
	done
	kill -0 "$WATCH_PID" 2>/dev/null && running=1 || running=0
	watch_stop
	if [ -n "$seen" ] && [ "$running" = 1 ]; then
		pass "$name"
	else
		fail "$name" "the death of $pid was not written within 5 s while watch ran (running=$running): $(head -c 300 "$T/watch.json")"
	fi
}

live_case lone_death_reported_while_watch_runs
live_case lone_death_reported_while_watch_runs_with_stacks --stacks
