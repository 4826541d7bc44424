#!/usr/bin/env bash
# cr_tcpbuf: TCP connections with data queued both ways, both ends in the
# tree (tests/progs/zdtm_tcpbuf mss), come back sending with the MSS they
# had: TCP_MAXSEG of every end as before the dump (TCP repair leaves a
# connection with the default clamp's 524-byte segments unless restore
# computes it again; their overhead once made a restored receiver run out
# of buffer inside its window and both ends stall: zdtm
# socket-tcpbuf-local), then 8 MiB each way on both connections. The
# restore's own verification names an MSS that differs (mssfault).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root

cr_roundtrip mss zdtm_tcpbuf mss

# The verification compares the MSS with the image's: a restore that
# skips computing it (a test fault) fails, rolled back, naming the fd.
if ! cr_start mssfault zdtm_tcpbuf mss || ! cr_dump; then
	fail mssfault_dump "$(tail -n 3 "$CR_DIR/dump.err" 2>/dev/null)"
else
	if PIDTRACE_FAULT=restore-skip-tcp-mss cr_restore; then
		fail mssfault "restored with the MSS not computed"
	elif jq -r .error "$CR_DIR/restore.json" | grep -Eq "^verify: pid $CR_PID: fd [0-9]+: TCP MSS [0-9]+ in the image, [0-9]+ after restore"; then
		pass mssfault
	else
		fail mssfault "$(jq -r .error "$CR_DIR/restore.json" 2>/dev/null) $(tail -n 2 "$CR_DIR/restore.err")"
	fi
	# Rolled back: the image restores as it should afterwards.
	cr_restore_verify mssafter
fi
cr_cleanup
