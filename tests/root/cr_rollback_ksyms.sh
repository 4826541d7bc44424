#!/usr/bin/env bash
# cr_rollback_ksyms: a restore reads /proc/kallsyms only for a death whose
# cause needs kernel symbols. A rollback's own kills are kill() syscalls
# from pidtrace: their cause comes from the syscall, and the restore's
# report prints no kernel stack, so naming their stacks would only cost a
# full read of /proc/kallsyms (35-150 ms, then 300 ms on a loaded host)
# on the way to the error.
#   1. A restore of a tree of five failing at restore-state (injected
#      fault), traced with strace (its main thread: where the tracer's
#      records are explained): the rollback's deaths are all
#      restore-rollback and expected, and no /proc/kallsyms is opened.
#   2. `pidtrace watch --json` still names the kernel stack of a kill():
#      what it prints needs it.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root

if ! command -v strace >/dev/null; then
	skip rollback_no_kallsyms "strace is not installed"
elif cr_start rollback zdtm_tree && cr_dump; then
	R=$CR_DIR/restore.json
	ST=$T/restore.strace
	# strace without -f: the tasks pidtrace builds must stay free to be seized.
	# Under ASan, LeakSanitizer cannot stop a traced process at its exit
	# (it reports a fatal error): no leak check for this one run.
	(cd "$CR_DIR" && ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" \
		PIDTRACE_FAULT=restore-state exec strace -o "$ST" -e trace=open,openat \
		"$PIDTRACE" restore -D "$CR_DIR/img" --json >"$R" 2>"$CR_DIR/restore.err") &
	CR_RESTORE=$!
	wait "$CR_RESTORE"
	CR_RESTORE=
	if [ "$(jq -r .error "$R" 2>/dev/null)" = "state: test fault at restore-state" ]; then
		pass rollback_failed_at_state
	else
		fail rollback_failed_at_state "$(jq -c . "$R" 2>/dev/null) $(cat "$CR_DIR/restore.err")"
	fi
	all=$(jq '.deaths | length' "$R" 2>/dev/null)
	got=$(jq '[.deaths[] | select(.expected and .cause == "restore-rollback")] | length' "$R" 2>/dev/null)
	if [ -n "$all" ] && [ "$all" -ge "$(jq '.tasks' "$R")" ] && [ "$got" = "$all" ]; then
		pass rollback_deaths_attributed
	else
		fail rollback_deaths_attributed "$got of $all: $(jq -c '[.deaths[] | [.victim.pid, .cause, .expected]]' "$R" 2>/dev/null)"
	fi
	if [ ! -s "$ST" ]; then
		fail rollback_no_kallsyms "strace wrote nothing"
	elif grep -q '/proc/kallsyms' "$ST"; then
		fail rollback_no_kallsyms "$(grep '/proc/kallsyms' "$ST" | head -1)"
	else
		pass rollback_no_kallsyms
	fi
else
	fail rollback_setup "could not start or dump zdtm_tree"
fi
cr_cleanup

# ---- 2. watch still names a kill's kernel stack ----
watch_start
sleep 1000 &
VICTIM=$!
kill -9 "$VICTIM"
wait "$VICTIM" 2>/dev/null
watch_stop
REC=$(death_of "$VICTIM")
if [ -z "$REC" ]; then
	fail watch_kill_recorded "no death of $VICTIM in: $(head -c 400 "$T/watch.json")"
elif [ "$(jfield "$REC" '.cause')" = kill-syscall ] &&
	[ "$(jfield "$REC" '.kernel_stack | length')" -gt 0 ]; then
	pass watch_kill_kernel_stack_named
else
	fail watch_kill_kernel_stack_named "$(jfield "$REC" '{cause, kernel_stack}' | tr -d '\n')"
fi
