#!/usr/bin/env bash
# tools/ci-extra.sh - the CI checks beyond `make test` (issue 6): the whole
# suite built with ASan+UBSan (`make test SAN=1`, leaks included), then
# every fuzz harness for FUZZ_TIME seconds (default 60). Both always run;
# the last line sums them: "N passed, N failed, N skipped". Exit status 0
# only when both passed.
#
# Takes about 9 minutes on the project's 2-CPU machines, builds from
# scratch included: the sanitized build and suite ~3.5 min, the fuzzers
# ~5.5 min (9 harnesses of 60 s, two at a time).
set -u
cd "$(dirname "$0")/.." || exit 99
FUZZ_TIME=${FUZZ_TIME:-60}
# Output directories: the sanitized build's, and the one whose fuzz/ holds
# the fuzzers (OUTPUT, as for make).
SAN_OUTPUT=${SAN_OUTPUT:-.output-san}
FUZZ_OUTPUT=${OUTPUT:-.output}
log=$(mktemp -d /tmp/pidtrace-ci-extra.XXXXXX)
start=$SECONDS

# last_summary FILE: the last "N passed, N failed, N skipped" line.
last_summary() {
	grep -E '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' "$1" | tail -n1
}

echo "== make test SAN=1"
# Everything runs several times slower under the sanitizers.
export TEST_TIMEOUT=${TEST_TIMEOUT:-900}
make --no-print-directory test SAN=1 OUTPUT="$SAN_OUTPUT" 2>&1 | tee "$log/san.log"
san_rc=${PIPESTATUS[0]}
san_s=$((SECONDS - start))

echo "== make fuzz FUZZ_TIME=$FUZZ_TIME"
make --no-print-directory fuzz FUZZ_TIME="$FUZZ_TIME" OUTPUT="$FUZZ_OUTPUT" 2>&1 | tee "$log/fuzz.log"
fuzz_rc=${PIPESTATUS[0]}
fuzz_s=$((SECONDS - start - san_s))

passed=0 failed=0 skipped=0
for part in san fuzz; do
	line=$(last_summary "$log/$part.log")
	if [ -z "$line" ]; then
		# No summary at all: the build or the runner itself failed.
		echo "FAIL ci-extra $part: no summary line (see $log/$part.log)"
		failed=$((failed + 1))
		continue
	fi
	read -r p _ f _ s _ <<<"$line"
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
done
# A failing make with all cases passed (e.g. a runner error) still fails.
[ "$san_rc" -ne 0 ] && [ "$failed" -eq 0 ] && failed=1
[ "$fuzz_rc" -ne 0 ] && [ "$failed" -eq 0 ] && failed=1
echo "ci-extra: sanitized suite ${san_s}s (exit $san_rc), fuzzing ${fuzz_s}s (exit $fuzz_rc); logs in $log"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
