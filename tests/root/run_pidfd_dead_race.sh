#!/usr/bin/env bash
# CRIU's pidfd_dead failure reproduced by tests/progs/pidfd_dead_race: under
# pidtrace run the restorer still fails (its own SIGCHLD handler aborts), and
# the report names the helper, the sender's function and file:line, the
# pidfd opened on the helper, the handler, and the pattern.
. "$(dirname "$0")/../lib.sh"
need_root

prog=$PROGS/pidfd_dead_race
"$PIDTRACE" run --json -o "$T/run.json" -- "$prog" >"$T/out" 2>"$T/err"
rc=$?
[ "$rc" = 1 ] && pass run_passes_the_restorers_failure_status ||
	fail run_passes_the_restorers_failure_status "exit status $rc, expected 1"
eval "$(head -n1 "$T/out")" # helper=.. restorer=.. pidfd=..
d=$(jq -c --argjson p "$helper" 'select(.event == "death" and .victim.pid == $p)' "$T/run.json")
[ -n "$d" ] && pass run_reports_the_helpers_death || { fail run_reports_the_helpers_death \
	"no death of $helper in $(cat "$T/run.json")"; exit 1; }
line=$(grep -n 'kill(helper, SIGKILL);' "$TOP/tests/progs/pidfd_dead_race.c" | cut -d: -f1)
expect helper_death_is_kill_syscall "$d" .cause kill-syscall
expect helper_killed_by_restorer "$d" .sender.pid "$restorer"
expect helper_killed_via_kill "$d" .syscall kill
expect sender_function_is_free_helper "$d" .sender_function free_helper
expect sender_source_is_the_kill_line "$d" .sender_source "tests/progs/pidfd_dead_race.c:$line"
expect helper_created_by_restorer "$d" .lineage.created_by.pid "$restorer"
expect pidfd_opened_by_restorer "$d" '.lineage.pidfds[0].opener.pid' "$restorer"
expect pidfd_opened_with_pidfd_open "$d" '.lineage.pidfds[0].via' pidfd_open
expect pidfd_number_is_the_programs "$d" '.lineage.pidfds[0].fd' "$pidfd"
expect parent_had_a_sigchld_handler "$d" .lineage.parent_sigchld handler
# The handler may exit before the restorer's waitpid() runs: then nobody in
# the tree reaps the helper, and the report must say null, not guess.
r=$(jfield "$d" '.lineage.reaped_by.pid')
[ "$r" = "$restorer" ] || [ "$r" = null ] && pass helper_reaped_by_restorer_or_nobody ||
	fail helper_reaped_by_restorer_or_nobody "reaped_by.pid is '$r'"
expect pattern_is_dead_pidfd_helper "$d" .pattern dead-pidfd-helper
expect_v=$(jfield "$d" .verdict)
case $expect_v in
*"free_helper() at tests/progs/pidfd_dead_race.c:$line"*"SIGCHLD handler"*) pass verdict_names_code_and_handler ;;
*) fail verdict_names_code_and_handler "verdict: $expect_v" ;;
esac
s=$(jq -c 'select(.event == "summary")' "$T/run.json")
expect summary_gives_command_status "$s" .command_exit 1
expect summary_counts_no_drops "$s" .drops 0
