#!/usr/bin/env bash
# cr_stopped: tasks in a group stop (dump_stopped.c, restore_stopped.c):
# dumped held in their stop, restored stopped again, their parent sees the
# stop (waitpid WUNTRACED) and SIGCONT resumes them; `pidtrace show` names
# the stop. A dump that leaves the tree running leaves it stopped; a
# stopped process with several threads is refused in one line.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root

cr_roundtrip_show stopped zdtm_stopped \
	'sig=[.tasks[] | select(.stop_signal != null) | .stop_signal] == ["SIGSTOP", "SIGSTOP"]'

# What the parent kept of the stop reports: a stop it had collected is not
# reported again, one it had not is reported once, no SIGCHLD more; a
# SIGCHLD pending at dump (blocked) is still pending (restore_stopped.c).
cr_roundtrip_show stopreport zdtm_stopreport \
	'reported=[.tasks[] | select(.stop_signal != null) | .stop_reported] == [true, false]'
cr_roundtrip stopreport_blocked zdtm_stopreport blocked

# With --pidns: the stop signal is sent by the host pid.
cr_pidns_roundtrip stopped_pidns zdtm_stopped pidns

# --leave-running: the stopped children stay stopped, the test still passes.
if cr_start stopped_leave zdtm_stopped; then
	"$PIDTRACE" dump -t "$CR_PID" -D "$CR_DIR/img" --leave-running >/dev/null 2>"$CR_DIR/dump.err"
	rc=$?
	kids=$(cat "/proc/$CR_PID/task/$CR_PID/children" 2>/dev/null)
	states=$(for k in $kids; do awk '{print $3}' "/proc/$k/stat"; done | tr '\n' ' ')
	if [ "$rc" = 0 ] && [ "$states" = "T T " ]; then
		pass stopped_leave_running_stays_stopped
	else
		fail stopped_leave_running_stays_stopped "exit $rc, states '$states': $(cat "$CR_DIR/dump.err")"
	fi
	cr_passes stopped_leave_running_untouched
	cr_cleanup
fi

# A stopped process with two threads: refused, left stopped.
if cr_start stopped_threads zdtm_threads; then
	kill -STOP "$CR_PID"
	wait_for 5 bash -c "[ \"\$(awk '{print \$3}' /proc/$CR_PID/stat)\" = T ]"
	"$PIDTRACE" dump -t "$CR_PID" -D "$CR_DIR/img" >/dev/null 2>"$CR_DIR/dump.err"
	rc=$?
	if [ "$rc" = 1 ] && [ "$(wc -l <"$CR_DIR/dump.err")" = 1 ] &&
		grep -Eq "^pidtrace: dump: pid $CR_PID is stopped with [0-9]+ threads: stopped multithreaded processes are not supported$" "$CR_DIR/dump.err" &&
		[ "$(awk '{print $3}' "/proc/$CR_PID/stat")" = T ]; then
		pass stopped_threads_refused
	else
		fail stopped_threads_refused "exit $rc: $(cat "$CR_DIR/dump.err")"
	fi
	kill -CONT "$CR_PID"
	cr_passes stopped_threads_untouched
	cr_cleanup
fi
