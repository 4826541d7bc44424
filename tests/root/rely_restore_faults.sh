#!/usr/bin/env bash
# test: slow (started first: see tests/README.md)
# rely_restore_faults: a restore that fails, or whose pidtrace is killed
# with SIGKILL, at any step leaves nothing of the image's tree behind, and
# damaged page data never reaches a restored process.
#   - An injected error (PIDTRACE_FAULT=POINT) at each phase, at a remote
#     mmap, a page write, a file reopen: one error line naming the step,
#     exit status 1, the report says the restore was rolled back, every
#     pid of the image is free and no process has the program's name.
#   - PIDTRACE_FAULT=POINT:kill at the same points: pidtrace dies by
#     SIGKILL there and every task it had created dies too (nothing is left
#     under the subreaper pidtrace ran under); a restore right after, with
#     no fault, succeeds and the program verifies itself.
#   - A tree whose second task's first mmap fails (restore-mmap@N): the
#     first task, restored already, is killed by the rollback.
#   - One flipped byte in the data of a task's pages file, and in
#     pages-shmem.img (framing, header and inventory intact: only the data
#     checksum can tell): restore refuses naming the file, nothing is left.
# The programs run from copies named after this test's pid (zdtm_tPID,
# zdtm_sPID): their names are this test's alone, whatever else runs on the
# machine.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root

# progs_as NAME PROG: a directory of programs for cr_start where PROG is
# called NAME (its comm).
progs_as() {
	mkdir -p "$T/bin"
	ln -sf "$PROGS/cr_reaper" "$T/bin/cr_reaper"
	cp "$PROGS/$2" "$T/bin/$1"
}

# What is left of the image in $1: its pids that exist (as anything, with
# their state), and processes named $2.
left_over() {
	local p
	for p in $(jq -r '.tasks[].pid, (.tasks[].threads[]?.tid)' "$1/show.json"); do
		[ -e "/proc/$p" ] && echo "pid $p ($(awk '/^State:/ {print $2}' "/proc/$p/status" 2>/dev/null))"
	done
	pgrep_ours "$2" | sed 's/^/named /'
	return 0
}

# The tree: zdtm_tree (a root and four descendants, sessions and groups).
TREE=zdtm_t$$
progs_as "$TREE" zdtm_tree
if ! PROGS=$T/bin cr_start tree "$TREE" || ! cr_dump; then
	fail tree_setup "could not start or dump $(cat "$CR_DIR/log" "$CR_DIR/dump.err" 2>/dev/null)"
	exit 1
fi
IMG=$CR_DIR/img
"$PIDTRACE" show -D "$IMG" --json >"$CR_DIR/show.json"
# The program's log as at dump time: each restore starts from it (same
# file, so that the restored stdout is the file that was open).
cp "$CR_DIR/log" "$CR_DIR/log.dumped"
ROOT=$(jq -r '.tasks[0].pid' "$CR_DIR/show.json")
SECOND=$(jq -r '.tasks[1].pid' "$CR_DIR/show.json")
# Each VMA but the vDSO's is mapped by one mmap: the root's come first.
mapped='map(select(.kind != "vdso" and .kind != "vsyscall"))'
ROOT_MMAPS=$(jq "[.tasks[0].vmas[]] | $mapped | length" "$CR_DIR/show.json")
ROOT_PAGES=$(jq '.tasks[0].pages.nr_pages // 0' "$CR_DIR/show.json")
SECOND_MAP=$(jq -r "[.tasks[1].vmas[]] | $mapped | .[0] |
	\"\(.start)-\(.end) (\(.prot)\(if .shared then \"s\" else \"p\" end)\((.path // .name) as \$n |
	if \$n != \"\" then \" \" + \$n else \"\" end))\"" "$CR_DIR/show.json")

PHASES="check create seize memory files state finish verify detach"
POINTS="restore-check restore-create restore-seize restore-memory restore-files restore-state
	restore-finish restore-verify restore-detach restore-mmap restore-write restore-reopen"

# The one error line expected for an error at point $1.
HEX='0x[0-9a-f]+'
error_re() {
	local p=$1 rb=' \(rolled back\)'
	case $p in
	restore-check | restore-create) echo "^pidtrace: restore: ${p#restore-}: test fault at $p\$" ;;
	restore-mmap) echo "^pidtrace: restore: memory: pid $ROOT: cannot map $HEX-$HEX \([-r][-w][-x][ps]( [^)]*)?\): Cannot allocate memory$rb\$" ;;
	restore-write) echo "^pidtrace: restore: memory: pid $ROOT: writing [0-9]+ bytes of pages near $HEX failed: Bad address$rb\$" ;;
	restore-reopen) echo "^pidtrace: restore: files: pid $ROOT fd [0-9]+: open /[^:]*: No such file or directory$rb\$" ;;
	*) echo "^pidtrace: restore: ${p#restore-}: test fault at $p$rb\$" ;;
	esac
}

