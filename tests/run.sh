#!/usr/bin/env bash
# Test runner: unit tests (no root needed), then root tests.
#
# A test is an executable: .output/tests/unit/test_* or tests/root/*.sh.
# It reports cases as lines "PASS name", "FAIL name: why", "SKIP name: why"
# on stdout. A test that prints no such line counts as one case, judged by
# its exit status: 0 pass, 77 skip, anything else fail. A test that exits
# non-zero without having printed a FAIL line adds one failure.
# Ends with the line "N passed, N failed, N skipped".
# TEST_JOBS=N runs N tests at a time (default: the CPUs, at most 4); a
# test with a line "# test: serial" runs alone.
#
# Isolation (see tests/README.md): each test runs in a cgroup v2 group of
# its own. Whatever is still in it once the test has exited (or was timed
# out) was left behind: one more failure, "left N processes behind", and
# the harness kills it (cgroup.kill) so that it cannot disturb later tests.
set -u
cd "$(dirname "$0")/.." || exit 99
OUTPUT=${OUTPUT:-.output}
# Tests run ip, iptables-legacy, nft, tc: in the sbin directories, which a
# minimal PATH leaves out (env -i, cron, a service: cr_netns_made.sh then
# skipped cases, "nsenter: failed to execute nft").
case ":$PATH:" in
*:/usr/sbin:*) ;;
*) PATH=$PATH:/usr/local/sbin:/usr/sbin:/sbin ;;
esac
export PATH
export OUTPUT PIDTRACE="$PWD/$OUTPUT/pidtrace" PROGS="$PWD/$OUTPUT/tests/progs" TOP="$PWD"
filters=("$@") # a test runs when its path holds one of them (none: every test)
timeout_s=${TEST_TIMEOUT:-300}
# How long a test's processes get to finish exiting after the test itself
# did (a kill it sent without waiting), before they count as left behind.
grace_s=${TEST_GRACE:-2}
passed=0 failed=0 skipped=0
failed_names=()
declare -A running=() # tests running in parallel: subshell pid -> test
logdir=$(mktemp -d /tmp/pidtrace-tests.XXXXXX)

# ---- cgroups ---------------------------------------------------------------
# cg_parent: this run's group (pidtrace-tests.PID under the runner's own
# cgroup v2 group); cg_test: the running test's group, a child of it.
# Both empty when there is no cgroup v2 to use (not root): no isolation.
cg_own_mnt='' cg_parent='' cg_test='' cg_note=''

cg_setup() {
	local mnt own
	[ "$(id -u)" = 0 ] || { cg_note="not root"; return 1; }
	mnt=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/self/mounts)
	if [ -z "$mnt" ]; then
		mkdir -p /run/pidtrace-tests && mnt=$(mktemp -d /run/pidtrace-tests/cg.XXXXXX) ||
			{ cg_note="no cgroup2 and no /run"; return 1; }
		if ! mount -t cgroup2 none "$mnt" 2>/dev/null; then
			rmdir "$mnt"
			cg_note="no cgroup2 mounted and mounting one failed"
			return 1
		fi
		cg_own_mnt=$mnt
	fi
	# Under our own group, not the root: a nested or delegated runner
	# stays inside what it was given.
	own=$(sed -n 's/^0:://p' /proc/self/cgroup)
	[ "$own" = / ] && own=
	cg_parent=$mnt$own/pidtrace-tests.$$
	if ! mkdir "$cg_parent" 2>/dev/null; then
		cg_note="cannot create $cg_parent"
		cg_parent=''
		cg_teardown
		return 1
	fi
	return 0
}

# cg_procs DIR: the pids in DIR and in the groups below it, one a line.
cg_procs() {
	find "$1" -name cgroup.procs -exec cat {} + 2>/dev/null
}

# cg_populated DIR: true while a process is in DIR or below.
cg_populated() {
	grep -qx 'populated 1' "$1/cgroup.events" 2>/dev/null
}

# cg_wait_empty DIR TENTHS: poll until DIR is empty, at most TENTHS/10 s.
cg_wait_empty() {
	local i
	for ((i = 0; i < $2; i++)); do
		cg_populated "$1" || return 0
		sleep 0.1
	done
	! cg_populated "$1"
}

