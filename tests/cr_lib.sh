# tests/cr_lib.sh - checkpoint/restore round trips (sourced after lib.sh).
#
# A round trip: run a zdtm program (tests/progs/zdtm_*) under cr_reaper
# (a subreaper, so that the pids of the dumped tree are free again as soon
# as the dump kills it), wait for READY, dump it, restore it, SIGTERM the
# restored root, and expect "PASS" in its log and exit status 0 from
# `pidtrace restore` (which waits for the restored root).

CR_PID='' CR_DIR='' CR_REAPER='' CR_RESTORE='' CR_RC=''
CR_PIDS=''

# Kill what a round trip left: the restored tasks (pids pidtrace created
# for us, from its report), the original tree and its reaper.
# Only processes that still look like ours (a zdtm program or a stub):
# a pid freed by a rollback may belong to someone else by now.
cr_cleanup() {
	local p c
	for p in $CR_PIDS $CR_PID; do
		c=$(cat "/proc/$p/comm" 2>/dev/null)
		case $c in zdtm_* | pidtrace*) kill -9 "$p" 2>/dev/null ;; esac
	done
	[ -n "$CR_RESTORE" ] && kill -9 "$CR_RESTORE" 2>/dev/null && wait "$CR_RESTORE" 2>/dev/null
	[ -n "$CR_REAPER" ] && kill -9 "$CR_REAPER" 2>/dev/null && wait "$CR_REAPER" 2>/dev/null
	CR_PIDS='' CR_PID='' CR_RESTORE='' CR_REAPER=''
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
cr_reported() { [ -s "$CR_DIR/restore.json" ] || cr_gone "$CR_RESTORE"; }

# cr_start NAME PROG [ARG..]: start PROG in $T/NAME, wait for READY.
cr_start() {
	CR_DIR=$T/$1
	shift
	mkdir -p "$CR_DIR"
	(cd "$CR_DIR" && exec "$PROGS/cr_reaper" "$PROGS/$1" "${@:2}" >"$CR_DIR/log" 2>&1 </dev/null) &
	CR_REAPER=$!
	if ! wait_for 10 cr_ready; then
		echo "$1 did not get ready: $(cat "$CR_DIR/log")" >&2
		return 1
	fi
	CR_PID=$(sed -n 's/^READY pid=//p' "$CR_DIR/log")
}

# cr_dump: dump the tree (which kills it) and wait until its pids are free.
cr_dump() {
	if ! "$PIDTRACE" dump -t "$CR_PID" -D "$CR_DIR/img" --json >"$CR_DIR/dump.json" \
		2>"$CR_DIR/dump.err"; then
		echo "dump failed: $(cat "$CR_DIR/dump.err" "$CR_DIR/dump.json")" >&2
		return 1
	fi
	wait_for 10 cr_gone "$CR_REAPER" || return 1
	wait "$CR_REAPER" 2>/dev/null
	CR_REAPER=
}

# cr_restore [ARG..]: start `pidtrace restore --json` in the background and
# wait for its report (restore.json). CR_PIDS: the pids it restored.
# shellcheck disable=SC2120
cr_restore() {
	(cd "$CR_DIR" && exec "$PIDTRACE" restore -D "$CR_DIR/img" --json "$@" \
		>"$CR_DIR/restore.json" 2>"$CR_DIR/restore.err") &
	CR_RESTORE=$!
	wait_for 30 cr_reported || return 1
	CR_PIDS=$(jq -r '.pids[]?' "$CR_DIR/restore.json" 2>/dev/null | tr '\n' ' ')
	[ "$(jq -r .ok "$CR_DIR/restore.json" 2>/dev/null)" = true ]
}

# cr_finish: SIGTERM the restored root, wait for `pidtrace restore` to
# return its exit status (CR_RC).
cr_finish() {
	kill -TERM "$CR_PID"
	wait_for 30 cr_gone "$CR_RESTORE"
	wait "$CR_RESTORE"
	CR_RC=$?
	CR_RESTORE=
}

# cr_roundtrip NAME PROG [ARG..]: the whole cycle, as PASS/FAIL lines
# NAME_dump, NAME_restore, NAME_verify.
cr_roundtrip() {
	local name=$1
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
	if ! cr_restore; then
		fail "${name}_restore" "$(jq -r '.error // empty' "$CR_DIR/restore.json" 2>/dev/null) $(tail -n 3 "$CR_DIR/restore.err")"
		cr_cleanup
		return 1
	fi
	pass "${name}_restore"
	cr_finish
	if [ "$CR_RC" = 0 ] && grep -q '^PASS' "$CR_DIR/log"; then
		pass "${name}_verify"
	else
		fail "${name}_verify" "exit status $CR_RC: $(grep -E '^(FAIL|PASS)' "$CR_DIR/log" | head -n 3)"
	fi
	cr_cleanup
}

# jr FILTER: a field of the last restore report.
jr() { jq -r "$1" "$CR_DIR/restore.json"; }
