#!/usr/bin/env bash
# A record that cannot be written is an error, never a silent loss: watch
# and run with their output on /dev/full (-o, or standard output) say so in
# one line on stderr and exit non-zero, so that a service's
# Restart=on-failure brings watch back.
. "$(dirname "$0")/../lib.sh"
need_root
cp /bin/sleep "$T/pt-werr-victim"

# check NAME RC ERRFILE: non-zero exit and exactly one "cannot write" line.
check() {
	local name=$1 rc=$2 err=$3 n
	n=$(grep -c 'cannot write' "$err")
	if [ "$rc" != 0 ] && [ "$n" = 1 ]; then
		pass "$name"
	else
		fail "$name" "exit $rc, $n 'cannot write' lines: $(cat "$err")"
	fi
}

# watch_full NAME HOW ARGS...: watch writing to /dev/full while a victim is killed.
watch_full() {
	local name=$1 how=$2 pid i rc
	shift 2
	if [ "$how" = -o ]; then
		"$PIDTRACE" watch -c pt-werr-victim --duration 4 -o /dev/full "$@" 2>"$T/err" &
	else
		"$PIDTRACE" watch -c pt-werr-victim --duration 4 "$@" >/dev/full 2>"$T/err" &
	fi
	WATCH_PID=$!
	for i in $(seq 1 200); do
		grep -q tracing "$T/err" && break
		sleep 0.05
	done
	"$T/pt-werr-victim" 1000 &
	pid=$!
	wait_comm "$pid" pt-werr-victim
	kill -9 "$pid"
	wait "$pid" 2>/dev/null
	wait "$WATCH_PID"
	rc=$?
	WATCH_PID=
	check "$name" "$rc" "$T/err"
}

watch_full watch_output_file_full_fails -o
watch_full watch_json_output_file_full_fails -o --json
watch_full watch_stdout_full_fails stdout
watch_full watch_json_stdout_full_fails stdout --json

# Nothing to report but the summary: that write fails too.
"$PIDTRACE" watch -c pt-werr-none --duration 0.5 -o /dev/full 2>"$T/err"
check watch_summary_on_full_fails $? "$T/err"

"$PIDTRACE" run -o /dev/full -- sh -c 'kill -9 $$' 2>"$T/err"
check run_report_file_full_fails $? "$T/err"
"$PIDTRACE" run --json -- true >/dev/full 2>"$T/err"
check run_json_stdout_full_fails $? "$T/err"

# The same outputs on a working file still succeed.
"$PIDTRACE" watch -c pt-werr-none --duration 0.5 -o "$T/ok" 2>"$T/err"
rc=$?
[ "$rc" = 0 ] && grep -q '0 deaths' "$T/ok" && pass watch_output_file_ok ||
	fail watch_output_file_ok "exit $rc: $(cat "$T/err")"
