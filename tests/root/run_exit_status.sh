#!/usr/bin/env bash
# pidtrace run exits with the command's status, like a shell: the exit code,
# or 128+N when signal N killed it; bad input is a usage error. Started
# with SIGCHLD ignored (a runner's SIG_IGN survives exec), it still gets
# the command's status, and the command still has SIGCHLD ignored.
# Started with SIGTERM blocked, it still forwards SIGTERM to the command
# (before: never), which is given the mask pidtrace was given.
. "$(dirname "$0")/../lib.sh"
need_root

"$PIDTRACE" run -o "$T/r1" -- sh -c 'exit 7' >/dev/null 2>&1
rc=$?
[ "$rc" = 7 ] && pass run_exit_7_exits_7 || fail run_exit_7_exits_7 "exit status $rc"

"$PIDTRACE" run --json -o "$T/r2" -- sh -c 'kill -TERM $$' >/dev/null 2>&1
rc=$?
[ "$rc" = 143 ] && pass run_sigterm_exits_143 || fail run_sigterm_exits_143 "exit status $rc"
d=$(jq -c 'select(.event == "death")' "$T/r2")
expect run_reports_the_commands_own_death "$d" .signal SIGTERM
expect run_self_kill_is_kill_syscall "$d" .cause kill-syscall

"$PIDTRACE" run -o "$T/r3" -- /nonexistent/cmd >/dev/null 2>"$T/e3"
rc=$?
[ "$rc" = 127 ] && pass run_missing_command_exits_127 || fail run_missing_command_exits_127 "exit status $rc"
[ "$(wc -l <"$T/e3")" = 1 ] && grep -q '/nonexistent/cmd' "$T/e3" &&
	pass run_missing_command_one_line || fail run_missing_command_one_line "$(cat "$T/e3")"

"$PIDTRACE" run >/dev/null 2>"$T/e4"
rc=$?
[ "$rc" = 2 ] && pass run_without_command_is_usage_error || fail run_without_command_is_usage_error "exit status $rc"
"$PIDTRACE" run --bogus -- true >/dev/null 2>"$T/e5"
rc=$?
[ "$rc" = 2 ] && [ "$(wc -l <"$T/e5")" = 1 ] && pass run_unknown_option_is_one_line_usage_error ||
	fail run_unknown_option_is_one_line_usage_error "exit $rc: $(cat "$T/e5")"

# SIGCHLD ignored by whoever started pidtrace (before: "waiting for sh: No
# child processes", exit 1).
env --ignore-signal=CHLD "$PIDTRACE" run -o "$T/r6" -- sh -c 'exit 7' >/dev/null 2>"$T/e6"
rc=$?
[ "$rc" = 7 ] && pass run_sigchld_ignored_exits_7 || fail run_sigchld_ignored_exits_7 "exit $rc: $(cat "$T/e6")"
# The command is given it as it was (bit 17: SIGCHLD; not sh: dash resets it).
env --ignore-signal=CHLD "$PIDTRACE" run -o "$T/r7" -- grep '^SigIgn:' /proc/self/status >"$T/ign" 2>&1
ign=$(sed -n 's/^SigIgn:[[:space:]]*//p' "$T/ign")
[ -n "$ign" ] && [ $((0x$ign & 0x10000)) != 0 ] && pass run_sigchld_ignored_kept_for_command ||
	fail run_sigchld_ignored_kept_for_command "$(cat "$T/ign")"

# SIGTERM blocked by whoever started pidtrace: forwarded all the same; the
# command, given TERM blocked as pidtrace was, unblocks it itself.
env --block-signal=TERM,USR1 "$PIDTRACE" run -o "$T/r8" -- python3 -c '
import signal, time
print(open("/proc/self/status").read().split("SigBlk:")[1].split()[0], flush=True)
signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM])
time.sleep(20)' >"$T/blk" 2>"$T/e8" &
rp=$!
for i in $(seq 1 100); do [ -s "$T/blk" ] && break; sleep 0.05; done
kill -TERM "$rp"
for i in $(seq 1 100); do kill -0 "$rp" 2>/dev/null || break; sleep 0.05; done
if kill -0 "$rp" 2>/dev/null; then
	fail run_blocked_sigterm_forwarded "still running 5 s after SIGTERM"
	# shellcheck disable=SC2046
	kill_ours 9 "$rp" $(cat "/proc/$rp/task/$rp/children" 2>/dev/null)
	wait "$rp" 2>/dev/null
else
	wait "$rp"
	rc=$?
	[ "$rc" = 143 ] && pass run_blocked_sigterm_forwarded || fail run_blocked_sigterm_forwarded "exit $rc: $(cat "$T/e8")"
fi
# (bits 10 and 15: SIGUSR1, SIGTERM)
same run_blocked_mask_kept_for_command "$(cat "$T/blk")" 0000000000004200
