#!/usr/bin/env bash
# tools/criu-pidfd-dead.sh - a real CRIU restore of zdtm's pidfd_dead,
# explained by `pidtrace run` (issue 16, "Real CRIU, as its users run it").
# Documented with its real output in docs/criu.md; not run in CI (CI has
# no network to fetch CRIU).
#
# Usage: tools/criu-pidfd-dead.sh CRIU_TREE [RACY_CRIU_TREE]
#
# Both arguments are CRIU source trees that are ALREADY BUILT; this script
# builds nothing and patches nothing.
#
#   CRIU_TREE       checkpoint-restore/criu (criu-dev), built with its own
#                   Makefile:
#                     git clone -b criu-dev https://github.com/checkpoint-restore/criu
#                     make -C criu criu && make -C criu/test/zdtm/static pidfd_dead
#   RACY_CRIU_TREE  a copy of CRIU_TREE with the fix of CRIU #2490 taken
#                   out by hand, then `make criu` in the copy:
#                     cp -a criu criu-racy
#                   and in criu-racy/criu/pidfd.c, function kill_helper():
#                   delete the sigprocmask(SIG_BLOCK, SIGCHLD) block before
#                   the kill() and the sigprocmask(SIG_SETMASK) after the
#                   waitpid() (with the now unused sigset_t variables), put
#                   `usleep(2000);` between the kill() and the waitpid() (so
#                   CRIU's SIGCHLD handler always wins the race), add
#                   `#include <unistd.h>`; then `make -C criu-racy criu`.
#
# For each tree it does what zdtm.py does for one test in the host flavour
# (as root: root here has no CAP_SYS_RESOURCE to prlimit a test running as
# zdtm's uid 18943): `make -C test/zdtm/static pidfd_dead.pid` starts the
# test; `criu dump --tree PID` with zdtm's options; wait until the pid is
# gone and remove the pidfile; `criu restore --restore-detached` with
# zdtm's options, under `pidtrace run --json -o report.json`; then SIGTERM
# and the test's own PASS in pidfd_dead.out. The same round trip runs a
# second time under plain `pidtrace run -o report.txt`, for the human report.
#
# Checked, one PASS/FAIL line each (exit status 1 when one fails):
#   CRIU_TREE: the restore succeeds and the test passes; CRIU's helpers
#   (children of the restored task killed by SIGKILL: pidfd_dead holds two
#   dead processes, so two helpers) are each explained: sender is CRIU's
#   restoring task (their creator), class kill-syscall via kill(2),
#   pattern dead-pidfd-helper, both pidfds it opened on the helper (a pair
#   per dead process), CRIU's SIGCHLD handler, reaped by CRIU, and a user
#   stack naming kill_helper at pidfd.c:LINE, LINE being the kill() call in
#   kill_helper() of that tree's criu/pidfd.c.
#   RACY_CRIU_TREE: the restore fails with "NNN killed by signal 9" and
#   "Restoring FAILED"; NNN is a helper of the report; its record names
#   kill_helper at pidfd.c:LINE (the racy tree's line), the pidfd and
#   CRIU's SIGCHLD handler.
#
# Environment: PIDTRACE (default .output/pidtrace of this tree), WORK
# (default a new /tmp/pidtrace-criu.XXXXXX; images, logs and reports stay
# there). Needs root and jq.
set -u
cd "$(dirname "$0")/.." || exit 2
me=tools/criu-pidfd-dead.sh
[ $# -ge 1 ] && [ $# -le 2 ] || { echo "usage: $me CRIU_TREE [RACY_CRIU_TREE]" >&2; exit 2; }
P=${PIDTRACE:-$PWD/.output/pidtrace}
[ "$(id -u)" = 0 ] || { echo "$me: needs root" >&2; exit 2; }
command -v jq >/dev/null || { echo "$me: needs jq" >&2; exit 2; }
[ -x "$P" ] || { echo "$me: $P is missing: run make first (or set PIDTRACE)" >&2; exit 2; }
WORK=${WORK:-$(mktemp -d /tmp/pidtrace-criu.XXXXXX)}
mkdir -p "$WORK" || exit 2
fails=0

pass() { echo "PASS $1"; }
fail() {
	echo "FAIL $1: $2"
	fails=$((fails + 1))
}
# check NAME JQ_FILTER FILE [jq args..]: PASS when the filter is true on FILE.
check() {
	local name=$1 filter=$2 file=$3
	shift 3
	if jq -e "$@" "$filter" "$file" >/dev/null 2>&1; then
		pass "$name"
	else
		fail "$name" "$(jq -c "$@" '[.[] | {victim: .victim.pid, cause, pattern,
			sender: .sender.pid, sender_function, sender_source,
			parent_sigchld: .lineage.parent_sigchld,
			pidfds: (.lineage.pidfds | length)}]' "$file" 2>/dev/null | head -c 600)"
	fi
}

tree_ok() {
	local t
	for t in "$1/criu/criu" "$1/test/zdtm/static/pidfd_dead"; do
		[ -x "$t" ] || { echo "$me: $t is missing: build $1 first (see the header)" >&2; exit 2; }
	done
}