# cg_kill DIR: SIGKILL everything in DIR and below (cgroup.kill is
# recursive; without it, one pid at a time), wait until it is empty.
cg_kill() {
	local p i
	for i in 1 2 3; do
		cg_populated "$1" || return 0
		if [ -e "$1/cgroup.kill" ]; then
			echo 1 >"$1/cgroup.kill" 2>/dev/null
		else
			for p in $(cg_procs "$1"); do kill -9 "$p" 2>/dev/null; done
		fi
		cg_wait_empty "$1" 100 && return 0
	done
	return 1
}

# cg_rmdir DIR: remove DIR and the (empty) groups a test made below it.
cg_rmdir() {
	[ -d "$1" ] || return 0
	find "$1" -depth -mindepth 1 -type d -exec rmdir {} + 2>/dev/null
	rmdir "$1" 2>/dev/null
}

cg_teardown() {
	if [ -n "$cg_test" ]; then
		cg_kill "$cg_test"
		cg_rmdir "$cg_test"
		cg_test=''
	fi
	if [ -n "$cg_parent" ]; then
		cg_kill "$cg_parent"
		cg_rmdir "$cg_parent" || echo "note: could not remove $cg_parent" >&2
		cg_parent=''
	fi
	if [ -n "$cg_own_mnt" ]; then
		umount "$cg_own_mnt" && rmdir "$cg_own_mnt"
		rmdir /run/pidtrace-tests 2>/dev/null
		cg_own_mnt=''
	fi
}

# describe PID: "PID COMM" while PID lives.
describe() {
	local c
	c=$(cat "/proc/$1/comm" 2>/dev/null) || return 1
	printf '%s %s' "$1" "$c"
}

# leftovers NAME LOG: after the test: FAIL when its group still holds
# processes (after a short grace), then kill them and remove the group.
# Processes a test moved into other cgroups are not seen here: those tests
# (watch_cgroup_*, watch_oom) kill and remove their groups themselves.
leftovers() {
	local name=$1 log=$2 p d list='' n=0 i
	[ -n "$cg_test" ] || return 0
	cg_wait_empty "$cg_test" $((grace_s * 10))
	for p in $(cg_procs "$cg_test"); do
		d=$(describe "$p") || continue
		list+="${list:+, }$d"
		n=$((n + 1))
		# The whole picture goes to the test's log: parent, state, command.
		{
			printf 'harness: left behind: %s ppid %s state %s cgroup %s: ' "$d" \
				"$(awk '/^PPid:/ { print $2 }' "/proc/$p/status" 2>/dev/null)" \
				"$(awk '/^State:/ { print $2 }' "/proc/$p/status" 2>/dev/null)" \
				"$(sed -n 's/^0:://p' "/proc/$p/cgroup" 2>/dev/null)"
			tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null
			echo
		} >>"$log"
	done
	if [ "$n" -gt 0 ]; then
		echo "  [$name] FAIL ${name##*/}: left $n processes behind: $list"
		leftover_fail=1
	fi
	if ! cg_kill "$cg_test"; then
		echo "  [$name] FAIL ${name##*/}: could not kill what it left behind: $(cg_procs "$cg_test" | tr '\n' ' ')"
		leftover_fail=1
		# Keep the group: removing it is impossible while it is populated.
		cg_test=''
		return
	fi
	for i in 1 2 3 4 5; do
		cg_rmdir "$cg_test" && break
		sleep 0.2
	done
	cg_test=''
}

