# tools/bench/report.sh - turn the raw results in $W into markdown tables
# (sourced by run.sh after the measurements).

# ov CONFIG STORM [WHAT]: median over the overhead rounds of the wall time
# per operation, or with WHAT=cpu, of the CPU time per operation (storm,
# its children and the tracer processes together).
ov() {
	awk -v c="$1" -v s="$2" -v w="${3:-wall}" '$1 == c && $2 == s {
		print w == "cpu" ? $4 + $5 : $3 }' "$W/overhead" | median
}

# header CONFIG..: the head of a table with a column per configuration.
header() {
	local c
	printf "| storm |"
	for c in "$@"; do printf " %s |" "$(label "$c")"; done
	printf "\n|---|"
	for c in "$@"; do printf -- "---|"; done
	echo
}

# pct RATIO: a ratio as a signed percentage ("+3.1%").
pct() {
	awk -v r="$1" 'BEGIN { if (r == "-") print "-"; else printf "%+.1f%%\n", (r - 1) * 100 }'
}

report_overhead() {
	local s base cfg m r
	[ -s "$W/overhead" ] || return 0
	echo "### 1. Tracer overhead"
	echo
	echo "Wall time per operation, median of $ROUNDS rounds (each round runs every configuration,"
	echo "in a rotated order); in brackets the slowdown against no tracing, the ratio of medians."
	echo "The storm runs pinned to CPU 0 (see below), the tracers anywhere."
	echo "kill9: fork, SIGKILL, reap ($STORM_FORKS per run); forkexit: fork, exit(0), reap"
	echo "($STORM_FORKS); sigign: kill(SIGUSR1) to a process that ignores it ($STORM_SIGNALS)."
	echo
	header none $TRACERS
	for s in kill9 forkexit sigign; do
		base=$(ov none "$s")
		printf "| %s | %s µs |" "$s" "$(fmt "$base" 1000 2)"
		for cfg in $TRACERS; do
			m=$(ov "$cfg" "$s")
			r=$(ratio "$m" "$base" 3)
			printf " %s µs (%sx, %s) |" "$(fmt "$m" 1000 2)" "$r" "$(pct "$r")"
		done
		echo
	done
	echo
	echo "CPU time per operation (the storm with its children, which includes the BPF"
	echo "programs, plus the tracer processes), median, and its ratio to no tracing:"
	echo
	header none $TRACERS
	for s in kill9 forkexit sigign; do
		base=$(ov none "$s" cpu)
		printf "| %s | %s µs |" "$s" "$(fmt "$base" 1000 2)"
		for cfg in $TRACERS; do
			m=$(ov "$cfg" "$s" cpu)
			printf " %s µs (%sx) |" "$(fmt "$m" 1000 2)" "$(ratio "$m" "$base" 3)"
		done
		echo
	done
	echo
	local kp kr fp
	kp=$(ratio "$(ov pidtrace kill9)" "$(ov none kill9)" 3)
	kr=$(ratio "$(ov peers kill9)" "$(ov none kill9)" 3)
	fp=$(ratio "$(ov pidtrace forkexit)" "$(ov none forkexit)" 3)
	echo "Targets (wall time):"
	for s in kill9 forkexit sigign; do
		kp=$(ratio "$(ov pidtrace "$s")" "$(ov none "$s")" 3)
		kr=$(ratio "$(ov peers "$s")" "$(ov none "$s")" 3)
		awk -v s="$s" -v p="$kp" -v r="$kr" 'BEGIN {
			if (p == "-" || r == "-") { print "- " s ": not measured"; exit }
			v = p <= r ? "**met**" : sprintf("**missed** by %.1f points", (p - r) * 100)
			printf "- %s: pidtrace slowdown %+.1f%% vs sigsnoop+exitsnoop %+.1f%%: %s\n", s,
				(p - 1) * 100, (r - 1) * 100, v }'
	done
	awk -v p="$fp" 'BEGIN {
		if (p == "-") { print "- fork/exit under 5%: not measured"; exit }
		v = p < 1.05 ? "**met**" : sprintf("**missed** by %.1f points", (p - 1.05) * 100)
		printf "- fork/exit storm under 5%%: %+.1f%%: %s\n", (p - 1) * 100, v }'
	echo
}