# ---- an injected error at every point: one line, rolled back, nothing left ----
for p in $POINTS; do
	n=${p#restore-}
	PIDTRACE_FAULT=$p "$PIDTRACE" restore -D "$IMG" >"$T/out" 2>"$T/err"
	rc=$?
	if [ "$rc" != 1 ] || [ "$(wc -l <"$T/err")" != 1 ] || ! grep -Eq "$(error_re "$p")" "$T/err"; then
		fail "error_at_${n}_one_line" "exit $rc: $(head -c 400 "$T/err")"
	else
		pass "error_at_${n}_one_line"
	fi
	if grep -q "^restore of $IMG failed and was rolled back: " "$T/out"; then
		pass "error_at_${n}_reports_rollback"
	else
		fail "error_at_${n}_reports_rollback" "$(head -n 1 "$T/out")"
	fi
	same "error_at_${n}_nothing_left" "$(left_over "$CR_DIR" "$TREE")" ""
done

# ---- pidtrace SIGKILLed at every point: its tasks die, a new restore works ----
# restore_again: cr_restore in a directory that has the report of an earlier
# restore: that one must not be taken for the new one's.
restore_again() {
	rm -f "$CR_DIR/restore.json"
	cr_restore
}

# killed_at POINT NAME: run the restore under a subreaper of its own, which
# exits once every process under it (pidtrace, what it made) is gone.
killed_at() {
	local p=$1 n=$2 reaper q
	rm -f "$T/rc"
	"$PROGS/cr_reaper" sh -c 'PIDTRACE_FAULT=$1 "$2" restore -D "$3" >/dev/null 2>&1; echo $? >"$4"' \
		sh "$p:kill" "$PIDTRACE" "$IMG" "$T/rc" </dev/null &
	reaper=$!
	if wait_for 20 cr_gone "$reaper"; then
		wait "$reaper"
		same "killed_at_${n}_by_sigkill" "$(cat "$T/rc" 2>/dev/null)" 137
		same "killed_at_${n}_nothing_left" "$(left_over "$CR_DIR" "$TREE")" ""
	else
		fail "killed_at_${n}_nothing_left" "still running: $(left_over "$CR_DIR" "$TREE" | tr '\n' ' ')"
		kill_ours 9 $(pgrep_ours "$TREE")
		kill -9 "$reaper" 2>/dev/null
		wait "$reaper" 2>/dev/null
	fi
	# Right after: the same image, no fault.
	cp "$CR_DIR/log.dumped" "$CR_DIR/log"
	if restore_again; then
		cr_finish
		if [ "$CR_RC" = 0 ] && [ "$(grep -c '^PASS' "$CR_DIR/log")" = 1 ]; then
			pass "killed_at_${n}_then_restored"
		else
			fail "killed_at_${n}_then_restored" "exit status $CR_RC: $(grep -aE '(FAIL|PASS)' "$CR_DIR/log" | head -n 3)"
		fi
	else
		fail "killed_at_${n}_then_restored" "$(head -c 300 "$CR_DIR/restore.json") $(tail -n 2 "$CR_DIR/restore.err")"
		cr_cleanup_restore
	fi
}
# A failed retry: kill what it left (our program's name only).
cr_cleanup_restore() {
	local q
	[ -n "$CR_RESTORE" ] && kill -9 "$CR_RESTORE" 2>/dev/null && wait "$CR_RESTORE" 2>/dev/null
	CR_RESTORE=
	kill_ours 9 $(pgrep_ours "$TREE")
	wait_for 5 eval '[ -z "$(left_over "$CR_DIR" "$TREE")" ]'
}
for p in $POINTS; do
	killed_at "$p" "${p#restore-}"
done
# Killed with the root restored and the second task half-way through its memory.
killed_at "restore-mmap@$((ROOT_MMAPS + 1))" mmap_of_second_task

# ---- a tree whose second task cannot map: the restored first task is rolled back ----
N=$((ROOT_MMAPS + 1))
PIDTRACE_FAULT=restore-mmap@$N "$PIDTRACE" restore -D "$IMG" --json >"$T/r.json" 2>"$T/err"
rc=$?
same second_task_mmap_fails "$rc $(jq -r .ok "$T/r.json")" "1 false"
same second_task_mmap_error_names_it "$(jq -r .error "$T/r.json")" \
	"memory: pid $SECOND: cannot map $SECOND_MAP: Cannot allocate memory"
# The root's memory was all there: its VMAs mapped, its pages written.
if [ "$(jq -r .vmas "$T/r.json")" -ge "$ROOT_MMAPS" ] &&
	[ "$(jq -r .pages "$T/r.json")" -ge "$ROOT_PAGES" ] && [ "$ROOT_PAGES" -gt 0 ]; then
	pass second_task_mmap_first_task_was_restored
else
	fail second_task_mmap_first_task_was_restored \
		"vmas $(jq -r .vmas "$T/r.json") pages $(jq -r .pages "$T/r.json"), root: $ROOT_MMAPS, $ROOT_PAGES"
fi
rolled=$(jq --argjson r "$ROOT" '[.deaths[] | select(.victim.pid == $r and
	.cause == "restore-rollback" and .expected)] | length' "$T/r.json")
