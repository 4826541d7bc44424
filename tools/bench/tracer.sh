# shellcheck shell=bash
# tools/bench/tracer.sh - issue 7 parts 1 and 2: what tracing costs, and
# whether a kill is ever lost (sourced by run.sh).
#
# Configurations, each measured in every round, in a rotated order:
#   none      no tracer
#   pidtrace  pidtrace watch (plain output to a file)
#   stacks    pidtrace watch --stacks (user stacks unwound with CFI from an
#             8 KiB stack copy per signal: the default)
#   stacksfp  pidtrace watch --stacks --stack-bytes 0 (the frame-pointer
#             walk alone): the difference is what the stack copy costs
#   peers     libbpf-tools sigsnoop and exitsnoop together (output to files)
#   alt       pidtrace watch from the binary BENCH_ALT (only when set): a
#             change measured side by side with the tree's build
#   altstacks the same with --stacks

TRACER_PIDS=()
TRACERS="pidtrace stacks stacksfp peers${BENCH_ALT:+ alt altstacks}"
CONFIGS="none $TRACERS"
# The configurations of the kill rate section: pidtrace's only.
RATE_TRACERS="pidtrace stacks stacksfp${BENCH_ALT:+ alt altstacks}"

# label CONFIG: how the tables name a configuration.
label() {
	case $1 in
	none) echo "no tracing" ;;
	pidtrace) echo "pidtrace watch" ;;
	stacks) echo "pidtrace watch --stacks" ;;
	stacksfp) echo "pidtrace watch --stacks --stack-bytes 0" ;;
	peers) echo "sigsnoop + exitsnoop" ;;
	alt) echo "BENCH_ALT watch" ;;
	altstacks) echo "BENCH_ALT watch --stacks" ;;
	esac
}

# tracer_start CONFIG [JSON_OUT]: start a tracer, return once it is attached.
tracer_start() {
	local cfg=$1 json=${2:-} p
	TRACER_PIDS=()
	rm -f "$W/tracer.err"
	case $cfg in
	none) return 0 ;;
	pidtrace | stacks | stacksfp | alt | altstacks)
		local bin=$P args=(watch -o "$W/tracer.out")
		[ "${cfg#alt}" != "$cfg" ] && bin=$BENCH_ALT
		if [ -n "$json" ]; then
			args=(watch --json -o "$json")
		fi
		# The unpinned section: the issue's command, nothing kept.
		[ "${TRACER_JSON_NULL:-}" = 1 ] && args=(watch --json -o /dev/null)
		if [ "${cfg%stacks}" != "$cfg" ]; then
			args+=(--stacks)
		fi
		if [ "$cfg" = stacksfp ]; then
			args+=(--stacks --stack-bytes 0)
		fi
		"$bin" "${args[@]}" >"$W/tracer.stdout" 2>"$W/tracer.err" &
		p=$!
		started "$p"
		TRACER_PIDS=("$p")
		wait_for 30 grep -qs tracing "$W/tracer.err" && return 0
		;;
	peers)
		"$SIGSNOOP" >"$W/sigsnoop.out" 2>>"$W/tracer.err" &
		p=$!
		started "$p"
		TRACER_PIDS=("$p")
		"$EXITSNOOP" >"$W/exitsnoop.out" 2>>"$W/tracer.err" &
		p=$!
		started "$p"
		TRACER_PIDS+=("$p")
		wait_for 30 has_link "${TRACER_PIDS[0]}" && wait_for 30 has_link "${TRACER_PIDS[1]}" &&
			return 0
		;;
	esac
	note "$cfg did not start: $(cat "$W/tracer.err")"
	return 1
}

tracer_stop() {
	local p
	for p in "${TRACER_PIDS[@]}"; do
		stop_pid "$p" INT
	done
	TRACER_PIDS=()
}

