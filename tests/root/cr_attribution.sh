#!/usr/bin/env bash
# cr_attribution: every death during a restore is attributed to what
# really caused it, and a task pidtrace builds is never seen, kept or left
# running with pidtrace's own state.
#   1. An outside `kill -9` of the task being restored, while pidtrace is
#      held in the middle of its memory phase (PIDTRACE_TEST_PAUSE at
#      restore-mmap stops pidtrace there): the report says kill-syscall,
#      unexpected, sender /bin/kill's pid and comm, in the plain report and
#      in --json, and the error line names that kill -- never
#      "restore-rollback ... expected" (the rollback comes after the kill).
#   2. A task that leads neither its session nor its group (`sleep 1000`
#      of `setsid bash -c 'sleep 1000 & sleep 1001'`), restored 50 times
#      with --detach: each time its comm, SigIgn, SigCgt and SigBlk in
#      /proc/PID/status are the original's (a stub seized before its set-up
#      kept pidtrace's name, its ignored SIGPIPE and its handlers).
#   3. pidtrace SIGKILLed while paused at each restore phase (a task whose
#      credentials change: that clears a parent-death signal): the task
#      dies at once, of SIGKILL (parent-death signal or PTRACE_O_EXITKILL),
#      seen by the subreaper that reaps it -- never left to run on
#      half-built until it faults or exits by itself.
#   4. A rollback's own kills (an injected error at restore-state, a tree
#      of five whose stubs die with their parents), with and without
#      --pidns: every death is expected, restore-rollback, sent by this
#      pidtrace -- none by a parent-death signal or a namespace's teardown
#      that came first.
#   5. The OOM killer kills the task while its pages are written (the
#      restore runs in a cgroup v1 memory group smaller than the image's
#      memory): the death is oom-kill, unexpected, and the error says so
#      -- not "restore-rollback", expected, and "pid N: exited".
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root

