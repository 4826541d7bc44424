# tests/lib-scen.sh - helpers of the kill-scenario root tests (sourced
# after tests/lib.sh). A scenario is a program of tests/progs/ that makes one
# kind of death happen and prints the pids that matter as key=value words.

# How long the tracer gets to read the last records before it is stopped.
SETTLE=${SETTLE:-0.3}

# scen NAME [ARGS..]: run the scenario program NAME and turn each key=value
# word it prints into a shell variable (victim=1234 -> $victim). Returns
# non-zero, after a FAIL line, when the program did not do its job; exits
# the test with a SKIP line when the platform cannot run it.
scen() {
	local name=$1 rc kv
	shift
	"$PROGS/$name" "$@" >"$T/$name.out" 2>"$T/$name.err"
	rc=$?
	if [ "$rc" = 77 ]; then
		skip "$name" "$(tail -n1 "$T/$name.err")"
		watch_stop
		exit 0
	fi
	for kv in $(cat "$T/$name.out"); do
		case $kv in
		[a-z]*=*) printf -v "${kv%%=*}" '%s' "${kv#*=}" ;;
		esac
	done
	if [ "$rc" != 0 ]; then
		fail "scenario_${name}_did_its_job" "exit status $rc: $(tr '\n' ' ' <"$T/$name.err")"
		return 1
	fi
	return 0
}

# settle_and_stop: give the tracer time to read the victim's exit, stop it.
settle_and_stop() {
	sleep "$SETTLE"
	watch_stop
}

# death_of_tid TID: the JSON death record(s) whose victim thread is TID.
death_of_tid() {
	jq -c --argjson t "$1" 'select(.event == "death" and .victim.tid == $t)' "$T/watch.json"
}

# signals_to PID SIGNO: the JSON signal records of SIGNO sent to PID.
signals_to() {
	jq -c --argjson p "$1" --argjson s "$2" \
		'select(.event == "signal" and .victim.pid == $p and .signo == $s)' "$T/watch.json"
}

# one_record NAME JSON WHAT: PASS when JSON holds exactly one record;
# otherwise FAIL with what the tracer did write. Returns 1 when there is no
# record, so the caller can skip assertions on its fields.
one_record() {
	local n
	n=$(printf '%s' "$2" | grep -c .)
	if [ "$n" = 1 ]; then
		pass "$1"
		return 0
	fi
	fail "$1" "$n records for $3; the tracer wrote: $(recorded)"
	[ "$n" -gt 1 ]
}

# recorded: a short digest of what the tracer wrote, for FAIL messages.
recorded() {
	local digest
	digest=$(jq -c '{event, v: .victim.pid, t: .victim.tid, comm: .victim.comm, sig: .signal, cause}' \
		"$T/watch.json" 2>/dev/null | head -n 8 | tr '\n' ' ')
	printf '%s' "${digest:-nothing}"
	[ -s "$T/watch.err" ] && printf ' (stderr: %s)' "$(head -c 300 "$T/watch.err" | tr '\n' ' ')"
}

# expect_true NAME JSON FILTER: PASS when the jq FILTER yields true.
expect_true() {
	expect "$1" "$2" "$3" true
}

# expect_that NAME JSON FIELD TEST: PASS when the jq TEST holds for FIELD
# (e.g. expect_that x "$d" .oom.memcg 'endswith("/grp")'); a FAIL shows it.
expect_that() {
	local got
	got=$(printf '%s\n' "$2" | jq -r "$3 | $4" 2>/dev/null)
	if [ "$got" = true ]; then
		pass "$1"
	else
		fail "$1" "$3 is $(printf '%s\n' "$2" | jq -c "$3" | head -c 300), expected $4"
	fi
}
