#!/usr/bin/env bash
# Process-group and broadcast kills are explained: kill(0) names the
# sender's own process group and its size, kill(-N) the group N and its
# size, kill(-1) "every process it may signal"; in the why line, the
# verdict and JSON (kill_target).
. "$(dirname "$0")/../lib.sh"
need_root

# timeout(1) ends with kill(0, SIGKILL): itself and sleep, in its own group.
"$PIDTRACE" run --json -o "$T/t.json" -- timeout -s KILL 1 sleep 10 >/dev/null 2>&1
d=$(jq -c 'select(.event == "death" and .victim.comm == "timeout")' "$T/t.json")
tp=$(jfield "$d" .victim.pid)
expect kill_0_kind_own_group "$d" .kill_target.kind own-group
expect kill_0_pgid_is_timeouts "$d" .kill_target.pgid "$tp"
expect kill_0_group_size "$d" .kill_target.processes 2
expect kill_0_why "$d" .detail "pid $tp (timeout) called kill(0, SIGKILL): its own process group $tp (2 processes)"
case $(jfield "$d" .verdict) in
*"its own process group $tp (2 processes)"*) pass kill_0_verdict ;;
*) fail kill_0_verdict "$(jfield "$d" .verdict)" ;;
esac
"$PIDTRACE" run -o "$T/t.txt" -- timeout -s KILL 1 sleep 10 >/dev/null 2>&1
grep -E '^ +why +pid [0-9]+ \(timeout\) called kill\(0, SIGKILL\): its own process group [0-9]+ \(2 processes\)$' "$T/t.txt" >/dev/null &&
	pass kill_0_plain_why_line || fail kill_0_plain_why_line "$(grep -E 'why|verdict' "$T/t.txt")"

# kill(-PGID): bash leads its own group (run's command), with two sleeps.
"$PIDTRACE" run --json -o "$T/g.json" -- bash -c 'sleep 100 & sleep 100 & sleep 0.3; kill -9 -$$' >/dev/null 2>&1
d=$(jq -c 'select(.event == "death" and .victim.comm == "bash")' "$T/g.json")
bp=$(jfield "$d" .victim.pid)
expect kill_minus_pgid_kind_group "$d" .kill_target.kind group
expect kill_minus_pgid_arg "$d" .kill_target.arg "-$bp"
expect kill_minus_pgid_size "$d" .kill_target.processes 3
expect kill_minus_pgid_why "$d" .detail "pid $bp (bash) called kill(-$bp, SIGKILL): process group $bp (3 processes)"
n=$(jq -s '[.[] | select(.event == "death" and .kill_target.processes == 3)] | length' "$T/g.json")
[ "$n" = 3 ] && pass kill_minus_pgid_every_victim_has_the_size || fail kill_minus_pgid_every_victim_has_the_size "$n of 3"

# kill(-1), inside a pid namespace of its own (it cannot reach further).
"$PIDTRACE" run --json -o "$T/a.json" -- unshare -pf --kill-child \
	sh -c 'sleep 100 & sleep 100 & sleep 0.3; kill -9 -1; wait' >/dev/null 2>&1
d=$(jq -c 'select(.event == "death" and .victim.comm == "sleep")' "$T/a.json" | head -1)
expect kill_minus_1_kind_all "$d" .kill_target.kind all
case $(jfield "$d" .detail) in
*"called kill(-1, SIGKILL): every process it may signal") pass kill_minus_1_why ;;
*) fail kill_minus_1_why "$(jfield "$d" .detail)" ;;
esac

# A plain kill(pid) stays as it was.
d=$(jq -c 'select(.event == "death" and .victim.comm == "sleep")' "$T/t.json")
expect kill_pid_kind_process "$d" .kill_target.kind process
case $(jfield "$d" .detail) in
*"called kill($(jfield "$d" .victim.pid), SIGKILL)") pass kill_pid_why_unchanged ;;
*) fail kill_pid_why_unchanged "$(jfield "$d" .detail)" ;;
esac
