# shellcheck shell=bash
# tools/bench/report.sh - turn the raw results in $W into markdown tables
# (sourced by run.sh after the measurements).

# ov CONFIG STORM [WHAT]: median over the overhead rounds of the wall time
# per operation, or with WHAT=cpu, of the CPU time per operation (storm,
# its children and the tracer processes together).
ov() {
	awk -v c="$1" -v s="$2" -v w="${3:-wall}" '$1 == c && $2 == s {
		print w == "cpu" ? $4 + $5 : $3 }' "$W/overhead" | median
}

# ovr CONFIG STORM [cpu]: median over the rounds of the ratio of CONFIG to
# no tracing in the same round (paired: slow drifts of the machine cancel).
ovr() {
	awk -v c="$1" -v s="$2" -v w="${3:-wall}" '$2 == s && ($1 == c || $1 == "none") {
		v = w == "cpu" ? $4 + $5 : $3
		if ($1 == "none") base[$6] = v; else val[$6] = v }
		END { for (r in val) if (base[r] > 0) print val[r] / base[r] }' "$W/overhead" |
		median | awk '{ if ($1 == "-") print "-"; else printf "%.3f\n", $1 }'
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

# The unpinned storm (section_unpinned): medians and paired ratios.
report_unpinned() {
	local cfg col
	[ -s "$W/unpinned" ] || return 0
	echo "### 1a. The kill storm unpinned"
	echo
	echo "kill9 ($UNPINNED_FORKS fork/SIGKILL/reap per run) where the scheduler puts it, on all"
	echo "$NCPU CPUs, median of $ROUNDS rounds in a rotated order; pidtrace is \`watch --json -o"
	echo "/dev/null\`. Ratio: median over the rounds of the ratio to no tracing in the same"
	echo "round; vs peers: the same, pidtrace against sigsnoop + exitsnoop."
	echo
	echo "| | wall µs/op | ratio | CPU µs/op (storm + tracer) | ratio | tracer CPU µs/op |"
	echo "|---|---|---|---|---|---|"
	for cfg in none pidtrace peers; do
		printf "| %s |" "$(label "$cfg")"
		for col in wall cpu; do
			awk -v c="$cfg" -v w="$col" '$1 == c { print (w == "cpu" ? $3 + $4 : $2) / 1000 }' \
				"$W/unpinned" | median | awk '{ printf " %s |", $1 == "-" ? "-" : sprintf("%.1f", $1) }'
			awk -v c="$cfg" -v w="$col" '$1 == c || $1 == "none" {
				v = w == "cpu" ? $3 + $4 : $2
				if ($1 == "none") b[$5] = v; else x[$5] = v }
				END { for (r in x) if (b[r] > 0) print x[r] / b[r] }' "$W/unpinned" |
				median | awk '{ printf " %s |", $1 == "-" ? "-" : sprintf("%.3fx", $1) }'
		done
		awk -v c="$cfg" '$1 == c { print $4 / 1000 }' "$W/unpinned" | median |
			awk '{ printf " %s |\n", $1 == "-" ? "-" : sprintf("%.1f", $1) }'
	done
	echo
	awk '$1 == "pidtrace" { p[$5] = $2 } $1 == "peers" { q[$5] = $2 }
		END { for (r in p) if (q[r] > 0) print p[r] / q[r] }' "$W/unpinned" | median |
		awk '{ if ($1 == "-") print "pidtrace / peers (wall, paired): -";
			else printf "pidtrace / peers (wall, paired): %.3fx: **%s**\n", $1, $1 <= 1 ? "met" : "missed" }'
	echo
}

