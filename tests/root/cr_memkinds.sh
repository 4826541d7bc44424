#!/usr/bin/env bash
# cr_memkinds: dump -> kill -> restore -> verify of memfds (contents, size,
# names, seals; mapped shared by a parent and its child, mapped private,
# only open), MAP_SHARED file mappings written through by a parent and its
# child, and protections and madvise() state of anonymous memory
# (mprotect'ed and PROT_NONE regions, guard pages, MADV_DONTFORK,
# MADV_WIPEONFORK, MADV_DONTDUMP). `pidtrace show --json` must describe the
# memfds and the guard pages.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root

cr_roundtrip_show memfd zdtm_memfd \
	'memfds=[.shmem[].memfd.name | select(. != null)] | sort == ["zdtm-plain", "zdtm-priv", "zdtm-ro", "zdtm-shared"]' \
	'seals=[.shmem[] | select(.memfd.name == "zdtm-ro") | .memfd.seals] == ["0x9"]' \
	'fds=[.tasks[0].fds[] | select(.type == "memfd")] | length == 3'
# Two guard pages (MADV_GUARD_INSTALL, 6.13+: the program says whether it made them).
cr_roundtrip_show mprotect zdtm_mprotect \
	'guards=[.tasks[0].vmas[] | select(.guards) | .guards[].pages] == if $guards == 1 then [2] else [] end' \
	'prot_none=[.tasks[0].vmas[] | select(.prot == "---")] | length >= 2'
cr_roundtrip shmap zdtm_shmap

# MAP_DROPPABLE, MADV_WIPEONFORK, MADV_DONTFORK, MADV_DONTDUMP in a parent
# and the child it forked (zdtm maps11): the droppable pages are not
# stored and come back dropped (zeros), every VmFlags as it was, a fork
# after the restore still wipes and leaves out what it must.
cr_roundtrip_show droppable zdtm_droppable \
	'dropped=[.tasks[].vmas[] | select(.vm_flags | split(" ") | index("dp")) | .dumped_pages] | (length == 2 and all(. == 0))'

# The plain show says which mapping is droppable and advised.
"$PIDTRACE" show -D "$CR_DIR/img" >"$T/show.txt" 2>&1
if grep -q '^      MADV_WIPEONFORK$' "$T/show.txt" &&
	grep -q '^      MADV_WIPEONFORK, MADV_DONTDUMP, MAP_DROPPABLE (its pages not kept: restored dropped)$' "$T/show.txt"; then
	pass droppable_show_plain
else
	fail droppable_show_plain "$(grep -E 'MADV|MAP_' "$T/show.txt" | head -n 8)"
fi

# A restore that leaves one advice out (test fault restore-skip-madvise:
# the first mapping's madvise() not made) fails its verification, names
# the mapping and both VmFlags, and is rolled back: nothing of it is left.
if cr_start droppable_skip zdtm_droppable && cr_dump; then
	(cd "$CR_DIR" && PIDTRACE_FAULT=restore-skip-madvise exec "$PIDTRACE" restore \
		--detach -D "$CR_DIR/img" >"$CR_DIR/out" 2>"$CR_DIR/err")
	rc=$?
	# Restored all the same (before the check): cr_cleanup kills it.
	p=$(sed -n 's/^restored pid \([0-9]*\):.*/\1/p' "$CR_DIR/out")
	[ -n "$p" ] && CR_PIDS="$p $(cr_descendants "$p" | tr '\n' ' ')"
	if [ "$rc" = 1 ] && [ "$(wc -l <"$CR_DIR/err")" = 1 ] &&
		grep -Eq '^pidtrace: restore: verify: pid [0-9]+: mapping [0-9a-f]+-[0-9a-f]+: VmFlags "(dc|wf|dd)" in the image, "none" after restore \(rolled back\)$' "$CR_DIR/err"; then
		pass madvise_skipped_caught
	else
		fail madvise_skipped_caught "exit $rc: $(head -c 400 "$CR_DIR/err") $(head -n 1 "$CR_DIR/out")"
	fi
	if grep -q "rolled back" "$CR_DIR/out" && ! kill -0 "$CR_PID" 2>/dev/null; then
		pass madvise_skipped_rolled_back
	else
		fail madvise_skipped_rolled_back "$(head -n 2 "$CR_DIR/out"); pid $CR_PID $(kill -0 "$CR_PID" 2>&1 && echo alive)"
	fi
	# The same image restores without the fault, and the program agrees.
	[ -z "$p" ] && cr_restore_verify droppable_after_skip
else
	fail droppable_skip_setup "$(cat "$CR_DIR/log" "$CR_DIR/dump.err" 2>/dev/null | head -n 5)"
fi
cr_cleanup
