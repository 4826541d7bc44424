#!/usr/bin/env bash
# The headline: 'kill -9' of a sleeping process, with no filter at all.
# pidtrace watch prints the sender's pid and comm, kill-syscall and the
# victim's exit, as one JSON line with --json and as text without.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/lib-scen.sh"
need_root

# start_sleeper COMM: a sleeping victim in the background; sets $victim.
start_sleeper() {
	local i
	"$PROGS/sleeper" "$1" >"$T/sleeper.out" &
	victim=$!
	for i in $(seq 1 100); do
		grep -q victim= "$T/sleeper.out" && return 0
		sleep 0.02
	done
	return 1
}

my_comm=$(cat /proc/$$/comm)

# 1. the shell's kill builtin, JSON
watch_start || { fail watch_starts "$(cat "$T/watch.err")"; exit 1; }
start_sleeper sc-headline
kill -9 "$victim"
wait "$victim"
status=$?
sleep "$SETTLE"
watch_stop
rc=$?
[ "$status" = 137 ] && pass sleeper_died_by_sigkill ||
	fail sleeper_died_by_sigkill "wait status $status"
[ "$rc" = 0 ] && pass watch_exits_0_on_ctrl_c || fail watch_exits_0_on_ctrl_c "exit status $rc"
n=$(jq -c 'select(.event == "summary")' "$T/watch.json" | grep -c .)
[ "$n" = 1 ] && pass watch_writes_one_summary_on_ctrl_c ||
	fail watch_writes_one_summary_on_ctrl_c "$n summary records"
d=$(death_of "$victim")
if one_record kill9_builtin_reports_one_death "$d" "victim $victim"; then
	expect kill9_builtin_is_kill_syscall "$d" .cause kill-syscall
	expect kill9_builtin_names_sender_pid "$d" .sender.pid $$
	expect kill9_builtin_names_sender_comm "$d" .sender.comm "$my_comm"
	expect kill9_builtin_names_syscall "$d" .syscall kill
	expect kill9_builtin_signal_is_sigkill "$d" .signal SIGKILL
	expect kill9_builtin_si_code_is_si_user "$d" .si_code SI_USER
	expect kill9_builtin_result_is_delivered "$d" .result delivered
	expect kill9_builtin_names_victim_comm "$d" .victim.comm sc-headline
	expect kill9_builtin_exit_status_is_9 "$d" .exit.status 9
	expect kill9_builtin_exit_signal_is_sigkill "$d" .exit.signal SIGKILL
	expect_that kill9_builtin_gives_delay_to_death "$d" .delay_us '. >= 0'
	expect_that kill9_builtin_says_it_in_words "$d" .detail 'length > 0'
fi
rm -f "$T/watch.json"

# 2. /bin/kill, a process of its own, with --stacks
watch_start -c sc-headline2 --stacks ||
	{ fail watch_starts_with_comm "$(cat "$T/watch.err")"; exit 1; }
start_sleeper sc-headline2
/bin/kill -9 "$victim"
wait "$victim"
settle_and_stop
d=$(death_of "$victim")
if one_record kill9_bin_kill_reports_one_death "$d" "victim $victim"; then
	expect kill9_bin_kill_is_kill_syscall "$d" .cause kill-syscall
	expect kill9_bin_kill_names_sender_comm "$d" .sender.comm kill
	expect kill9_bin_kill_sender_is_our_child "$d" .sender.ppid $$
	expect kill9_bin_kill_names_syscall "$d" .syscall kill
	expect kill9_bin_kill_exit_status_is_9 "$d" .exit.status 9
	expect_that kill9_with_stacks_shows_kernel_path_of_kill "$d" .kernel_stack \
		'[.[]? | test("sys_kill")] | any'
	expect_that kill9_with_stacks_shows_sender_user_stack "$d" .user_stack 'length > 0'
fi

# 3. the same in text: one line with the sender's pid and comm and the class
# The last tracer's "tracing" line must not be mistaken for this one's.
rm -f "$T/watch.err"
"$PIDTRACE" watch -o "$T/watch.txt" -c sc-headline3 2>"$T/watch.err" &
WATCH_PID=$!
for i in $(seq 1 200); do
	grep -q tracing "$T/watch.err" 2>/dev/null && break
	sleep 0.05
done
start_sleeper sc-headline3
kill -9 "$victim"
wait "$victim"
settle_and_stop
line=$(grep -w "$victim" "$T/watch.txt" | head -n1)
if [ -n "$line" ]; then
	pass text_output_has_a_line_for_the_victim
	case $line in *kill-syscall*) pass text_line_names_kill_syscall ;;
	*) fail text_line_names_kill_syscall "line: $line" ;; esac
	case $line in *"$my_comm"*) pass text_line_names_sender_comm ;;
	*) fail text_line_names_sender_comm "line: $line" ;; esac
	grep -qw "$$" "$T/watch.txt" && pass text_output_names_sender_pid ||
		fail text_output_names_sender_pid "$(head -c 400 "$T/watch.txt")"
	grep -q SIGKILL "$T/watch.txt" && pass text_output_names_sigkill ||
		fail text_output_names_sigkill "$(head -c 400 "$T/watch.txt")"
	awk 'length > 100 { bad = 1 } END { exit bad }' "$T/watch.txt" &&
		pass text_lines_fit_100_columns || fail text_lines_fit_100_columns "a line is longer"
else
	fail text_output_has_a_line_for_the_victim "$(head -c 400 "$T/watch.txt" | tr '\n' '|')"
fi