# tracer_cpu_ns: CPU time the running tracers used so far (utime + stime).
tracer_cpu_ns() {
	local p hz
	hz=$(getconf CLK_TCK)
	for p in "${TRACER_PIDS[@]}"; do
		# The fields after the ")" that ends comm: utime and stime are 12, 13.
		sed 's/.*) //' /proc/"$p"/stat | awk '{ print $12 + $13 }'
	done | awk -v hz="$hz" '{ t += $1 } END { printf "%.0f\n", t * 1e9 / hz }'
}

# storm MODE: "NS_PER_OP CPU_NS_PER_OP TRACER_CPU_NS_PER_OP" of one storm.
# The storm is pinned to CPU 0: unpinned, each fork/kill/reap waits for an
# idle vCPU to wake up (200-450 us instead of 50-100 us on these VMs) and a
# tracer's effect drowns in that latency. Tracers run where they like.
storm() {
	local n out c0 c1
	case $1 in
	kill9 | forkexit) n=$STORM_FORKS ;;
	sigign) n=$STORM_SIGNALS ;;
	esac
	c0=$(tracer_cpu_ns)
	out=$(taskset -c 0 "$B/storm" "$1" "$n")
	c1=$(tracer_cpu_ns)
	echo "$(kv ns_per_op "$out") $(kv cpu_ns_per_op "$out") $(ratio $((c1 - c0)) "$n" 0)"
}

