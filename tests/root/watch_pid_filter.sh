#!/usr/bin/env bash
# 'pidtrace watch -p PID' reports what happens to PID and its descendants,
# and nothing about other processes killed meanwhile.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/lib-scen.sh"
need_root

# start_sleeper COMM: a sleeping victim in the background, once it is
# named; sets $sleeper to its pid.
start_sleeper() {
	local i out=$T/sleeper-$1.out
	"$PROGS/sleeper" "$1" >"$out" &
	sleeper=$!
	for i in $(seq 1 100); do
		grep -q victim= "$out" && break
		sleep 0.02
	done
}

start_sleeper sc-pf-watched
watched=$sleeper
start_sleeper sc-pf-other
other=$sleeper
watch_start -p "$watched" || { fail watch_starts "$(cat "$T/watch.err")"; exit 1; }
kill -9 "$other"
sleep 0.1
kill -9 "$watched"
wait "$other" "$watched"
settle_and_stop
d=$(death_of "$watched")
one_record pid_filter_reports_the_watched_pid "$d" "pid $watched" &&
	expect pid_filter_names_the_sender "$d" .sender.pid $$
n=$(jq -c --argjson p "$other" 'select(.victim.pid == $p or .sender.pid == $p)' \
	"$T/watch.json" | grep -c .)
[ "$n" = 0 ] && pass pid_filter_hides_a_kill_of_another_pid ||
	fail pid_filter_hides_a_kill_of_another_pid "$n records about pid $other"
rm -f "$T/watch.json"

# Descendants: a shell that, once watched, runs a scenario that forks its
# victim and sender.
mkfifo "$T/go"
( read -r _ <"$T/go"; exec "$PROGS/kill_kill" >"$T/desc.out" ) &
parent=$!
watch_start -p "$parent" || { fail watch_starts "$(cat "$T/watch.err")"; exit 1; }
echo go >"$T/go"
wait "$parent"
rc=$?
settle_and_stop
[ "$rc" = 0 ] || fail pid_filter_scenario_did_its_job "kill_kill exit status $rc"
victim=$(sed -n 's/.*victim=\([0-9]*\).*/\1/p' "$T/desc.out")
d=$(death_of "${victim:-0}")
one_record pid_filter_follows_descendants "$d" "victim ${victim:-?} (grandchild of $parent)" &&
	expect pid_filter_descendant_is_kill_syscall "$d" .cause kill-syscall
