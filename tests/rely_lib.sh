# tests/rely_lib.sh - helpers for the reliability tests (sourced after lib.sh
# and dump_lib.sh). The target is tests/progs/fault_target, which checks its
# own registers, FPU, signal state, limits and memory map all the time and
# writes what changed to REPORT.broken.

FT=
FT_CHILD=
FT_REP=$T/ft/rep
mkdir -p "$T/ft"

# ft_start [tree] [spin|sleep]: start fault_target, wait for its report.
ft_start() {
	rm -f "$T"/ft/rep*
	"$PROGS/fault_target" "$FT_REP" "$@" </dev/null >/dev/null 2>"$T/ft/err" &
	FT=$!
	at_exit "kill -9 $FT 2>/dev/null; wait $FT 2>/dev/null"
	local i want=$FT_REP.counter
	[ "${1:-}" = tree ] && want=$FT_REP.child.counter
	for i in $(seq 1 500); do
		[ -s "$FT_REP.counter" ] && [ -s "$want" ] && break
		kill -0 "$FT" 2>/dev/null || break
		sleep 0.01
	done
	if [ ! -s "$want" ]; then
		echo "fault_target did not start: $(cat "$T/ft/err" "$FT_REP".broken 2>/dev/null)" >&2
		return 1
	fi
	FT_CHILD=$(sed -n 's/^child_pid=//p' "$FT_REP")
	return 0
}

# ft_stop: kill the target tree and wait for it.
ft_stop() {
	[ -n "$FT_CHILD" ] && kill -9 "$FT_CHILD" 2>/dev/null
	kill -9 "$FT" 2>/dev/null
	wait "$FT" 2>/dev/null
	FT='' FT_CHILD=''
}

# ft_count FILE: a counter's value.
ft_count() { tr -dc '0-9' <"$1" 2>/dev/null; }

# ft_why PID COUNTER: "" when PID runs on as it was, else what is wrong.
ft_why() {
	local pid=$1 counter=$2 st tracer c1 c2
	st=$(state "$pid")
	tracer=$(awk '/^TracerPid:/ {print $2}' "/proc/$pid/status" 2>/dev/null)
	c1=$(ft_count "$counter")
	# A round is ~5 ms: wait until the counter moves (10 s at most on a
	# loaded machine) rather than a fixed quarter second, twice a check.
	local i
	for ((i = 0; i < 1000; i++)); do
		sleep 0.01
		c2=$(ft_count "$counter")
		[ "${c2:-0}" -gt "${c1:-0}" ] && break
	done
	if [ -z "$st" ] || [ "$st" = Z ]; then
		echo "pid $pid is gone"
	elif [ "$st" = t ] || [ "$st" = T ]; then
		echo "pid $pid is left stopped (state $st)"
	elif [ "$tracer" != 0 ]; then
		echo "pid $pid is still traced by $tracer"
	elif [ "${c2:-0}" -le "${c1:-0}" ]; then
		echo "pid $pid stopped counting ($c1 -> $c2)"
	fi
}

# ft_intact NAME: PASS when the target (and its child) run on unchanged:
# not stopped, not traced, still counting, and no self-check failed.
ft_intact() {
	local why
	why=$(ft_why "$FT" "$FT_REP.counter")
	[ -z "$why" ] && [ -n "$FT_CHILD" ] && why=$(ft_why "$FT_CHILD" "$FT_REP.child.counter")
	[ -z "$why" ] && why=$(cat "$FT_REP".broken "$FT_REP".child.broken 2>/dev/null)
	if [ -z "$why" ]; then pass "$1"; else fail "$1" "$why"; fi
}

# no_leftovers NAME DIR: DIR holds nothing (no image, no temporary directory).
no_leftovers() {
	if [ -n "$(ls -A "$2" 2>/dev/null)" ]; then
		fail "$1" "left behind: $(ls -A "$2" | tr '\n' ' ')"
	else
		pass "$1"
	fi
}

# tmp_dirs DIR: the temporary directories of dumps in DIR, one a line.
tmp_dirs() {
	local d
	for d in "$1"/.pidtrace-tmp-*; do
		[ -e "$d" ] && basename "$d"
	done
}

# wait_stopped PID: until PID is stopped (a test pause), at most 10 s.
wait_stopped() {
	local i
	for i in $(seq 1 1000); do
		case "$(state "$1")" in T | t) return 0 ;; "" | Z) return 1 ;; esac
		sleep 0.01
	done
	return 1
}
