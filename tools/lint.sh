#!/bin/sh
# Static checks (`make lint`; the Makefile and README say the same): cppcheck
# on every C file under user/ (required; warnings are errors) and shellcheck on
# the scripts (tools/, .ci/run, tests/) when it is installed. Formatting is
# kernel style; run clang-format -i by hand, it is not enforced here
# because clang-format 14 and the kernel disagree on macro tables.
set -eu
cd "$(dirname "$0")/.."
status=0
# Every folder of user/ is on the include path, as in the Makefile.
incs=$(find user -type d -printf '-I%p\n')
if command -v cppcheck >/dev/null; then
	# shellcheck disable=SC2086 # one -I word per folder
	cppcheck --quiet --error-exitcode=1 --enable=warning --suppress=ctuuninitvar --suppress=signConversionCond \
		--suppress=missingIncludeSystem --inline-suppr \
		-D__x86_64__ -Ibpf $incs user/ || status=1
else
	echo "lint: cppcheck not installed (apt-get install cppcheck)" >&2
	status=1
fi
if command -v shellcheck >/dev/null; then
	shellcheck -S warning tools/*.sh .ci/run || status=1
	# Tests read key=value lines a scenario prints with eval: SC2154 is noise there.
	shellcheck -S warning -e SC2154,SC2034,SC2148 tests/*.sh tests/root/*.sh || status=1
fi
[ $status = 0 ] && echo "lint: clean"
exit $status