report_bpfcost() {
	[ -s "$W/bpfcost" ] || return 0
	echo "### 1b. BPF run time per operation"
	echo
	echo "From the kernel's BPF statistics (kernel.bpf_stats_enabled=1 for this pass only):"
	echo "the run time of every program the tracer holds, summed over a storm, divided by"
	echo "its operations; in brackets, program runs per operation."
	echo
	local s cfg
	header $TRACERS
	for s in kill9 forkexit sigign; do
		printf "| %s |" "$s"
		for cfg in $TRACERS; do
			awk -v c="$cfg" -v s="$s" '$1 == c && $2 == s {
				printf " %s ns (%s runs) |", $3, $4; f = 1 }
				END { if (!f) printf " - |" }' "$W/bpfcost"
		done
		echo
	done
	echo
	echo "Per program (ns per run, runs per operation):"
	echo
	for cfg in $TRACERS; do
		for s in kill9 forkexit sigign; do
			printf -- "- %s, %s: " "$(label "$cfg")" "$s"
			awk -v c="$cfg" -v s="$s" -v n="$(storm_ops "$s")" '$1 == c && $2 == s {
				printf "%s%s %.0f ns ×%.2f", sep, $3, $4 / $5, $5 / n; sep = ", " }
				END { print "" }' "$W/bpfprogs"
		done
	done
	echo
}

storm_ops() {
	case $1 in
	sigign) echo "$STORM_SIGNALS" ;;
	*) echo "$STORM_FORKS" ;;
	esac
}

report_rate() {
	[ -s "$W/rate" ] || return 0
	echo "### 2. Highest kill rates and losses (default ring buffer, 4 MiB)"
	echo
	echo "killrate with $NCPU workers for ${RATE_SECS} s under pidtrace watch --json:"
	echo "fork = fork, SIGKILL, reap in a loop; burst = 64 forks, 64 SIGKILLs, 64 reaps;"
	echo "flood = SIGKILL to a zombie child over and over (every kill() generates a SIGKILL)."
	echo "recorded: deaths by SIGKILL of killrate's children in pidtrace's output; drops:"
	echo "records lost to a full ring buffer; shed: non-kill records left out on purpose."
	echo
	echo "| mode | tracer | kills/s | vs untraced | kills | deaths | recorded | drops | shed |"
	echo "|---|---|---|---|---|---|---|---|---|"
	local mode cfg base
	for mode in fork burst flood; do
		base=$(awk -v m="$mode" '$1 == "none" && $2 == m { print $3 }' "$W/rate")
		for cfg in none $RATE_TRACERS; do
			awk -v c="$cfg" -v m="$mode" -v b="$base" -v name="$(label "$cfg")" '$1 == c && $2 == m {
				printf "| %s | %s | %.0f | %s | %s | %s | %s | %s | %s |\n", m, name, $3,
					c == "none" || b == "" ? "-" : sprintf("%.2fx", $3 / b), $4, $5,
					m == "flood" && c != "none" ? "n/a" : $6, $7, $8 }' "$W/rate"
		done
	done
	echo
	echo "Target: zero SIGKILL records dropped with the default ring size:"
	awk '$1 != "none" {
		lost = ($2 == "flood") ? $7 : ($5 - $6);
		printf "- %s %s at %.0f kills/s: drops %s, deaths not recorded %s: %s\n",
			$1 == "stacks" ? "watch --stacks" : "watch", $2, $3, $7,
			$2 == "flood" ? "n/a" : $5 - $6,
			($7 == 0 && lost == 0) ? "**met**" : "**missed**" }' "$W/rate"
	echo
}