report_overhead() {
	local s base cfg m r
	[ -s "$W/overhead" ] || return 0
	echo "### 1. Tracer overhead"
	echo
	echo "Wall time per operation, median of $ROUNDS rounds (each round runs every configuration,"
	echo "in a rotated order); in brackets the slowdown against no tracing: the median over"
	echo "the rounds of the ratio to the untraced run of the same round."
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
			r=$(ovr "$cfg" "$s")
			printf " %s µs (%sx, %s) |" "$(fmt "$m" 1000 2)" "$r" "$(pct "$r")"
		done
		echo
	done
	echo
	echo "CPU time per operation (the storm with its children, which includes the BPF"
	echo "programs, plus the tracer processes), median, and its ratio to no tracing (paired"
	echo "by round as above):"
	echo
	header none $TRACERS
	for s in kill9 forkexit sigign; do
		base=$(ov none "$s" cpu)
		printf "| %s | %s µs |" "$s" "$(fmt "$base" 1000 2)"
		for cfg in $TRACERS; do
			m=$(ov "$cfg" "$s" cpu)
			printf " %s µs (%sx) |" "$(fmt "$m" 1000 2)" "$(ovr "$cfg" "$s" cpu)"
		done
		echo
	done
	echo
	local kp kr fp
	fp=$(ovr pidtrace forkexit)
	echo "Targets (wall time):"
	for s in kill9 forkexit sigign; do
		kp=$(ovr pidtrace "$s")
		kr=$(ovr peers "$s")
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

# The cost of CFI unwinding's stack copy next to the frame-pointer walk:
# BPF time per kill (the kill9 storm) and ring-buffer bytes per record.
report_ustack() {
	[ -s "$W/bpfcost" ] || return 0
	local dw fp sz
	dw=$(awk '$1 == "stacks" && $2 == "kill9" { print $3 }' "$W/bpfcost")
	fp=$(awk '$1 == "stacksfp" && $2 == "kill9" { print $3 }' "$W/bpfcost")
	[ -n "$dw" ] && [ -n "$fp" ] || return 0
	sz=$("$B/recsize")
	echo "### 1c. User stacks: CFI unwinding's stack copy against the frame-pointer walk"
	echo
	echo "BPF run time per operation of the kill9 storm (every kill is an explained"
	echo "signal with a user stack), and the ring-buffer bytes of one signal record"
	echo "(with the ring's 8-byte header):"
	echo
	echo "| | --stacks (dwarf, 8 KiB copy) | --stacks --stack-bytes 0 (fp) | added |"
	echo "|---|---|---|---|"
	awk -v d="$dw" -v f="$fp" 'BEGIN { printf "| BPF ns per kill | %s | %s | %+.0f ns |\n", d, f, d - f }'
	awk -v s="$sz" 'BEGIN { split(s, a, /[ =]/); printf "| ring bytes per record | %s | %s | %+d |\n", a[6], a[4], a[6] - a[4] }'
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
	echo "### 2. Highest kill rates and losses (default ring buffer: 4 MiB, 16 MiB with --stacks)"
	echo
	echo "killrate with $NCPU workers for ${RATE_SECS} s under pidtrace watch --json:"
	echo "fork = fork, SIGKILL, reap in a loop; burst = 64 forks, 64 SIGKILLs, 64 reaps;"
	echo "flood = SIGKILL to a zombie child over and over (every kill() generates a SIGKILL)."
	echo "recorded: deaths by SIGKILL of killrate's children in pidtrace's output; drops:"
	echo "records lost to a full ring buffer; shed: non-kill records left out on purpose;"
	echo "CPU/death: the tracer's CPU time (until it went idle after the storm) per death recorded."
	echo
	echo "| mode | tracer | kills/s | vs untraced | kills | deaths | recorded | drops | shed | CPU/death |"
	echo "|---|---|---|---|---|---|---|---|---|---|"
	local mode cfg base
	for mode in fork burst flood; do
		base=$(awk -v m="$mode" '$1 == "none" && $2 == m { print $3 }' "$W/rate")
		for cfg in none $RATE_TRACERS; do
			awk -v c="$cfg" -v m="$mode" -v b="$base" -v name="$(label "$cfg")" '$1 == c && $2 == m {
				printf "| %s | %s | %.0f | %s | %s | %s | %s | %s | %s | %s |\n", m, name, $3,
					c == "none" || b == "" ? "-" : sprintf("%.2fx", $3 / b), $4, $5,
					m == "flood" && c != "none" ? "n/a" : $6, $7, $8,
					$10 == "" || $10 == "-" || m == "flood" ? "-" : sprintf("%.1f µs", $10 / 1000) }' "$W/rate"
		done
	done
	echo
	echo "Target: zero SIGKILL records dropped with the default ring size:"
	local cfg
	for cfg in $RATE_TRACERS; do
		awk -v c="$cfg" -v name="$(label "$cfg")" '$1 == c {
			lost = ($2 == "flood") ? $7 : ($5 - $6)
			nrec = ($2 == "flood") ? "n/a" : $5 - $6
			v = ($7 == 0 && lost == 0) ? "**met**" : "**missed**"
			printf "- %s, %s at %.0f kills/s: drops %s, deaths not recorded %s: %s\n",
				name, $2, $3, $7, nrec, v }' "$W/rate"
	done
	echo
}

