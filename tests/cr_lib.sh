# tests/cr_lib.sh - checkpoint/restore round trips (sourced after lib.sh).
#
# A round trip: run a zdtm program (tests/progs/zdtm_*) under cr_reaper
# (a subreaper, so that the pids of the dumped tree are free again as soon
# as the dump kills it), wait for READY, dump it, restore it, SIGTERM the
# restored root, and expect "PASS" in its log and exit status 0 from
# `pidtrace restore` (which waits for the restored root).

CR_PID='' CR_DIR='' CR_REAPER='' CR_RESTORE='' CR_RC=''
CR_PIDS='' CR_DUMP=''

# cr_descendants PID: every pid below PID (children, theirs...), one a line.
cr_descendants() {
	local p
	for p in $(cat /proc/"$1"/task/*/children 2>/dev/null); do
		echo "$p"
		cr_descendants "$p"
	done
}

# cr_kill_below PID: SIGKILL everything below PID until nothing but zombies
# is left. PID must be a subreaper that reaps (cr_reaper, `pidtrace
# restore`): whatever it started, and whatever was orphaned below it, is
# its descendant; once it is gone they would belong to PID 1 and be out of
# our reach. Repeated: a task being created (a fork, a restore's stub) as
# we look shows up on the next round.
cr_kill_below() {
	local i p alive
	for i in $(seq 1 100); do
		alive=
		for p in $(cr_descendants "$1"); do
			[ "$(awk '/^State:/ { print $2 }' "/proc/$p/status" 2>/dev/null)" = Z ] ||
				alive="$alive $p"
		done
		[ -z "$alive" ] && return 0
		# shellcheck disable=SC2086
		kill -9 $alive 2>/dev/null
		sleep 0.02
	done
	echo "cr_cleanup: could not kill everything below $1:$alive" >&2
	return 1
}

# cr_ours PID: PID still looks like one of ours: a zdtm program or a stub,
# in our cgroup v2 group (tests/run.sh gives each test one: a pid reused
# by another test running at the same time is in another group).
cr_ours() {
	case $(cat "/proc/$1/comm" 2>/dev/null) in
	zdtm_* | pidtrace*) in_our_cgroup "$1" ;;
	*) return 1 ;;
	esac
}

# Kill what a round trip left: a dump still running, the trees below
# `pidtrace restore` and below the original's reaper (both subreapers),
# then they themselves; a detached tree (below nobody of ours) by the pids
# the report gave, if they still look like ours (a pid freed by a rollback
# may belong to someone else by now).
cr_cleanup() {
	local p
	# A report written after cr_restore stopped waiting for it.
	[ -z "$CR_PIDS" ] && [ -n "$CR_DIR" ] &&
		CR_PIDS=$(jq -r '.host_pids[]?' "$CR_DIR/restore.json" 2>/dev/null | tr '\n' ' ')
	# Each of them may have ended long ago (a restore that failed): its
	# pid, and what is below it, only if still ours (in_our_cgroup).
	if [ -n "$CR_DUMP" ]; then
		kill_ours 9 "$CR_DUMP"
		wait "$CR_DUMP" 2>/dev/null
	fi
	if [ -n "$CR_RESTORE" ]; then
		in_our_cgroup "$CR_RESTORE" && cr_kill_below "$CR_RESTORE"
		kill_ours 9 "$CR_RESTORE"
		wait "$CR_RESTORE" 2>/dev/null
	fi
	if [ -n "$CR_REAPER" ]; then
		in_our_cgroup "$CR_REAPER" && cr_kill_below "$CR_REAPER"
		kill_ours 9 "$CR_REAPER"
		wait "$CR_REAPER" 2>/dev/null
	fi
	for p in $CR_PIDS $CR_PID; do
		cr_ours "$p" && kill -9 "$p" 2>/dev/null
	done
	CR_PIDS='' CR_PID='' CR_RESTORE='' CR_REAPER='' CR_DUMP=''
	return 0
}
at_exit cr_cleanup

# wait_for SECONDS CMD...: poll CMD every 20 ms until it succeeds.
wait_for() {
	local n=$(($1 * 50)) i
	shift
	for i in $(seq 1 "$n"); do
		"$@" && return 0
		sleep 0.02
	done
	return 1
}

cr_ready() { grep -q '^READY' "$CR_DIR/log" 2>/dev/null; }
cr_gone() { ! kill -0 "$1" 2>/dev/null; }
# reported FILE PID: FILE holds a whole report line (stdio may write a
# long one in pieces), or PID, the restore, is gone.
reported() { [ -s "$1" ] && [ -z "$(tail -c 1 "$1")" ] || cr_gone "$2"; }
cr_reported() { reported "$CR_DIR/restore.json" "$CR_RESTORE"; }

# cr_start NAME PROG [ARG..]: start PROG in $T/NAME, wait for READY.
# What a previous round trip left (a caller that did not clean up after a
# failure) is killed first: its pids would be forgotten from here on.
cr_start() {
	cr_cleanup
	CR_DIR=$T/$1
	shift
	mkdir -p "$CR_DIR"
	(cd "$CR_DIR" && exec "$PROGS/cr_reaper" "$PROGS/$1" "${@:2}" >"$CR_DIR/log" 2>&1 </dev/null) &
	CR_REAPER=$!
	if ! wait_for 10 cr_ready; then
		echo "$1 did not get ready: $(cat "$CR_DIR/log")" >&2
		return 1
	fi
	CR_PID=$(sed -n 's/^READY pid=\([0-9]*\).*/\1/p' "$CR_DIR/log")
}

# cr_dump: dump the tree (which kills it) and wait until its pids are free.
# The dump runs as CR_DUMP meanwhile: a test killed mid-dump kills it too.
cr_dump() {
	local rc
	"$PIDTRACE" dump -t "$CR_PID" -D "$CR_DIR/img" --json >"$CR_DIR/dump.json" \
		2>"$CR_DIR/dump.err" &
	CR_DUMP=$!
	wait "$CR_DUMP"
	rc=$?
	CR_DUMP=
	if [ "$rc" != 0 ]; then
		echo "dump failed: $(cat "$CR_DIR/dump.err" "$CR_DIR/dump.json")" >&2
		return 1
	fi
	wait_for 10 cr_gone "$CR_REAPER" || return 1
	wait "$CR_REAPER" 2>/dev/null
	CR_REAPER=
}

# cr_restore [ARG..]: start `pidtrace restore --json` in the background and
# wait for its report (restore.json). CR_PIDS: the pids it restored, as
# this shell sees them (with --pidns they differ from the pids inside).
# shellcheck disable=SC2120
cr_restore() {
	# A previous round's report must not pass for this one's before the
	# new restore has truncated the file.
	rm -f "$CR_DIR/restore.json" "$CR_DIR/restore.err"
	(cd "$CR_DIR" && exec "$PIDTRACE" restore -D "$CR_DIR/img" --json "$@" \
		>"$CR_DIR/restore.json" 2>"$CR_DIR/restore.err") &
	CR_RESTORE=$!
	wait_for 30 cr_reported || return 1
	CR_PIDS=$(jq -r '.host_pids[]?' "$CR_DIR/restore.json" 2>/dev/null | tr '\n' ' ')
	[ "$(jq -r .ok "$CR_DIR/restore.json" 2>/dev/null)" = true ]
}

# cr_term PID: SIGTERM to a program waiting in zdtm_wait_term(), at once.
# A task pidtrace let go (a dump that left it running, a restore) was
# stopped inside sigsuspend: the kernel itself decides on the way out
# whether the call restarts or returns EINTR, so a signal that comes
# before the task is back in the call wakes it all the same
# (cr_sigwait.sh; docs/reliability.md).
cr_term() {
	kill -TERM "$1"
}

# cr_finish: SIGTERM the restored root, wait for `pidtrace restore` to
# return its exit status (CR_RC).
cr_finish() {
	cr_term "$CR_PID"
	wait_for 30 cr_gone "$CR_RESTORE"
	wait "$CR_RESTORE"
	CR_RC=$?
	CR_RESTORE=
}

# cr_read_all CASE SERVERLOG [--rc]: the program (zdtm_tcpwin) read every
# byte its peer outside the tree wrote ("READ N" in its log, N the
# server's "FILLED N"; up to 30 s); --rc: and `pidtrace restore` returned
# 0 (CR_RC, after cr_finish).
cr_read_all() {
	local filled rc_ok=true
	filled=$(sed -n 's/^FILLED //p' "$2")
	[ "${3:-}" = --rc ] && [ "$CR_RC" != 0 ] && rc_ok=false
	if $rc_ok && wait_for 30 grep -q "^READ $filled\$" "$CR_DIR/log"; then
		pass "$1"
	else
		fail "$1" "${3:+exit status $CR_RC, }server wrote $filled: $(grep -E '^(READ|FAIL)' "$CR_DIR/log")"
	fi
}

# cr_show_has NAME FILTER: `pidtrace show --json` of the last image
# satisfies the jq FILTER; $guards is the program's "guards=0|1" line (1
# when it printed none).
cr_show_has() {
	local g
	g=$(sed -n 's/^guards=\([01]\)$/\1/p' "$CR_DIR/log")
	"$PIDTRACE" show -D "$CR_DIR/img" --json >"$CR_DIR/show.json" 2>"$CR_DIR/show.err"
	if jq -e --argjson guards "${g:-1}" "$2" "$CR_DIR/show.json" >/dev/null 2>&1; then
		pass "$1"
	else
		fail "$1" "show --json does not satisfy $2 ($(head -c 300 "$CR_DIR/show.err"))"
	fi
}

# cr_refused NAME PATTERN: dump the started program (CR_PID) and expect a
# refusal: exit status 1 and one stderr line "pidtrace: dump: PATTERN" (an
# extended regex), no image (NAME_refused, NAME_no_image); then SIGTERM
# makes the program check its objects still work (NAME_untouched).
cr_refused() {
	local name=$1 pat=$2 rc
	# shellcheck disable=SC2086 # CR_REFUSED_ARGS: words for dump
	"$PIDTRACE" dump -t "$CR_PID" -D "$CR_DIR/img" ${CR_REFUSED_ARGS:-} >"$CR_DIR/dump.out" 2>"$CR_DIR/dump.err"
	rc=$?
	if [ "$rc" != 1 ]; then
		fail "${name}_refused" "exit status $rc, expected 1: $(cat "$CR_DIR/dump.err")"
	elif [ "$(wc -l <"$CR_DIR/dump.err")" != 1 ] ||
		! grep -Eq "^pidtrace: dump: $pat\$" "$CR_DIR/dump.err"; then
		fail "${name}_refused" "stderr: $(cat "$CR_DIR/dump.err"), expected: $pat"
	else
		pass "${name}_refused"
	fi
	if [ -e "$CR_DIR/img" ] && [ -n "$(ls -A "$CR_DIR/img")" ]; then
		fail "${name}_no_image" "left behind: $(ls -A "$CR_DIR/img")"
	else
		pass "${name}_no_image"
	fi
	cr_passes "${name}_untouched"
}

# cr_passes CASE: SIGTERM makes the running program (CR_PID) check its
# state and print PASS: CASE passes when it does within 30 s (a loaded CI
# machine once took more than 10). A failure says what state the task is
# in: stopped or traced is a tree dump did not leave untouched.
cr_passes() {
	cr_term "$CR_PID"
	if wait_for 30 grep -q '^PASS' "$CR_DIR/log"; then
		pass "$1"
	else
		fail "$1" "no PASS: $(cat "$CR_DIR/log"); $(grep -E '^(State|TracerPid|SigPnd|ShdPnd|SigBlk):' "/proc/$CR_PID/status" 2>&1 | tr '\n' ' ')"
	fi
}

# cr_roundtrip_show NAME PROG CHECK..: cr_roundtrip, checking the image
# after the dump: each CHECK is KEY=FILTER, a case NAME_show_KEY.
cr_roundtrip_show() {
	local name=$1 prog=$2
	shift 2
	CR_SHOW_CHECKS=("$@")
	cr_roundtrip "$name" "$prog"
	CR_SHOW_CHECKS=()
}

# cr_roundtrip NAME PROG [ARG..]: the whole cycle, as PASS/FAIL lines
# NAME_dump, NAME_restore, NAME_verify.
CR_SHOW_CHECKS=()
cr_roundtrip() {
	local name=$1 f
	shift
	if ! cr_start "$name" "$@"; then
		fail "${name}_start" "the program did not start"
		cr_cleanup
		return 1
	fi
	if ! cr_dump; then
		fail "${name}_dump" "$(tail -n 3 "$CR_DIR/dump.err")"
		cr_cleanup
		return 1
	fi
	pass "${name}_dump"
	for f in "${CR_SHOW_CHECKS[@]}"; do
		cr_show_has "${name}_show_${f%%=*}" "${f#*=}"
	done
	cr_restore_verify "$name"
	cr_cleanup
}

# cr_restore_verify NAME [ARG..]: restore the dumped image (ARGs to
# restore), then SIGTERM makes the program check itself: NAME_restore,
# NAME_verify. Return: 1 when the restore failed.
cr_restore_verify() {
	local name=$1
	shift
	if ! cr_restore "$@"; then
		fail "${name}_restore" "$(jq -r '.error // empty' "$CR_DIR/restore.json" 2>/dev/null) $(tail -n 3 "$CR_DIR/restore.err")"
		return 1
	fi
	pass "${name}_restore"
	cr_finish
	if [ "$CR_RC" = 0 ] && grep -q '^PASS' "$CR_DIR/log"; then
		pass "${name}_verify"
	else
		fail "${name}_verify" "exit status $CR_RC: $(grep -E '^(FAIL|PASS)' "$CR_DIR/log" | head -n 3)"
	fi
}

# cr_pidns_roundtrip NAME PROG [ARG..]: start, dump, `restore --pidns`,
# SIGTERM the restored root by its host pid: NAME_dump, NAME_restore,
# NAME_verify.
cr_pidns_roundtrip() {
	local name=$1 rc
	shift
	if ! cr_start "$name" "$@" || ! cr_dump; then
		fail "${name}_dump" "$(tail -n 3 "$CR_DIR/dump.err" 2>/dev/null)"
		cr_cleanup
		return 1
	fi
	pass "${name}_dump"
	if ! cr_restore --pidns; then
		fail "${name}_restore" "$(jr '.error // empty' 2>/dev/null) $(tail -n 3 "$CR_DIR/restore.err")"
		cr_cleanup
		return 1
	fi
	pass "${name}_restore"
	kill -TERM "$(jr '.host_pids[0]')"
	wait_for 30 cr_gone "$CR_RESTORE"
	wait "$CR_RESTORE"
	rc=$?
	CR_RESTORE=
	if [ "$rc" = 0 ] && grep -q '^PASS' "$CR_DIR/log"; then
		pass "${name}_verify"
	else
		fail "${name}_verify" "exit status $rc: $(grep -E '^(FAIL|PASS)' "$CR_DIR/log" | head -n 3)"
	fi
	cr_cleanup
}

# cr_dropped NAME WHAT: the started program (CR_PID) has events unread on
# an instance whose kind JSON member is WHAT ("inotify", "fanotify"):
# `dump --drop-unread-events` dumps it with one warning naming the bytes
# left (NAME_dump_warns), show tells them (NAME_show), the restore says so
# in its report's warnings (NAME_restore_warns), and the program finds
# nothing queued and the rest as it was (NAME_restore, NAME_verify).
cr_dropped() {
	local name=$1 what=$2
	if ! "$PIDTRACE" dump -t "$CR_PID" -D "$CR_DIR/img" --drop-unread-events \
		>"$CR_DIR/dump.out" 2>"$CR_DIR/dump.err"; then
		fail "${name}_dump_warns" "dump failed: $(cat "$CR_DIR/dump.err")"
		return 1
	fi
	if [ "$(wc -l <"$CR_DIR/dump.err")" = 1 ] && grep -Eq "^pidtrace: dump: warning: pid $CR_PID fd [0-9]+: $what( group)?: [0-9]+ bytes of unread events not kept \(--drop-unread-events\)\$" "$CR_DIR/dump.err"; then
		pass "${name}_dump_warns"
	else
		fail "${name}_dump_warns" "$(cat "$CR_DIR/dump.err")"
	fi
	wait_for 10 cr_gone "$CR_REAPER"
	wait "$CR_REAPER" 2>/dev/null
	CR_REAPER=
	cr_show_has "${name}_show" "[.tasks[].fds[].$what | select(. and .dropped_events) | .dropped_events] | length == 1 and .[0] > 0"
	cr_restore_verify "$name" || return 1
	if jq -e --arg w "$what" '[.warnings[] | select(test("^pid [0-9]+ fd [0-9]+: " + $w + "( group)? without the [0-9]+ bytes of events it had not read \\(dropped at dump, --drop-unread-events\\)$"))] | length == 1' "$CR_DIR/restore.json" >/dev/null; then
		pass "${name}_restore_warns"
	else
		fail "${name}_restore_warns" "warnings: $(jq -c .warnings "$CR_DIR/restore.json")"
	fi
}

# jr FILTER: a field of the last restore report.
jr() { jq -r "$1" "$CR_DIR/restore.json"; }
