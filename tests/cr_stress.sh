#!/usr/bin/env bash
# tests/cr_stress.sh [N] - `make stress`: the dead-pidfd round trip
# (tests/progs/zdtm_pidfd: pidfds to reaped processes, one shared by two
# holders, one whose target exited with 3) N times in a row (default 200).
# Any failure counts: CRIU's #2490 race must be impossible, not unlikely.
set -u
cd "$(dirname "$0")/.." || exit 99
OUTPUT=${OUTPUT:-.output}
export PIDTRACE="$PWD/$OUTPUT/pidtrace" PROGS="$PWD/$OUTPUT/tests/progs" TOP="$PWD"
N=${1:-200}
. tests/lib.sh
. tests/cr_lib.sh
need_root

ok=0 bad=0
for i in $(seq 1 "$N"); do
	out=$(cr_roundtrip "pidfd$i" zdtm_pidfd)
	if grep -q '^FAIL' <<<"$out"; then
		bad=$((bad + 1))
		echo "run $i: $out" | grep FAIL
		[ -d "$T/pidfd$i" ] && cp -r "$T/pidfd$i" "/tmp/pidtrace-stress-fail-$i" &&
			echo "  kept /tmp/pidtrace-stress-fail-$i"
	else
		ok=$((ok + 1))
	fi
	rm -rf "$T/pidfd$i"
	[ $((i % 20)) = 0 ] && echo "stress: $i runs, $bad failed"
done
echo "$ok passed, $bad failed"
[ "$bad" = 0 ]