# Part 1: ROUNDS rounds; in each, every configuration runs the three
# storms. Results: "CONFIG STORM NS_PER_OP CPU_NS_PER_OP TRACER_CPU_NS_PER_OP
# ROUND" lines in $W/overhead (CPU: of the storm with its children, which includes
# the BPF programs, and of the tracer processes).
section_overhead() {
	local r cfg s order i
	local -a cfgs
	read -r -a cfgs <<<"$CONFIGS"
	: >"$W/overhead"
	for ((r = 0; r < ROUNDS; r++)); do
		# Rotate, so that no configuration always runs first or last.
		order=()
		for ((i = 0; i < ${#cfgs[@]}; i++)); do
			order+=("${cfgs[(i + r) % ${#cfgs[@]}]}")
		done
		note "overhead round $((r + 1))/$ROUNDS: ${order[*]}"
		for cfg in "${order[@]}"; do
			tracer_start "$cfg" || return 1
			for s in kill9 forkexit sigign; do
				echo "$cfg $s $(storm $s) $r" >>"$W/overhead"
			done
			tracer_stop
		done
	done
}

# Part 1, unpinned (issue 18): the fork/SIGKILL/reap storm where the
# scheduler puts it, on every CPU, beside `pidtrace watch --json -o
# /dev/null` or sigsnoop + exitsnoop: the tracers' user space competes
# with the storm for the CPUs. Results: "CONFIG NS_PER_OP CPU_NS_PER_OP
# TRACER_CPU_NS_PER_OP ROUND" lines in $W/unpinned.
section_unpinned() {
	local r cfg order i out c0 c1
	local -a cfgs=(none pidtrace peers)
	: >"$W/unpinned"
	for ((r = 0; r < ROUNDS; r++)); do
		order=()
		for ((i = 0; i < ${#cfgs[@]}; i++)); do
			order+=("${cfgs[(i + r) % ${#cfgs[@]}]}")
		done
		note "unpinned round $((r + 1))/$ROUNDS: ${order[*]}"
		for cfg in "${order[@]}"; do
			TRACER_JSON_NULL=1 tracer_start "$cfg" || return 1
			c0=$(tracer_cpu_ns)
			out=$("$B/storm" kill9 "$UNPINNED_FORKS")
			c1=$(tracer_cpu_ns)
			echo "$cfg $(kv ns_per_op "$out") $(kv cpu_ns_per_op "$out")" \
				"$(ratio $((c1 - c0)) "$UNPINNED_FORKS" 0) $r" >>"$W/unpinned"
			tracer_stop
		done
	done
}

# Part 1, BPF cost: one more pass with kernel.bpf_stats_enabled=1. Results:
# "CONFIG STORM BPF_NS_PER_OP RUNS_PER_OP" in $W/bpfcost, and the programs
# that ran in each storm, "CONFIG STORM NAME NS RUNS", in $W/bpfprogs.
section_bpfcost() {
	local cfg s n ns runs
	: >"$W/bpfcost"
	: >"$W/bpfprogs"
	BPF_STATS_OLD=$(sysctl -n kernel.bpf_stats_enabled)
	sysctl -qw kernel.bpf_stats_enabled=1
	for cfg in $TRACERS; do
		note "BPF run time: $cfg"
		tracer_start "$cfg" || return 1
		for s in kill9 forkexit sigign; do
			case $s in
			sigign) n=$STORM_SIGNALS ;;
			*) n=$STORM_FORKS ;;
			esac
			bpf_snapshot "$W/snap0" "${TRACER_PIDS[@]}"
			"$B/storm" "$s" "$n" >/dev/null
			bpf_snapshot "$W/snap1" "${TRACER_PIDS[@]}"
			bpf_delta "$W/snap0" "$W/snap1" | sed "s/^/$cfg $s /" >>"$W/bpfprogs"
			read -r ns runs < <(bpf_delta "$W/snap0" "$W/snap1" |
				awk '{ t += $2; c += $3 } END { print t + 0, c + 0 }')
			echo "$cfg $s $(ratio "$ns" "$n" 0) $(ratio "$runs" "$n" 1)" >>"$W/bpfcost"
		done
		tracer_stop
	done
	sysctl -qw kernel.bpf_stats_enabled="$BPF_STATS_OLD"
	BPF_STATS_OLD=
}

# tracer_idle_cpu_ns: the running tracers' CPU time once they have stopped
# using any (they read what the storm left in the ring first).
tracer_idle_cpu_ns() {
	local prev=-1 cur i
	for ((i = 0; i < 60; i++)); do
		sleep 0.5
		cur=$(tracer_cpu_ns)
		[ "$cur" = "$prev" ] && break
		prev=$cur
	done
	echo "$cur"
}

# Part 2: the highest kill rates, each under pidtrace watch --json with the
# default ring buffer. Results in $W/rate: "CONFIG MODE RATE KILLS DEATHS
# RECORDED DROPS SHED EVENTS TRACER_CPU_NS_PER_RECORDED" (RECORDED: deaths
# of killrate's children pidtrace reported; "-" for the untraced runs; the
# tracer's CPU from its start to when it went idle after the storm).
section_rate() {
	local cfg mode out sum rec cpu
	: >"$W/rate"
	for cfg in none $RATE_TRACERS; do
		for mode in fork burst flood; do
			note "kill rate: $mode under $cfg"
			rm -f "$W/rate.json"
			if [ "$cfg" != none ]; then
				tracer_start "$cfg" "$W/rate.json" || return 1
			fi
			out=$("$B/killrate" "$mode" "$RATE_SECS" "$NCPU")
			if [ "$cfg" = none ]; then
				echo "$cfg $mode $(kv rate "$out") $(kv kills "$out") $(kv deaths "$out") - - - - -" >>"$W/rate"
				continue
			fi
			cpu=$(tracer_idle_cpu_ns)
			tracer_stop
			sum=$(grep '"event":"summary"' "$W/rate.json" | tail -1)
			rec=$(jq -c 'select(.event == "death" and .victim.comm == "killrate" and
				.signo == 9)' "$W/rate.json" | wc -l)
			echo "$cfg $mode $(kv rate "$out") $(kv kills "$out") $(kv deaths "$out") $rec" \
				"$(echo "$sum" | jq -r '"\(.drops) \(.shed) \(.events)"')" \
				"$(ratio "$cpu" "$rec" 0)" >>"$W/rate"
		done
	done
}
