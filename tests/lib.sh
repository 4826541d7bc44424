# tests/lib.sh - shared helpers for root tests (sourced).
# A root test prints PASS/FAIL/SKIP lines (see tests/run.sh) and cleans up
# after itself: it kills only the pids it created.
set -u
: "${PIDTRACE:?run through tests/run.sh}"
T=$(mktemp -d /tmp/pidtrace-t.XXXXXX)
WATCH_PID=
cleanup_hooks=()
on_exit() {
	local h
	for h in "${cleanup_hooks[@]}"; do eval "$h" || true; done
	[ -n "$WATCH_PID" ] && kill -INT "$WATCH_PID" 2>/dev/null && wait "$WATCH_PID" 2>/dev/null
	rm -rf "$T"
}
trap on_exit EXIT
at_exit() { cleanup_hooks+=("$1"); }

# cgroup_remove DIR...: kill what is in each cgroup DIR (one this test
# made, so its processes are ours: tests/run.sh does not see processes
# moved out of the test's own group) and remove it. Deepest groups first.
cgroup_remove() {
	local d p i
	for d in "$@"; do
		[ -d "$d" ] || continue
		for i in $(seq 1 100); do
			[ -n "$(cat "$d/cgroup.procs" 2>/dev/null)" ] || break
			if [ -e "$d/cgroup.kill" ]; then
				echo 1 >"$d/cgroup.kill"
			else
				for p in $(cat "$d/cgroup.procs"); do kill -9 "$p"; done
			fi 2>/dev/null
			sleep 0.05
		done
		# Busy for a moment after its last task was reaped.
		for i in $(seq 1 100); do
			rmdir "$d" 2>/dev/null || [ ! -d "$d" ] && break
			sleep 0.05
		done
	done
	return 0
}

# in_our_cgroup PID: PID is in this test's cgroup v2 group (tests/run.sh
# gives each test one). A pid that ended a while ago may belong to another
# test by now (pid_max is 32768 on the project machines: under several
# suites the numbers come round within a minute): a kill of a pid that may
# be gone is sent only to one of ours. Unisolated, every process passes.
TEST_CGROUP=$(sed -n 's/^0:://p' /proc/self/cgroup)
in_our_cgroup() { [ "$(sed -n 's/^0:://p' "/proc/$1/cgroup" 2>/dev/null)" = "$TEST_CGROUP" ]; }
# kill_ours SIG PID...: kill -SIG each PID that is still one of ours.
kill_ours() {
	local sig=$1 p
	shift
	for p in "$@"; do in_our_cgroup "$p" && kill "-$sig" "$p" 2>/dev/null; done
	return 0
}

# pgrep_ours NAME: the pids named NAME in this test's cgroup, not those
# of another suite running beside it (a count by name alone failed a
# test when a second suite ran the same program).
pgrep_ours() {
	local p
	for p in $(pgrep -x "$1"); do in_our_cgroup "$p" && echo "$p"; done
	return 0
}

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; }
skip() { echo "SKIP $1: $2"; }
# same NAME GOT WANT: PASS when GOT is WANT.
same() { if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "got '$2', expected '$3'"; fi; }

need_root() {
	[ "$(id -u)" = 0 ] || { echo "needs root"; exit 77; }
}

# watch_start ARGS...: start 'pidtrace watch --json -o $T/watch.json ARGS'
# and wait until it says it is tracing.
watch_start() {
	# A previous tracer's "tracing" line must not be mistaken for this one's.
	rm -f "$T/watch.err" "$T/watch.json"
	"$PIDTRACE" watch --json -o "$T/watch.json" "$@" 2>"$T/watch.err" &
	WATCH_PID=$!
	local i
	for i in $(seq 1 200); do
		grep -q 'tracing' "$T/watch.err" 2>/dev/null && return 0
		kill -0 "$WATCH_PID" 2>/dev/null || break
		sleep 0.05
	done
	echo "watch did not start:" >&2
	cat "$T/watch.err" >&2
	return 1
}

# watch_stop: Ctrl-C the tracer and wait for its summary.
watch_stop() {
	[ -n "$WATCH_PID" ] || return 0
	kill -INT "$WATCH_PID"
	wait "$WATCH_PID"
	local rc=$?
	WATCH_PID=
	return $rc
}

# wait_comm PID COMM: until PID has exec'd COMM (10 s at most, a safety
# net). A kill sent a fixed while after `prog &` may come before the exec
# on a loaded machine and hit the forked shell, whose name a comm filter
# (-c) does not match.
wait_comm() {
	local i
	for i in $(seq 1 500); do
		[ "$(cat "/proc/$1/comm" 2>/dev/null)" = "$2" ] && return 0
		sleep 0.02
	done
	return 1
}

# death_of PID [TID]: the JSON death record(s) whose victim is PID.
death_of() {
	jq -c --argjson p "$1" 'select(.event == "death" and .victim.pid == $p)' "$T/watch.json"
}

# jfield JSON FILTER: one field of a JSON object.
jfield() { printf '%s\n' "$1" | jq -r "$2"; }

# expect NAME JSON FILTER VALUE: PASS when the field equals VALUE.
expect() {
	local got
	got=$(jfield "$2" "$3")
	if [ "$got" = "$4" ]; then pass "$1"; else fail "$1" "$3 is '$got', expected '$4'"; fi
}

# Damaged copies of an image and show's refusal of them.
. "$(dirname "${BASH_SOURCE[0]}")/image_lib.sh"