# cr_ratio SIZE KEY_A KEY_B: median over the repetitions of SIZE of A/B
# measured in the same repetition.
cr_ratio() {
	grep "^size=$1 " "$W/cr" | while read -r l; do
		ratio "$(kv "$2" "$l")" "$(kv "$3" "$l")" 4
	done | grep -E '^[0-9.]+$' | median | awk '{ if ($1 == "-") print "-"; else printf "%.2f\n", $1 }'
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
	echo "a fresh process. Wall time of the whole command; ratio: median over the repetitions"
	echo "of pidtrace / reference in the same repetition; MB/s = memory bytes / wall time."
	echo "RSS: peak resident set (kernel, includes mapped image pages) / peak anonymous."
	echo
	echo "restore s: until the command exits; to report: until it printed its report (what"
	echo "is left is the tracer's detach, see part 4)."
	echo
	echo "| memory | dump s | ref s | ratio | restore s | to report s | ref s | ratio | ratio to report | dump MB/s | restore MB/s | image MiB | dump RSS MiB | restore RSS MiB | check |"
	echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
	for size in $SIZES; do
		dn=$(cr_med "$size" dump_ns)
		rdn=$(cr_med "$size" ref_dump_ns)
		rn=$(cr_med "$size" restore_ns)
		rrn=$(cr_med "$size" ref_restore_ns)
		pb=$(cr_med "$size" pages_bytes)
		ver=$(grep "^size=$size " "$W/cr" | while read -r l; do kv verify "$l"; done |
			sed 's/^-$/not restored/' | sort | uniq -c |
			awk '{ n = $1; sub(/^ *[0-9]+ /, ""); printf "%s%d %s", s, n, $0; s = ", " }')
		printf "| %s | %s | %s | %sx | %s | %s | %s | %sx | %sx | %s | %s | %s | %s / %s | %s / %s | %s |\n" \
			"$(size_label "$size")" "$(fmt "$dn" 1e9 3)" "$(fmt "$rdn" 1e9 3)" \
			"$(cr_ratio "$size" dump_ns ref_dump_ns)" "$(fmt "$rn" 1e9 3)" \
			"$(cr_med "$size" restore_out_ns 1e9 3)" "$(fmt "$rrn" 1e9 3)" \
			"$(cr_ratio "$size" restore_ns ref_restore_ns)" \
			"$(cr_ratio "$size" restore_out_ns ref_restore_ns)" "$(ratio "$pb" "$(fmt "$dn" 1000 0)" 0)" \
			"$(ratio "$pb" "$(fmt "$rn" 1000 0)" 0)" "$(cr_med "$size" image_bytes 1048576 1)" \
			"$(cr_med "$size" dump_rss 1024 1)" "$(cr_med "$size" dump_anon 1024 1)" \
			"$(cr_med "$size" restore_rss 1024 1)" "$(cr_med "$size" restore_anon 1024 1)" \
			"${ver:--}"
	done
	echo
	report_criu
	if [ -s "$W/cr.errors" ]; then
		echo "Failures (each distinct message once, with its count):"
		echo
		sed 's/0x[0-9a-f]*/0x.../g; s/pid [0-9]*/pid N/g' "$W/cr.errors" | sort | uniq -c |
			sed 's/^ *\([0-9]*\) \(.*\)/- \2 (×\1)/'
		echo
	fi
	echo "Targets (the ratios are the paired medians above):"
	for size in $SIZES; do
		awk -v s="$(size_label "$size")" -v dr="$(cr_ratio "$size" dump_ns ref_dump_ns)" \
			-v rr="$(cr_ratio "$size" restore_ns ref_restore_ns)" \
			-v dn="$(cr_med "$size" dump_ns)" -v rn="$(cr_med "$size" restore_ns)" \
			-v size="$size" 'function v(a, lim) {
				if (a == "-" || a == "") return "not measured"
				return a <= lim ? "**met**" : sprintf("**missed** by %.2fx", a / lim) }
			BEGIN {
				printf "- %s: dump within 1.3x of the reference: %s (%sx); restore within 1.3x: %s (%sx)",
					s, v(dr, 1.3), dr, v(rr, 1.3), rr
				if (size == 1)
					printf "; dump under 20 ms: %s; restore under 20 ms: %s; faster than CRIU (0.09 s / 0.086 s): %s / %s",
						v(dn, 20e6), v(rn, 20e6), v(dn, 0.09e9), v(rn, 0.086e9)
				if (size == 256)
					printf "; faster than CRIU (0.65 s / 0.89 s): %s / %s", v(dn, 0.65e9), v(rn, 0.89e9)
				print "" }'
	done
	echo
}

