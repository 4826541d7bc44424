#!/usr/bin/env bash
# cr_errors: restore refuses cleanly, in one line, and leaves nothing:
# a pid of the image in use (the original still runs), a file the image
# maps removed since the dump (fails mid-restore: rolled back), not an
# image, usage errors.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root

# A pid in use: dump with --leave-running, then restore over the original.
if cr_start inuse zdtm_counter; then
	"$PIDTRACE" dump -t "$CR_PID" -D "$CR_DIR/img" --leave-running >/dev/null 2>&1
	"$PIDTRACE" restore -D "$CR_DIR/img" >"$CR_DIR/out" 2>"$CR_DIR/err"
	rc=$?
	NS=$(stat -L -c %i /proc/self/ns/pid)
	same inuse_status "$rc" 1
	same inuse_message "$(cat "$CR_DIR/err")" \
		"pidtrace: restore: check: pid $CR_PID is in use by 'zdtm_counter' (pid namespace $NS)"
	st=$(awk '/^State:/ {print $2}' "/proc/$CR_PID/status")
	tr=$(awk '/^TracerPid:/ {print $2}' "/proc/$CR_PID/status")
	same inuse_original_untouched "$st/$tr" "R/0"
	# No proc file system where pidtrace runs: said, before anything else.
	# shellcheck disable=SC2016 # expanded by the inner shell
	unshare -m --propagation private sh -c 'umount -l /proc && exec "$0" restore -D "$1"' \
		"$PIDTRACE" "$CR_DIR/img" >/dev/null 2>"$CR_DIR/err"
	rc=$?
	# The sanitized build's runtime also complains without /proc (SAN=1): only pidtrace's line.
	same no_proc "$rc $(if [ -n "${SAN:-}" ]; then grep '^pidtrace: ' "$CR_DIR/err"; else cat "$CR_DIR/err"; fi)" "1 pidtrace: restore: check: no proc file system at /proc in pidtrace's mount namespace: processes are read from it"
fi
cr_cleanup

# A mapped file removed after the dump: the memory step fails, rollback.
if cr_start gone zdtm_filemap && cr_dump; then
	rm -f "$CR_DIR/zdtm_filemap.data"
	"$PIDTRACE" restore -D "$CR_DIR/img" --json >"$CR_DIR/restore.json" 2>"$CR_DIR/err"
	rc=$?
	same gone_status "$rc" 1
	if jq -r .error "$CR_DIR/restore.json" | grep -q "^memory: pid $CR_PID: .*zdtm_filemap.data: No such file"; then
		pass gone_error_names_step
	else
		fail gone_error_names_step "$(jq -r .error "$CR_DIR/restore.json")"
	fi
	[ -e "/proc/$CR_PID" ] && fail gone_nothing_left "pid $CR_PID exists" || pass gone_nothing_left
fi
cr_cleanup

mkdir -p "$T/empty"
"$PIDTRACE" restore -D "$T/empty" >/dev/null 2>"$T/err"
rc=$?
same not_image_status "$rc" 1
same not_image_one_line "$(wc -l <"$T/err")" 1
"$PIDTRACE" restore --bogus >/dev/null 2>&1
same usage_status "$?" 2
"$PIDTRACE" restore -D "$T/empty" extra >/dev/null 2>"$T/err"
same extra_argument "$?:$(head -n 1 "$T/err")" "2:pidtrace: restore: unexpected argument 'extra' (see pidtrace restore --help)"
