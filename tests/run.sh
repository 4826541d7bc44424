#!/usr/bin/env bash
# Test runner: unit tests (no root needed), then root tests.
#
# A test is an executable: .output/tests/unit/test_* or tests/root/*.sh.
# It reports cases as lines "PASS name", "FAIL name: why", "SKIP name: why"
# on stdout. A test that prints no such line counts as one case, judged by
# its exit status: 0 pass, 77 skip, anything else fail. A test that exits
# non-zero without having printed a FAIL line adds one failure.
# Ends with the line "N passed, N failed, N skipped".
set -u
cd "$(dirname "$0")/.." || exit 99
OUTPUT=${OUTPUT:-.output}
export OUTPUT PIDTRACE="$PWD/$OUTPUT/pidtrace" PROGS="$PWD/$OUTPUT/tests/progs" TOP="$PWD"
filter=${1:-}
timeout_s=${TEST_TIMEOUT:-300}
passed=0 failed=0 skipped=0
failed_names=()
logdir=$(mktemp -d /tmp/pidtrace-tests.XXXXXX)

run_one() {
	local t=$1 name log rc npass nfail nskip
	name=${t#./}
	log="$logdir/$(echo "$name" | tr '/' '_').log"
	timeout -k 10 "$timeout_s" "$t" >"$log" 2>&1 </dev/null
	rc=$?
	npass=$(grep -c '^PASS' "$log")
	nfail=$(grep -c '^FAIL' "$log")
	nskip=$(grep -c '^SKIP' "$log")
	grep -E '^(PASS|FAIL|SKIP)' "$log" | sed "s|^|  [$name] |"
	if [ $((npass + nfail + nskip)) -eq 0 ]; then
		case $rc in
		0) npass=1; echo "  [$name] PASS" ;;
		77) nskip=1; echo "  [$name] SKIP: $(tail -n1 "$log")" ;;
		*) nfail=1 ;;
		esac
	fi
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ] && [ "$nfail" -eq 0 ]; then
		nfail=1
		[ "$rc" -eq 124 ] && echo "  [$name] FAIL: timed out after ${timeout_s}s" ||
			echo "  [$name] FAIL: exit status $rc"
	fi
	if [ "$nfail" -gt 0 ]; then
		failed_names+=("$name")
		echo "  --- log of $name (last 40 lines) ---"
		tail -n 40 "$log" | sed 's/^/  | /'
	fi
	passed=$((passed + npass)) failed=$((failed + nfail)) skipped=$((skipped + nskip))
}

tests=()
for t in "$OUTPUT"/tests/unit/test_* tests/root/*.sh; do
	[ -x "$t" ] || continue
	[ -n "$filter" ] && [[ "$t" != *"$filter"* ]] && continue
	tests+=("$t")
done
for t in "${tests[@]}"; do
	echo "== $t"
	run_one "$t"
done
[ ${#failed_names[@]} -gt 0 ] && echo "failed: ${failed_names[*]}"
echo "logs: $logdir"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
