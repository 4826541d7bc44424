#!/usr/bin/env bash
# pidtrace watch --journal: a cgroup.kill death becomes one native journal
# entry that `journalctl PIDTRACE_CAUSE=cgroup-kill` and
# `journalctl MESSAGE_ID=<the id docs/fleet.md gives>` find, with every
# field. These machines run no journald: the test starts Debian's
# systemd-journald on its own when none listens, and stops what it started.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/lib-scen.sh"
need_root

sock=/run/systemd/journal/socket
jd=/lib/systemd/systemd-journald
[ -x "$jd" ] && command -v journalctl >/dev/null ||
	{ fail journal_installed "no $jd or journalctl (Debian's systemd package)"; exit 1; }

journald_listens() {
	python3 -c 'import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.connect(sys.argv[1])' "$sock" 2>/dev/null
}

# ---- no journald: one line, exit 1 ------------------------------------------
# A private mount namespace whose /run/systemd/journal is empty, whatever
# the host runs.
unshare -m sh -c "mkdir -p /run/systemd/journal && mount -t tmpfs none /run/systemd/journal &&
	exec '$PIDTRACE' watch --journal --duration 1" >/dev/null 2>"$T/nojournal.err"
rc=$?
[ "$rc" = 1 ] && [ "$(wc -l <"$T/nojournal.err")" = 1 ] &&
	grep -q 'journald does not answer' "$T/nojournal.err" &&
	pass journal_missing_is_one_line_error ||
	fail journal_missing_is_one_line_error "exit $rc: $(cat "$T/nojournal.err")"

# ---- journald goes away while watch runs: the end is not clean (exit 1) --
# A stand-in journald in a private mount namespace takes the "started"
# entry, then closes: every later send and check is refused. watch goes on
# to its --duration, says the failures once, and exits 1 (not 0: a
# monitor whose entries were lost did not end cleanly).
cat >"$T/fakejd.py" <<'EOP'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
open(sys.argv[2], "w").write("ready\n")
s.recv(65536)
EOP
unshare -m sh -c "mkdir -p /run/systemd/journal && mount -t tmpfs none /run/systemd/journal &&
	python3 '$T/fakejd.py' $sock '$T/fakejd.ready' & i=0
	while [ \$i -lt 200 ] && ! [ -s '$T/fakejd.ready' ]; do sleep 0.05; i=\$((i + 1)); done
	'$PIDTRACE' watch --journal --duration 2 -o /dev/null; echo \$? >'$T/gone.rc'; wait" \
	>/dev/null 2>"$T/gone.err"
rc=$(cat "$T/gone.rc" 2>/dev/null)
[ "$rc" = 1 ] && grep -q 'journal: [0-9]* failures' "$T/gone.err" &&
	pass journal_gone_is_exit_1 ||
	fail journal_gone_is_exit_1 "exit ${rc:-none}: $(cat "$T/gone.err")"

if ! journald_listens; then
	"$jd" >"$T/journald.log" 2>&1 &
	jd_pid=$!
	at_exit "kill $jd_pid; wait $jd_pid"
	for i in $(seq 1 100); do
		journald_listens && break
		sleep 0.05
	done
fi
journald_listens || { fail journald_starts "$(tail -n3 "$T/journald.log" 2>/dev/null)"; exit 1; }

# ---- a cgroup.kill death, as a journal entry ------------------------------
grp=/sys/fs/cgroup/unified/pidtrace-test-journal-$$
at_exit "cgroup_remove $grp"
watch_start --journal -c sc-cgkill-v || { fail watch_starts "$(cat "$T/watch.err")"; exit 1; }
scen cgroup_kill "$grp" || { watch_stop; exit 1; }
settle_and_stop

entry=
for i in $(seq 1 50); do
	entry=$(journalctl --no-pager -o json PIDTRACE_CAUSE=cgroup-kill \
		PIDTRACE_VICTIM_PID="$victim" 2>/dev/null)
	[ -n "$entry" ] && break
	sleep 0.1
