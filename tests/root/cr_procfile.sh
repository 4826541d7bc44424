#!/usr/bin/env bash
# cr_procfile: files in /proc of processes outside the tree (zdtm pid_file,
# remap_dead_pid, remap_dead_pid_root, unhashed_proc): /proc/1/status of the living init
# is reopened while init has the start time it had at dump; the mountinfo
# and the directory of a child dead at dump are opened (and entered as the
# cwd) on a stand-in with its pid, which then dies (restore_procfile.c). The program checks what
# each fd reads. The script checks show, that a restore whose outsider is
# not the same process (its start time changed in the image) fails in one
# line, and the refusal of a dead process's mountinfo of another mount
# namespace.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root

cr_roundtrip_show procfile zdtm_procfile \
	'init=[.tasks[0].fds[] | select(.proc.pid == 1) | .proc.alive] == [true]' \
	'dead=[.tasks[0].fds[] | select(.proc.alive == false) | .path | sub("[0-9]+"; "N")] | sort == ["/proc/N", "/proc/N/mountinfo"]' \
	'cwd=.tasks[0].cwd | test("^/proc/[0-9]+ \\(deleted\\)$")'

if cr_start keep zdtm_procfile && cr_dump; then
	pid=$CR_PID
	if "$PIDTRACE" show -D "$CR_DIR/img" | grep -Eq '/proc/[0-9]+ \(of pid [0-9]+, dead at dump\)'; then
		pass procfile_show_plain
	else
		fail procfile_show_plain "$("$PIDTRACE" show -D "$CR_DIR/img" | grep /proc/)"
	fi
	idx=$("$PIDTRACE" show -D "$CR_DIR/img" --json | jq '[.tasks[0].fds[] | .proc.pid == 1] | index(true)')
	# A damaged copy: the pid restore checks is not the one of the path it opens.
	b=$T/bad_pid
	image_damage "$CR_DIR/img" "$b" "files-$pid.img" "fds.$idx.proc_pid" 2
	same procfile_bad_pid "$("$PIDTRACE" show -D "$b" 2>&1 >/dev/null | sed 's/fd [0-9]*:/fd N:/')" \
		"pidtrace: show: $b/files-$pid.img: fd N: /proc/1/status is not in /proc/2"
	rm -rf "$b"
	image_set "$CR_DIR/img" "files-$pid.img" "fds.$idx.proc_start" 7
	if cr_restore; then
		fail procfile_other_init "the restore succeeded"
	else
		wait_for 30 cr_gone "$CR_RESTORE"
		same procfile_other_init "$(jr .error | grep -c '/proc/1/status: pid 1 is not the process it was at dump (gone, or another one)')" 1
	fi
	cr_cleanup
else
	fail keep_dump "$(tail -n 3 "$CR_DIR/dump.err" 2>/dev/null)"
fi

cr_start otherns zdtm_procfile otherns &&
	cr_refused procfile_otherns "pid [0-9]+ fd [0-9]+: file of a dead process whose mounts are not pidtrace's \(another mount namespace or root\), /proc/[0-9]+/mountinfo is not supported"
