#!/usr/bin/env bash
# The headline demonstration: pidtrace watch explains deaths by signal as
# they happen -- a kill -9 of a sleeping process, a child killed by its
# parent's death (PR_SET_PDEATHSIG), a task killed through cgroup.kill, and
# a SIGPIPE the kernel sent on its own.
set -u
cd "$(dirname "$0")/.." || exit 1
OUTPUT=${OUTPUT:-.output}
P=$OUTPUT/pidtrace
PROGS=$OUTPUT/tests/progs
# The demo's processes start with stdin, stdout and stderr only: a
# descriptor inherited from whatever started make (a pipe whose other end
# is held elsewhere) would rightly make the dump below refuse the tree.
for fd in /proc/$$/fd/*; do
	fd=${fd##*/}
	[ "$fd" -gt 2 ] && [ "$fd" != 255 ] && eval "exec $fd>&-"
done 2>/dev/null
out=$(mktemp /tmp/pidtrace-demo.XXXXXX)
trap 'rm -f "$out" "$out.err"' EXIT

echo "== pidtrace watch (system-wide), while the demo kills a few processes"
"$P" watch -o "$out" 2>"$out.err" &
watch=$!
for _ in $(seq 100); do grep -q tracing "$out.err" && break; sleep 0.05; done

sleep 1000 &
victim=$!
sleep 0.1
kill -9 "$victim"
wait "$victim" 2>/dev/null
[ -x "$PROGS/pdeathsig" ] && "$PROGS/pdeathsig" >/dev/null
[ -x "$PROGS/cgroup_kill" ] && "$PROGS/cgroup_kill" >/dev/null
yes | head -n1 >/dev/null
sleep 0.5
kill -INT "$watch"
wait "$watch"
cat "$out"

# The restore headline: CRIU's pidfd_dead case (a process holding pidfds to
# dead children), whose restore died of a SIGKILL nobody could explain.
if [ -x "$PROGS/zdtm_pidfd" ] && [ -x "$PROGS/cr_reaper" ]; then
	echo
	echo "== pidtrace dump + restore of a process holding pidfds to dead processes"
	cr=$(mktemp -d /tmp/pidtrace-demo-cr.XXXXXX)
	progs=$(cd "$PROGS" && pwd)
	trap 'rm -f "$out" "$out.err"; rm -rf "$cr"' EXIT
	(cd "$cr" && exec "$progs/cr_reaper" "$progs/zdtm_pidfd" >"$cr/log" 2>&1 </dev/null) &
	reaper=$!
	for _ in $(seq 100); do grep -qs READY "$cr/log" && break; sleep 0.05; done
	pid=$(sed -n 's/^READY pid=\([0-9]*\).*/\1/p' "$cr/log")
	if ! "$P" dump -t "$pid" -D "$cr/img"; then
		# Refused (the tree left running): say so, and end what we started.
		kill -TERM "$pid" 2>/dev/null
		wait "$reaper"
		exit 1
	fi
	wait "$reaper"
	"$P" restore -D "$cr/img" >"$cr/report" &
	restore=$!
	for _ in $(seq 200); do [ -s "$cr/report" ] && break; sleep 0.05; done
	cat "$cr/report"
	kill -TERM "$pid"
	wait "$restore"
	echo "the restored process checked its pidfds (0x300 and 9 from PIDFD_GET_INFO): $(grep -E '^(PASS|FAIL)' "$cr/log")"
fi
