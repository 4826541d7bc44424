#!/usr/bin/env bash
# tools/criu-pidfd-dead.sh - a real CRIU restoring zdtm's pidfd_dead under
# `pidtrace run`, the way CRIU's users run it (issue 16, "Real CRIU";
# documented in docs/criu-pidfd-dead.md, not run in CI: CI has no network).
#
# Usage: tools/criu-pidfd-dead.sh CRIU_SRC [--seed]
#   CRIU_SRC  a checkout of checkpoint-restore/criu (criu-dev) built with its
#             own Makefile: `make criu` and `make -C test/zdtm/static pidfd_dead`
#   --seed    also the seed's failure: a copy of CRIU_SRC with the #2490 fix
#             taken out of kill_helper() (no SIGCHLD blocking, and a 2 ms
#             sleep between its kill() and waitpid() to make the race
#             certain), built in $WORK/criu-seed with `make criu`; its
#             restore must fail, and the report must say why
#
# What is checked (PASS/FAIL lines; exit status 1 on any FAIL):
#   - the restore succeeds and the restored test passes its own check;
#   - the helper's SIGKILL is reported with kill_helper() at criu/pidfd.c:LINE,
#     LINE being the kill() call in kill_helper() of that source;
#   - with --seed: "Restoring FAILED", and the report names kill_helper(), its
#     line, the pidfd and CRIU's SIGCHLD handler.
# Needs root. Leaves its work in $WORK (default /tmp/pidtrace-criu).
set -u
cd "$(dirname "$0")/.." || exit 1
SRC=${1:?usage: tools/criu-pidfd-dead.sh CRIU_SRC [--seed]}
SEED=${2:-}
SRC=$(realpath "$SRC")
P=${PIDTRACE:-$PWD/${OUTPUT:-.output}/pidtrace}
WORK=${WORK:-/tmp/pidtrace-criu}
fails=0

pass() { echo "PASS $1"; }
fail() {
	echo "FAIL $1: $2"
	fails=$((fails + 1))
}

[ "$(id -u)" = 0 ] || { echo "tools/criu-pidfd-dead.sh: needs root" >&2; exit 2; }
for f in "$SRC/criu/criu" "$SRC/test/zdtm/static/pidfd_dead" "$P"; do
	[ -x "$f" ] || { echo "tools/criu-pidfd-dead.sh: $f is missing: build it first" >&2; exit 2; }
done
command -v jq >/dev/null || { echo "tools/criu-pidfd-dead.sh: needs jq" >&2; exit 2; }

# kill_line SRC: the line of the kill() call in kill_helper() of SRC/criu/pidfd.c.
kill_line() {
	awk '/^static int kill_helper\(/ { in_f = 1 } in_f && /kill\(pid, SIGKILL\)/ { print NR; exit }' \
		"$1/criu/pidfd.c"
}

# roundtrip NAME CRIU: start pidfd_dead, dump it with CRIU, restore it with
# CRIU under `pidtrace run --json`; the report is $WORK/NAME/run.json, the
# restore's status $WORK/NAME/rc.
roundtrip() {
	local criu=$2 d=$WORK/$1 pid _
	rm -rf "$d" && mkdir -p "$d/img" || return 1
	(cd "$SRC/test/zdtm/static" && ./pidfd_dead --pidfile="$d/pid" --outfile="$d/out") || return 1
	for _ in $(seq 100); do [ -s "$d/pid" ] && break; sleep 0.05; done
	pid=$(cat "$d/pid")
	if ! "$criu" dump -t "$pid" -D "$d/img" -o dump.log -v4; then
		kill -KILL "$pid" 2>/dev/null
		echo "dump failed: see $d/img/dump.log" >&2
		return 1
	fi
	# dump kills the task; its pid must be free again (init reaps it) for the restore.
	for _ in $(seq 100); do [ -e "/proc/$pid" ] || break; sleep 0.05; done
	"$P" run --json -o "$d/run.json" -- "$criu" restore -D "$d/img" -o restore.log -v4 -d \
		>"$d/run.out" 2>"$d/run.err"
	echo $? >"$d/rc"
	# The restored test checks itself at SIGTERM and writes PASS or FAIL.
	if [ "$(cat "$d/rc")" = 0 ] && kill -TERM "$pid" 2>/dev/null; then
		for _ in $(seq 100); do grep -qE 'PASS|FAIL' "$d/out" 2>/dev/null && break; sleep 0.05; done
	fi
	return 0
}

