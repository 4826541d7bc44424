# tests/dump_lib.sh - helpers for the dump/show root tests (sourced after
# lib.sh). A target is tests/progs/dump_target: it writes what it knows about
# itself to $T/rep (key=value) and counts in $T/rep.counter.

TARGET=
mkdir -p "$T/work"

# start_target ARGS...: run dump_target ARGS, wait for its report.
start_target() {
	rm -f "$T/rep" "$T/rep.counter"
	"$PROGS/dump_target" "$T/rep" "$T/work" "$@" </dev/null >/dev/null 2>"$T/target.err" &
	TARGET=$!
	at_exit "kill -9 $TARGET 2>/dev/null; wait $TARGET 2>/dev/null"
	local i
	for i in $(seq 1 500); do
		[ -s "$T/rep" ] && return 0
		kill -0 "$TARGET" 2>/dev/null || break
		sleep 0.01
	done
	echo "dump_target did not start: $(cat "$T/target.err")" >&2
	return 1
}

# rep KEY: a value from the target's report.
rep() { sed -n "s/^$1=//p" "$T/rep"; }

# state PID: the State letter of /proc/PID/status ("" when gone).
state() { awk '/^State:/ {print $2}' "/proc/$1/status" 2>/dev/null; }

# counter: the target's loop count.
counter() { tr -dc '0-9' <"$T/rep.counter"; }

# untouched NAME PID: PASS when PID runs on after a failed dump: not stopped,
# not traced, and still counting.
untouched() {
	local st tracer c1 c2 i
	st=$(state "$2")
	tracer=$(awk '/^TracerPid:/ {print $2}' "/proc/$2/status" 2>/dev/null)
	c1=$(counter)
	# The count moves every ~50 ms: wait for it (10 s at most when loaded).
	for ((i = 0; i < 500; i++)); do
		sleep 0.02
		c2=$(counter)
		[ "${c2:-0}" -gt "${c1:-0}" ] && break
	done
	if [ -z "$st" ]; then
		fail "$1" "pid $2 is gone"
	elif [ "$st" = t ] || [ "$st" = T ]; then
		fail "$1" "pid $2 is left stopped (state $st)"
	elif [ "$tracer" != 0 ]; then
		fail "$1" "pid $2 is still traced by $tracer"
	elif [ "${c2:-0}" -le "${c1:-0}" ]; then
		fail "$1" "pid $2 stopped counting ($c1 -> $c2)"
	else
		pass "$1"
	fi
}

# check NAME EXPR: PASS when the shell expression is true.
check() {
	if eval "$2"; then pass "$1"; else fail "$1" "$2"; fi
}