state_of() { awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null; }
# The only child of subreaper $1 (the pidtrace it runs).
child_of() { awk '{ print $1 }' /proc/"$1"/task/*/children 2>/dev/null; }
pid_free() { [ ! -e "/proc/$1" ]; }
stopped() { [ "$(state_of "$1")" = T ]; }
# Dead (a zombie, or reaped): neither sleeping nor held by its tracer.
dead() {
	local s
	s=$(state_of "$1")
	[ "$s" != S ] && [ "$s" != t ]
}

# ---- 1. an outside kill in the middle of the memory phase ----
# outside_kill MODE: restore (MODE plain or json) paused at the first
# remote mmap, kill -9 the task from /bin/kill, let pidtrace go on.
# Sets KILLER (the pid of /bin/kill) and RC.
outside_kill() {
	local out=$CR_DIR/restore.$1 args=()
	[ "$1" = json ] && args=(--json)
	rm -f "$out" "$CR_DIR/restore.err"
	(cd "$CR_DIR" && PIDTRACE_TEST_PAUSE=restore-mmap exec "$PIDTRACE" restore \
		-D "$CR_DIR/img" "${args[@]}" >"$out" 2>"$CR_DIR/restore.err") &
	CR_RESTORE=$!
	if ! wait_for 30 stopped "$CR_RESTORE"; then
		fail "outside_kill_${1}_paused" "pidtrace did not stop at restore-mmap: $(cat "$CR_DIR/restore.err")"
		return 1
	fi
	/bin/kill -9 "$VICTIM" &
	KILLER=$!
	wait "$KILLER"
	# Dead before pidtrace goes on: the kill is the first thing that happened.
	wait_for 10 dead "$VICTIM"
	kill -CONT "$CR_RESTORE"
	wait "$CR_RESTORE"
	RC=$?
	CR_RESTORE=
	return 0
}

if cr_start outside zdtm_counter && cr_dump; then
	VICTIM=$CR_PID
	if outside_kill plain; then
		same outside_kill_plain_fails "$RC" 1
		line=$(grep -E "^[0-9:.]+ +$VICTIM +" "$CR_DIR/restore.plain")
		if grep -Eq " SIGKILL +kill-syscall +$KILLER \(kill\) kill\(\)" <<<"$line"; then
			pass outside_kill_plain_cause
		else
			fail outside_kill_plain_cause "line: '$line' in: $(head -c 600 "$CR_DIR/restore.plain")"
		fi
		if grep -q "expected: restore rolled back" "$CR_DIR/restore.plain"; then
			fail outside_kill_plain_not_expected "$(head -c 600 "$CR_DIR/restore.plain")"
		else
			pass outside_kill_plain_not_expected
		fi
		if grep -Eq '^  deaths by a signal during the restore: [0-9]+ \(([1-9][0-9]*) unexpected\)$' \
			"$CR_DIR/restore.plain"; then
			pass outside_kill_plain_counted_unexpected
		else
			fail outside_kill_plain_counted_unexpected "$(grep deaths "$CR_DIR/restore.plain")"
		fi
		want="^pidtrace: restore: memory: pid $VICTIM died during the restore: SIGKILL from pid $KILLER \(kill\), kill-syscall \(rolled back\)$"
		if grep -Eq "$want" "$CR_DIR/restore.err"; then
			pass outside_kill_plain_error_names_it
		else
			fail outside_kill_plain_error_names_it "$(cat "$CR_DIR/restore.err")"
		fi
	fi
	if outside_kill json; then
		R=$CR_DIR/restore.json
		same outside_kill_json_fails "$RC/$(jq -r .ok "$R")" 1/false
		D=$(jq -c --argjson v "$VICTIM" '[.deaths[] | select(.victim.pid == $v)] | first' "$R")
		same outside_kill_json_cause "$(jq -r '"\(.signal) \(.cause) \(.expected)"' <<<"$D")" \
			"SIGKILL kill-syscall false"
		same outside_kill_json_sender "$(jq -r '"\(.sender.pid) \(.sender.comm)"' <<<"$D")" \
			"$KILLER kill"
		n=$(jq '.unexpected_deaths' "$R")
		if [ "${n:-0}" -ge 1 ]; then pass outside_kill_json_counted; else fail outside_kill_json_counted "$n"; fi
		same outside_kill_json_error "$(jq -r .error "$R")" \
			"memory: pid $VICTIM died during the restore: SIGKILL from pid $KILLER (kill), kill-syscall"
	fi
else
	fail outside_kill_setup "could not start or dump zdtm_counter"
fi
cr_cleanup

# ---- 2. a task that leads neither its session nor its group, 50 times ----
# Under a subreaper of ours: a detached restored task is reaped as soon as
# it is killed, and the next restore finds its pid free.
SETSID_DIR=$T/setsid
mkdir -p "$SETSID_DIR"
cat >"$SETSID_DIR/loop.sh" <<'EOF'
# $1 pidtrace, $2 image, $3 pid, $4 rounds, $5 results
status_of() {
	echo "comm=$(cat "/proc/$1/comm") $(awk '/^Sig(Ign|Cgt|Blk):/ { printf "%s%s ", $1, $2 }' "/proc/$1/status")"
}
for i in $(seq 1 "$4"); do
	if ! "$1" restore -D "$2" --detach --json >"$2.r$i.json" 2>"$2.r$i.err"; then
		echo "round $i: restore failed: $(cat "$2.r$i.err")" >>"$5"
		break
	fi
	echo "round $i: $(status_of "$3")" >>"$5"
	kill -9 "$3"
	for j in $(seq 1 500); do [ -e "/proc/$3" ] || break; sleep 0.01; done
done
EOF
setsid bash -c 'sleep 1000 & sleep 1001' </dev/null >/dev/null 2>&1 &
SETSID_SH=$!
# The shell and its sleeps (setsid itself forks when it leads a group).
setsid_cleanup() {
	local p
	for p in $(cr_descendants "$SETSID_SH") "$SETSID_SH"; do kill -9 "$p" 2>/dev/null; done
	wait "$SETSID_SH" 2>/dev/null
	return 0
}
at_exit setsid_cleanup
find_sleeper() {
	local p
	for p in $(cr_descendants "$SETSID_SH"); do
		[ "$(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)" = "sleep 1000 " ] || continue
		SLEEPER=$p
		return 0
	done
	return 1
}
SLEEPER=
if wait_for 10 find_sleeper; then
	read -r sid pgid < <(ps -o sid=,pgid= -p "$SLEEPER")
	if [ "$sid" != "$SLEEPER" ] && [ "$pgid" != "$SLEEPER" ]; then
		pass setsid_sleeper_leads_nothing
	else
		fail setsid_sleeper_leads_nothing "sid $sid pgid $pgid"
	fi
	ORIG="comm=$(cat "/proc/$SLEEPER/comm") $(awk '/^Sig(Ign|Cgt|Blk):/ { printf "%s%s ", $1, $2 }' "/proc/$SLEEPER/status")"
	echo "# the original: $ORIG"
	if "$PIDTRACE" dump -t "$SLEEPER" -D "$SETSID_DIR/img" >"$SETSID_DIR/dump.out" 2>"$SETSID_DIR/dump.err"; then
		wait_for 10 pid_free "$SLEEPER" # the shell reaps it
		ROUNDS=50
		"$PROGS/cr_reaper" bash "$SETSID_DIR/loop.sh" "$PIDTRACE" "$SETSID_DIR/img" "$SLEEPER" \
			"$ROUNDS" "$SETSID_DIR/results" </dev/null
		done_n=$(grep -c '^round [0-9]*: comm=' "$SETSID_DIR/results")
		same setsid_restored_${ROUNDS}_times "$done_n" "$ROUNDS"
		bad=$(grep -v -F -x -e "$(seq -f "round %g: $ORIG" 1 "$ROUNDS")" "$SETSID_DIR/results" | head -n 3)
		if [ -z "$bad" ]; then
			pass setsid_comm_and_signals_as_original
		else
			fail setsid_comm_and_signals_as_original "original: $ORIG; $(grep -c -v -F -x -e "$(seq -f "round %g: $ORIG" 1 "$ROUNDS")" "$SETSID_DIR/results") of $ROUNDS differ, e.g. $bad"
		fi
	else
		fail setsid_dump "$(cat "$SETSID_DIR/dump.err")"
	fi
else
	fail setsid_setup "no 'sleep 1000' of ours"
fi
setsid_cleanup

# ---- 3. pidtrace SIGKILLed at each phase: the task dies with it, of SIGKILL ----
if cr_start creds zdtm_creds && cr_dump; then
	TASK=$CR_PID
	for p in restore-seize restore-memory restore-mmap restore-files restore-state \
		restore-finish restore-detach; do
		n=${p#restore-}
		rm -f "$T/reaped" "$CR_DIR/restore.err"
		(cd "$CR_DIR" && CR_REAPER_LOG=$T/reaped PIDTRACE_TEST_PAUSE=$p PIDTRACE_TEST_PAUSE_MS=20000 \
			exec "$PROGS/cr_reaper" "$PIDTRACE" restore -D "$CR_DIR/img" \
			>"$CR_DIR/restore.out" 2>"$CR_DIR/restore.err" </dev/null) &
		reaper=$!
		pt_paused() {
			local c
			grep -q 'test pause at' "$CR_DIR/restore.err" 2>/dev/null && return 0
			c=$(child_of "$reaper")
			[ -n "$c" ] && [ "$(state_of "$c")" = T ]
		}
		if ! wait_for 30 pt_paused; then
			fail "sigkill_at_${n}_paused" "$(cat "$CR_DIR/restore.err")"
		else
			kill -9 "$(child_of "$reaper")"
			# The subreaper exits once everything under it is reaped.
			if wait_for 10 cr_gone "$reaper"; then
				same "sigkill_at_${n}_task_killed" "$(awk -v p="$TASK" '$1 == p { print $2 }' "$T/reaped")" 0x9
			else
				fail "sigkill_at_${n}_task_killed" "still there after 10 s: $TASK ($(state_of "$TASK"))"
			fi
		fi
		cr_kill_below "$reaper" >/dev/null 2>&1
		kill -9 "$reaper" 2>/dev/null
		wait "$reaper" 2>/dev/null
		wait_for 10 pid_free "$TASK"
	done
else
	fail sigkill_setup "could not start or dump zdtm_creds"
fi
cr_cleanup

# ---- 4. a rollback's own kills, each attributed to pidtrace ----
if cr_start rollback zdtm_tree && cr_dump; then
	for ns in host pidns; do
		args=()
		[ "$ns" = pidns ] && args=(--pidns)
		(cd "$CR_DIR" && PIDTRACE_FAULT=restore-state exec "$PIDTRACE" restore -D "$CR_DIR/img" \
			"${args[@]}" --json >"$CR_DIR/restore.json" 2>"$CR_DIR/restore.err") &
		CR_RESTORE=$!
		PT=$CR_RESTORE
		wait "$CR_RESTORE"
		CR_RESTORE=
		R=$CR_DIR/restore.json
		same "rollback_${ns}_error" "$(jq -r .error "$R")" "state: test fault at restore-state"
		same "rollback_${ns}_no_unexpected" "$(jq -r .unexpected_deaths "$R")" 0
		got=$(jq -r --argjson pt "$PT" '[.deaths[] | select(.expected and .cause == "restore-rollback"
			and .sender.pid == $pt)] | length' "$R")
		all=$(jq '.deaths | length' "$R")
		if [ "$all" -ge "$(jq '.tasks' "$R")" ] && [ "$got" = "$all" ]; then
			pass "rollback_${ns}_all_by_pidtrace"
		else
			fail "rollback_${ns}_all_by_pidtrace" "$got of $all deaths by pidtrace $PT: $(jq -c '[.deaths[] | [.victim.pid, .cause, .expected, .sender.pid]]' "$R")"
		fi
	done
else
	fail rollback_setup "could not start or dump zdtm_tree"
fi
cr_cleanup

# ---- 5. an OOM kill in the middle of the memory phase ----
# (the task's memory cgroup got a lower limit between dump and restore)
MEMCG=/sys/fs/cgroup/memory
grp=$MEMCG/pidtrace-test-attr-oom-$$
at_exit "cgroup_remove $grp"
if [ ! -e "$MEMCG/memory.limit_in_bytes" ]; then
	skip oom_kill "no cgroup v1 memory controller at $MEMCG"
elif mkdir "$grp" && cr_start oom zdtm_bigmem 96 && echo "$CR_PID" >"$grp/cgroup.procs" &&
	cr_dump; then
	# Dumped in a memory cgroup with no limit; restore puts it back there
	# before writing its memory (restore_cgroup.c), now limited to 48 MiB.
	echo $((48 << 20)) >"$grp/memory.limit_in_bytes"
	# With swap accounting, no swap either (without it, the limit above is all).
	echo $((48 << 20)) >"$grp/memory.memsw.limit_in_bytes" 2>/dev/null
	(cd "$CR_DIR" && exec "$PIDTRACE" restore -D "$CR_DIR/img" --json \
		>"$CR_DIR/restore.json" 2>"$CR_DIR/restore.err") &
	CR_RESTORE=$!
	wait "$CR_RESTORE"
	RC=$?
	CR_RESTORE=
	R=$CR_DIR/restore.json
	same oom_kill_fails "$RC/$(jq -r .ok "$R")" 1/false
	D=$(jq -c --argjson v "$CR_PID" '[.deaths[] | select(.victim.pid == $v)] | first' "$R")
	same oom_kill_cause "$(jq -r '"\(.signal) \(.cause) \(.expected)"' <<<"$D")" "SIGKILL oom-kill false"
	if jq -r .error "$R" | grep -Eq "^memory: pid $CR_PID died during the restore: SIGKILL from the kernel in pid [0-9]+ \([^)]*\), oom-kill$"; then
		pass oom_kill_error_names_it
	else
		fail oom_kill_error_names_it "$(jq -r .error "$R")"
	fi
	cgroup_remove "$grp"
else
	fail oom_setup "could not start or dump zdtm_bigmem"
fi
cr_cleanup
