#!/usr/bin/env bash
# cr_procdiff: tools/procdiff, the independent witness of a restore (what
# /proc and a few syscalls show, before the dump and after the restore),
# and what it found: the I/O priority and timer slack of each thread, the
# coredump_filter and KSM merge-any of a process, a thread's time slice
# (sched_setattr, Linux 6.12+), a mapping's mseal() were neither dumped nor
# restored, and restore's own check (which compares with the image) could
# not see it. zdtm_procknobs checks them itself after the restore, and
# procdiff must see no difference at all in its tree. Not seen by the
# witness (no /proc file shows them), found while reading what prctl()
# keeps: KEEP_CAPS and memory-deny-write-execute come back; any other
# securebit is refused at dump. A thread's NUMA policy (numactl
# --interleave) and a mapping's (mbind) were lost too: procdiff saw them
# in numa_maps.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root

PROCDIFF=$TOP/tools/procdiff

# The witness itself: two snaps of an untouched process are equal (no
# volatile field left unnormalised); a change made from outside is seen.
"$PROGS/sleeper" procdiff_victim 30 >"$T/victim.log" 2>&1 &
VICTIM=$!
at_exit "kill_ours KILL $VICTIM"
wait_for 5 grep -q victim= "$T/victim.log"
"$PROCDIFF" snap "$VICTIM" >"$T/a.snap"
sleep 0.2
"$PROCDIFF" snap "$VICTIM" >"$T/b.snap"
if "$PROCDIFF" diff "$T/a.snap" "$T/b.snap" >"$T/ab.diff" && [ ! -s "$T/ab.diff" ] &&
	grep -q '^t0.comm	procdiff_victim$' "$T/a.snap"; then
	pass procdiff_quiet
else
	fail procdiff_quiet "$(head -n 5 "$T/ab.diff")"
fi
echo 500 >"/proc/$VICTIM/oom_score_adj"
"$PROCDIFF" snap "$VICTIM" >"$T/c.snap"
"$PROCDIFF" diff "$T/a.snap" "$T/c.snap" >"$T/ac.diff"
if [ "$?" = 1 ] && [ "$(cat "$T/ac.diff")" = "~ t0.oom_score_adj: 0 -> 500" ]; then
	pass procdiff_sees
else
	fail procdiff_sees "$(head -n 5 "$T/ac.diff")"
fi
kill_ours KILL "$VICTIM"
wait "$VICTIM" 2>/dev/null

# What it found: dumped, restored, checked by the program and by procdiff.
if cr_start procknobs zdtm_procknobs; then
	"$PROCDIFF" snap "$CR_PID" >"$T/pre.snap"
	if cr_dump; then
		pass procknobs_dump
		cr_show_has procknobs_show \
			"[.tasks[0] | .ioprio, .timer_slack_ns, .coredump_filter,
			  (.threads[0] | .ioprio, .timer_slack_ns)] ==
				[16387, 777777, 127, 24576, 123456]"
		# (a kernel before 6.12 has no slice of a program's choosing)
		cr_show_has procknobs_keepcaps_mdwe "[.tasks[0] | .keep_caps, .mdwe] == [true, 1]"
		cr_show_has procknobs_numa ".tasks[0].mempolicy_mode == 3"
		cr_show_has procknobs_numa_vma "[.tasks[0].vma_mempolicies[]?.mode] == [2]"
		cr_show_has procknobs_slice \
			".tasks[0].threads[0].slice_ns | . == 3000000 or . == null or . < 3000000"
		if cr_restore; then
			pass procknobs_restore
			"$PROCDIFF" snap "$CR_PID" >"$T/post.snap"
			if "$PROCDIFF" diff "$T/pre.snap" "$T/post.snap" >"$T/procknobs.diff"; then
				pass procknobs_procdiff
			else
				fail procknobs_procdiff "$(head -n 5 "$T/procknobs.diff" | tr '\n' ';')"
			fi
			cr_finish
			if [ "$CR_RC" = 0 ] && grep -q '^PASS' "$CR_DIR/log"; then
				pass procknobs_verify
			else
				fail procknobs_verify "exit status $CR_RC: $(grep -E '^(FAIL|PASS)' "$CR_DIR/log" | head -n 3)"
			fi
		else
			fail procknobs_restore "$(tail -n 3 "$CR_DIR/restore.err")"
		fi
	else
		fail procknobs_dump "$(tail -n 3 "$CR_DIR/dump.err")"
	fi
else
	fail procknobs_start "the program did not start"
fi
cr_cleanup

# SECBIT_NOROOT: refused before harm, the program keeps it.
if cr_start securebits zdtm_procknobs securebits; then
	cr_refused securebits "pid $CR_PID: securebits 0x1 \\(PR_SET_SECUREBITS\\): not supported"
else
	fail securebits_start "the program did not start"
fi
cr_cleanup

# A file made by O_TMPFILE (zdtm fd01's tmpfile()): after the restore it can
# still be linked into a directory, with its bytes.
cr_roundtrip tmpfile zdtm_procknobs tmpfile
