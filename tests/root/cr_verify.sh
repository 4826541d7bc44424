#!/usr/bin/env bash
# test: slow (started first: see tests/README.md)
# cr_verify: before a restored tree runs on its own, pidtrace compares it
# with the image (restore's "verify" phase), so that a restore that came
# back wrong fails and is rolled back instead of being reported restored.
#   - A test fault point that skips one restore step (the umask, a file's
#     offset, a signal action) leaves the state deliberately wrong: the
#     restore fails with exit status 1 and one line naming the pid, the
#     object and both values; the report says it was rolled back; nothing
#     of the image's tree is left. Without the verification these restores
#     "succeed".
#   - A change made from outside while the tree is held before the check
#     (a lowered RLIMIT_NOFILE of the held task) is caught the same way.
#   - The same image without a fault restores, is verified (the --json
#     "verified" counts are those of the image; the plain report says so),
#     and the program then checks itself (PASS).
#   - A few representative programs (a tree with sessions and groups,
#     threads, signals, sockets, pipes) restore with every check passing
#     and non-zero counts, the verification's time reported in phases_ms.
# The programs run from copies named after this test's pid: the names are
# this test's alone, whatever else runs on the machine.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root

# progs_as NAME PROG: a directory of programs for cr_start where PROG is NAME.
progs_as() {
	mkdir -p "$T/bin"
	ln -sf "$PROGS/cr_reaper" "$T/bin/cr_reaper"
	cp "$PROGS/$2" "$T/bin/$1"
}

# What is left of the image: its pids that exist, processes named $1.
left_over() {
	local p
	for p in $(jq -r '.tasks[].pid, (.tasks[].threads[]?.tid)' "$CR_DIR/show.json"); do
		[ -e "/proc/$p" ] && echo "pid $p ($(awk '/^State:/ {print $2}' "/proc/$p/status" 2>/dev/null))"
	done
	pgrep_ours "$1" | sed 's/^/named /'
	return 0
}

# ---- zdtm_files: umask 027, files at offsets 123 and 7, a SIGTERM handler ----
PROG=zdtm_v$$
progs_as "$PROG" zdtm_files
if ! PROGS=$T/bin cr_start files "$PROG" || ! cr_dump; then
	fail files_setup "could not start or dump: $(cat "$CR_DIR/log" "$CR_DIR/dump.err" 2>/dev/null)"
	exit 1
fi
IMG=$CR_DIR/img
"$PIDTRACE" show -D "$IMG" --json >"$CR_DIR/show.json"
cp "$CR_DIR/log" "$CR_DIR/log.dumped"
ROOT=$(jq -r '.tasks[0].pid' "$CR_DIR/show.json")

