#!/usr/bin/env bash
# Bad input to 'pidtrace watch': one clear line on stderr, exit status 2 for
# a usage error and 1 for a pid that does not exist; no libbpf output.
. "$(dirname "$0")/../lib.sh"
need_root

# check NAME WANT_RC WHAT WANT_TEXT ARGS..: run pidtrace ARGS; the one line
# on stderr must contain WANT_TEXT (WHAT names it in the case name).
check() {
	local name=$1 want_rc=$2 what=$3 want=$4 rc lines
	shift 4
	"$PIDTRACE" "$@" >"$T/out" 2>"$T/err"
	rc=$?
	lines=$(grep -c . "$T/err")
	[ "$rc" = "$want_rc" ] && pass "${name}_exits_${want_rc}" ||
		fail "${name}_exits_${want_rc}" "exit status $rc"
	[ "$lines" = 1 ] && pass "${name}_says_one_line" ||
		fail "${name}_says_one_line" "$lines lines: $(head -c 300 "$T/err" | tr '\n' '|')"
	grep -q "^pidtrace: " "$T/err" && pass "${name}_line_starts_with_pidtrace" ||
		fail "${name}_line_starts_with_pidtrace" "$(head -n1 "$T/err")"
	grep -qF -- "$want" "$T/err" && pass "${name}_names_${what}" ||
		fail "${name}_names_${what}" "no '$want' in: $(head -n1 "$T/err")"
	grep -qi libbpf "$T/err" "$T/out" &&
		fail "${name}_hides_libbpf_output" "$(head -c 300 "$T/err")" ||
		pass "${name}_hides_libbpf_output"
	[ -s "$T/out" ] && fail "${name}_writes_nothing_on_stdout" "$(head -c 200 "$T/out")" ||
		pass "${name}_writes_nothing_on_stdout"
}

check watch_unknown_option 2 the_option --bogus watch --bogus
check watch_missing_pid 1 the_pid 999999999 watch -p 999999999
check watch_bad_signal 2 the_signal SIGNOPE watch -s SIGNOPE
check watch_missing_cgroup 1 the_cgroup /sys/fs/cgroup/unified/no-such-group watch --cgroup /sys/fs/cgroup/unified/no-such-group
check watch_unwritable_output 1 the_file /proc/version/x watch -o /proc/version/x

# Without root (no capabilities at all): one line that says root is needed.
if command -v setpriv >/dev/null; then
	PIDTRACE_NOROOT="setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all"
	# shellcheck disable=SC2086
	$PIDTRACE_NOROOT "$PIDTRACE" watch --duration 1 >"$T/out" 2>"$T/err"
	rc=$?
	[ "$rc" = 1 ] && pass watch_without_root_exits_1 || fail watch_without_root_exits_1 "exit $rc"
	[ "$(grep -c . "$T/err")" = 1 ] && grep -q 'needs root' "$T/err" &&
		pass watch_without_root_says_root_is_needed ||
		fail watch_without_root_says_root_is_needed "$(head -c 300 "$T/err")"
else
	skip watch_without_root "setpriv (util-linux) is not installed"
fi