done
one_record journal_has_one_entry_for_the_death "$entry" "victim $victim" || exit 1
expect journal_signal_field "$entry" .PIDTRACE_SIGNAL SIGKILL
expect journal_signo_field "$entry" .PIDTRACE_SIGNO 9
expect journal_victim_comm_field "$entry" .PIDTRACE_VICTIM_COMM sc-cgkill-v
expect journal_sender_pid_field "$entry" .PIDTRACE_SENDER_PID "$sender"
expect journal_sender_comm_field "$entry" .PIDTRACE_SENDER_COMM sc-cgkill
expect journal_syscall_field "$entry" .PIDTRACE_SYSCALL write
expect journal_expected_field "$entry" .PIDTRACE_EXPECTED 0
expect_that journal_cgroup_field "$entry" .PIDTRACE_CGROUP "endswith(\"/${grp##*/}\")"
expect journal_exit_status_field "$entry" .PIDTRACE_EXIT_STATUS 9
expect journal_identifier "$entry" .SYSLOG_IDENTIFIER pidtrace
expect journal_priority_is_warning "$entry" .PRIORITY 4
expect_that journal_message_is_the_explanation "$entry" .MESSAGE \
	"startswith(\"pid $victim (sc-cgkill-v) died by SIGKILL: cgroup-kill: \") and contains(\"cgroup.kill\")"

# The MESSAGE_ID is the one docs/fleet.md publishes for cgroup-kill.
id=$(sed -n 's/^| `cgroup-kill` | `\([0-9a-f]\{32\}\)`.*/\1/p' "$TOP/docs/fleet.md")
[ -n "$id" ] || fail journal_docs_list_the_id "no cgroup-kill row in docs/fleet.md"
expect journal_message_id_is_documented "$entry" .MESSAGE_ID "$id"
n=$(journalctl --no-pager -o json MESSAGE_ID="$id" PIDTRACE_VICTIM_PID="$victim" | grep -c .)
[ "$n" = 1 ] && pass journal_found_by_message_id || fail journal_found_by_message_id "$n entries"

# ---- a comm with a newline: still one field, byte for byte -----------------
# journald's binary-safe form (length-prefixed value); a plain "NAME=value"
# line would cut the entry at the newline. One write of python's own comm
# (bash's printf would write it line by line: the last line would win).
python3 -c 'import time
open("/proc/self/comm", "wb", buffering=0).write(b"jr\nnl")
time.sleep(60)' </dev/null >/dev/null 2>&1 &
nlv=$!
for i in $(seq 1 100); do [ "$(cat /proc/$nlv/comm 2>/dev/null)" = "$(printf 'jr\nnl')" ] && break; sleep 0.02; done
watch_start --journal -p "$nlv" || { fail watch_starts_nl "$(cat "$T/watch.err")"; kill -9 "$nlv"; exit 1; }
kill -9 "$nlv"
wait "$nlv" 2>/dev/null
settle_and_stop
comm=
for i in $(seq 1 50); do
	comm=$(journalctl --no-pager -o json PIDTRACE_VICTIM_PID="$nlv" PIDTRACE_EVENT=death 2>/dev/null |
		jq -c .PIDTRACE_VICTIM_COMM | head -1)
	[ -n "$comm" ] && break
	sleep 0.1
done
# journalctl -o json prints the value as a JSON string: the newline as \n.
[ "$comm" = '"jr\nnl"' ] && pass journal_binary_safe_comm ||
	fail journal_binary_safe_comm "PIDTRACE_VICTIM_COMM is ${comm:-missing}"

# Every command pays for each library it links at its start: the journal
# needs none (see user/trace/journal.c).
if ldd "$PIDTRACE" | grep -q libsystemd; then
	fail journal_without_libsystemd "$(ldd "$PIDTRACE" | grep libsystemd)"
else
	pass journal_without_libsystemd
fi
