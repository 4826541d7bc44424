# shellcheck shell=bash
# tools/bench/cr.sh - issue 7 parts 3 and 4: dump and restore speed against
# the reference copier, and where restore time goes (sourced by run.sh;
# section_cr runs under cr_reaper, a child subreaper, so that a dumped or
# restored target's pid is free again the moment it dies).
#
# For each size and repetition, on a fresh memtarget:
#   reference: refcopy dump (process_vm_readv + write), refcopy restore
#              (process_vm_writev into a fresh process); its image deleted
#   pidtrace:  pidtrace dump (kills the target), pidtrace restore --detach
#              (same pid), then SIGTERM: the target checks every word
# The order of the two alternates between repetitions (in the odd ones the
# reference copies the restored process). With BENCH_CRIU, CRIU dumps and
# restores the target last (cr_criu): criu-dev restores into a time
# namespace of its own, which pidtrace refuses to dump. Each measured step
# is preceded by warm (touch and free size + 64 MiB): the warm-memory case.

# warm_for MIB: make MIB + 64 MiB of free memory warm.
warm_for() { "$B/warm" $(($1 + 64)) >/dev/null; }

# The results of a repetition accumulate in LINE ("key=value" pairs): no
# subshell, so that the shell that started the target can reap it.
LINE=

# cr_ref PID MIB: the reference, dump then restore.
cr_ref() {
	local out
	warm_for "$2"
	out=$("$B/refcopy" dump "$1" "$d/ref.img") || return 1
	LINE+=" ref_dump_ns=$(kv ns "$out") ref_bytes=$(kv bytes "$out")"
	warm_for "$2"
	out=$("$B/refcopy" restore "$d/ref.img") || return 1
	LINE+=" ref_restore_ns=$(kv ns "$out")"
	rm -f "$d/ref.img" "$d/ref.img.idx"
}

# json_phases FILE: "name:ms,name:ms" from a --json summary's phases_ms.
json_phases() {
	jq -r '.phases_ms // {} | to_entries | map("\(.key):\(.value)") | join(",")' "$1" 2>/dev/null
}

# timeline_phases FILE: "name:ms,name:ms" from the phases of a restore's
# Chrome trace (--timeline).
timeline_phases() {
	jq -r '(if type == "array" then . else .traceEvents end) |
		map(select(.cat == "phase" and .ph == "X") | "\(.name):\(.dur / 1000)") | join(",")' \
		"$1" 2>/dev/null
}

# Does this restore write a timeline? (Its help said "not supported yet".)
has_timeline() {
	"$P" restore --help 2>&1 | grep -q -- '--timeline FILE' &&
		! "$P" restore --help 2>&1 | grep -q 'Not supported yet:.*--timeline'
}

# pid_free PID: nothing (not even a zombie) has PID.
pid_free() { [ ! -e "/proc/$1" ]; }

# cr_criu PID MIB: CRIU (BENCH_CRIU) dump then restore --restore-detached
# of the target, last in a repetition (see above): the memory has then
# passed through the reference, pidtrace and CRIU before the final check.
# --shell-job: the target is not a session leader.
cr_criu() {
	local st
	mkdir -p "$d/criu"
	warm_for "$2"
	"$B/runstat" "$d/criu_dump.stat" "$CRIU" dump --shell-job -t "$1" -D "$d/criu" \
		-o dump.log >/dev/null 2>&1 || true
	st=$(cat "$d/criu_dump.stat")
	if [ "$(kv status "$st")" != 0 ]; then
		{ tail -n 1 "$d/criu/dump.log" 2>/dev/null || echo "no log"; } | sed "s/^/criu dump, $2 MiB: /" >>"$W/cr.errors"
		return 1
	fi
	LINE+=" criu_dump_ns=$(kv ns "$st") criu_dump_cpu_ns=$(kv cpu_ns "$st")"
	wait "$1" 2>/dev/null || true
	wait_for 10 pid_free "$1" || return 1
	warm_for "$2"
	"$B/runstat" "$d/criu_restore.stat" "$CRIU" restore --shell-job -d -D "$d/criu" \
		-o restore.log >/dev/null 2>&1 || true
	st=$(cat "$d/criu_restore.stat")
	if [ "$(kv status "$st")" != 0 ]; then
		{ tail -n 1 "$d/criu/restore.log" 2>/dev/null || echo "no log"; } | sed "s/^/criu restore, $2 MiB: /" >>"$W/cr.errors"
		return 1
	fi
	LINE+=" criu_restore_ns=$(kv ns "$st") criu_restore_cpu_ns=$(kv cpu_ns "$st")"
	rm -rf "$d/criu"
}

