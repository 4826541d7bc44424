#!/usr/bin/env bash
# Colour in the human output of run and watch: escape codes with
# --color=always even into a file or a pipe; none by default into a file,
# none with --json, none with --color=never; on a terminal (a pty from
# script(1)) colour by default, and none there with NO_COLOR=1.
. "$(dirname "$0")/../lib.sh"
need_root
ESC=$'\033'
KILL_ONE='sleep 30 & kill -9 $!; wait'
YELLOW="${ESC}[33mkill-syscall"

has_esc() { grep -q "$ESC" "$1"; }

# run into a file, forced on
"$PIDTRACE" run --color=always -o "$T/always.txt" -- sh -c "$KILL_ONE" 2>"$T/err"
grep -qF -- "$YELLOW" "$T/always.txt" && pass run_color_always_into_a_file ||
	fail run_color_always_into_a_file "no '\\e[33mkill-syscall' in: $(head -c 300 "$T/always.txt" | cat -v)"
# the columns stay aligned: the SENDER column starts where the header says
hdr=$(head -n1 "$T/always.txt" | grep -bo SENDER | cut -d: -f1)
row=$(grep -m1 kill-syscall "$T/always.txt" | sed "s/${ESC}\[[0-9;]*m//g")
[ "${row:$hdr:1}" != " " ] && [ "${row:$((hdr - 1)):1}" = " " ] && pass run_color_keeps_columns_aligned ||
	fail run_color_keeps_columns_aligned "SENDER at $hdr, row: $row"

# run into a pipe, forced on
"$PIDTRACE" run --color=always -- sh -c "$KILL_ONE" 2>"$T/err" | cat >"$T/pipe.txt"
grep -qF -- "$YELLOW" "$T/pipe.txt" && pass run_color_always_into_a_pipe || fail run_color_always_into_a_pipe "no escape codes"

# default into a file: no colour
"$PIDTRACE" run -o "$T/default.txt" -- sh -c "$KILL_ONE" 2>"$T/err"
grep -q kill-syscall "$T/default.txt" && ! has_esc "$T/default.txt" && pass run_default_into_a_file_no_color ||
	fail run_default_into_a_file_no_color "$(head -c 300 "$T/default.txt" | cat -v)"
"$PIDTRACE" run -- sh -c "$KILL_ONE" >"$T/default2.txt" 2>"$T/err"
grep -q kill-syscall "$T/default2.txt" && ! has_esc "$T/default2.txt" && pass run_default_stdout_to_a_file_no_color ||
	fail run_default_stdout_to_a_file_no_color "$(head -c 300 "$T/default2.txt" | cat -v)"
"$PIDTRACE" run --color=never -- sh -c "$KILL_ONE" >"$T/never.txt" 2>"$T/err"
grep -q kill-syscall "$T/never.txt" && ! has_esc "$T/never.txt" && pass run_color_never || fail run_color_never "escape codes"
"$PIDTRACE" run --json --color=always -- sh -c "$KILL_ONE" >"$T/json.txt" 2>"$T/err"
jq -se 'map(select(.event == "death")) | any(.cause == "kill-syscall")' "$T/json.txt" >/dev/null && ! has_esc "$T/json.txt" &&
	pass run_json_never_colored || fail run_json_never_colored "$(head -c 300 "$T/json.txt" | cat -v)"

# On a terminal: coloured by default, not with NO_COLOR=1.
if command -v script >/dev/null; then
	script -qec "'$PIDTRACE' run -- sh -c '$KILL_ONE'" /dev/null </dev/null >"$T/tty.txt" 2>&1
	grep -qF -- "$YELLOW" "$T/tty.txt" && pass run_default_on_a_terminal_colored ||
		fail run_default_on_a_terminal_colored "$(head -c 300 "$T/tty.txt" | cat -v)"
	NO_COLOR=1 script -qec "'$PIDTRACE' run -- sh -c '$KILL_ONE'" /dev/null </dev/null >"$T/tty2.txt" 2>&1
	grep -q kill-syscall "$T/tty2.txt" && ! grep -qF -- "${ESC}[33m" "$T/tty2.txt" &&
		pass run_no_color_env_on_a_terminal || fail run_no_color_env_on_a_terminal "$(head -c 300 "$T/tty2.txt" | cat -v)"
	NO_COLOR=1 script -qec "'$PIDTRACE' run --color=always -- sh -c '$KILL_ONE'" /dev/null </dev/null >"$T/tty3.txt" 2>&1
	grep -qF -- "$YELLOW" "$T/tty3.txt" && pass run_color_always_beats_no_color ||
		fail run_color_always_beats_no_color "$(head -c 300 "$T/tty3.txt" | cat -v)"
else
	skip run_default_on_a_terminal_colored "script(1) not installed"
fi

# watch: forced on into a file, and off by default.
for mode in always default; do
	opt=--color=always
	[ $mode = default ] && opt=
	# shellcheck disable=SC2086
	"$PIDTRACE" watch $opt -o "$T/watch-$mode.txt" 2>"$T/watch-$mode.err" &
	WATCH_PID=$!
	for _ in $(seq 1 200); do
		grep -q tracing "$T/watch-$mode.err" 2>/dev/null && break
		sleep 0.05
	done
	sleep 30 &
	victim=$!
	kill -9 $victim
	wait $victim 2>/dev/null
	sleep 0.3
	watch_stop
	line=$(grep -a "^[0-9:.]* *$victim " "$T/watch-$mode.txt")
	if [ $mode = always ]; then
		grep -qF -- "$YELLOW" <<<"$line" && pass watch_color_always_into_a_file ||
			fail watch_color_always_into_a_file "$(echo "$line" | cat -v)"
	else
		[ -n "$line" ] && ! has_esc "$T/watch-$mode.txt" && pass watch_default_into_a_file_no_color ||
			fail watch_default_into_a_file_no_color "$(head -c 300 "$T/watch-$mode.txt" | cat -v)"
	fi
done
