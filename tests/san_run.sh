#!/usr/bin/env bash
# tests/san_run.sh CMD [ARG..] - run CMD (the test runner, for
# `make test SAN=1`) with every sanitizer report of every process, tests
# and pidtrace alike, written to a file; then fail if there is any.
#
# A report counts even when it came from a process whose exit status the
# test ignored, or one killed before it could say so on stderr: ASan and
# UBSan write the file as they find the error, LeakSanitizer at exit().
# Prints one "FAIL sanitizer: ..." line per report and, after CMD's own
# summary, the summary line again with the reports counted as failures.
set -u
cd "$(dirname "$0")/.." || exit 99
OUTPUT=${OUTPUT:-.output-san}
logs=$PWD/$OUTPUT/san-reports
rm -rf "$logs"
mkdir -p "$logs"

# halt_on_error=0 for UBSan: one report per problem and the test goes on
# (the report still fails the run). Suppressions: third-party leaks only.
export ASAN_OPTIONS="log_path=$logs/asan:log_exe_name=1:detect_leaks=1:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="log_path=$logs/ubsan:log_exe_name=1:print_stacktrace=1:${UBSAN_OPTIONS:-}"
export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0:${LSAN_OPTIONS:-}"

# Tests that run make themselves (make install) build the same flavour.
export SAN=1
out=$(mktemp /tmp/pidtrace-san.XXXXXX)
trap 'rm -f "$out"' EXIT
"$@" | tee "$out"
rc=${PIPESTATUS[0]}

reports=0
for f in "$logs"/*; do
	[ -s "$f" ] || continue
	reports=$((reports + 1))
	what=$(grep -m1 -E '^SUMMARY:|runtime error:' "$f" | cut -c1-200)
	echo "FAIL sanitizer: ${f##*/}: ${what:-see the report}"
	sed -n '1,40p' "$f" | sed 's/^/  | /'
done
echo "sanitizer reports: $reports (in $logs)"
line=$(grep -E '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' "$out" | tail -n1)
if [ -n "$line" ]; then
	read -r p _ f _ s _ <<<"$line"
	echo "$p passed, $((f + reports)) failed, $s skipped"
fi
[ "$rc" -eq 0 ] && [ "$reports" -eq 0 ]
