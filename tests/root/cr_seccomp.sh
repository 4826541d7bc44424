#!/usr/bin/env bash
# cr_seccomp: a tree under seccomp is dumped and restored (zdtm
# seccomp_filter, seccomp_filter_tsync, seccomp_filter_threads,
# seccomp_filter_inheritance, seccomp_strict): every thread's filters
# (with SECCOMP_FILTER_FLAG_LOG), shared between threads as they were so
# that a later TSYNC works, a child's filters installed before its
# capabilities are dropped again, strict mode; the image shows them
# (`pidtrace show`, plain and --json); the restored tasks check that each
# filtered syscall still fails with its filter's errno and strict mode
# still kills (zdtm_seccomp.c). Restore verifies each thread's mode and
# filter count: a restore that leaves a filter out fails it. A filter that
# hands syscalls to a supervisor (SECCOMP_RET_USER_NOTIF) is refused at dump.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root

cr_roundtrip_show seccomp zdtm_seccomp \
	"leader=.tasks[0].seccomp == {\"mode\": \"filter\", \"filters\": 2, \"log\": [true, false]}" \
	"thread=[.tasks[0].threads[].seccomp.filters] == [3]" \
	"children=[.tasks[1:][] | .seccomp.mode] == [\"strict\", \"filter\"]"
"$PIDTRACE" show -D "$T/seccomp/img" >"$T/seccomp/show.txt" 2>&1
if grep -q '^  seccomp: main thread filter mode, 2 filters (1 with SECCOMP_FILTER_FLAG_LOG)$' "$T/seccomp/show.txt" &&
	grep -q '^  seccomp: main thread strict mode$' "$T/seccomp/show.txt"; then
	pass seccomp_show_plain
else
	fail seccomp_show_plain "$(grep seccomp: "$T/seccomp/show.txt")"
fi

# A restore that leaves out one filter of the thread's own is caught by
# verify, rolled back. (The round trip above is over: its pids are free.)
ROOT=$(jq -r '.tasks[0].pid' "$T/seccomp/show.json")
TID=$(jq -r '.tasks[0].threads[0].tid' "$T/seccomp/show.json")
wait_for 10 eval '! kill -0 "$ROOT" 2>/dev/null'
(cd "$T/seccomp" && PIDTRACE_FAULT=restore-skip-seccomp-filter exec "$PIDTRACE" restore \
	-D "$T/seccomp/img" >"$T/seccomp/skip.out" 2>"$T/seccomp/skip.err")
rc=$?
if [ "$rc" = 1 ] && grep -Eq "^pidtrace: restore: verify: pid $ROOT: thread $TID: seccomp filters 3 in the image, 2 after restore \\(rolled back\\)\$" \
	"$T/seccomp/skip.err"; then
	pass seccomp_skipped_filter_caught
else
	fail seccomp_skipped_filter_caught "exit $rc: $(head -c 400 "$T/seccomp/skip.err")"
fi
# The same filters without the LOG flag of the first: each filter is compared.
wait_for 10 eval '! kill -0 "$ROOT" 2>/dev/null'
(cd "$T/seccomp" && PIDTRACE_FAULT=restore-skip-seccomp-log exec "$PIDTRACE" restore \
	-D "$T/seccomp/img" >"$T/seccomp/skip.out" 2>"$T/seccomp/skip.err")
rc=$?
if [ "$rc" = 1 ] && grep -Eq "^pidtrace: restore: verify: pid $ROOT: seccomp filter 1 differs from the image's \(rolled back\)\$" \
	"$T/seccomp/skip.err"; then
	pass seccomp_lost_log_flag_caught
else
	fail seccomp_lost_log_flag_caught "exit $rc: $(head -c 400 "$T/seccomp/skip.err")"
fi

# A filter that hands syscalls to a supervisor: refused at dump, in one line.
if cr_start notif zdtm_seccomp notif; then
	cr_refused notif "pid $CR_PID: its seccomp filter 1 hands syscalls to a supervisor \\(SECCOMP_RET_USER_NOTIF\\): not supported"
else
	fail notif_start "the program did not start: $(cat "$T/notif/log")"
fi
cr_cleanup
