#!/usr/bin/env bash
# run --json without -o: standard output is JSON records and nothing else.
# The command's own output (and its children's, even after the report
# started) goes to pidtrace's standard error; with -o it is left alone.
. "$(dirname "$0")/../lib.sh"
need_root

# all_json FILE: every line of FILE is a JSON object.
all_json() {
	python3 -c '
import json, sys
n = 0
for line in open(sys.argv[1]):
    json.loads(line)
    n += 1
sys.exit(0 if n else 1)' "$1" 2>/dev/null
}

"$PIDTRACE" run --json -- sh -c 'yes | head -1' >"$T/out" 2>"$T/err"
rc=$?
all_json "$T/out" && pass run_json_stdout_parses || fail run_json_stdout_parses "$(head -c 300 "$T/out")"
grep -qx y "$T/err" && pass run_json_command_output_on_stderr || fail run_json_command_output_on_stderr "rc $rc, stderr: $(head -c 300 "$T/err")"
[ "$(jq -r 'select(.event == "death") | .victim.comm' "$T/out")" = yes ] &&
	pass run_json_reports_the_sigpipe_death || fail run_json_reports_the_sigpipe_death "$(head -c 300 "$T/out")"

# A child that writes late, while the report is being written.
"$PIDTRACE" run --json -- sh -c '(sleep 0.3; echo late) & echo early' >"$T/out2" 2>"$T/err2"
sleep 0.6
all_json "$T/out2" && pass run_json_stdout_parses_with_late_writer || fail run_json_stdout_parses_with_late_writer "$(cat "$T/out2")"
grep -qx early "$T/err2" && grep -qx late "$T/err2" && pass run_json_late_output_on_stderr ||
	fail run_json_late_output_on_stderr "$(cat "$T/err2")"

# With -o, the command keeps its standard output.
"$PIDTRACE" run --json -o "$T/rep" -- echo hello >"$T/out3" 2>/dev/null
grep -qx hello "$T/out3" && all_json "$T/rep" && pass run_json_with_o_leaves_stdout_alone ||
	fail run_json_with_o_leaves_stdout_alone "$(cat "$T/out3")"
