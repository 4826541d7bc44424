#!/usr/bin/env bash
# cr_thread_creds: threads of one process with credentials of their own
# (tests/progs/zdtm_thread_creds.c: raw setresuid/setresgid/setgroups/
# capset/prctl, each changing the calling thread only): one with other
# uids, gids and groups, one still root with two capabilities, an ambient
# one, a smaller bounding set and no_new_privs, one left root, one lowered
# exactly like the main thread, one the same but with another personality,
# and the main thread, which itself dropped root last. The image
# keeps credentials only for the threads whose differ from the main
# thread's; after dump -> kill -> restore each thread checks its own (raw
# syscalls in it, /proc/self/task/TID/status) and restore's verification
# compared every thread's status lines.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root

if ! cr_start thread_creds zdtm_thread_creds; then
	fail thread_creds_start "the program did not start: $(head -n 3 "$CR_DIR/log" 2>/dev/null)"
elif ! cr_dump; then
	fail thread_creds_dump "$(tail -n 3 "$CR_DIR/dump.err")"
else
	pass thread_creds_dump
	"$PIDTRACE" show -D "$CR_DIR/img" --json >"$CR_DIR/show.json" 2>"$CR_DIR/show.err"
	js() { jq -r "$1" "$CR_DIR/show.json" 2>/dev/null; }
	# Own credentials for "ids", "caps", "root" and "pers" (sorted by
	# tid: created in that order), none for "same" (absent: the process's).
	same thread_creds_image_main "$(js '.tasks[0].creds.uid | join(" ")')" "4002 4002 4002 4002"
	same thread_creds_image_own \
		"$(js '[.tasks[0].threads[] | .creds.uid // [] | join(" ")] | join(",")')" \
		"3001 3002 3003 3001,0 0 0 0,0 0 0 0,,4002 4002 4002 4002"
	same thread_creds_image_groups "$(js '.tasks[0].threads[0].creds.groups | join(" ")')" "1001 1002"
	same thread_creds_image_nnp "$(js '.tasks[0].threads[1].creds.no_new_privs')" true
	cr_restore_verify thread_creds
	if [ -s "$CR_DIR/restore.json" ]; then
		n=$(jq -r ".verified.creds // 0" "$CR_DIR/restore.json" | head -n 1)
		# The main thread and the five others: each one's compared.
		if [ "$n" -ge 6 ]; then
			pass thread_creds_verified
		else
			fail thread_creds_verified "verified.creds $n, expected at least 6"
		fi
	fi
fi
cr_cleanup