# cr_med SIZE KEY [SCALE DIGITS]: median of KEY over the repetitions of SIZE.
cr_med() {
	local v
	v=$(grep "^size=$1 " "$W/cr" | while read -r l; do kv "$2" "$l"; done |
		grep -E '^[0-9.]+$' | median)
	if [ $# -gt 2 ]; then fmt "$v" "$3" "$4"; else echo "$v"; fi
}

size_label() {
	case $1 in
	*h) echo "${1%h} MiB, half" ;;
	1) echo "tiny (1 MiB)" ;;
	*) echo "$1 MiB" ;;
	esac
}

report_cr() {
	[ -s "$W/cr" ] || return 0
	local size dn rdn rn rrn pb ver
	echo "### 3. Dump and restore against the reference copier"
	echo
	echo "Median of $CR_REPS repetitions (3 from 4 GiB on), warm memory (size + 64 MiB touched and freed just"
	echo "before each step), image in ${TMPDIR:-/var/tmp} on the local disk. ref dump:"
	echo "process_vm_readv + write of the same pages; ref restore: process_vm_writev into"
	echo "a fresh process. Wall time of the whole command; MB/s = memory bytes / wall time."
	echo "RSS: peak resident set (kernel, includes mapped image pages) / peak anonymous."
	echo
	echo "| memory | dump s | ref s | ratio | restore s | ref s | ratio | dump MB/s | restore MB/s | image MiB | dump RSS MiB | restore RSS MiB | check |"
	echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
	for size in $SIZES; do
		dn=$(cr_med "$size" dump_ns)
		rdn=$(cr_med "$size" ref_dump_ns)
		rn=$(cr_med "$size" restore_ns)
		rrn=$(cr_med "$size" ref_restore_ns)
		pb=$(cr_med "$size" pages_bytes)
		ver=$(grep "^size=$size " "$W/cr" | while read -r l; do kv verify "$l"; done |
			sed 's/^-$/not restored/' | sort | uniq -c |
			awk '{ n = $1; sub(/^ *[0-9]+ /, ""); printf "%s%d %s", s, n, $0; s = ", " }')
		printf "| %s | %s | %s | %sx | %s | %s | %sx | %s | %s | %s | %s / %s | %s / %s | %s |\n" \
			"$(size_label "$size")" "$(fmt "$dn" 1e9 3)" "$(fmt "$rdn" 1e9 3)" \
			"$(ratio "$dn" "$rdn")" "$(fmt "$rn" 1e9 3)" "$(fmt "$rrn" 1e9 3)" \
			"$(ratio "$rn" "$rrn")" "$(ratio "$pb" "$(fmt "$dn" 1000 0)" 0)" \
			"$(ratio "$pb" "$(fmt "$rn" 1000 0)" 0)" "$(cr_med "$size" image_bytes 1048576 1)" \
			"$(cr_med "$size" dump_rss 1024 1)" "$(cr_med "$size" dump_anon 1024 1)" \
			"$(cr_med "$size" restore_rss 1024 1)" "$(cr_med "$size" restore_anon 1024 1)" \
			"${ver:--}"
	done
	echo
	if [ -s "$W/cr.errors" ]; then
		echo "Failures (each distinct message once, with its count):"
		echo
		sed 's/0x[0-9a-f]*/0x.../g; s/pid [0-9]*/pid N/g' "$W/cr.errors" | sort | uniq -c |
			sed 's/^ *\([0-9]*\) \(.*\)/- \2 (×\1)/'
		echo
	fi
	echo "Targets (CRIU for scale: tiny 0.09 s dump / 0.086 s restore, 256 MiB 0.65 / 0.89 s):"
	for size in $SIZES; do
		dn=$(cr_med "$size" dump_ns)
		rdn=$(cr_med "$size" ref_dump_ns)
		rn=$(cr_med "$size" restore_ns)
		rrn=$(cr_med "$size" ref_restore_ns)
		awk -v s="$(size_label "$size")" -v dn="$dn" -v rdn="$rdn" -v rn="$rn" -v rrn="$rrn" \
			-v tiny="$([ "$size" = 1 ] && echo 1)" 'function v(a, b, lim) {
				if (a == "-" || b == "-") return "not measured";
				return a <= lim * b ? "**met**" : sprintf("**missed** by %.2fx", a / (lim * b)) }
			BEGIN {
				printf "- %s: dump within 1.3x of ref: %s; restore within 1.3x: %s", s,
					v(dn, rdn, 1.3), v(rn, rrn, 1.3);
				if (tiny) printf "; dump under 20 ms: %s; restore under 20 ms: %s",
					v(dn, 20e6, 1), v(rn, 20e6, 1);
				print "" }'
	done
	echo
}