# kill_line TREE: the line of the kill() call in kill_helper() of TREE/criu/pidfd.c.
kill_line() {
	awk '/^static int kill_helper\(/ { f = 1 } f && /^}/ { exit }
	     f && /[^_a-z]kill\(/ { print NR; exit }' "$1/criu/pidfd.c"
}

# wait_gone PID: zdtm's gone(): the dumped (or stopped) test must be reaped
# (PID 1 here reaps orphans only every 1-2 s) before its pid is free again.
wait_gone() {
	local _
	for _ in $(seq 200); do
		[ -e "/proc/$1" ] || return 0
		sleep 0.05
	done
	echo "$me: pid $1 still exists after 10 s" >&2
	return 1
}

# roundtrip TREE DIR MODE: start pidfd_dead from TREE, dump it, restore it
# under `pidtrace run` (MODE json or plain). Leaves in DIR: pid, rc (the
# restore's status as pidtrace run passes it on), report.json or
# report.txt, img/{dump,restore}.log, out (the test's verdict).
roundtrip() {
	local tree=$1 d=$2 mode=$3 st=$1/test/zdtm/static pidf pid rc
	local criu=$1/criu/criu
	pidf=$(realpath "$st")/pidfd_dead.pid
	rm -rf "$d" && mkdir -p "$d/img" || return 1
	rm -f "$pidf" "$st/pidfd_dead.out" "$st/pidfd_dead.out.inprogress"
	(cd "$tree/test" && make --no-print-directory -C zdtm/static pidfd_dead.pid) \
		>"$d/start.log" 2>&1 || { echo "$me: cannot start pidfd_dead: $d/start.log" >&2; return 1; }
	pid=$(cat "$pidf")
	echo "$pid" >"$d/pid"
	if ! "$criu" dump --no-default-config --log-file dump.log --images-dir "$d/img" \
		--verbosity=4 --tree "$pid" --pidfile "$pidf" --timeout 10; then
		echo "$me: dump failed: $d/img/dump.log" >&2
		kill -KILL "$pid" 2>/dev/null
		return 1
	fi
	wait_gone "$pid" || return 1
	rm -f "$pidf"
	local out=(-o "$d/report.txt")
	[ "$mode" = json ] && out=(--json -o "$d/report.json")
	"$P" run "${out[@]}" -- "$criu" restore --no-default-config --log-file restore.log \
		--images-dir "$d/img" --verbosity=4 --pidfile "$pidf" --restore-detached \
		>"$d/run.out" 2>"$d/run.err"
	rc=$?
	echo "$rc" >"$d/rc"
	if [ "$rc" = 0 ]; then
		# zdtm's stop(): SIGTERM, the test checks itself and writes PASS.
		kill -TERM "$pid" 2>/dev/null
		wait_gone "$pid"
		cat "$st/pidfd_dead.out" >"$d/out" 2>/dev/null
	elif [ -e "/proc/$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = pidfd_dead ]; then
		# CRIU kills what it restored when it fails; never leave ours.
		kill -KILL "$pid" 2>/dev/null
		wait_gone "$pid"
	fi
	return 0
}

# helpers DIR: CRIU's pidfd helpers of the JSON report as one array: the
# deaths by SIGKILL whose victim was a child of the restored task (CRIU
# forks them from the task it is turning into the test), found without
# looking at what is checked.
helpers() {
	jq -s --argjson p "$(cat "$1/pid")" \
		'[.[] | select(.event == "death" and .signo == 9 and .victim.ppid == $p)]' \
		"$1/report.json" >"$1/helpers.json"
}

# show_plain DIR: the plain report, indented.
show_plain() {
	echo "   plain report ($1/report.txt):"
	sed 's/^/   | /' "$1/report.txt"
}

tree_ok "$1"
[ $# = 2 ] && tree_ok "$2"
GOOD=$(realpath "$1")
line=$(kill_line "$GOOD")
[ -n "$line" ] || { echo "$me: no kill() in kill_helper() of $GOOD/criu/pidfd.c" >&2; exit 2; }

echo "== $GOOD/criu/criu (kill() of kill_helper() at pidfd.c:$line); work in $WORK"
d=$WORK/good
if roundtrip "$GOOD" "$d" json; then
	p=$(cat "$d/pid")
	[ "$(cat "$d/rc")" = 0 ] && pass restore_succeeds ||
		fail restore_succeeds "status $(cat "$d/rc"); $d/img/restore.log: $(grep -m1 Error "$d/img/restore.log")"
	grep -qw PASS "$d/out" 2>/dev/null && pass restored_test_passes ||
		fail restored_test_passes "$(cat "$d/out" 2>/dev/null)"
	helpers "$d"
	check helpers_sigkill_reported_2 'length == 2' "$d/helpers.json"
	check helpers_explained 'length > 0 and all(.[]; .cause != "unknown" and
		.unknown == [] and (.verdict | length) > 0)' "$d/helpers.json"
	check sender_is_criu_the_creator 'length > 0 and all(.[]; .sender.pid == $p and
		.sender.comm == "criu" and .lineage.created_by.pid == $p)' "$d/helpers.json" --argjson p "$p"
	check class_kill_syscall 'length > 0 and all(.[]; .cause == "kill-syscall" and
		.syscall == "kill" and .si_code == "SI_USER")' "$d/helpers.json"
	check pattern_dead_pidfd_helper 'length > 0 and all(.[]; .pattern == "dead-pidfd-helper")' \
		"$d/helpers.json"
	check both_pidfds 'length > 0 and all(.[]; (.lineage.pidfds | length) == 2 and
		all(.lineage.pidfds[]; .opener.pid == $p and .via == "pidfd_open"))' \
		"$d/helpers.json" --argjson p "$p"
	check criu_sigchld_handler 'length > 0 and all(.[]; .lineage.parent_sigchld == "handler")' \
		"$d/helpers.json"
	check reaped_by_criu 'length > 0 and all(.[]; .lineage.reaped_by.pid == $p)' \
		"$d/helpers.json" --argjson p "$p"
	check "user_stack_kill_helper_at_pidfd.c:$line" 'length > 0 and all(.[];
		.sender_function == "kill_helper" and .sender_source == "pidfd.c:\($l)" and
		any(.user_stack[]; test("^kill_helper\\+0x[0-9a-f]+ \\(pidfd\\.c:\($l)\\) \\[criu\\]$")))' \
		"$d/helpers.json" --arg l "$line"
	jq -r '.[] | "   verdict: " + .verdict' "$d/helpers.json"
