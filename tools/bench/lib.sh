# shellcheck shell=bash
# tools/bench/lib.sh - helpers of the benchmark scripts (sourced by run.sh).
# Everything the benchmark starts is recorded in STARTED and killed by pid
# on exit; nothing is killed by name.

STARTED=()

# Progress goes to fd 3, the caller's stderr (run.sh opens it): stderr
# itself may be a log of the shell's job messages.
note() { echo "bench: $*" >&3; }

# median: the median of the numbers on stdin ("-" when there are none).
median() {
	sort -g | awk '{ a[NR] = $1 } END {
		if (!NR) print "-"; else if (NR % 2) print a[(NR + 1) / 2];
		else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

# kv KEY LINE: the value of KEY in a "key=value key=value" line.
# (awk reads to the end: an early exit would SIGPIPE the pipeline.)
kv() {
	echo "$2" | tr ' ' '\n' |
		awk -v k="$1" '!f && index($0, k "=") == 1 { print substr($0, length(k) + 2); f = 1 }'
}

# ratio A B [DIGITS]: A/B, "-" when either is missing or B is 0.
ratio() {
	awk -v a="$1" -v b="$2" -v d="${3:-2}" 'BEGIN {
		if (a == "-" || b == "-" || a == "" || b == "" || b + 0 == 0) print "-";
		else printf "%.*f\n", d, a / b }'
}

# fmt VALUE SCALE DIGITS: VALUE/SCALE with DIGITS decimals, "-" passes.
fmt() {
	awk -v v="$1" -v s="$2" -v d="$3" 'BEGIN {
		if (v == "-" || v == "") print "-"; else printf "%.*f\n", d, v / s }'
}

# wait_for SECS CMD..: poll CMD every 10 ms until it succeeds.
wait_for() {
	local secs=$1 i
	shift
	for ((i = 0; i < secs * 100; i++)); do
		"$@" && return 0
		sleep 0.01
	done
	return 1
}

# started PID: remember a pid we started, to kill it if we stop early.
started() { STARTED+=("$1"); }

# stop_pid PID [SIG]: signal a pid we started and reap it.
stop_pid() {
	kill "-${2:-TERM}" "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}

kill_started() {
	local p
	for p in "${STARTED[@]}"; do
		kill -9 "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	STARTED=()
}

# bpf_prog_ids PID..: ids of the BPF programs the processes hold (their
# prog and link fds both name them in fdinfo).
bpf_prog_ids() {
	local p
	for p in "$@"; do
		cat /proc/"$p"/fdinfo/* 2>/dev/null | sed -n 's/^prog_id:[[:space:]]*//p'
	done | sort -un
}

# has_link PID: the process holds a BPF link (its programs are attached).
has_link() { grep -qs '^link_type:' /proc/"$1"/fdinfo/*; }

# bpf_snapshot FILE PID..: "id name run_time_ns run_cnt" per program.
bpf_snapshot() {
	local out=$1 ids
	shift
	ids=$(bpf_prog_ids "$@" | paste -sd, -)
	if [ -z "$ids" ]; then
		: >"$out"
		return
	fi
	bpftool prog show --json |
		jq -r --argjson ids "[$ids]" '.[] | select(.id as $i | $ids | index($i)) |
			"\(.id) \(.name) \(.run_time_ns // 0) \(.run_cnt // 0)"' >"$out"
}

# bpf_delta BEFORE AFTER: "name ns runs" per program that ran in between.
bpf_delta() {
	awk 'NR == FNR { t[$1] = $3; c[$1] = $4; next }
		{ dn = $3 - t[$1]; dc = $4 - c[$1]; if (dc > 0) print $2, dn, dc }' "$1" "$2"
}
