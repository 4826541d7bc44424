#!/usr/bin/env bash
# cr_cow: private anonymous pages a parent and its children (and a
# grandchild) share copy-on-write since fork() come back shared: the
# program (zdtm_cow) compares /proc/PID/pagemap frame numbers before the
# dump and after the restore, and every task checks its contents. The
# image must store those pages once (in the parent: cow runs in the
# children), and the restore must say how many it shared again (checked
# in pagemap) and wrote into a parent before forking. A mapping the parent
# split after the fork cannot be inherited by child 1: its pages come from
# the parent's data, with the right contents.
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
