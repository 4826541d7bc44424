#!/usr/bin/env bash
# The tracer under load. With the smallest ring buffer (4 kB: a few
# records) a burst of SIGKILLs loses records: the loss is counted in the
# summary (drops + shed) and said in a warning, never silent, and once the
# burst is over the tracer still reports a new kill -9. Other signals are
# shed first, and that is said too. With the default ring, a moderate
# burst loses no death at all.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/lib-scen.sh"
need_root

N_SMALL=${N_SMALL:-1000}
N_DEFAULT=${N_DEFAULT:-500}

# start_watch ARGS..: 'pidtrace watch --json -o $T/watch.json ARGS', its
# stdout (where --json puts warnings) in watch.out, its stderr in watch.err.
start_watch() {
	local i
	# The last tracer's "tracing" line must not be mistaken for this one's.
	rm -f "$T/watch.json" "$T/watch.err"
	"$PIDTRACE" watch --json -o "$T/watch.json" "$@" >"$T/watch.out" 2>"$T/watch.err" &
	WATCH_PID=$!
	for i in $(seq 1 200); do
		grep -q tracing "$T/watch.err" 2>/dev/null && return 0
		kill -0 "$WATCH_PID" 2>/dev/null || break
		sleep 0.05
	done
	return 1
}

# missing VICTIMS: how many of the comma-separated pids have no SIGKILL
# death record.
missing() {
	jq -r 'select(.event == "death" and .signal == "SIGKILL") | .victim.pid' \
		"$T/watch.json" | sort -u >"$T/dead"
	tr ',' '\n' <<<"$1" | sort -u >"$T/victims"
	comm -23 "$T/victims" "$T/dead" | grep -c .
}

# summary FIELD: a field of the summary record.
summary() { jq -r "select(.event == \"summary\") | .$1" "$T/watch.json"; }

# warned: the warning about lost or shed records, on stderr or (--json) as
# a {"warning": ...} line on stdout.
warned() {
	grep -hE 'records were lost|were shed' "$T/watch.err" "$T/watch.out"
}

# start_sleeper COMM: a sleeping victim; sets $victim.
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

# 1. The smallest ring and a burst of N_SMALL kills.
start_watch --ringbuf-kb 4 -c sc-ringburst || {
	fail small_ring_watch_starts "$(cat "$T/watch.err")"
	exit 1
}
scen kill_burst sc-ringburst "$N_SMALL" || { watch_stop; exit 1; }
sleep 1
# After the burst: one more kill -9, of a sleeping process.
start_sleeper sc-ringburst || fail small_ring_sleeper_starts "$(cat "$T/sleeper.out")"
kill -9 "$victim"
wait "$victim"
sleep 1
watch_stop
rc=$?
[ "$rc" = 0 ] && pass small_ring_watch_exits_0 || fail small_ring_watch_exits_0 "exit status $rc"
lost=$(missing "$victims")
drops=$(summary drops)
shed=$(summary shed)
if [ -z "$drops" ] || [ -z "$shed" ]; then
	fail small_ring_writes_summary "no drops/shed in: $(tail -c 300 "$T/watch.json")"
	exit 1
fi
echo "small ring: $N_SMALL kills, $lost deaths not reported, drops $drops, shed $shed"
if [ "$lost" -gt 0 ]; then
	pass small_ring_burst_overflows_the_ring
	[ $((drops + shed)) -ge "$lost" ] && pass small_ring_counts_every_lost_death ||
		fail small_ring_counts_every_lost_death "$lost deaths missing, drops $drops + shed $shed"
else
	skip small_ring_burst_overflows_the_ring "the tracer kept up with $N_SMALL kills"
fi
if [ $((drops + shed)) -gt 0 ]; then
	w=$(warned)
	[ -n "$w" ] && pass small_ring_warns_of_the_loss ||
		fail small_ring_warns_of_the_loss "no warning: $(cat "$T/watch.err" "$T/watch.out" | head -c 300)"
	if [ "$drops" -gt 0 ]; then
		grep -q "$drops records were lost" <<<"$w" && pass small_ring_warning_gives_the_number ||
			fail small_ring_warning_gives_the_number "warning: $w"
	fi
else
	[ -z "$(warned)" ] && pass small_ring_no_loss_no_warning ||
		fail small_ring_no_loss_no_warning "$(warned)"
fi
d=$(jq -c --argjson p "$victim" 'select(.event == "death" and .victim.pid == $p)' "$T/watch.json")
if one_record small_ring_reports_a_kill_after_the_burst "$d" "victim $victim"; then
	expect small_ring_kill_after_burst_is_kill_syscall "$d" .cause kill-syscall
	expect small_ring_kill_after_burst_is_sigkill "$d" .signal SIGKILL
fi

# 1b. The same with -s CHLD: each death also sends a SIGCHLD, a record the
# kernel side sheds (counts, and drops) first when the ring fills up.
start_watch --ringbuf-kb 4 -s CHLD -c sc-ringchld || {
	fail small_ring_chld_watch_starts "$(cat "$T/watch.err")"
	exit 1
}
scen kill_burst sc-ringchld 300 || { watch_stop; exit 1; }
sleep 1
watch_stop
shed=$(summary shed)
echo "small ring with SIGCHLD: 300 kills, shed $shed, drops $(summary drops)"
if [ "${shed:-0}" -gt 0 ]; then
	pass small_ring_sheds_other_signals_first
	grep -q "$shed records of other signals were shed" <<<"$(warned)" &&
		pass small_ring_warns_of_shed_records ||
		fail small_ring_warns_of_shed_records "no warning: $(warned | head -c 300)"
else
	skip small_ring_sheds_other_signals_first "nothing was shed (shed '$shed')"
fi

# 2. The default ring: a moderate burst loses nothing.
start_watch -c sc-ringdflt || {
	fail default_ring_watch_starts "$(cat "$T/watch.err")"
	exit 1
}
scen kill_burst sc-ringdflt "$N_DEFAULT" || { watch_stop; exit 1; }
sleep 1
watch_stop
lost=$(missing "$victims")
drops=$(summary drops)
shed=$(summary shed)
echo "default ring: $N_DEFAULT kills, $lost deaths not reported, drops $drops, shed $shed"
[ "$lost" = 0 ] && pass default_ring_reports_every_sigkill_death ||
	fail default_ring_reports_every_sigkill_death "$lost of $N_DEFAULT deaths missing"
[ "$drops" = 0 ] && [ "$shed" = 0 ] && pass default_ring_drops_nothing ||
	fail default_ring_drops_nothing "drops $drops, shed $shed"
n=$(jq -r 'select(.event == "death") | .victim.pid' "$T/watch.json" | sort | uniq -d | grep -c .)
[ "$n" = 0 ] && pass default_ring_reports_each_death_once ||
	fail default_ring_reports_each_death_once "$n victims reported twice"
[ -z "$(warned)" ] && pass default_ring_no_warning || fail default_ring_no_warning "$(warned)"
