#!/usr/bin/env bash
# The headline demonstration: pidtrace watch explains deaths by signal as
# they happen -- a kill -9 of a sleeping process, a child killed by its
# parent's death (PR_SET_PDEATHSIG), a task killed through cgroup.kill, and
# a SIGPIPE the kernel sent on its own.
set -u
cd "$(dirname "$0")/.."
OUTPUT=${OUTPUT:-.output}
P=$OUTPUT/pidtrace
PROGS=$OUTPUT/tests/progs
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
