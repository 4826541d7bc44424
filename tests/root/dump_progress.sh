#!/usr/bin/env bash
# A dump of more than a few hundred MiB shows a progress bar on a terminal,
# and nothing on a pipe or with --json.
. "$(dirname "$0")/../lib.sh"
need_root
command -v script >/dev/null || { echo "script(1) (bsdutils) is not installed"; exit 77; }

"$PROGS/bigtouch" 300 >"$T/ready" &
pid=$!
at_exit "kill_ours TERM $pid"
for _ in $(seq 100); do grep -q ready "$T/ready" && break; sleep 0.1; done
mkdir -m 700 "$T/imgs"
script -qc "$PIDTRACE dump -t $pid -D $T/imgs/tty --leave-running" "$T/tty.out" >/dev/null
grep -q 'dump \[' "$T/tty.out" && grep -q 'B/s' "$T/tty.out" &&
	pass dump_on_a_terminal_shows_a_progress_bar ||
	fail dump_on_a_terminal_shows_a_progress_bar "$(tr '\r' '\n' <"$T/tty.out" | head -3)"
"$PIDTRACE" dump -t "$pid" -D "$T/imgs/pipe" --leave-running >"$T/pipe.out" 2>&1
grep -q 'dump \[' "$T/pipe.out" && fail dump_on_a_pipe_shows_no_bar "$(head -c 200 "$T/pipe.out")" ||
	pass dump_on_a_pipe_shows_no_bar
script -qc "$PIDTRACE dump -t $pid -D $T/imgs/json --leave-running --json" "$T/json.out" >/dev/null
grep -q 'dump \[' "$T/json.out" && fail dump_json_shows_no_bar "$(head -c 200 "$T/json.out")" ||
	pass dump_json_shows_no_bar