# report_criu: the CRIU column (BENCH_CRIU), when CRIU ran.
report_criu() {
	grep -q 'criu_dump_ns=' "$W/cr" || return 0
	local size
	echo "Against CRIU (${CRIU:-criu}: dump and restore --restore-detached --shell-job of the same"
	echo "target, in the same repetition; ratio: median of pidtrace / CRIU per repetition,"
	echo "below 1 is pidtrace faster; cpu: user + system time of the command):"
	echo
	echo "| memory | CRIU dump s | dump ratio | dump cpu ratio | CRIU restore s | restore ratio | restore cpu ratio |"
	echo "|---|---|---|---|---|---|---|"
	for size in $SIZES; do
		printf "| %s | %s | %sx | %sx | %s | %sx | %sx |\n" "$(size_label "$size")" \
			"$(cr_med "$size" criu_dump_ns 1e9 3)" "$(cr_ratio "$size" dump_ns criu_dump_ns)" \
			"$(cr_ratio "$size" dump_cpu_ns criu_dump_cpu_ns)" \
			"$(cr_med "$size" criu_restore_ns 1e9 3)" \
			"$(cr_ratio "$size" restore_ns criu_restore_ns)" \
			"$(cr_ratio "$size" restore_cpu_ns criu_restore_cpu_ns)"
	done
	echo
}

report_phases() {
	[ -s "$W/cr" ] || return 0
	local size wall names n
	echo "### 4. Where restore time goes"
	echo
	if has_timeline; then
		echo "Phases from \`pidtrace restore --timeline\` (its \"phase\" events), as a share of"
	else
		echo "Phases from \`pidtrace restore --json\` (phases_ms; this restore has no --timeline),"
		echo "as a share of"
	fi
	echo "the wall time, median per column. \"before\": from exec to the report, outside the"
	echo "phases (reading the image, loading and attaching the tracer, settling); \"after\":"
	echo "from the report to the exit (detaching the tracer, exit)."
	echo
	names=$(grep -m1 -o 'restore_phases=[^ ]*' "$W/cr" | cut -d= -f2 | tr ',' '\n' |
		cut -d: -f1 | paste -sd' ' -)
	if [ -z "$names" ]; then
		echo "(no successful restore)"
		echo
		return 0
	fi
	printf "| memory | wall s |"
	for n in $names; do printf " %s |" "$n"; done
	echo " before | after | after s |"
	printf "|---|---|"
	for n in $names; do printf -- "---|"; done
	echo "---|---|---|"
	for size in $SIZES; do
		wall=$(cr_med "$size" restore_ns)
		printf "| %s | %s |" "$(size_label "$size")" "$(fmt "$wall" 1e9 3)"
		for n in $names; do
			printf " %s |" "$(share "$size" "$n")"
		done
		printf " %s | %s | %s |\n" "$(share "$size" @before)" "$(share "$size" @after)" \
			"$(cr_med "$size" restore_after_ns 1e9 3)"
	done
	echo
}