# helper_death NAME: the death record of CRIU's pidfd helper (killed by its creator).
helper_death() {
	jq -c 'select(.event == "death" and .sender_function == "kill_helper")' "$WORK/$1/run.json" |
		head -n1
}

line=$(kill_line "$SRC")
[ -n "$line" ] || { echo "tools/criu-pidfd-dead.sh: no kill() in kill_helper() of $SRC/criu/pidfd.c" >&2; exit 2; }

echo "== $SRC/criu/criu: dump and restore pidfd_dead under pidtrace run"
roundtrip good "$SRC/criu/criu" || fail restore_ran "$(cat "$WORK/good/run.err" 2>/dev/null)"
[ "$(cat "$WORK/good/rc" 2>/dev/null)" = 0 ] && pass restore_succeeds ||
	fail restore_succeeds "status $(cat "$WORK/good/rc" 2>/dev/null); see $WORK/good/img/restore.log"
grep -q PASS "$WORK/good/out" 2>/dev/null && pass restored_test_passes ||
	fail restored_test_passes "$(cat "$WORK/good/out" 2>/dev/null)"
d=$(helper_death good)
[ "$(jq -r .sender_source <<<"${d:-null}")" = "pidfd.c:$line" ] &&
	pass "helper_kill_named_kill_helper_at_pidfd.c:$line" ||
	fail "helper_kill_named_kill_helper_at_pidfd.c:$line" "${d:-no death with sender_function kill_helper}"
echo "   $(jq -r .verdict <<<"${d:-null}")"

if [ "$SEED" = --seed ]; then
	# The seed's failure: the fix of CRIU #2490 taken out again.
	S=$WORK/criu-seed
	echo "== the #2490 fix removed: $S"
	rm -rf "$S" && mkdir -p "$S" && cp -a "$SRC/." "$S/" || exit 1
	python3 - "$S/criu/pidfd.c" <<'EOF' || { echo "tools/criu-pidfd-dead.sh: cannot patch pidfd.c" >&2; exit 2; }
import re, sys
p = sys.argv[1]
s = open(p).read()
start = s.index("static int kill_helper(")
end = s.index("\n}\n", start)
body = s[start:end]
# No SIGCHLD blocking: sigprocmask() calls become no-ops.
body = re.sub(r"sigprocmask\([^;]*\) == -1", "0", body)
# The race made certain: CRIU's SIGCHLD handler runs between kill() and waitpid().
body = body.replace("if (waitpid(pid, &status, 0) != pid) {",
                    "usleep(2000);\n\tif (waitpid(pid, &status, 0) != pid) {", 1)
s = s[:start] + body + s[end:]
if "#include <unistd.h>" not in s:
    s = "#include <unistd.h>\n" + s
open(p, "w").write(s)
EOF
	make -C "$S" -j"$(nproc)" criu >"$WORK/seed-build.log" 2>&1 ||
		{ echo "tools/criu-pidfd-dead.sh: building $S failed: $WORK/seed-build.log" >&2; exit 2; }
	seed_line=$(awk '/^static int kill_helper\(/ { f = 1 } f && /kill\(pid, SIGKILL\)/ { print NR; exit }' \
		"$S/criu/pidfd.c")
	roundtrip seed "$S/criu/criu" || true
	grep -q "Restoring FAILED" "$WORK/seed/img/restore.log" "$WORK/seed/run.err" 2>/dev/null &&
		pass seed_restore_fails || fail seed_restore_fails "see $WORK/seed/img/restore.log"
	d=$(helper_death seed)
	v=$(jq -r .verdict <<<"${d:-null}")
	[ "$(jq -r .sender_source <<<"${d:-null}")" = "pidfd.c:$seed_line" ] &&
		pass "seed_helper_kill_named_kill_helper_at_pidfd.c:$seed_line" ||
		fail "seed_helper_kill_named_kill_helper_at_pidfd.c:$seed_line" "${d:-no such death}"
	[[ $v == *"pidfd"* ]] && pass seed_verdict_names_the_pidfd || fail seed_verdict_names_the_pidfd "$v"
	[[ $v == *"SIGCHLD handler"* ]] && pass seed_verdict_names_the_sigchld_handler ||
		fail seed_verdict_names_the_sigchld_handler "$v"
	echo "   $v"
fi
[ "$fails" = 0 ]
