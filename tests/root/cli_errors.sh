#!/usr/bin/env bash
# Bad command lines, for every command: one line on stderr, "pidtrace: CMD:
# <what>", nothing on stdout, exit status 2; the line names the offending
# word as the user typed it (a long option, a letter inside a cluster, an
# option that takes no argument). Needs no root: nothing gets as far as
# loading BPF or touching a process.
. "$(dirname "$0")/../lib.sh"

# check NAME "EXPECTED LINE" ARGS...
check() {
	local name=$1 want=$2 rc lines
	shift 2
	"$PIDTRACE" "$@" >"$T/out" 2>"$T/err" </dev/null
	rc=$?
	lines=$(wc -l <"$T/err")
	if [ "$rc" = 2 ] && [ "$lines" = 1 ] && [ ! -s "$T/out" ] && [ "$(cat "$T/err")" = "$want" ]; then
		pass "$name"
	else
		fail "$name" "rc $rc, $lines lines on stderr, stdout $(wc -c <"$T/out") bytes: $(head -c 300 "$T/err")"
	fi
}

for c in watch run dump show restore; do
	check "${c}_unknown_long_option" "pidtrace: $c: unknown option '--bogus' (see pidtrace $c --help)" $c --bogus
	check "${c}_unknown_short_option" "pidtrace: $c: unknown option '-z' (see pidtrace $c --help)" $c -z
done
for c in watch run; do
	check "${c}_option_missing_its_argument" "pidtrace: $c: option '--timeline' needs an argument (see pidtrace $c --help)" $c --timeline
	check "${c}_short_option_missing_its_argument" "pidtrace: $c: option '-o' needs an argument (see pidtrace $c --help)" $c -o
	check "${c}_bad_color" "pidtrace: $c: --color: 'blue' is not auto, always or never" $c --color=blue
	check "${c}_flag_given_an_argument" "pidtrace: $c: option '--json' takes no argument (see pidtrace $c --help)" $c --json=yes
done
for c in dump show restore; do
	check "${c}_option_missing_its_argument" "pidtrace: $c: option '--images-dir' needs an argument (see pidtrace $c --help)" $c --images-dir
	check "${c}_short_option_missing_its_argument" "pidtrace: $c: option '-D' needs an argument (see pidtrace $c --help)" $c -D
	check "${c}_flag_given_an_argument" "pidtrace: $c: option '--json' takes no argument (see pidtrace $c --help)" $c --json=1
done
check watch_stray_argument "pidtrace: watch: unexpected argument 'extra' (see pidtrace watch --help)" watch extra
check show_stray_argument "pidtrace: show: unexpected argument 'extra' (see pidtrace show --help)" show extra
check dump_stray_argument "pidtrace: dump: unexpected argument 'extra' (see pidtrace dump --help)" dump -t 1 extra
check dump_needs_a_tree "pidtrace: dump: -t PID is required (see pidtrace dump --help)" dump
check dump_tree_not_a_pid "pidtrace: dump: -t: '12x' is not a pid" dump -t 12x
check dump_tree_empty "pidtrace: dump: -t: '' is not a pid" dump -t ''
check run_needs_a_command "pidtrace: run: no command to run (pidtrace run [OPTIONS] -- CMD [ARG..])" run