# report_verify: restore's verify phase per memory size (it must not grow with it).
report_verify() {
	[ -s "$W/cr" ] || return 0
	grep -q 'verify_ms=[0-9]' "$W/cr" || return 0
	local size
	echo "### 5. Verification after restore"
	echo
	echo "The verify phase of \`pidtrace restore --json\` (phases_ms.verify): the restored"
	echo "process compared with the image before it runs (/proc reads, one rt_sigaction per"
	echo "signal with an action). Median per size; it follows the VMAs and fds, not the memory."
	echo
	echo "| memory | verify ms | VMAs | fds | syscalls in the task |"
	echo "|---|---|---|---|---|"
	for size in $SIZES; do
		printf "| %s | %s | %s | %s | %s |\n" "$(size_label "$size")" \
			"$(cr_med "$size" verify_ms 1 3)" "$(cr_med "$size" verified_vmas 1 0)" \
			"$(cr_med "$size" verified_fds 1 0)" "$(cr_med "$size" verified_injected 1 0)"
	done
	echo
}

# share SIZE PHASE: median share of the wall time of a restore phase, or of
# @before / @after (see report_phases), over the repetitions of SIZE.
share() {
	grep "^size=$1 " "$W/cr" | while read -r l; do
		local w out tot
		w=$(kv restore_ns "$l")
		[ -n "$w" ] || continue
		out=$(kv restore_out_ns "$l")
		tot=$(kv restore_phases "$l" | tr ',' '\n' | awk -F: '{ t += $2 } END { print t + 0 }')
		case $2 in
		@before) awk -v o="$out" -v t="$tot" -v w="$w" 'BEGIN { if (o > 0) print (o - t * 1e6) / w * 100 }' ;;
		@after) awk -v o="$out" -v w="$w" 'BEGIN { if (o > 0) print (w - o) / w * 100 }' ;;
		*) kv restore_phases "$l" | tr ',' '\n' |
			awk -F: -v n="$2" -v w="$w" '$1 == n { print $2 * 1e6 / w * 100 }' ;;
		esac
	done | median | awk '{ if ($1 == "-") print "-"; else printf "%.1f%%\n", $1 }'
}

# fixed_row SIZE WHAT: a row of the fixed-cost table for "dump" or "restore".
fixed_row() {
	local size=$1 w=$2
	grep "^size=$size " "$W/cr" | while read -r l; do
		local ns out tot
		ns=$(kv "${w}_ns" "$l")
		out=$(kv "${w}_out_ns" "$l")
		[ -n "$ns" ] && [ -n "$out" ] && [ "$out" -gt 0 ] || continue
		if [ "$w" = dump ]; then
			tot=$(kv dump_total_ms "$l")
		else
			tot=$(kv restore_phases "$l" | tr ',' '\n' | awk -F: '{ t += $2 } END { print t + 0 }')
		fi
		# wall cpu start phases before after (ms)
		awk -v ns="$ns" -v out="$out" -v tot="$tot" -v st="$(kv start_ns "$l")" \
			-v cpu="$(kv "${w}_cpu_ns" "$l")" 'BEGIN {
			if (tot == "-" || tot == "") exit
			printf "%f %f %f %f %f %f\n", ns / 1e6, cpu / 1e6, st / 1e6, tot,
				out / 1e6 - tot - st / 1e6, (ns - out) / 1e6 }'
	done >"$W/fixed.$w"
	printf "| %s | %s |" "$w" "$(wc -l <"$W/fixed.$w")"
	local c
	for c in 1 2 3 4 5 6; do
		printf " %s |" "$(cut -d' ' -f$c "$W/fixed.$w" | median | awk '{ if ($1 == "-") print "-"; else printf "%.1f\n", $1 }')"
	done
	echo
}