else
	fail restore_ran "see $d"
fi
if roundtrip "$GOOD" "$WORK/good-plain" plain; then
	show_plain "$WORK/good-plain"
else
	fail plain_restore_ran "see $WORK/good-plain"
fi

if [ $# = 2 ]; then
	RACY=$(realpath "$2")
	rline=$(kill_line "$RACY")
	[ -n "$rline" ] || { echo "$me: no kill() in kill_helper() of $RACY/criu/pidfd.c" >&2; exit 2; }
	echo "== $RACY/criu/criu, #2490 fix removed (kill() at pidfd.c:$rline)"
	# Without its sigprocmask() calls kill_helper() is small enough for
	# gcc -O2 to inline: then only the debug info's inlined-subroutine
	# entries can name it.
	nm "$RACY/criu/criu" 2>/dev/null | grep -qw kill_helper ||
		echo "   note: $RACY/criu/criu has no kill_helper symbol (inlined)"
	d=$WORK/racy
	if roundtrip "$RACY" "$d" json; then
		p=$(cat "$d/pid")
		killed=$(sed -n 's/.*Error ([^)]*): \([0-9][0-9]*\) killed by signal 9.*/\1/p' \
			"$d/img/restore.log" | head -n1)
		[ "$(cat "$d/rc")" != 0 ] && [ -n "$killed" ] &&
			grep -q "Restoring FAILED" "$d/img/restore.log" &&
			pass "restore_fails_${killed:-NNN}_killed_by_signal_9" ||
			fail restore_fails_killed_by_signal_9 "status $(cat "$d/rc"); $d/img/restore.log"
		grep -E "killed by signal 9|Restoring FAILED" "$d/img/restore.log" | sed 's/^/   log: /'
		helpers "$d"
		check the_killed_pid_is_a_helper 'any(.[]; .victim.pid == $k and
			.pattern == "dead-pidfd-helper")' "$d/helpers.json" --argjson k "${killed:-0}"
		jq --argjson k "${killed:-0}" '[.[] | select(.victim.pid == $k)]' "$d/helpers.json" \
			>"$d/killed.json"
		check sender_is_criu_kill_syscall 'length == 1 and all(.[]; .sender.pid == $p and
			.cause == "kill-syscall")' "$d/killed.json" --argjson p "$p"
		check "names_kill_helper_at_pidfd.c:$rline" 'length == 1 and all(.[];
			.sender_function == "kill_helper" and .sender_source == "pidfd.c:\($l)" and
			(.verdict | contains("kill_helper() at pidfd.c:\($l)")))' "$d/killed.json" --arg l "$rline"
		check names_the_pidfd 'length == 1 and all(.[]; (.lineage.pidfds | length) > 0 and
			(.verdict | contains("pidfd")))' "$d/killed.json"
		check names_criu_sigchld_handler 'length == 1 and all(.[];
			.lineage.parent_sigchld == "handler" and (.verdict | contains("SIGCHLD handler")))' \
			"$d/killed.json"
		jq -r '.[] | "   verdict: " + .verdict' "$d/killed.json"
	else
		fail racy_restore_ran "see $d"
	fi
	if roundtrip "$RACY" "$WORK/racy-plain" plain; then
		show_plain "$WORK/racy-plain"
	else
		fail racy_plain_restore_ran "see $WORK/racy-plain"
	fi
fi
echo "work: $WORK"
[ "$fails" = 0 ]