# caught POINT REGEX: a restore with POINT skipped fails with exactly REGEX
# (after "pidtrace: restore: verify: pid ROOT: "), rolled back, nothing left.
caught() {
	local p=$1 re=$2 n=${1#restore-skip-} rc
	(cd "$CR_DIR" && PIDTRACE_FAULT=$p exec "$PIDTRACE" restore -D "$IMG" >"$T/out" 2>"$T/err")
	rc=$?
	if [ "$rc" = 1 ] && [ "$(wc -l <"$T/err")" = 1 ] &&
		grep -Eq "^pidtrace: restore: verify: pid $ROOT: $re \\(rolled back\\)\$" "$T/err"; then
		pass "skip_${n}_caught"
	else
		fail "skip_${n}_caught" "exit $rc: $(head -c 400 "$T/err") $(head -n 1 "$T/out")"
	fi
	if grep -q "^restore of $IMG failed and was rolled back: verify: pid $ROOT: " "$T/out"; then
		pass "skip_${n}_reports_rollback"
	else
		fail "skip_${n}_reports_rollback" "$(head -n 1 "$T/out")"
	fi
	wait_for 5 eval '[ -z "$(left_over "$PROG")" ]'
	same "skip_${n}_nothing_left" "$(left_over "$PROG")" ""
	cp "$CR_DIR/log.dumped" "$CR_DIR/log"
}

caught restore-skip-umask 'umask 027 in the image, 0[0-7]* after restore'
caught restore-skip-offset 'fd [0-9]+: offset [1-9][0-9]* in the image, 0 after restore'
# That fd is at that offset in the image.
FD=$(sed -n 's/.*: fd \([0-9]*\): offset \([0-9]*\) in the image.*/\1 \2/p' "$T/err")
same skip_offset_names_the_fd "$(jq -r --argjson fd "${FD% *}" \
	'.tasks[0].fds[] | select(.fd == $fd) | "\(.fd) \(.pos)"' "$CR_DIR/show.json")" "$FD"
caught restore-skip-sigaction 'caught signals 0x4000 in the image, 0x0 after restore'

# --json: the same failure, the rollback in the deaths, the verify phase timed.
(cd "$CR_DIR" && PIDTRACE_FAULT=restore-skip-umask exec "$PIDTRACE" restore -D "$IMG" --json \
	>"$T/r.json" 2>"$T/err")
same skip_json_fails "$(jq -r '.ok' "$T/r.json")" false
if jq -r .error "$T/r.json" | grep -Eq "^verify: pid $ROOT: umask 027 in the image, 0[0-7]* after restore$"; then
	pass skip_json_error_names_it
else
	fail skip_json_error_names_it "$(jq -r .error "$T/r.json")"
fi
rolled=$(jq --argjson r "$ROOT" '[.deaths[] | select(.victim.pid == $r and
	.cause == "restore-rollback" and .expected)] | length' "$T/r.json")
if [ "${rolled:-0}" -ge 1 ]; then
	pass skip_json_rolled_back
else
	fail skip_json_rolled_back "deaths: $(jq -c '[.deaths[] | {pid: .victim.pid, cause, expected}]' "$T/r.json")"
fi
wait_for 5 eval '[ -z "$(left_over "$PROG")" ]'
same skip_json_nothing_left "$(left_over "$PROG")" ""
cp "$CR_DIR/log.dumped" "$CR_DIR/log"

# ---- changed from outside while held: a lowered RLIMIT_NOFILE ----
(cd "$CR_DIR" && PIDTRACE_TEST_PAUSE=restore-verify PIDTRACE_TEST_PAUSE_MS=20000 \
	exec "$PIDTRACE" restore -D "$IMG" >"$T/out" 2>"$T/err") &
RP=$!
if wait_for 20 grep -q 'test pause at restore-verify' "$T/err"; then
	HARD=$(awk '/^Max open files/ {print $5}' "/proc/$ROOT/limits")
	prlimit --pid "$ROOT" --nofile=100:100
	wait "$RP"
	rc=$?
	if [ "$rc" = 1 ] && grep -Eq "^pidtrace: restore: verify: pid $ROOT: RLIMIT_NOFILE soft [0-9]+ in the image, 100 after restore \\(rolled back\\)\$" "$T/err"; then
		pass outside_change_caught
	else
		fail outside_change_caught "exit $rc (hard limit was $HARD): $(tail -n 2 "$T/err")"
	fi
else
	fail outside_change_caught "no pause: $(cat "$T/err")"
	kill -9 "$RP" 2>/dev/null
	wait "$RP" 2>/dev/null
fi
wait_for 5 eval '[ -z "$(left_over "$PROG")" ]'
same outside_change_nothing_left "$(left_over "$PROG")" ""
cp "$CR_DIR/log.dumped" "$CR_DIR/log"