report_fixed() {
	[ -s "$W/cr" ] || return 0
	local size
	# The smallest fully populated size; none (only "h" sizes): no table.
	size=$(echo "$SIZES" | tr ' ' '\n' | { grep -v h || true; } | sort -g | head -1)
	[ -n "$size" ] || return 0
	echo "### 5. The fixed cost of a small command ($size MiB)"
	echo
	echo "Where the wall time of the smallest dump and restore goes, in ms, median per"
	echo "column (columns need not add up). cpu: user + system time of the command's"
	echo "threads (moves less than wall time on a shared machine); start: \`pidtrace"
	echo "--version\` from exec to exit (loading the program and its libraries, the floor"
	echo "of any command); phases: the command's own phases; before: the rest until the"
	echo "report (restore: reading the image while the tracer loads and verifies in a"
	echo "thread, then waiting for it); after: from the report to the exit (tear-down)."
	echo
	echo "| command | runs | wall | cpu | start | phases | before | after |"
	echo "|---|---|---|---|---|---|---|---|"
	fixed_row "$size" dump
	fixed_row "$size" restore
	echo
	[ -s "$W/tracerload" ] || return 0
	local k
	printf '%s (`tracerload`, %s runs, median ms):' "The restore's tracer alone" "$(wc -l <"$W/tracerload")"
	for k in load load_cpu attach destroy kallsyms; do
		printf " %s %s" "$k" "$(tr ' ' '\n' <"$W/tracerload" | sed -n "s/^${k}_ms=//p" | median)"
	done
	echo "."
	echo "load: the kernel relocating (CO-RE) and verifying its programs, the floor of a"
	echo "restore's \"before\"; load_cpu: its CPU time (steadier on a shared machine);"
	echo "kallsyms: reading all of /proc/kallsyms, which pidtrace does only for a death"
	echo "whose cause needs kernel symbols (a restore: never for its own rollback's kills)."
	echo
}

# phase_med SIZE dump|restore PHASE: median ms of one phase over the repetitions.
phase_med() {
	grep "^size=$1 " "$W/cr" | while read -r l; do
		kv "${2}_phases" "$l" | tr ',' '\n' | awk -F: -v n="$3" '$1 == n { print $2 }'
	done | median | awk '{ if ($1 == "-") print "-"; else printf "%.1f\n", $1 }'
}

# phases_sum SIZE dump|restore: median over the repetitions of the sum of the phases, ms.
phases_sum() {
	grep "^size=$1 " "$W/cr" | while read -r l; do
		kv "${2}_phases" "$l" | tr ',' '\n' | awk -F: '{ t += $2 } END { if (NR) print t }'
	done | median | awk '{ if ($1 == "-") print "-"; else printf "%.1f\n", $1 }'
}

# tl_med KEY: median of KEY_ms over the tracerload runs.
tl_med() {
	[ -s "$W/tracerload" ] || { echo -; return; }
	tr ' ' '\n' <"$W/tracerload" | sed -n "s/^${1}_ms=//p" | median
}

# goal_row GOAL MEASURED MET(1/0/-) WHY: one row of the goals table.
goal_row() {
	local verdict
	case $3 in
	1) verdict="**met**" ;;
	0) verdict="**not met**" ;;
	*) verdict="not measured in this run" ;;
	esac
	printf "| %s | %s | %s | %s |\n" "$1" "$2" "$verdict" "$4"
}

