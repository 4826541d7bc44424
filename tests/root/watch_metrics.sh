#!/usr/bin/env bash
# test: serial (its label cap counts every death on the host, through a real Prometheus)
# pidtrace watch --metrics, read by the real servers: kills of three cause
# classes, counted in a .prom file that Debian's prometheus-node-exporter
# serves (textfile collector) and a real prometheus scrapes and answers
# PromQL about; promtool accepts the file and the shipped alert rules.
# Then the bad cases: a name node_exporter would not read, a directory that
# cannot be written, a full disk, the label cap.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/lib-scen.sh"
need_root

for b in prometheus-node-exporter prometheus promtool curl; do
	command -v "$b" >/dev/null ||
		{ fail metrics_servers_installed "$b is missing (tools/deps.sh installs it)"; exit 1; }
done

# free_port: a TCP port on 127.0.0.1 that nothing listens on now.
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_http URL: until URL answers (10 s at most).
wait_http() {
	local i
	for i in $(seq 1 100); do
		curl -sf -o /dev/null "$1" && return 0
		sleep 0.1
	done
	return 1
}

# metric_value FILE NAME LABELS: the value of the series NAME whose labels
# include every name=value of LABELS ("cause=oom-kill,comm=x"), summed
# over the series that match; empty when none does. Reads the text format
# whatever the order of labels (node_exporter sorts them).
metric_value() {
	python3 - "$1" "$2" "$3" <<'EOF'
import re, sys
path, name, want = sys.argv[1], sys.argv[2], sys.argv[3]
want = dict(kv.split("=", 1) for kv in want.split(",") if kv)
total, seen = 0.0, False
for line in open(path):
    m = re.match(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$', line.strip())
    if not m or m.group(1) != name:
        continue
    labels = dict(re.findall(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"', m.group(3) or ""))
    if all(labels.get(k) == v for k, v in want.items()):
        total += float(m.group(4)); seen = True
if seen:
    print(int(total) if total == int(total) else total)
EOF
}

expect_metric() { # NAME FILE METRIC LABELS VALUE
	local got
	got=$(metric_value "$2" "$3" "$4")
	[ "$got" = "$5" ] && pass "$1" || fail "$1" "$3{$4} is '$got', expected '$5'"
}

dir=$T/textfile
mkdir -p "$dir"
prom=$dir/pidtrace.prom
# Only the deaths of this test's own cgroup v2 group (tests/run.sh gives it
# one) are counted: "serial" keeps the harness's other tests away, not
# another session's run on the same host, whose scenarios kill victims
# of the same names (every count was once 2, not 1). The cgroup-kill
# victim's group is below ours.
cg2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/self/mounts)
own=$cg2$(sed -n 's/^0:://p' /proc/self/cgroup)
own=${own%/}
grp=$own/pidtrace-test-metrics-$$
at_exit "cgroup_remove $grp"

# ---- three classes of kill, counted --------------------------------------
"$PIDTRACE" watch --metrics "$prom" --metrics-labels comm --json -o "$T/watch.json" \
	--cgroup "$own" 2>"$T/watch.err" &
WATCH_PID=$!
for i in $(seq 1 200); do
	grep -q tracing "$T/watch.err" && break
	sleep 0.05
done
grep -q tracing "$T/watch.err" || { fail metrics_watch_starts "$(cat "$T/watch.err")"; exit 1; }
[ -s "$prom" ] && pass metrics_file_written_at_start || fail metrics_file_written_at_start "no $prom"
expect_metric metrics_up_while_running "$prom" pidtrace_up "" 1
progs=$(metric_value "$prom" pidtrace_bpf_programs_attached "")
[ "${progs:-0}" -gt 0 ] && pass metrics_programs_attached ||
	fail metrics_programs_attached "pidtrace_bpf_programs_attached is '$progs'"

scen kill_kill || exit 1
scen pdeathsig || exit 1
scen cgroup_kill "$grp" || exit 1
# The file is rewritten at most once a second: wait for our three deaths.
for i in $(seq 1 60); do
	[ "$(metric_value "$prom" pidtrace_deaths_total comm=sc-cgkill-v)" = 1 ] && break
	sleep 0.1
done
expect_metric metrics_counts_kill_syscall "$prom" pidtrace_deaths_total \
	"cause=kill-syscall,signal=SIGKILL,comm=sc-kill-v" 1
expect_metric metrics_counts_parent_death_signal "$prom" pidtrace_deaths_total \
	"cause=parent-death-signal,signal=SIGKILL,comm=sc-pdeath-v" 1
expect_metric metrics_counts_cgroup_kill "$prom" pidtrace_deaths_total \
	"cause=cgroup-kill,signal=SIGKILL,comm=sc-cgkill-v" 1
tmps=("$dir"/.pidtrace.prom.*)
[ -e "${tmps[0]}" ] &&
	fail metrics_no_temporary_left "$(ls -a "$dir")" || pass metrics_no_temporary_left
if promtool check metrics <"$prom" >"$T/promtool.out" 2>&1; then
	pass metrics_promtool_check_metrics
else
	fail metrics_promtool_check_metrics "$(tr '\n' ' ' <"$T/promtool.out")"
fi

# ---- node_exporter serves the file ---------------------------------------
ne_port=$(free_port)
prometheus-node-exporter --web.listen-address="127.0.0.1:$ne_port" \
	--collector.disable-defaults --collector.textfile \
	--collector.textfile.directory="$dir" >"$T/ne.log" 2>&1 &
ne_pid=$!
at_exit "kill $ne_pid; wait $ne_pid"
if wait_http "http://127.0.0.1:$ne_port/metrics"; then
	curl -sf "http://127.0.0.1:$ne_port/metrics" >"$T/ne.metrics"
	expect_metric node_exporter_serves_cgroup_kill "$T/ne.metrics" pidtrace_deaths_total \
		"cause=cgroup-kill,comm=sc-cgkill-v" 1
	expect_metric node_exporter_serves_up "$T/ne.metrics" pidtrace_up "" 1
	expect_metric node_exporter_textfile_no_error "$T/ne.metrics" \
		node_textfile_scrape_error "" 0
else
	fail node_exporter_answers "$(tail -n3 "$T/ne.log")"
fi

# ---- prometheus scrapes node_exporter and answers PromQL -----------------
p_port=$(free_port)
cat >"$T/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
scrape_configs:
  - job_name: node
    static_configs:
      - targets: ['127.0.0.1:$ne_port']
EOF
prometheus --config.file="$T/prometheus.yml" --storage.tsdb.path="$T/tsdb" \
	--web.listen-address="127.0.0.1:$p_port" >"$T/prom.log" 2>&1 &
p_pid=$!
at_exit "kill $p_pid; wait $p_pid"
q='sum by (cause) (pidtrace_deaths_total{comm=~"sc-.*"})'
got=
if wait_http "http://127.0.0.1:$p_port/-/ready"; then
	for i in $(seq 1 100); do
		got=$(curl -sf -G "http://127.0.0.1:$p_port/api/v1/query" --data-urlencode "query=$q" |
			jq -c '[.data.result[] | {(.metric.cause): .value[1]}] | add // {}')
		[ "$(jq -r '."cgroup-kill"' <<<"$got" 2>/dev/null)" = 1 ] && break
		sleep 0.2
	done
	expect prometheus_query_kill_syscall "$got" '."kill-syscall"' 1
	expect prometheus_query_parent_death_signal "$got" '."parent-death-signal"' 1
	expect prometheus_query_cgroup_kill "$got" '."cgroup-kill"' 1
else
	fail prometheus_answers "$(tail -n3 "$T/prom.log")"
fi

# The alert and recording rules shipped and shown in docs/fleet.md.
if promtool check rules "$TOP/contrib/prometheus/pidtrace-rules.yml" >"$T/rules.out" 2>&1; then
	pass metrics_promtool_check_rules
else
	fail metrics_promtool_check_rules "$(tr '\n' ' ' <"$T/rules.out")"
fi

# A clean stop writes pidtrace_up 0: a stopped tracer is not a dead one.
kill -INT "$WATCH_PID"
wait "$WATCH_PID"
rc=$?
WATCH_PID=
[ "$rc" = 0 ] && pass metrics_watch_stops_cleanly || fail metrics_watch_stops_cleanly "exit $rc"
expect_metric metrics_up_zero_after_stop "$prom" pidtrace_up "" 0

# ---- bad input -------------------------------------------------------------
"$PIDTRACE" watch --metrics "$dir/pidtrace.txt" --duration 1 >/dev/null 2>"$T/bad.err"
rc=$?
[ "$rc" = 1 ] && [ "$(wc -l <"$T/bad.err")" = 1 ] && grep -q '\.prom' "$T/bad.err" &&
	pass metrics_refuses_a_name_node_exporter_ignores ||
	fail metrics_refuses_a_name_node_exporter_ignores "exit $rc: $(cat "$T/bad.err")"

"$PIDTRACE" watch --metrics "$T/no/such/dir/pidtrace.prom" --duration 1 >/dev/null \
	2>"$T/bad.err"
rc=$?
[ "$rc" = 1 ] && [ "$(wc -l <"$T/bad.err")" = 1 ] && grep -q 'No such file' "$T/bad.err" &&
	pass metrics_missing_directory_one_line ||
	fail metrics_missing_directory_one_line "exit $rc: $(cat "$T/bad.err")"

# A read-only directory (root writes anywhere else): a read-only tmpfs.
ro=$T/ro
mkdir -p "$ro"
mount -t tmpfs -o ro,size=64k none "$ro" && at_exit "umount $ro"
"$PIDTRACE" watch --metrics "$ro/pidtrace.prom" --duration 1 >/dev/null 2>"$T/bad.err"
rc=$?
[ "$rc" = 1 ] && [ "$(wc -l <"$T/bad.err")" = 1 ] && grep -q 'Read-only' "$T/bad.err" &&
	pass metrics_unwritable_directory_one_line ||
	fail metrics_unwritable_directory_one_line "exit $rc: $(cat "$T/bad.err")"

# A full disk: the previous file stays whole, the error is said once and
# counted, and the file is written again once there is room.
full=$T/full
mkdir -p "$full"
mount -t tmpfs -o size=64k none "$full" && at_exit "umount $full"
"$PIDTRACE" watch --metrics "$full/pidtrace.prom" --metrics-labels comm \
	-c sc-kill-v --cgroup "$own" >/dev/null 2>"$T/full.err" &
WATCH_PID=$!
for i in $(seq 1 200); do
	grep -q tracing "$T/full.err" && break
	sleep 0.05
done
dd if=/dev/zero of="$full/filler" bs=4k count=64 2>/dev/null
scen kill_kill || exit 1
for i in $(seq 1 60); do
	grep -q 'No space left' "$T/full.err" && break
	sleep 0.1
done
grep -q 'No space left' "$T/full.err" && pass metrics_full_disk_is_said ||
	fail metrics_full_disk_is_said "stderr: $(cat "$T/full.err")"
promtool check metrics <"$full/pidtrace.prom" >/dev/null 2>&1 &&
	expect_metric metrics_full_disk_keeps_previous_file "$full/pidtrace.prom" pidtrace_up "" 1 ||
	fail metrics_full_disk_keeps_previous_file "$(head -c 300 "$full/pidtrace.prom")"
sleep 1.2 # a second failed rewrite at least (the heartbeat or the next death)
rm -f "$full/filler"
scen kill_kill || exit 1
for i in $(seq 1 60); do
	[ "$(metric_value "$full/pidtrace.prom" pidtrace_deaths_total comm=sc-kill-v)" = 2 ] && break
	sleep 0.1
done
expect_metric metrics_full_disk_recovers "$full/pidtrace.prom" pidtrace_deaths_total \
	comm=sc-kill-v 2
errs=$(metric_value "$full/pidtrace.prom" pidtrace_metrics_write_errors_total "")
[ "${errs:-0}" -ge 1 ] && pass metrics_full_disk_counted ||
	fail metrics_full_disk_counted "pidtrace_metrics_write_errors_total is '$errs'"
[ "$(grep -c 'No space left' "$T/full.err")" = 1 ] && pass metrics_full_disk_said_once ||
	fail metrics_full_disk_said_once "$(cat "$T/full.err")"
watch_stop

# The label cap: past it, deaths count under "other", and that is counted.
"$PIDTRACE" watch --metrics "$prom" --metrics-labels comm --metrics-label-cap 1 \
	>/dev/null 2>"$T/cap.err" &
WATCH_PID=$!
for i in $(seq 1 200); do
	grep -q tracing "$T/cap.err" && break
	sleep 0.05
done
cp "$(command -v sleep)" "$T/pt-cap-two"
sleep 100 &
s1=$!
"$T/pt-cap-two" 100 &
s2=$!
# Whatever died first on the host took the one value; ours two are past it.
sleep 0.1
kill -9 "$s1" "$s2"
wait "$s1" "$s2" 2>/dev/null
for i in $(seq 1 60); do
	[ "$(metric_value "$prom" pidtrace_metrics_label_overflow_total label=comm)" -ge 1 ] \
		2>/dev/null && break
	sleep 0.1
done
over=$(metric_value "$prom" pidtrace_metrics_label_overflow_total label=comm)
[ "${over:-0}" -ge 1 ] && pass metrics_label_cap_counts_overflow ||
	fail metrics_label_cap_counts_overflow "overflow is '$over'"
others=$(metric_value "$prom" pidtrace_deaths_total comm=other)
[ "${others:-0}" -ge 1 ] && pass metrics_label_cap_uses_other ||
	fail metrics_label_cap_uses_other "$(grep deaths_total "$prom")"
comms=$(grep '^pidtrace_deaths_total{' "$prom" | grep -v 'comm="other"' |
	sed 's/.*comm="\([^"]*\)".*/\1/' | sort -u | grep -c .)
[ "$comms" -le 1 ] && pass metrics_label_cap_bounds_values ||
	fail metrics_label_cap_bounds_values "$(grep deaths_total "$prom")"
watch_stop
