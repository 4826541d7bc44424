#!/usr/bin/env bash
# test: slow (started first: see tests/README.md)
# cr_signals_pidtrace: no signal pidtrace can catch ends a dump or a
# restore without a word (docs/reliability.md, interrupts.h).
#   1. Each signal whose default action ends a process, sent to pidtrace
#      mid-dump (paused, the tree held) or mid-restore (paused before the
#      files phase, the tree made): one line "interrupted by ...", exit 1;
#      the dump leaves the tree untouched and no image, the restore rolls
#      back and leaves none of the image's pids. Signals 32 and 33 too
#      (glibc's own: they ended pidtrace with status 160, 161, no word).
#   2. A fault signal (SIGSEGV, SIGBUS, SIGABRT...) sent to it: one line
#      naming it and its sender, then the death it asks for (status 128+N);
#      the dump's tree untouched, the restore's gone.
#   3. SIGTTOU and SIGTTIN (no terminal stops a restore that holds a tree),
#      SIGXFSZ and SIGPIPE: ignored, the restore goes on and succeeds.
#   4. SIGCHLD ignored by whoever started `pidtrace restore` (inherited):
#      restore still returns its root's exit status, not 1 without a word.
# SIGKILL: cr_rollback.sh, rely_dump_faults.sh, rely_restore_faults.sh.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../dump_lib.sh"
. "$(dirname "$0")/../rely_lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root

# What strsignal() says of each (the "interrupted by" line).
declare -A WORDS=(
	[HUP]=Hangup [INT]=Interrupt [QUIT]=Quit [TERM]=Terminated
	[USR1]="User defined signal 1" [USR2]="User defined signal 2"
	[ALRM]="Alarm clock" [VTALRM]="Virtual timer expired"
	[PROF]="Profiling timer expired" [XCPU]="CPU time limit exceeded"
	[IO]="I/O possible" [PWR]="Power failure" [STKFLT]="Stack fault"
	[RTMIN]="Real-time signal 0" [RTMIN+3]="Real-time signal 3"
	[RTMAX]="Real-time signal 30" [32]="signal 32" [33]="signal 33"
)
# 32 and 33 are glibc's own (no name in bash): sent by number.
STOPS="HUP INT QUIT TERM USR1 USR2 ALRM VTALRM PROF XCPU IO PWR STKFLT RTMIN RTMIN+3 RTMAX 32 33"
FAULTS="SEGV BUS ILL FPE ABRT TRAP SYS"
declare -A NUM=([SEGV]=11 [BUS]=7 [ILL]=4 [FPE]=8 [ABRT]=6 [TRAP]=5 [SYS]=31)
IMG=$T/img
# A case name from a signal's ("RTMIN+3" -> "rtmin3").
cname() { echo "$1" | tr -d '+' | tr 'A-Z' 'a-z'; }

# ---- 1, 2: mid-dump (paused with SIGSTOP, the tree held) ----
ft_start tree || exit 1
for s in $STOPS $FAULTS; do
	n=$(cname "$s")
	rm -rf "$IMG"
	PIDTRACE_TEST_PAUSE=files "$PIDTRACE" dump -t "$FT" -D "$IMG" >"$T/out" 2>"$T/err" &
	DUMP=$!
	wait_stopped "$DUMP" || { fail "dump_${n}" "pidtrace did not pause"; continue; }
	kill -s "$s" "$DUMP"
	kill -CONT "$DUMP"
	wait "$DUMP"
	rc=$?
	if [ -n "${NUM[$s]:-}" ]; then
		want="^pidtrace: dump: killed by SIG$s from pid $$: the tree is let go as it was held \\(killed, if its image was complete\\)$"
		wrc=$((128 + NUM[$s]))
	else
		want="^pidtrace: dump: interrupted by ${WORDS[$s]}: the tree is left running$"
		wrc=1
	fi
	if [ "$rc" = "$wrc" ] && [ "$(wc -l <"$T/err")" = 1 ] && grep -Eq "$want" "$T/err"; then
		pass "dump_${n}_says_so"
	else
		fail "dump_${n}_says_so" "exit status $rc (expected $wrc): $(cat "$T/err")"
	fi
	# A dump that dies leaves its temporary directory (the next one removes it).
	if [ -n "${NUM[$s]:-}" ]; then
		same "dump_${n}_no_image" "$(find "$IMG" -name inventory.img 2>/dev/null)" ""
	else
		no_leftovers "dump_${n}_no_image" "$IMG"
	fi
	ft_intact "dump_${n}_tree_untouched"
	[ -n "$FT" ] && kill -0 "$FT" 2>/dev/null || ft_start tree || exit 1
done
ft_stop

