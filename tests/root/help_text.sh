#!/usr/bin/env bash
# `pidtrace --help`, `pidtrace help CMD` and `pidtrace CMD --help`: usage on
# stdout, exit 0; the global help lists every command with examples; no
# command or an unknown one is a usage error (2) in one line. Every long
# option a command's --help lists is in its man page (the docs keep up
# with the code). Needs no root.
. "$(dirname "$0")/../lib.sh"
cmds="watch run dump show restore"

"$PIDTRACE" --help >"$T/help" 2>"$T/err"
rc=$?
[ $rc = 0 ] && [ ! -s "$T/err" ] && pass global_help_exits_0 || fail global_help_exits_0 "rc $rc"
missing=
for c in $cmds; do
	grep -qE "^  $c +[a-z]" "$T/help" || missing="$missing $c"
done
[ -z "$missing" ] && pass global_help_lists_every_command || fail global_help_lists_every_command "missing:$missing"
grep -q '^Examples:' "$T/help" && [ "$(grep -c '^  pidtrace ' "$T/help")" -ge 4 ] &&
	pass global_help_has_examples || fail global_help_has_examples "$(cat "$T/help")"
long=$(awk 'length > 80' "$T/help")
[ -z "$long" ] && pass global_help_fits_80_columns || fail global_help_fits_80_columns "$long"
"$PIDTRACE" --version | grep -qE '^pidtrace [0-9]+\.[0-9]+' && pass version || fail version "$("$PIDTRACE" --version)"

for c in $cmds; do
	"$PIDTRACE" "$c" --help >"$T/$c.help" 2>"$T/err"
	rc=$?
	[ $rc = 0 ] && grep -q "^Usage: pidtrace $c" "$T/$c.help" && [ ! -s "$T/err" ] &&
		pass "${c}_help_exits_0_with_usage" || fail "${c}_help_exits_0_with_usage" "rc $rc: $(head -n1 "$T/$c.help")"
	"$PIDTRACE" help "$c" >"$T/$c.help2" 2>&1
	cmp -s "$T/$c.help" "$T/$c.help2" && pass "help_${c}_is_${c}_help" || fail "help_${c}_is_${c}_help" "differs"
	# Every option of the help is in the man page source (before "Not
	# supported yet", which the page mentions separately).
	opts=$(sed '/Not supported yet/,$d' "$T/$c.help" | grep -o -- '--[a-z][a-z-]*' | sort -u)
	missing=
	for o in $opts; do
		grep -q -- "\*$o\*" "$TOP/docs/man/pidtrace-$c.8.scd" || missing="$missing $o"
	done
	[ -n "$opts" ] && [ -z "$missing" ] && pass "${c}_man_page_has_every_option" ||
		fail "${c}_man_page_has_every_option" "missing in docs/man/pidtrace-$c.8.scd:$missing"
done
grep -q '^Examples:' "$T/watch.help" && grep -q '^Examples:' "$T/run.help" &&
	pass watch_and_run_help_have_examples || fail watch_and_run_help_have_examples "no Examples:"

"$PIDTRACE" >"$T/out" 2>"$T/err"
[ $? = 2 ] && [ ! -s "$T/out" ] && pass no_command_is_usage_error || fail no_command_is_usage_error "stdout: $(head -c 100 "$T/out")"
"$PIDTRACE" frobnicate >"$T/out" 2>"$T/err"
rc=$?
[ $rc = 2 ] && [ "$(grep -c . "$T/err")" = 1 ] && grep -q "^pidtrace: unknown command 'frobnicate'" "$T/err" &&
	pass unknown_command_one_line_exit_2 || fail unknown_command_one_line_exit_2 "rc $rc: $(cat "$T/err")"
"$PIDTRACE" help frobnicate >"$T/out" 2>"$T/err"
[ $? = 2 ] && pass help_unknown_command_exit_2 || fail help_unknown_command_exit_2 "$(cat "$T/err")"
"$PIDTRACE" watch --color=sometimes >"$T/out" 2>"$T/err"
rc=$?
[ $rc = 2 ] && [ "$(grep -c . "$T/err")" = 1 ] && grep -q "^pidtrace: watch: --color: 'sometimes'" "$T/err" &&
	pass bad_color_value_one_line_exit_2 || fail bad_color_value_one_line_exit_2 "rc $rc: $(cat "$T/err")"