report_phases() {
	[ -s "$W/cr" ] || return 0
	local size wall
	echo "### 4. Where restore time goes"
	echo
	if "$P" restore --help 2>&1 | grep -q 'Not supported yet:.*--timeline'; then
		echo "pidtrace restore has no --timeline yet: the phases below are the restore's own"
		echo "\"phases_ms\" (restore --json)."
	else
		echo "Phases from restore --json (phases_ms)."
	fi
	echo "Share of the wall time, median per phase; \"outside\" is the wall time not in any"
	echo "phase (process start, tracer load and teardown, exit)."
	echo
	local names
	names=$(grep -o 'restore_phases=[^ ]*' "$W/cr" | head -1 | cut -d= -f2 | tr ',' '\n' |
		cut -d: -f1 | paste -sd' ' -)
	[ -n "$names" ] || { echo "(no successful restore)"; echo; return 0; }
	printf "| memory | wall s |"
	for n in $names; do printf " %s |" "$n"; done
	echo " outside |"
	printf "|---|---|"
	for n in $names; do printf -- "---|"; done
	echo "---|"
	for size in $SIZES; do
		wall=$(cr_med "$size" restore_ns)
		printf "| %s | %s |" "$(size_label "$size")" "$(fmt "$wall" 1e9 3)"
		for n in $names; do
			printf " %s |" "$(grep "^size=$size " "$W/cr" | while read -r l; do
				kv restore_phases "$l" | tr ',' '\n' | awk -F: -v n="$n" -v w="$(kv restore_ns "$l")" \
					'$1 == n && w > 0 { print $2 * 1e6 / w * 100 }'
			done | median | awk '{ if ($1 == "-") print "-"; else printf "%.1f%%\n", $1 }')"
		done
		printf " %s |\n" "$(grep "^size=$size " "$W/cr" | while read -r l; do
			awk -v t="$(kv restore_total_ms "$l")" -v w="$(kv restore_ns "$l")" \
				'BEGIN { if (t != "" && t != "-" && w > 0) print (w - t * 1e6) / w * 100 }'
		done | median | awk '{ if ($1 == "-") print "-"; else printf "%.1f%%\n", $1 }')"
	done
	echo
}

report() {
	echo "<!-- bench:begin (generated by tools/bench/run.sh; edit outside the markers) -->"
	echo "## Results"
	echo
	echo "- Machine: $NCPU CPUs, $MODEL, $MEM RAM, kernel $(uname -r)"
	echo "- Date: $DATE; pidtrace $COMMIT"
	echo "- Command: \`$CMD\` (as root; ${ELAPSED} s for the measurements)"
	echo
	report_overhead
	report_bpfcost
	report_rate
	report_cr
	report_phases
	echo "<!-- bench:end -->"
}

# doc_update DOC REPORT: replace the generated part of DOC with REPORT.
doc_update() {
	local doc=$1 rep=$2
	if [ -f "$doc" ] && grep -q 'bench:begin' "$doc" && grep -q 'bench:end' "$doc"; then
		awk -v rep="$rep" '/bench:begin/ { while ((getline l < rep) > 0) print l; skip = 1; next }
			/bench:end/ { skip = 0; next } !skip' "$doc" >"$doc.tmp"
		mv "$doc.tmp" "$doc"
	else
		mkdir -p "$(dirname "$doc")"
		{
			echo "# pidtrace performance"
			echo
			echo "Generated by \`make bench\` (tools/bench/run.sh); see issue 7."
			echo
			cat "$rep"
		} >"$doc"
	fi
}
