#!/usr/bin/env bash
# cr_unix_ext: a unix datagram socket of the tree connected to a socket
# outside it that is bound to a name (an absolute path, an abstract name):
# dumped, and restored connected to that name again, which must still be
# the very socket it was (sock_diag's peer inode). The outside socket
# receives what the program sent before the dump and after the restore.
# A name bound again by another socket, or gone, fails the restore in one
# line, rolled back.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root

SRV='' SRV_LOG=''
srv_stop() {
	[ -n "$SRV" ] && kill -9 "$SRV" 2>/dev/null && wait "$SRV" 2>/dev/null
	SRV=''
}
at_exit srv_stop

# srv_start NAME LOG: the outside socket, bound once it says LISTENING.
srv_start() {
	SRV_LOG=$2
	: >"$SRV_LOG"
	"$PROGS/zdtm_unix_ext" server "$1" >"$SRV_LOG" 2>&1 &
	SRV=$!
	wait_for 10 grep -q LISTENING "$SRV_LOG"
}

# roundtrip CASE NAME
roundtrip() {
	local c=$1 name=$2
	mkdir -p "$T/$c"
	srv_start "$name" "$T/$c.srv"
	if ! cr_start "$c" zdtm_unix_ext client "$name"; then
		fail "${c}_start" "$(cat "$CR_DIR/log")"
	elif ! cr_dump; then
		fail "${c}_dump" "$(cat "$CR_DIR/dump.err")"
	elif ! cr_restore; then
		fail "${c}_restore" "$(cat "$CR_DIR/restore.err")"
	else
		pass "${c}_dump"
		cr_finish
		if [ "$CR_RC" = 0 ] && grep -q '^PASS' "$CR_DIR/log" &&
			wait_for 10 grep -q '^GOT after' "$SRV_LOG" && grep -q '^GOT before' "$SRV_LOG"; then
			pass "${c}_restored"
		else
			fail "${c}_restored" "exit $CR_RC: $(tr '\n' ' ' <"$CR_DIR/log"); server: $(tr '\n' ' ' <"$SRV_LOG")"
		fi
	fi
	cr_cleanup
	srv_stop
}

roundtrip ext_path "$T/ext.sock"
roundtrip ext_abstract "@pidtrace-cr-unix-ext-$$"

# The name bound again by another socket between dump and restore; then gone.
for c in replaced gone; do
	srv_start "$T/ext-$c.sock" "$T/$c.srv"
	if cr_start "ext_$c" zdtm_unix_ext client "$T/ext-$c.sock" && cr_dump; then
		srv_stop
		rm -f "$T/ext-$c.sock"
		[ "$c" = replaced ] && srv_start "$T/ext-$c.sock" "$T/$c.srv2"
		if cr_restore; then
			fail "ext_${c}_fails" "restored: $(cat "$CR_DIR/restore.json")"
		else
			err=$(jr .error)
			if [ "$c" = replaced ] && [[ "$err" != *"its peer outside the tree (socket "*") is no longer the socket bound to that name" ]]; then
				fail "ext_${c}_fails" "$err"
			elif [ "$c" = gone ] && [[ "$err" != *"unix datagram socket "*": connect: "* ]]; then
				fail "ext_${c}_fails" "$err"
			elif cr_gone "$CR_PID" || ! wait_for 10 cr_gone "$CR_PID"; then
				pass "ext_${c}_fails"
			else
				fail "ext_${c}_fails" "pid $CR_PID left after the failed restore"
			fi
		fi
	else
		fail "ext_${c}_fails" "dump: $(cat "$CR_DIR/dump.err" 2>/dev/null)"
	fi
	cr_cleanup
	srv_stop
done
