#!/usr/bin/env bash
# cr_cow: private pages (anonymous, and the written pages of a file mapped
# privately) a parent and its children (and a grandchild) share
# copy-on-write since fork() come back shared: the
# program (zdtm_cow) compares /proc/PID/pagemap frame numbers before the
# dump and after the restore, and every task checks its contents. The
# image must store those pages once (in the parent: cow runs in the
# children), and the restore must say how many it shared again (checked
# in pagemap) and wrote into a parent before forking. A mapping the parent
# split after the fork cannot be inherited by child 1: its pages come from
# the parent's data, with the right contents.
# With PIDTRACE_FAULT=restore-cow-map (both parents) no region can be
# made before a fork (as when the address is taken): every shared page is
# copied, contents right (zdtm_cow copies). With restore-cow-unshare one
# inherited page is made a copy: the restore's check must refuse it, and
# roll back.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root

cow_case() {
	if jq -e "$2" "$CR_DIR/$3" >/dev/null 2>&1; then
		pass "$1"
	else
		fail "$1" "$3 does not satisfy $2: $(head -c 400 "$CR_DIR/$3")"
	fi
}

if ! cr_start cow zdtm_cow; then
	fail cow_start "the program did not start: $(cat "$CR_DIR/log")"
elif ! cr_dump; then
	fail cow_dump "$(tail -n 3 "$CR_DIR/dump.err")"
else
	pass cow_dump
	# A: 44+59+63 pages shared, B: 3x16, C: 8+7+8.
	cow_case cow_dump_counts '.cow_pages >= 200' dump.json
	cr_show_has cow_show_runs '[.tasks[].vmas[] | .cow_pages // 0] | add >= 200'
	if cr_restore; then
		pass cow_restore
		cow_case cow_restore_shared '.cow_shared >= 200 and .cow_filled >= 100' restore.json
		cr_finish
		if [ "$CR_RC" = 0 ] && grep -q '^PASS' "$CR_DIR/log"; then
			pass cow_verify
		else
			fail cow_verify "status $CR_RC: $(grep -v '^READY\|^children' "$CR_DIR/log")"
		fi
	else
		fail cow_restore "$(jq -r '.error // empty' "$CR_DIR/restore.json" 2>/dev/null) $(tail -n 3 "$CR_DIR/restore.err")"
	fi
fi
cr_cleanup

# Nothing inherited: copies, the same contents.
if ! cr_start copies zdtm_cow copies || ! cr_dump; then
	fail copies_dump "$(tail -n 3 "$CR_DIR/dump.err" 2>/dev/null)"
elif ! PIDTRACE_FAULT=restore-cow-map@1,restore-cow-map@2 cr_restore; then
	fail copies_restore "$(jq -r '.error // empty' "$CR_DIR/restore.json" 2>/dev/null) $(tail -n 3 "$CR_DIR/restore.err")"
else
	pass copies_restore
	cow_case copies_counted '.cow_shared == 0 and .cow_filled == 0 and .cow_copied >= 200' restore.json
	cr_finish
	if [ "$CR_RC" = 0 ] && grep -q '^PASS' "$CR_DIR/log"; then
		pass copies_verify
	else
		fail copies_verify "status $CR_RC: $(grep -v '^READY\|^children' "$CR_DIR/log")"
	fi
fi
cr_cleanup

# A page inherited, then made a copy: the check sees it.
if ! cr_start unshared zdtm_cow || ! cr_dump; then
	fail unshared_dump "$(tail -n 3 "$CR_DIR/dump.err" 2>/dev/null)"
elif PIDTRACE_FAULT=restore-cow-unshare cr_restore; then
	fail unshared_refused "restored: $(head -c 300 "$CR_DIR/restore.json")"
else
	if jq -e '.ok == false and (.error | test("^memory: pid [0-9]+: page 0x[0-9a-f]+: shared with its parent [0-9]+ in the image, not after restore$"))' \
		"$CR_DIR/restore.json" >/dev/null 2>&1; then
		pass unshared_refused
	else
		fail unshared_refused "$(head -c 300 "$CR_DIR/restore.json")"
	fi
	wait_for 10 cr_gone "$CR_RESTORE"
	left=
	# The pids of the image (the program's own), none left running.
	for p in $CR_PID $(sed -n 's/^children \([0-9]*\) \([0-9]*\) grandchild \([0-9]*\)$/\1 \2 \3/p' "$CR_DIR/log"); do
		[ -e "/proc/$p" ] && [ "$(cat "/proc/$p/comm" 2>/dev/null)" = zdtm_cow ] && left="$left $p"
	done
	same unshared_rolled_back "$left" ""
fi
cr_cleanup