on_signal() {
	trap - INT TERM HUP
	# stderr is /dev/null while we wait for a test (see run_one): fd 3.
	echo "interrupted: killing the running test" >&3
	[ -n "${tpid:-}" ] && kill -TERM "$tpid" 2>/dev/null
	# Tests running in parallel: their subshells first, then every group.
	[ ${#running[@]} -gt 0 ] && kill -TERM "${!running[@]}" 2>/dev/null
	cg_teardown 2>&3
	echo "logs: $logdir"
	exit 130
}

# Tests start with stdin, stdout and stderr only: a descriptor inherited
# from whatever started the runner (a pipe whose other end is held
# outside) would make every dump of a test's tree refuse it, rightly.
for fd in /proc/$$/fd/*; do
	fd=${fd##*/}
	[ "$fd" -gt 2 ] && [ "$fd" != 255 ] && eval "exec $fd>&-"
done 2>/dev/null
exec 3>&2
if cg_setup; then
	trap cg_teardown EXIT
	trap on_signal INT TERM HUP
else
	echo "note: tests are not isolated in cgroups ($cg_note)"
fi

# ---- running -----------------------------------------------------------------

# run_one TEST: run it in its cgroup, print its PASS/FAIL/SKIP lines (and
# its log's tail when it failed), and leave "npass nfail nskip" in
# $logdir/NAME.counts. Runs in a subshell of its own when tests run in
# parallel, so everything it sets is its own.
run_one() {
	local t=$1 name log rc npass nfail nskip start
	name=${t#./}
	log="$logdir/$(echo "$name" | tr '/' '_').log"
	leftover_fail=0
	if [ -n "$cg_parent" ]; then
		cg_test=$cg_parent/${name##*/}
		mkdir "$cg_test" || { echo "  [$name] FAIL: cannot create $cg_test"; cg_test=''; }
	fi
	# The test enters its group before exec: everything it starts is born
	# inside. timeout itself stays out, so that it outlives a group kill.
	# $sig_default: no signal ignored or blocked by whoever started us.
	if [ -n "$cg_test" ]; then
		timeout -k 10 "$timeout_s" sh -c 'echo $$ >"$1/cgroup.procs" && shift && exec "$@"' \
			sh "$cg_test" $sig_default "$t" >"$log" 2>&1 </dev/null 3>&- &
	else
		timeout -k 10 "$timeout_s" $sig_default "$t" >"$log" 2>&1 </dev/null 3>&- &
	fi
	tpid=$!
	start=$SECONDS
	# wait returns early when a trapped signal arrives (then on_signal
	# exits): a foreground command would delay the trap until it ended.
	# (No "Killed" job notice: a status line below says what happened.)
	{ wait "$tpid"; } 2>/dev/null
	rc=$?
	tpid=
	# timeout says 124 when SIGTERM ended the test, and dies of its own
	# SIGKILL (137) when the test survived SIGTERM for 10 s.
	[ "$rc" -eq 137 ] && [ $((SECONDS - start)) -ge "$timeout_s" ] && rc=124
	npass=$(grep -c '^PASS' "$log")
	nfail=$(grep -c '^FAIL' "$log")
	nskip=$(grep -c '^SKIP' "$log")
	grep -E '^(PASS|FAIL|SKIP)' "$log" | sed "s|^|  [$name] |"
	if [ $((npass + nfail + nskip)) -eq 0 ]; then
		case $rc in
		0) npass=1; echo "  [$name] PASS" ;;
		77) nskip=1; echo "  [$name] SKIP: $(tail -n1 "$log")" ;;
		esac
	fi
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ] && [ "$nfail" -eq 0 ]; then
		nfail=1
		[ "$rc" -eq 124 ] && echo "  [$name] FAIL: timed out after ${timeout_s}s" ||
			echo "  [$name] FAIL: exit status $rc"
	fi
	[ "$rc" -eq 124 ] && echo "harness: timed out after ${timeout_s}s" >>"$log"
	leftovers "$name" "$log"
	nfail=$((nfail + leftover_fail))
	if [ "$nfail" -gt 0 ]; then
		echo "  --- log of $name (last 40 lines) ---"
		tail -n 40 "$log" | sed 's/^/  | /'
	fi
	echo "$npass $nfail $nskip" >"$log.counts"
}

