#!/bin/bash
# ab_dump.sh OLD NEW MIB PAIRS - two pidtrace builds, `dump --leave-running`
# of one memtarget of MIB MiB alternately, PAIRS times (run from the tree,
# as root). One line per dump: the side, the pair, runstat's fields and the
# core, memory and total ms of its --json report; then the target's own
# check of every word. tools/bench/ab_median.py prints the medians and the
# paired new/old ratios (docs/PERFORMANCE.md, round five). The target's
# own CPU time during each dump (target_ns: the cpuacct v1 group it is put
# in, when there is one) counts too: the splice path's vmsplice() runs in
# a helper thread of the target (round six).
set -u
B=${OUTPUT:-.output}/bench
OLD=$1 NEW=$2 MIB=$3 N=$4
W=$(mktemp -d /var/tmp/ab_dump.XXXX)
# Only stdin, stdout and stderr: an inherited pipe makes a dump refuse.
for fd in "/proc/$$/fd/"*; do
	fd=${fd##*/}
	[ "$fd" -gt 2 ] && [ "$fd" != 255 ] && eval "exec $fd>&-"
done 2>/dev/null
"$B/memtarget" "$MIB" "$W/rep" &
T=$!
CG=/sys/fs/cgroup/cpuacct/ab_dump.$$
mkdir "$CG" 2>/dev/null && echo "$T" >"$CG/cgroup.procs" 2>/dev/null || CG=
tcpu() { [ -n "$CG" ] && cat "$CG/cpuacct.usage" || echo 0; }
sleep 0.5
for i in $(seq 1 "$N"); do
	for side in old new; do
		bin=$OLD
		[ "$side" = new ] && bin=$NEW
		rm -rf "$W/img"
		t0=$(tcpu)
		"$B/runstat" "$W/st" "$bin" dump --leave-running -t "$T" -D "$W/img" --json >"$W/j" 2>"$W/e"
		ph=$(python3 -c "import json; d = json.load(open('$W/j')); p = d['phases_ms']; print(p['core'], p['memory'], d['total_ms'])" 2>/dev/null)
		echo "$side $i $(cat "$W/st") target_ns=$(($(tcpu) - t0)) core_mem_total=$ph"
	done
done
kill "$T"
wait "$T"
echo "verify: $(cat "$W/rep")"
[ -n "$CG" ] && rmdir "$CG"
rm -rf "$W"