if [ "${rolled:-0}" -ge 1 ]; then
	pass second_task_mmap_first_task_rolled_back
else
	fail second_task_mmap_first_task_rolled_back "deaths: $(jq -c '[.deaths[] | {pid: .victim.pid, cause, expected}]' "$T/r.json")"
fi
same second_task_mmap_nothing_left "$(left_over "$CR_DIR" "$TREE")" ""

# ---- damaged page data: only the data checksum can tell ----
# flip_data DIR FILE: one byte in the middle of FILE's page data changed;
# sizes, framing and the header (with its own checksum) untouched.
flip_data() {
	local size
	size=$(stat -c %s "$1/$2")
	image_flip "$1/$2" $((4096 + (size - 4096) / 2))
}

# refuses_damaged NAME DIR ERROR NAME: restore of DIR fails with ERROR only.
refuses_damaged() {
	local name=$1 dir=$2 want=$3 prog=$4 rc
	"$PIDTRACE" restore -D "$dir" >"$T/out" 2>"$T/err"
	rc=$?
	same "${name}_refused" "$rc $(cat "$T/err")" "1 pidtrace: restore: $want"
	same "${name}_nothing_left" "$(left_over "$CR_DIR" "$prog")" ""
	# The damage is in the data alone: show's full check agrees.
	"$PIDTRACE" show -D "$dir" >/dev/null 2>"$T/err"
	same "${name}_show_agrees" "$(cat "$T/err")" \
		"pidtrace: show: $dir/$(sed -n 's/.*: \(pages-[a-z0-9]*\.img\): checksum.*/\1/p' <<<"$want"): checksum mismatch (the file is damaged)"
}

BAD=$CR_DIR/bad
image_copy "$IMG" "$BAD"
flip_data "$BAD" "pages-$SECOND.img"
refuses_damaged flipped_task_page "$BAD" \
	"memory: pid $SECOND: pages-$SECOND.img: checksum mismatch (the file is damaged) (rolled back)" "$TREE"
rm -rf "$BAD"
cr_cleanup

# Shared memory: pages-shmem.img is checked before any task exists.
SHM=zdtm_s$$
progs_as "$SHM" zdtm_shmem
if PROGS=$T/bin cr_start shmem "$SHM" && cr_dump; then
	"$PIDTRACE" show -D "$CR_DIR/img" --json >"$CR_DIR/show.json"
	if [ "$(stat -c %s "$CR_DIR/img/pages-shmem.img")" -gt 4096 ]; then
		BAD=$CR_DIR/bad
		image_copy "$CR_DIR/img" "$BAD"
		flip_data "$BAD" pages-shmem.img
		refuses_damaged flipped_shmem_page "$BAD" \
			"check: pages-shmem.img: checksum mismatch (the file is damaged)" "$SHM"
		rm -rf "$BAD"
	else
		fail flipped_shmem_page_setup "zdtm_shmem stored no shared pages"
	fi
	# The intact image restores (its pages copied from the mapping, checked).
	if restore_again; then
		cr_finish
		same shmem_intact_restores "$CR_RC $(grep -c '^PASS' "$CR_DIR/log")" "0 1"
	else
		fail shmem_intact_restores "$(jq -r '.error // empty' "$CR_DIR/restore.json" 2>/dev/null)"
	fi
else
	fail shmem_setup "could not start or dump"
fi
cr_cleanup
