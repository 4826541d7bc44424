#!/usr/bin/env bash
# The systemd units (contrib/systemd): they pass `systemd-analyze verify`
# (with the built binary and man pages in place of the installed ones), run
# `pidtrace watch --json` with Restart=on-failure, and their hardening
# still lets the tracer work: pidtrace watch run with exactly the unit's
# capability bounding set and no_new_privs explains a kill -9 with a
# symbolized kernel stack. The logrotate file passes `logrotate -d`.
. "$(dirname "$0")/../lib.sh"
need_root
UNITS="pidtrace-watch pidtrace-watch-file pidtrace-watch-fleet"
JSON_UNITS="pidtrace-watch pidtrace-watch-file"

mkdir -p "$T/units" "$T/man/man8"
cp "$TOP/$OUTPUT"/man/*.8 "$T/man/man8/" 2>/dev/null
for u in $UNITS; do
	src=$TOP/contrib/systemd/$u.service
	[ -f "$src" ] || { fail "${u}_exists" "$src missing"; continue; }
	sed "s|/usr/sbin/pidtrace|$PIDTRACE|g" "$src" >"$T/units/$u.service"
done
for u in $JSON_UNITS; do
	src=$TOP/contrib/systemd/$u.service
	grep -q '^ExecStart=/usr/sbin/pidtrace watch --json' "$src" && pass "${u}_runs_watch_json" ||
		fail "${u}_runs_watch_json" "$(grep ^ExecStart= "$src")"
	grep -qx 'Restart=on-failure' "$src" && pass "${u}_restarts_on_failure" || fail "${u}_restarts_on_failure" "no Restart=on-failure"
done
# The fleet unit: journal entries, and metrics where Debian's node_exporter reads.
grep -q '^ExecStart=/usr/sbin/pidtrace watch --journal --metrics /var/lib/prometheus/node-exporter/pidtrace.prom' \
	"$TOP/contrib/systemd/pidtrace-watch-fleet.service" &&
	grep -qx 'ReadWritePaths=/var/lib/prometheus/node-exporter' "$TOP/contrib/systemd/pidtrace-watch-fleet.service" &&
	pass fleet_unit_writes_metrics_and_journal ||
	fail fleet_unit_writes_metrics_and_journal "$(grep -E '^(ExecStart|ReadWritePaths)=' "$TOP/contrib/systemd/pidtrace-watch-fleet.service")"
grep -qx 'StandardOutput=journal' "$TOP/contrib/systemd/pidtrace-watch.service" && pass watch_unit_writes_to_the_journal ||
	fail watch_unit_writes_to_the_journal "no StandardOutput=journal"
grep -q -- '-o /var/log/pidtrace/watch.jsonl' "$TOP/contrib/systemd/pidtrace-watch-file.service" &&
	grep -qx 'LogsDirectory=pidtrace' "$TOP/contrib/systemd/pidtrace-watch-file.service" &&
	pass file_unit_writes_var_log_pidtrace || fail file_unit_writes_var_log_pidtrace "no -o /var/log/pidtrace/watch.jsonl"

if command -v systemd-analyze >/dev/null; then
	for u in $UNITS; do
		# Documentation=man:pidtrace-watch(8) is checked against our pages.
		MANPATH=$T/man systemd-analyze verify "$T/units/$u.service" >"$T/$u.out" 2>&1
		rc=$?
		[ $rc = 0 ] && [ ! -s "$T/$u.out" ] && pass "${u}_systemd_analyze_verify" ||
			fail "${u}_systemd_analyze_verify" "rc $rc: $(head -c 400 "$T/$u.out")"
		exposure=$(systemd-analyze security --offline=true "$T/units/$u.service" 2>/dev/null |
			sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
		awk -v e="${exposure:-99}" 'BEGIN { exit !(e <= 5.0) }' && pass "${u}_exposure_at_most_5 ($exposure)" ||
			fail "${u}_exposure_at_most_5" "systemd-analyze security says ${exposure:-nothing}"
	done
else
	# No systemd here: check the shape with a small parser instead.
	for u in $UNITS; do
		awk '/^\[/ { sec = $0; seen[sec] = 1; next }
		     /^[A-Za-z]+=/ { if (sec == "") bad = bad " key-outside-section" }
		     /^[^#\[][^=]*$/ && NF { bad = bad " not-key=value:" $0 }
		     END { if (!seen["[Unit]"] || !seen["[Service]"] || !seen["[Install]"]) bad = bad " missing-section";
		           if (bad) { print bad; exit 1 } }' "$T/units/$u.service" >"$T/$u.out" &&
			pass "${u}_unit_syntax (systemd-analyze not installed: checked by a small parser)" ||
			fail "${u}_unit_syntax" "$(cat "$T/$u.out")"
	done
fi

# The hardening leaves the tracer what it needs: run it with exactly the
# unit's capability bounding set, no_new_privs and no inheritable caps.
caps=$(sed -n 's/^CapabilityBoundingSet=//p' "$TOP/contrib/systemd/pidtrace-watch.service")
bset=-all
for c in $caps; do
	c=${c#CAP_}
	bset="$bset,+${c,,}"
done
setpriv --bounding-set "$bset" --inh-caps=-all --no-new-privs -- \
	"$PIDTRACE" watch --json -o "$T/caps.json" 2>"$T/caps.err" &
WATCH_PID=$!
for _ in $(seq 1 200); do
	grep -q tracing "$T/caps.err" 2>/dev/null && break
	kill -0 $WATCH_PID 2>/dev/null || break
	sleep 0.05
done
sleep 30 &
victim=$!
kill -9 $victim
wait $victim 2>/dev/null
sleep 0.3
watch_stop
rec=$(jq -c --argjson p $victim 'select(.event == "death" and .victim.pid == $p)' "$T/caps.json" 2>/dev/null)
[ "$(jfield "$rec" .cause)" = kill-syscall ] && pass "watch_works_with_the_units_capabilities ($bset)" ||
	fail watch_works_with_the_units_capabilities "no kill-syscall death of $victim; stderr: $(head -c 300 "$T/caps.err")"
jfield "$rec" '.kernel_stack[]' | grep -q '^__x64_sys_kill+0x' && pass kernel_stack_symbolized_with_those_capabilities ||
	fail kernel_stack_symbolized_with_those_capabilities "$(jfield "$rec" '.kernel_stack | join(" ")')"
grep -q warning "$T/caps.json" && fail no_warnings_with_those_capabilities "$(grep warning "$T/caps.json")" ||
	pass no_warnings_with_those_capabilities

conf=$TOP/contrib/logrotate/pidtrace
if command -v logrotate >/dev/null; then
	logrotate -d -s "$T/logrotate.state" "$conf" >"$T/lr.out" 2>&1 && ! grep -qi error "$T/lr.out" &&
		pass logrotate_config_parses || fail logrotate_config_parses "$(head -c 400 "$T/lr.out")"
else
	grep -q '^/var/log/pidtrace/watch.jsonl {' "$conf" && grep -q 'try-restart pidtrace-watch-file.service' "$conf" &&
		! grep -qE '^[[:space:]]*copytruncate' "$conf" && pass "logrotate_config_shape (logrotate not installed: checked by grep)" ||
		fail logrotate_config_shape "$conf"
fi