# ---- no fault: verified, counted, and the program agrees ----
# The plain report says what was verified.
if cr_restore; then
	pass intact_restores
	same intact_verified_tasks "$(jr .verified.tasks)" "$(jq '[.tasks[] | select(.state != "zombie")] | length' "$CR_DIR/show.json")"
	same intact_verified_fds "$(jr .verified.fds)" "$(jq '[.tasks[].fds[]?] | length' "$CR_DIR/show.json")"
	same intact_verified_vmas "$(jr .verified.vmas)" "$(jq '[.tasks[].vmas[]?] | length' "$CR_DIR/show.json")"
	# zdtm_files has a dup()ed fd: found sharing its description again.
	if [ "$(jr '.verified.sigactions')" -gt 0 ] && [ "$(jr '.verified.limits')" -gt 0 ] &&
		[ "$(jr '.verified.shared')" -gt 0 ] &&
		[ "$(jr '.verified.fs')" -gt 0 ] && [ "$(jr '.verified.creds')" -gt 0 ]; then
		pass intact_verified_counts
	else
		fail intact_verified_counts "$(jr -c .verified)"
	fi
	if jq -e '.phases_ms.verify >= 0' "$CR_DIR/restore.json" >/dev/null; then
		pass intact_verify_timed
	else
		fail intact_verify_timed "$(jr -c .phases_ms)"
	fi
	cr_finish
	same intact_program_passes "$CR_RC $(grep -c '^PASS' "$CR_DIR/log")" "0 1"
else
	fail intact_restores "$(jr .error) $(cat "$CR_DIR/restore.err")"
fi
cr_cleanup

# The plain report's line, on a second dump of the same program.
if PROGS=$T/bin cr_start files2 "$PROG" && cr_dump; then
	(cd "$CR_DIR" && exec "$PIDTRACE" restore -D "$CR_DIR/img" --detach >"$T/out" 2>"$T/err")
	rc=$?
	CR_PIDS=$(sed -n 's/^restored pid \([0-9]*\):.*/\1/p' "$T/out")
	if [ "$rc" = 0 ] && grep -Eq '^  verified against the image in [0-9.]+ ms: 1 task, 1 thread, [1-9][0-9]* fds, [1-9][0-9]* VMAs, [1-9][0-9]* signal actions, 16 limits, 0 socket options$' "$T/out"; then
		pass plain_report_says_verified
	else
		fail plain_report_says_verified "exit $rc: $(cat "$T/out" "$T/err" | head -n 5)"
	fi
	CR_PID=$CR_PIDS
	cr_passes plain_restored_program_passes
fi
cr_cleanup

# ---- representative programs: verified, with counts, and they pass ----
# verified_roundtrip NAME PROG JQ: a round trip whose restore report
# satisfies JQ (about .verified).
verified_roundtrip() {
	local name=$1 prog=$2 check=$3
	if ! cr_start "$name" "$prog" || ! cr_dump; then
		fail "${name}_setup" "could not start or dump: $(tail -n 3 "$CR_DIR/dump.err" 2>/dev/null)"
		cr_cleanup
		return
	fi
	if cr_restore; then
		if jq -e ".verified.tasks > 0 and .verified.vmas > 0 and .verified.sigactions > 0 and
			.verified.tasks == .tasks and ($check)" "$CR_DIR/restore.json" >/dev/null; then
			pass "${name}_verified"
		else
			fail "${name}_verified" "$(jr -c .verified) tasks $(jr .tasks)"
		fi
		cr_finish
		same "${name}_passes" "$CR_RC $(grep -c '^PASS' "$CR_DIR/log")" "0 1"
	else
		fail "${name}_verified" "$(jr .error) $(tail -n 2 "$CR_DIR/restore.err")"
	fi
	cr_cleanup
}
verified_roundtrip tree zdtm_tree '.verified.tasks >= 3 and .verified.ids >= 12'
verified_roundtrip threads zdtm_threads '.verified.threads > .verified.tasks'
verified_roundtrip signals zdtm_signals '.verified.sigmasks > 0 and .verified.injected > 0'
verified_roundtrip pipe zdtm_pipe '.verified.fds > 0'
verified_roundtrip unix zdtm_unix '.verified.sockopts > 0'
verified_roundtrip inet zdtm_inet '.verified.sockopts > 0'
verified_roundtrip zombie zdtm_zombie '.verified.zombies > 0'