# ---- 1, 2, 3: mid-restore (paused before the files phase) ----
image_pids() { "$PIDTRACE" show -D "$CR_DIR/img" --json | jq -r '.tasks[].pid'; }
left_over() {
	local p
	for p in $(image_pids); do
		[ -e "/proc/$p" ] && [ "$(awk '/^State:/ {print $2}' "/proc/$p/status" 2>/dev/null)" != Z ] &&
			echo "$p"
	done
}
no_left_over() { [ -z "$(left_over)" ]; }
# Not even a zombie (those of a pidtrace that died go to PID 1, which reaps slowly).
pids_free() {
	local p
	for p in $(image_pids); do [ -e "/proc/$p" ] && return 1; done
	return 0
}
paused() { grep -q 'test pause at' "$CR_DIR/restore.err" 2>/dev/null; }
# restore_paused MS: start the restore, paused MS ms at restore-files; wait for the pause.
restore_paused() {
	rm -f "$CR_DIR/restore.json" "$CR_DIR/restore.err"
	(cd "$CR_DIR" && PIDTRACE_TEST_PAUSE=restore-files PIDTRACE_TEST_PAUSE_MS=$1 \
		exec "$PIDTRACE" restore -D "$CR_DIR/img" --json >"$CR_DIR/restore.json" \
		2>"$CR_DIR/restore.err") &
	CR_RESTORE=$!
	wait_for 30 paused
}

if cr_start sig zdtm_tree && cr_dump; then
	for s in $STOPS $FAULTS; do
		n=$(cname "$s")
		wait_for 30 pids_free
		restore_paused 20000 || { fail "restore_${n}" "no pause: $(cat "$CR_DIR/restore.err" "$CR_DIR/restore.json")"; break; }
		kill -s "$s" "$CR_RESTORE"
		wait "$CR_RESTORE"
		rc=$?
		CR_RESTORE=
		if [ -n "${NUM[$s]:-}" ]; then
			if [ "$rc" = $((128 + NUM[$s])) ] && grep -q "^pidtrace: restore: killed by SIG$s from pid $$: the tasks it still held die with it$" "$CR_DIR/restore.err"; then
				pass "restore_${n}_says_so"
			else
				fail "restore_${n}_says_so" "exit status $rc: $(cat "$CR_DIR/restore.err")"
			fi
		elif [ "$rc" = 1 ] && [ "$(jq -r .ok "$CR_DIR/restore.json" 2>/dev/null)" = false ] &&
			[ "$(jq -r .error "$CR_DIR/restore.json")" = "files: interrupted by ${WORDS[$s]}" ]; then
			pass "restore_${n}_rolls_back"
		else
			fail "restore_${n}_rolls_back" "exit status $rc: $(head -c 300 "$CR_DIR/restore.json") $(cat "$CR_DIR/restore.err")"
		fi
		if wait_for 10 no_left_over; then pass "restore_${n}_nothing_left"; else fail "restore_${n}_nothing_left" "$(left_over)"; fi
	done

	# 3. Ignored: the restore goes on after its pause and succeeds.
	for s in TTOU TTIN XFSZ PIPE; do
		n=$(cname "$s")
		wait_for 30 pids_free
		restore_paused 1500 || { fail "restore_${n}" "no pause: $(cat "$CR_DIR/restore.err" "$CR_DIR/restore.json")"; break; }
		kill -s "$s" "$CR_RESTORE"
		if wait_for 20 cr_reported && [ "$(jq -r .ok "$CR_DIR/restore.json")" = true ]; then
			pass "restore_${n}_ignored"
			CR_PID=$(image_pids | head -n 1)
			cr_finish
			same "restore_${n}_root_status" "$CR_RC" 0
		else
			# Stopped (SIGTTOU, SIGTTIN) or dead: its tree dies with it.
			fail "restore_${n}_ignored" "state $(state "$CR_RESTORE"): $(head -c 300 "$CR_DIR/restore.json") $(cat "$CR_DIR/restore.err")"
			kill -9 "$CR_RESTORE"
			wait "$CR_RESTORE"
			CR_RESTORE=
			wait_for 10 no_left_over
		fi
	done

	# 4. SIGCHLD ignored from the start: the root's status all the same.
	wait_for 30 pids_free
	rm -f "$CR_DIR/restore.json"
	(cd "$CR_DIR" && exec env --ignore-signal=CHLD "$PIDTRACE" restore -D "$CR_DIR/img" --json \
		>"$CR_DIR/restore.json" 2>"$CR_DIR/restore.err") &
	CR_RESTORE=$!
	if wait_for 30 cr_reported && [ "$(jq -r .ok "$CR_DIR/restore.json")" = true ]; then
		CR_PID=$(image_pids | head -n 1)
		cr_finish
		if [ "$CR_RC" = 0 ] && [ ! -s "$CR_DIR/restore.err" ]; then
			pass sigchld_ignored_root_status
		else
			fail sigchld_ignored_root_status "exit status $CR_RC: $(cat "$CR_DIR/restore.err")"
		fi
	else
		fail sigchld_ignored_restore "$(head -c 300 "$CR_DIR/restore.json") $(cat "$CR_DIR/restore.err")"
	fi
else
	fail restore_setup "could not start or dump"
fi
cr_cleanup
