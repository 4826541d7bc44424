#!/usr/bin/env bash
# envmatrix.sh - run some root tests under each of several inherited
# conditions (signals ignored or blocked by the runner, low limits, nice,
# one CPU, no_new_privs, umask 077, a bare environment, CI's session and
# autogroup...) and print a table: variation x passed/failed.
#
#   tools/envmatrix.sh [-v VAR,VAR...] [-l] FILTER...
#
# FILTERs choose the tests as tests/run.sh does (a test runs when its path
# holds one of them). -v runs only the named variations; -l lists them.
# Each variation runs `bash tests/run.sh FILTER...` once, started through
# its wrapper, TEST_JOBS=${TEST_JOBS:-1} at a time (the machine is
# shared). A tool like `make bench`: not part of `make test`. Root only.
# Logs: the directory printed last (VAR.out: that run's whole output).
# See tests/README.md ("Inherited conditions") for what each one found.
set -u
cd "$(dirname "$0")/.." || exit 1
TOP=$PWD

# name|what it changes|the wrapper (a shell line that ends by running "$@")
VARIATIONS=(
	'plain|nothing (the reference)|exec "$@"'
	'ci|as CI: PID 1 session and autogroup, no tty, stdin /dev/null|ci'
	'sigign|SIGPIPE SIGCHLD SIGHUP SIGUSR1 SIGUSR2 SIGALRM ignored|exec env --ignore-signal=PIPE,CHLD,HUP,USR1,USR2,ALRM "$@"'
	'sigblock|SIGCHLD SIGPIPE SIGTERM SIGINT SIGHUP SIGUSR1 SIGALRM blocked|exec env --block-signal=CHLD,PIPE,TERM,INT,HUP,USR1,ALRM "$@"'
	'nofile|RLIMIT_NOFILE 256|exec prlimit --nofile=256:256 "$@"'
	'core|RLIMIT_CORE unlimited (the shell has 0)|exec prlimit --core=unlimited "$@"'
	'stack|RLIMIT_STACK unlimited (the legacy mmap layout)|exec prlimit --stack=unlimited "$@"'
	'memlock|RLIMIT_MEMLOCK 64 KiB|exec prlimit --memlock=65536 "$@"'
	'nice|nice 10|exec nice -n 10 "$@"'
	'idle|I/O class idle, SCHED_IDLE|exec ionice -c 3 chrt -i 0 "$@"'
	'cpu1|affinity: one CPU|exec taskset -c 0 "$@"'
	'nnp|no_new_privs set|exec setpriv --no-new-privs "$@"'
	'umask|umask 077|umask 077; exec "$@"'
	'bareenv|env -i: PATH=/usr/bin:/bin only, no HOME, TERM, TMPDIR|exec env -i PATH=/usr/bin:/bin OUTPUT="$OUTPUT" TEST_JOBS="$TEST_JOBS" "$@"'
	'tmpdir|TMPDIR a directory that does not exist|TMPDIR=/nonexistent/tmp exec "$@"'
	'locale|LC_ALL=C.UTF-8, LANG=de_DE.UTF-8|LC_ALL=C.UTF-8 LANG=de_DE.UTF-8 exec "$@"'
	'nostdio|stdin and stderr closed|exec "$@" <&- 2>&-'
)

usage() {
	sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'
	exit 2
}

only=''
while getopts 'v:lh' o; do
	case $o in
	v) only=,$OPTARG, ;;
	l)
		for v in "${VARIATIONS[@]}"; do
			IFS='|' read -r name what _ <<<"$v"
			printf '%-9s %s\n' "$name" "$what"
		done
		exit 0
		;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || usage
[ "$(id -u)" = 0 ] || { echo "envmatrix: root only" >&2; exit 1; }
[ -x "${OUTPUT:-.output}/pidtrace" ] || { echo "envmatrix: build first (make && make test-bins)" >&2; exit 1; }

LOGS=$(mktemp -d /tmp/envmatrix.XXXXXX)
export TEST_JOBS=${TEST_JOBS:-1} OUTPUT=${OUTPUT:-.output}

# ci_run OUT CMD...: run CMD the way CI starts .ci/run: from a usermode
# helper (a core_pattern pipe), so in PID 1's session and autogroup, with
# no terminal and stdin /dev/null, not setsid(). core_pattern is set only
# for the instant of one crash and put back; a pattern that is already a
# pipe into another helper of this kind is taken as "core".
ci_run() {
	local out=$1 old i
	shift
	# The context, said first: no session of its own (0), no autogroup line.
	echo 'echo "context: sid $(ps -o sid= $$) autogroup \"$(cat /proc/self/autogroup)\" tty $(ps -o tty= $$)"' >"$LOGS/ci.cmd"
	printf '%q ' cd "$TOP" >>"$LOGS/ci.cmd"
	printf '&& exec env OUTPUT=%q TEST_JOBS=%q ' "$OUTPUT" "$TEST_JOBS" >>"$LOGS/ci.cmd"
	printf '%q ' "$@" >>"$LOGS/ci.cmd"
	echo >>"$LOGS/ci.cmd"
	cat >"$LOGS/ci.helper" <<EOF
#!/bin/sh
exec </dev/null >/dev/null 2>&1
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root
(sh $LOGS/ci.cmd >$out 2>&1; echo \$? >$LOGS/ci.rc) &
exit 0
EOF
	chmod +x "$LOGS/ci.helper"
	rm -f "$LOGS/ci.rc"
	old=$(cat /proc/sys/kernel/core_pattern)
	case $old in "|/tmp/envmatrix."* | "|/work/tmp/"*) old=core ;; esac
	echo "|$LOGS/ci.helper" >/proc/sys/kernel/core_pattern
	{ (ulimit -c unlimited; sh -c 'kill -SEGV $$'); } 2>/dev/null
	echo "$old" >/proc/sys/kernel/core_pattern
	for ((i = 0; i < 36000; i++)); do
		[ -s "$LOGS/ci.rc" ] && return "$(cat "$LOGS/ci.rc")"
		sleep 0.1
	done
	echo "envmatrix: the CI-like run did not end in an hour" >>"$out"
	return 1
}

rows=()
for v in "${VARIATIONS[@]}"; do
	IFS='|' read -r name what wrap <<<"$v"
	[ -n "$only" ] && [[ $only != *",$name,"* ]] && continue
	out=$LOGS/$name.out
	echo "envmatrix: $name ($what)" >&2
	start=$SECONDS
	if [ "$wrap" = ci ]; then
		ci_run "$out" bash tests/run.sh "$@"
	else
		bash -c "$wrap" wrap bash tests/run.sh "$@" >"$out" 2>&1
	fi
	secs=$((SECONDS - start))
	[ "$wrap" = ci ] && grep -m1 '^context:' "$out" >&2
	sum=$(grep -E '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' "$out" | tail -n1)
	[ -n "$sum" ] || sum='no result'
	# The failed cases, by test and case name.
	bad=$(sed -n 's/^  \[tests\/root\/\([^]]*\)\.sh\] FAIL \([^:]*\).*/\1:\2/p' "$out" | sort -u | tr '\n' ' ')
	rows+=("$(printf '%-9s %-34s %4ss  %s' "$name" "$sum" "$secs" "$bad")")
	echo "${rows[-1]}" >&2
done
echo
echo "tests: $*"
printf '%-9s %-34s %5s  %s\n' variation result time 'failed (test:case)'
printf '%s\n' "${rows[@]}"
echo "logs: $LOGS"
