#!/usr/bin/env bash
# cr_dump_batch: a dump reads a task's 62 sigactions (with its parent-death
# signal) and 3 interval timers in batches of remote calls on one signal
# frame (ptrace__syscalls(): two ptrace stops a call, not a whole round
# each), its 16 limits from /proc/PID/limits, and every value lands where
# it belongs: each signal's own action (handler, flags, restorer, mask)
# comes back after restore. The count of PTRACE_SYSCALL requests of
# pidtrace's main thread for one single-threaded task shows it: 356 one
# call at a time, ~160 now (docs/PERFORMANCE.md, round five).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root

command -v strace >/dev/null || { fail batch_strace "strace is not installed"; exit 1; }
REAL=$PIDTRACE
# Without -f: the main thread makes every remote call.
cat >"$T/traced" <<EOS
#!/bin/sh
ASAN_OPTIONS="\${ASAN_OPTIONS:-}:detect_leaks=0" exec strace -o "$T/strace" -e trace=ptrace "$REAL" "\$@"
EOS
chmod +x "$T/traced"

if ! cr_start sigall zdtm_sigall; then
	fail sigall_start "the program did not start"
else
	PIDTRACE=$T/traced
	cr_dump
	ok=$?
	PIDTRACE=$REAL
	if [ "$ok" = 0 ]; then
		pass sigall_dump
		n=$(grep -c 'PTRACE_SYSCALL' "$T/strace")
		[ "$n" -lt 280 ] && pass "sigall_dump_batched ($n PTRACE_SYSCALL)" ||
			fail sigall_dump_batched "$n PTRACE_SYSCALL requests (one call at a time: ~356)"
		cr_restore_verify sigall
	else
		fail sigall_dump "$(tail -n 3 "$CR_DIR/dump.err")"
	fi
fi
cr_cleanup
