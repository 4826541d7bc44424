#!/usr/bin/env bash
# watch runs until it is told to stop: a stop and continue (SIGSTOP,
# SIGCONT) and a ptrace attach and detach (strace -p) interrupt its wait
# for records (EINTR) but must not end it; a kill after them is still
# reported, and watch then ends with status 0 on SIGINT. Started with
# SIGINT and SIGTERM blocked (a service manager's or CI runner's mask
# survives exec), SIGTERM still ends it with 0 (before: it ran on until
# SIGKILL, its summary lost).
. "$(dirname "$0")/../lib.sh"
need_root
cp /bin/sleep "$T/pt-intr-victim"

# reported_after NAME: a victim killed now is in watch's output within 5 s.
reported_after() {
	local name=$1 pid i
	"$T/pt-intr-victim" 1000 &
	pid=$!
	wait_comm "$pid" pt-intr-victim
	kill -9 "$pid"
	wait "$pid" 2>/dev/null
	for i in $(seq 1 100); do
		if death_of "$pid" 2>/dev/null | grep -q .; then
			pass "$name"
			return
		fi
		sleep 0.05
	done
	fail "$name" "the death of $pid is not in watch's output (watch alive: $(kill -0 "$WATCH_PID" 2>/dev/null && echo yes || echo no)): $(cat "$T/watch.err")"
}

watch_start -c pt-intr-victim || { fail watch_starts "$(cat "$T/watch.err")"; exit 0; }
kill -STOP "$WATCH_PID"
sleep 0.3
kill -CONT "$WATCH_PID"
sleep 0.3
kill -0 "$WATCH_PID" 2>/dev/null && pass watch_survives_sigstop_sigcont ||
	fail watch_survives_sigstop_sigcont "watch ended: $(cat "$T/watch.err")"
reported_after kill_reported_after_sigstop_sigcont

if command -v strace >/dev/null; then
	strace -p "$WATCH_PID" -o /dev/null &
	sp=$!
	sleep 0.5
	kill -INT "$sp"
	wait "$sp" 2>/dev/null
	sleep 0.3
	kill -0 "$WATCH_PID" 2>/dev/null && pass watch_survives_strace_attach ||
		fail watch_survives_strace_attach "watch ended: $(cat "$T/watch.err")"
	reported_after kill_reported_after_strace_attach
else
	skip watch_survives_strace_attach "strace is not installed (tools/deps.sh)"
fi

watch_stop
rc=$?
[ "$rc" = 0 ] && pass watch_ends_0_on_sigint || fail watch_ends_0_on_sigint "exit $rc"

# SIGINT and SIGTERM blocked by whoever started it.
rm -f "$T/watch.err"
env --block-signal=INT,TERM "$PIDTRACE" watch --json -o "$T/watch2.json" -c pt-intr-none 2>"$T/watch.err" &
wp=$!
wait_for_line() { local i; for i in $(seq 1 200); do grep -q tracing "$T/watch.err" 2>/dev/null && return 0; sleep 0.05; done; return 1; }
wait_for_line
kill -TERM "$wp"
for i in $(seq 1 100); do kill -0 "$wp" 2>/dev/null || break; sleep 0.05; done
if kill -0 "$wp" 2>/dev/null; then
	fail watch_blocked_sigterm_ends_it "still running 5 s after SIGTERM"
	kill -9 "$wp"
	wait "$wp" 2>/dev/null
else
	wait "$wp"
	rc=$?
	[ "$rc" = 0 ] && pass watch_blocked_sigterm_ends_it || fail watch_blocked_sigterm_ends_it "exit $rc"
fi
