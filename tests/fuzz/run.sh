#!/usr/bin/env bash
# tests/fuzz/run.sh [NAME..] - run each libFuzzer harness (built by
# `make fuzz-bins` into $OUTPUT/fuzz/fuzz_NAME) for FUZZ_TIME seconds
# (default 60), FUZZ_JOBS harnesses at a time (default: the number of CPUs).
#
# Each starts from its seeds (tests/fuzz/corpus/NAME/) and from what earlier
# runs found ($OUTPUT/fuzz/work/corpus/NAME/, where new inputs go: the seeds
# in the repository never change). A crash, leak, UBSan report or timeout is
# a FAIL line naming the input libFuzzer saved; fix it, then keep the input
# in tests/fuzz/regress/NAME/ so that `make test` replays it.
# Prints "PASS fuzz_NAME: ..." / "FAIL fuzz_NAME: ..." lines and ends with
# "N passed, N failed, N skipped".
set -u
cd "$(dirname "$0")/../.." || exit 99
OUTPUT=${OUTPUT:-.output}
FUZZ_TIME=${FUZZ_TIME:-60}
FUZZ_JOBS=${FUZZ_JOBS:-$(nproc)}
work=$OUTPUT/fuzz/work
mkdir -p "$work"
tmp=$(mktemp -d /tmp/pidtrace-fuzz.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
export FUZZ_TMPDIR=$tmp

names=("$@")
if [ ${#names[@]} -eq 0 ]; then
	for src in tests/fuzz/fuzz_*.c; do
		n=${src##*/fuzz_}
		names+=("${n%.c}")
	done
fi

# fuzz_one NAME: run it, leave one result line in $work/NAME.result.
fuzz_one() {
	local n=$1 bin=$OUTPUT/fuzz/fuzz_$1 log=$work/$1.log rc stats art
	mkdir -p "$work/corpus/$n" "$work/crash/$n"
	if [ ! -x "$bin" ]; then
		echo "SKIP fuzz_$n: $bin is not built (make fuzz-bins)" >"$work/$n.result"
		return
	fi
	# -close_fd_mask=3: the harnesses' own messages go nowhere; libFuzzer
	# and the sanitizers still report on a copy of stderr.
	"$bin" "$work/corpus/$n" "tests/fuzz/corpus/$n" -max_total_time="$FUZZ_TIME" \
		-timeout=10 -rss_limit_mb=2048 -close_fd_mask=3 -print_final_stats=1 \
		-artifact_prefix="$work/crash/$n/" >"$log" 2>&1
	rc=$?
	if [ "$rc" -eq 0 ]; then
		stats=$(awk '/^stat::number_of_executed_units/ { r = $2 }
			/^stat::peak_rss_mb/ { m = $2 }
			/DONE/ { for (i = 1; i <= NF; i++) { if ($i == "cov:") c = $(i + 1);
				if ($i == "corp:") k = $(i + 1) } }
			END { printf "%s runs, cov %s, corpus %s, rss %s MB", r, c, k, m }' "$log")
		echo "PASS fuzz_$n: ${FUZZ_TIME}s, $stats" >"$work/$n.result"
	else
		art=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n1)
		echo "FAIL fuzz_$n: $(grep -m1 -E '^SUMMARY|ERROR: libFuzzer|^==[0-9]+==ERROR' "$log" |
			cut -c1-160) (input: ${art:-none}, log: $log)" >"$work/$n.result"
	fi
}

running=0
for n in "${names[@]}"; do
	rm -f "$work/$n.result"
	if [ "$running" -ge "$FUZZ_JOBS" ]; then
		wait -n
		running=$((running - 1))
	fi
	echo "== fuzz_$n (${FUZZ_TIME}s)"
	fuzz_one "$n" &
	running=$((running + 1))
done
wait

passed=0 failed=0 skipped=0
for n in "${names[@]}"; do
	line=$(cat "$work/$n.result" 2>/dev/null || echo "FAIL fuzz_$n: no result")
	echo "  $line"
	case $line in
	PASS*) passed=$((passed + 1)) ;;
	SKIP*) skipped=$((skipped + 1)) ;;
	*)
		failed=$((failed + 1))
		grep -A12 -m1 -E '^==[0-9]+==ERROR|runtime error' "$work/$n.log" | sed 's/^/  | /'
		;;
	esac
done
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
