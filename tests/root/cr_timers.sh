#!/usr/bin/env bash
# cr_timers: dump -> kill -> restore -> verify of itimers (real, virtual,
# prof) and POSIX timers (ids with a gap, clocks, signal/none/thread
# notification, sigev_value, time left, interval). `pidtrace show --json`
# lists them.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root

if ! cr_start timers zdtm_timers; then
	fail timers_start "the program did not start"
elif ! cr_dump; then
	fail timers_dump "$(tail -n 3 "$CR_DIR/dump.err")"
else
	pass timers_dump
	"$PIDTRACE" show -D "$CR_DIR/img" --json >"$CR_DIR/show.json"
	if jq -e '.tasks[0] | ([.itimers[] | "\(.which)/\(.interval_us)"] | sort ==
			["prof/2000000", "real/7000000", "virtual/3000000"]) and
		([.posix_timers[] | "\(.id)/\(.clockid)/\(.notify)/\(.sigval)/\(.interval_ns)"] | sort ==
			["0/1/signal/0xabc/5000000000", "2/0/none/0x0/0", "3/7/thread-id/0x777/0"])' \
		"$CR_DIR/show.json" >/dev/null; then
		pass timers_show
	else
		fail timers_show "$(jq -c '.tasks[0] | {itimers, posix_timers}' "$CR_DIR/show.json")"
	fi
	if ! cr_restore; then
		fail timers_restore "$(jr '.error // empty') $(tail -n 3 "$CR_DIR/restore.err")"
	else
		pass timers_restore
		cr_finish
		if [ "$CR_RC" = 0 ] && grep -q '^PASS' "$CR_DIR/log"; then
			pass timers_verify
		else
			fail timers_verify "exit status $CR_RC: $(grep -E '^(FAIL|PASS)' "$CR_DIR/log")"
		fi
	fi
fi
cr_cleanup
