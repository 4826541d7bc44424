#!/usr/bin/env bash
# cr_locks: file locks (dump_locks.c, restore_locks.c, kind_locks.c).
#   - zdtm_locks holds an exclusive and a shared flock() (their descriptions
#     shared with its child), POSIX write and read locks on byte ranges,
#     OFD write and read locks on ranges; its child a POSIX lock and a
#     flock() of its own. After the dump, a second process (zdtm_locks
#     probe) can take every conflicting lock: the tree's are gone; after
#     the restore it can take none of them, and F_GETLK names the same
#     owner, mode and range (the kernel's own check). `pidtrace show`
#     lists them (plain and JSON).
#   - A conflicting lock taken by someone else between dump and restore
#     fails the restore in one line, rolled back; a restore that skips the
#     locks (test fault) is caught by the verification.
#   - A flock() taken by a parent that then closed its fd (its child keeps
#     the description) is listed under the parent again (zdtm_flockpid).
#   - Leases are restored: held (F_GETLEASE), and opens that would break
#     them are held back.
#   - A thread waiting in flock(), a lease being broken, a lock a process
#     outside the tree waits for, and a flock()ed description also held
#     outside the tree are refused in one line, the tree left running (its
#     lock request still waiting, its lease still going to read, the
#     outside waiter still waiting).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root

# probe NAME WANT: zdtm_locks probe from outside the tree exits WANT (0: all held).
probe() {
	local rc
	(cd "$CR_DIR" && exec "$PROGS/zdtm_locks" probe "$CR_PID" "$CHILD" >"$T/probe" 2>&1)
	rc=$?
	if [ "$WANT_HELD" = 1 ]; then
		same "$1" "$rc" 0
	elif [ "$rc" != 0 ] && [ "$(grep -c '^probe:' "$T/probe")" = 8 ]; then
		pass "$1"
	else
		fail "$1" "exit $rc, expected every lock free: $(cat "$T/probe")"
	fi
}