# cr_pidtrace PID MIB: pidtrace dump then restore.
cr_pidtrace() {
	local st key
	# Program start and exit alone: the floor of every command.
	"$B/runstat" "$d/start.stat" "$P" --version >/dev/null 2>&1 || true
	LINE+=" start_ns=$(kv ns "$(cat "$d/start.stat")")"
	warm_for "$2"
	"$B/runstat" "$d/dump.stat" "$P" dump -t "$1" -D "$d/img" --json >"$d/dump.json" \
		2>"$d/dump.err" || true
	st=$(cat "$d/dump.stat")
	# A failed run's time is kept apart: it is not a dump's.
	key=dump_ns
	[ "$(kv status "$st")" = 0 ] || key=dump_failed_ns
	LINE+=" $key=$(kv ns "$st") dump_rss=$(kv maxrss_kb "$st") dump_anon=$(kv anon_kb "$st")"
	LINE+=" dump_status=$(kv status "$st") dump_phases=$(json_phases "$d/dump.json")"
	LINE+=" dump_cpu_ns=$(kv cpu_ns "$st") dump_out_ns=$(kv out_ns "$st")"
	LINE+=" dump_total_ms=$(jq -r '.total_ms // "-"' "$d/dump.json" 2>/dev/null)"
	LINE+=" pages_bytes=$(jq -r '.pages_bytes // "-"' "$d/dump.json" 2>/dev/null)"
	LINE+=" image_bytes=$(du -sb "$d/img" 2>/dev/null | cut -f1)"
	if [ "$(kv status "$st")" != 0 ]; then
		echo "$(jq -r '.error // empty' "$d/dump.json" 2>/dev/null)$(head -1 "$d/dump.err")" |
			sed "s/^/dump, $2 MiB: /" >>"$W/cr.errors"
		note "dump of $2 MiB failed (see the report)"
		return 1
	fi
	# The dump killed it: reap it so that its pid is free for the restore.
	wait "$1" 2>/dev/null || true
	warm_for "$2"
	local tl=()
	[ -n "$TIMELINE" ] && tl=(--timeline "$d/restore.tl")
	"$B/runstat" "$d/restore.stat" "$P" restore --detach -D "$d/img" --json "${tl[@]}" \
		>"$d/restore.json" 2>"$d/restore.err" || true
	st=$(cat "$d/restore.stat")
	key=restore_ns
	[ "$(kv status "$st")" = 0 ] || key=restore_failed_ns
	LINE+=" $key=$(kv ns "$st") restore_rss=$(kv maxrss_kb "$st")"
	LINE+=" restore_anon=$(kv anon_kb "$st") restore_status=$(kv status "$st")"
	LINE+=" restore_cpu_ns=$(kv cpu_ns "$st")"
	if [ -n "$TIMELINE" ]; then
		LINE+=" restore_phases=$(timeline_phases "$d/restore.tl")"
	else
		LINE+=" restore_phases=$(json_phases "$d/restore.json")"
	fi
	LINE+=" restore_out_ns=$(kv out_ns "$st")"
	if [ "$(kv out_ns "$st")" -gt 0 ]; then
		LINE+=" restore_after_ns=$(($(kv ns "$st") - $(kv out_ns "$st")))"
	fi
	LINE+=" restore_total_ms=$(jq -r '.total_ms // "-"' "$d/restore.json" 2>/dev/null)"
	# The check of the restored tree against the image (restore's verify
	# phase): its time and what it compared, to see that it follows the
	# VMAs and fds, not the memory size.
	LINE+=" verify_ms=$(jq -r '.phases_ms.verify // "-"' "$d/restore.json" 2>/dev/null)"
	LINE+=" verified_vmas=$(jq -r '.verified.vmas // "-"' "$d/restore.json" 2>/dev/null)"
	LINE+=" verified_fds=$(jq -r '.verified.fds // "-"' "$d/restore.json" 2>/dev/null)"
	LINE+=" verified_injected=$(jq -r '.verified.injected // "-"' "$d/restore.json" 2>/dev/null)"
	if [ "$(kv status "$st")" != 0 ]; then
		echo "$(jq -r '.error // empty' "$d/restore.json" 2>/dev/null)$(head -1 "$d/restore.err")" |
			sed "s/^/restore, $2 MiB: /" >>"$W/cr.errors"
		note "restore of $2 MiB failed (see the report)"
		return 1
	fi
}