# report_goals: issue 18's goals, each met or not with what holds it back,
# from this run's numbers (sizes 1 and 256, the CRIU column, the tracer's
# load, the unpinned storm: each row says "not measured" without them).
report_goals() {
	[ -s "$W/cr" ] || [ -s "$W/unpinned" ] || return 0
	local d1 r1 d256 r256 cr256 st load lcpu mem256 core1 fr1 met why un
	echo "### 0. The goals of issue 18, from this run"
	echo
	echo "| goal | this run | verdict | what holds it back (this run's profile) |"
	echo "|---|---|---|---|"
	d1=$(cr_med 1 dump_ns); r1=$(cr_med 1 restore_ns)
	d256=$(cr_med 256 dump_ns); r256=$(cr_med 256 restore_ns)
	st=$(cr_med 1 start_ns 1e6 1); load=$(tl_med load); lcpu=$(tl_med load_cpu)
	met=-; why=-
	if [ "$r256" != - ]; then
		met=$(awk -v v="$r256" 'BEGIN { print (v <= 0.10e9) ? 1 : 0 }')
		why="memory phase $(phase_med 256 restore memory) ms (each page copied from the image into the new process: a mapping of the image would change with it), verify $(phase_med 256 restore verify) ms; tracer load $load ms"
	fi
	goal_row "restore, 256 MiB <= 0.10 s" "$(fmt "$r256" 1e9 3) s" "$met" "$why"
	met=-; why=-
	cr256=$(cr_ratio 256 dump_ns criu_dump_ns)
	if [ "$cr256" != - ] && [ -n "$cr256" ]; then
		mem256=$(phase_med 256 dump memory)
		met=$(awk -v v="$cr256" 'BEGIN { print (v <= 1 / 3) ? 1 : 0 }')
		why="the memory phase alone $mem256 ms against CRIU's whole dump $(cr_med 256 criu_dump_ns 1e6 1) ms (every page copied into the image's page cache: the floor of both); CPU ratio $(cr_ratio 256 dump_cpu_ns criu_dump_cpu_ns)x"
	fi
	goal_row "dump, 256 MiB <= 1/3 of CRIU's" "${cr256:--}x of CRIU" "$met" "$why"
	met=-; why=-
	if [ "$d1" != - ]; then
		core1=$(phase_med 1 dump core); fr1=$(phase_med 1 dump freeze)
		met=$(awk -v v="$d1" 'BEGIN { print (v < 10e6) ? 1 : 0 }')
		why="program start $st ms; phases: freeze $fr1, core $core1 (one ptrace stop pair per remote call), memory $(phase_med 1 dump memory) ms"
	fi
	goal_row "dump, 1 MiB < 10 ms" "$(fmt "$d1" 1e6 1) ms" "$met" "$why"
	met=-; why=-
	if [ "$r1" != - ]; then
		met=$(awk -v v="$r1" 'BEGIN { print (v < 10e6) ? 1 : 0 }')
		why="the tracer's load alone $load ms wall, $lcpu ms CPU (CO-RE and verification in the kernel), which must end before the first task exists (round five); the restore's own phases $(phases_sum 1 restore) ms; program start $st ms"
	fi
	goal_row "restore, 1 MiB < 10 ms" "$(fmt "$r1" 1e6 1) ms" "$met" "$why"
	met=-; un=-
	if [ -s "$W/unpinned" ]; then
		un=$(awk '$1 == "pidtrace" { p[$5] = $2 } $1 == "peers" { q[$5] = $2 }
			END { for (r in p) if (q[r] > 0) print p[r] / q[r] }' "$W/unpinned" | median)
		[ "$un" != - ] && met=$(awk -v v="$un" 'BEGIN { print (v <= 1) ? 1 : 0 }')
	fi
	[ "$un" != - ] && un=$(printf '%.3f' "$un")
	goal_row "kill storm unpinned: pidtrace watch <= sigsnoop + exitsnoop" "${un}x (wall, paired)" "$met" "-"
	echo
	echo "\`make test\` (< 6 min on 2 cores, green beside a CPU-heavy job) is not a bench"
	echo "measurement: its times are in the session notes and in the \"make test\" rows"
	echo "of the rounds below."
	echo
}

report() {
	echo "<!-- bench:begin (generated by tools/bench/run.sh; edit outside the markers) -->"
	echo "## Results"
	echo
	echo "- Machine: $NCPU CPUs, $MODEL, $MEM RAM, kernel ${KERNEL:-$(uname -r)}"
	echo "- Date: $DATE; pidtrace $COMMIT"
	echo "- Command: \`$CMD\` (as root; ${ELAPSED} s for the measurements)"
	echo
	report_goals
	report_overhead
	report_unpinned
	report_bpfcost
	report_ustack
	report_rate
	report_cr
	report_phases
	report_fixed
	report_verify
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