# The round trip, its failed restores on the way.
roundtrip() {
if ! cr_start locks zdtm_locks; then
	fail locks_start "$(cat "$CR_DIR/log")"
	return 1
fi
CHILD=$(sed -n 's/^child=//p' "$CR_DIR/log")
WANT_HELD=1 probe locks_held_before
if ! cr_dump; then
	fail locks_dump "$(cat "$CR_DIR/dump.err")"
	return 1
fi
pass locks_dump
WANT_HELD=0 probe locks_free_after_dump
cr_show_has locks_show_json '[.tasks[].fds[].locks[]? | "\(.kind) \(.type) \(.start // "-") \(.end // "-")"] | sort ==
	["flock read - -", "flock read - -", "flock write - -", "flock write - -", "flock write - -",
	 "ofd read 200 299", "ofd read 200 299", "ofd write 0 99", "ofd write 0 99",
	 "posix read 100 EOF", "posix write 10 19", "posix write 30 39"]'
"$PIDTRACE" show -D "$CR_DIR/img" >"$T/show.txt" 2>&1
if grep -q '^ *holds write POSIX (fcntl) lock on bytes 10-19$' "$T/show.txt" &&
	grep -q '^ *holds read open file description (F_OFD_SETLK) lock on bytes 200-299$' "$T/show.txt" &&
	[ "$(grep -c '^ *holds write flock() lock$' "$T/show.txt")" = 3 ]; then
	pass locks_show_plain
else
	fail locks_show_plain "$(grep holds "$T/show.txt")"
fi
cp "$CR_DIR/log" "$CR_DIR/log.dumped"

# A damaged range (last byte before the first) is refused by the image
# check, before any task exists.
IDX=$(jq --argjson p "$CR_PID" '.tasks[] | select(.pid == $p) | .fds | to_entries[] |
	select(any(.value.locks[]?; .start == 10)) | .key' "$CR_DIR/show.json")
FD=$(jq --argjson p "$CR_PID" --argjson i "${IDX:-0}" '.tasks[] | select(.pid == $p) | .fds[$i].fd' \
	"$CR_DIR/show.json")
image_damage "$CR_DIR/img" "$T/bad" "files-$CR_PID.img" "fds.$IDX.locks.0.end" 5
(cd "$CR_DIR" && exec "$PIDTRACE" restore -D "$T/bad" >"$T/out" 2>"$T/err")
rc=$?
if [ "$rc" = 1 ] && [ "$(cat "$T/err")" = "pidtrace: restore: check: $T/bad/files-$CR_PID.img: fd $FD: lock 0 has an impossible byte range" ]; then
	pass locks_bad_range_refused
else
	fail locks_bad_range_refused "exit $rc: $(cat "$T/err")"
fi
same locks_bad_range_nothing "$(cr_gone "$CR_PID" && echo gone)" gone

# Someone takes locks.a meanwhile: the restore cannot take it again.
flock -x "$CR_DIR/locks.a" sleep 60 &
HOLDER=$!
wait_for 5 eval '! flock -n -s "$CR_DIR/locks.a" true'
(cd "$CR_DIR" && exec "$PIDTRACE" restore -D "$CR_DIR/img" >"$T/out" 2>"$T/err")
rc=$?
if [ "$rc" = 1 ] && [ "$(wc -l <"$T/err")" = 1 ] &&
	grep -Eq "^pidtrace: restore: .*pid $CR_PID fd 3: cannot take its write flock\\(\\) lock on $CR_DIR/locks.a again: another process holds a conflicting lock .*rolled back" "$T/err"; then
	pass locks_conflict_fails_restore
else
	fail locks_conflict_fails_restore "exit $rc: $(cat "$T/err")"
fi
# Its sleep holds the description too.
# shellcheck disable=SC2046
kill $(cat /proc/"$HOLDER"/task/*/children 2>/dev/null) "$HOLDER"
wait "$HOLDER" 2>/dev/null
wait_for 5 cr_gone "$CR_PID"
same locks_conflict_rolled_back "$(cr_gone "$CR_PID" && echo gone)" gone

# The locks not taken: the verification sees it.
(cd "$CR_DIR" && PIDTRACE_FAULT=restore-skip-locks exec "$PIDTRACE" restore -D "$CR_DIR/img" \
	>"$T/out" 2>"$T/err")
rc=$?
if [ "$rc" = 1 ] && grep -Eq "^pidtrace: restore: verify: pid $CR_PID: fd 3: lock \"write flock\\(\\) lock\" in the image, \"none\" after restore \\(rolled back\\)\$" "$T/err"; then
	pass locks_skipped_caught
else
	fail locks_skipped_caught "exit $rc: $(cat "$T/err")"
fi
wait_for 5 cr_gone "$CR_PID"
same locks_skipped_rolled_back "$(cr_gone "$CR_PID" && echo gone)" gone
cp "$CR_DIR/log.dumped" "$CR_DIR/log"

if cr_restore; then
	pass locks_restore
	WANT_HELD=1 probe locks_held_after_restore
	cr_finish
	if [ "$CR_RC" = 0 ] && grep -q '^PASS' "$CR_DIR/log"; then
		pass locks_verify
	else
		fail locks_verify "exit $CR_RC: $(grep -E '^(FAIL|PASS|probe)' "$CR_DIR/log")"
	fi
else
	fail locks_restore "$(jr '.error // empty') $(cat "$CR_DIR/restore.err")"
fi
}
roundtrip
cr_cleanup

# The same in a new pid namespace (the flock()s taken by pids seen inside).
cr_pidns_roundtrip locks_pidns zdtm_locks

# Leases: the restored task holds them (F_GETLEASE), and a child's opens
# that would break them are held back (EWOULDBLOCK).
if cr_start leases zdtm_locks lease && cr_dump; then
	pass leases_dump
	cr_show_has leases_show '[.tasks[].fds[].locks[]? | "\(.kind) \(.type)"] | sort == ["lease read", "lease write"]'
	cr_restore_verify leases
else
	fail leases_dump "$(cat "$CR_DIR/log" "$CR_DIR/dump.err" 2>/dev/null)"
fi
cr_cleanup

# ---- refused, the tree left running ----
cr_start pending zdtm_locks pending &&
	cr_refused pending "pid [0-9]+: thread [0-9]+ waits for a flock\\(\\) lock on fd 4: a pending lock request is not supported"
cr_cleanup
cr_start leasebreak zdtm_locks leasebreak &&
	cr_refused leasebreak "pid $CR_PID fd 3: lease being broken \\(to read\\) on $T/leasebreak/locks.wlease is not supported \\(restore would not hold it\\)"
cr_cleanup
cr_start waiter zdtm_locks waiter &&
	cr_refused waiter "pid $CR_PID fd 3: its write POSIX \\(fcntl\\) lock on bytes 0-EOF on $T/waiter/locks.c is awaited by pid [0-9]+ \\(zdtm_locks\\), outside the dumped tree \\(write POSIX \\(fcntl\\) lock on bytes 0-EOF\\): the dump would hand it over, not supported"
cr_cleanup
cr_start outside zdtm_locks outside &&
	cr_refused outside "pid $CR_PID fd 3: write flock\\(\\) lock on $T/outside/locks.a is also held by pid [0-9]+ \\(zdtm_locks\\) fd 3, outside the dumped tree \\(it would keep the lock\\): not supported"
cr_cleanup

# The task that took a flock(), not the child that holds the description.
cr_roundtrip flockpid zdtm_flockpid