# cr_one MIB HALF REP: one repetition, its results in LINE.
cr_one() {
	local mib=$1 half=$2 rep=$3 t
	LINE=
	d=$W/cr.d
	rm -rf "$d"
	mkdir -p "$d"
	"$B/memtarget" "$mib" $half "$d/rep" &
	t=$!
	started "$t"
	if ! wait_for 300 grep -qs ready "$d/rep"; then
		note "memtarget $mib did not start"
		stop_pid "$t" KILL
		return 1
	fi
	if ((rep % 2 == 0)); then
		cr_ref "$t" "$mib" && cr_pidtrace "$t" "$mib"
	else
		# The reference copies the restored process.
		cr_pidtrace "$t" "$mib" && cr_ref "$t" "$mib"
	fi
	if [ -n "$CRIU" ] && [ "$(kv restore_status "$LINE")" = 0 ] && ! cr_criu "$t" "$mib"; then
		note "criu of $mib MiB failed (see the report)"
		LINE+=" verify=-"
		kill -9 "$t" 2>/dev/null || true
		wait "$t" 2>/dev/null || true
		rm -rf "$d"
		return 1
	fi
	if [ "$(kv restore_status "$LINE")" = 0 ]; then
		kill -TERM "$t" 2>/dev/null
		wait_for 300 grep -Eqs 'pass|fail' "$d/rep" || true
		LINE+=" verify=$(head -c 4 "$d/rep" | tr -dc a-z)"
	else
		LINE+=" verify=-"
	fi
	# Whatever is left of the target (a failed dump leaves it running).
	kill -9 "$t" 2>/dev/null || true
	wait "$t" 2>/dev/null || true
	rm -rf "$d"
}

# cr_reps SIZE: repetitions for SIZE (at most 3 from 4 GiB on: time).
cr_reps() {
	if [ "${1%h}" -ge 4096 ] && [ "$CR_REPS" -gt 3 ]; then echo 3; else echo "$CR_REPS"; fi
}

# section_cr: every size, cr_reps times; "size=S rep=R key=value.." lines
# in $W/cr, failures in $W/cr.errors.
section_cr() {
	local size mib half rep reps
	: >"$W/cr"
	: >"$W/cr.errors"
	# The restore tracer's pieces alone (part 5 of the report).
	"$B/tracerload" "$CR_REPS" >"$W/tracerload" 2>>"$W/cr.errors" || true
	TIMELINE=
	has_timeline && TIMELINE=1
	for size in $SIZES; do
		mib=${size%h}
		half=
		[ "$mib" != "$size" ] && half=half
		reps=$(cr_reps "$size")
		for ((rep = 0; rep < reps; rep++)); do
			note "dump/restore: $size MiB, repetition $((rep + 1))/$reps"
			cr_one "$mib" "$half" "$rep" || true
			echo "size=$size rep=$rep$LINE" >>"$W/cr"
		done
	done
}