# collect TEST: print what run_one said of TEST and add up its counts.
collect() {
	local t=$1 name log np nf ns
	name=${t#./}
	log="$logdir/$(echo "$name" | tr '/' '_').log"
	echo "== $t"
	cat "$log.report" 2>/dev/null
	if read -r np nf ns <"$log.counts" 2>/dev/null; then
		passed=$((passed + np)) failed=$((failed + nf)) skipped=$((skipped + ns))
		[ "$nf" -gt 0 ] && failed_names+=("$name")
	else
		echo "  [$name] FAIL: the harness lost its result"
		failed=$((failed + 1))
		failed_names+=("$name")
	fi
}

# Each test starts with every signal's default action and none blocked,
# whatever the runner inherited (SIGPIPE or SIGCHLD ignored, SIGTERM
# blocked: tools/envmatrix.sh): tests/tools/sig_default, once built.
sig_default=''
[ -x "$OUTPUT/tests/tools/sig_default" ] && sig_default=$PWD/$OUTPUT/tests/tools/sig_default
# No core files: a runner with RLIMIT_CORE unlimited had the faults that
# tests send to pidtrace on purpose (cr_signals_pidtrace.sh) leave 2 MB
# "core" files in the working tree. A test that wants one raises it.
ulimit -Sc 0

tests=()
for t in "$OUTPUT"/tests/unit/test_* tests/root/*.sh; do
	[ -x "$t" ] || continue
	if [ ${#filters[@]} -gt 0 ]; then
		for f in "${filters[@]}"; do [[ "$t" == *"$f"* ]] && break; done
		[[ "$t" == *"$f"* ]] || continue
	fi
	tests+=("$t")
done
# ---- in parallel ------------------------------------------------------------
# TEST_JOBS tests at a time (default: the number of CPUs, at most 4). Each
# runs in its own cgroup as before, so their processes never mix; a test
# that cannot share the machine (it counts every death on the host, or
# measures time) says so with a line "# test: serial" and runs alone. Each
# test's lines are printed together when it ends.
jobs=${TEST_JOBS:-$(nproc 2>/dev/null || echo 1)}
[ "$jobs" -gt 4 ] && jobs=4
[ "$jobs" -lt 1 ] && jobs=1

# reap_one: wait for any running test and print it.
reap_one() {
	local done_pid=''
	wait -n -p done_pid "${!running[@]}" 2>/dev/null
	if [ -z "$done_pid" ]; then
		# Nothing reported (a signal): look for the ones that ended.
		for done_pid in "${!running[@]}"; do
			kill -0 "$done_pid" 2>/dev/null && continue
			collect "${running[$done_pid]}"
			unset "running[$done_pid]"
		done
		return
	fi
	collect "${running[$done_pid]}"
	unset "running[$done_pid]"
}

is_serial() { [[ $1 == *.sh ]] && grep -q '^# test: serial' "$1"; }
is_slow() { [[ $1 == *.sh ]] && grep -q '^# test: slow' "$1"; }

# The order: tests that run alone first (so that no other test has to
# drain in the middle of the run to let them), then the slow ones (a line
# "# test: slow": started early, they do not end the run alone on one CPU
# while the other idles), then the rest.
ordered=()
if [ "$jobs" -gt 1 ]; then
	for t in "${tests[@]}"; do is_serial "$t" && ordered+=("$t"); done
	for t in "${tests[@]}"; do ! is_serial "$t" && is_slow "$t" && ordered+=("$t"); done
	for t in "${tests[@]}"; do ! is_serial "$t" && ! is_slow "$t" && ordered+=("$t"); done
	tests=("${ordered[@]}")
fi

for t in "${tests[@]}"; do
	name=${t#./}
	log="$logdir/$(echo "$name" | tr '/' '_').log"
	if [ "$jobs" = 1 ] || is_serial "$t"; then
		while [ ${#running[@]} -gt 0 ]; do reap_one; done
		run_one "$t" >"$log.report"
		collect "$t"
		continue
	fi
	while [ ${#running[@]} -ge "$jobs" ]; do reap_one; done
	run_one "$t" >"$log.report" &
	running[$!]=$t
done
while [ ${#running[@]} -gt 0 ]; do reap_one; done
[ ${#failed_names[@]} -gt 0 ] && echo "failed: ${failed_names[*]}"
echo "logs: $logdir"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
