#!/usr/bin/env bash
# test: slow (started first: see tests/README.md)
# rely_bad_image: an image cut at any record boundary of any file, with a
# flipped byte, a foreign magic, a newer version, missing pages, overlapping
# mappings, absurd sizes and counts, a symbolic link or something else in
# place of a file, or a directory or file others could write, is refused by
# `pidtrace show` (and restore, which uses the same reader) with exactly one
# line naming the file and the problem, exit status 1, nothing printed and
# nothing created or changed in the directory.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../dump_lib.sh"
need_root

EDIT="$TOP/$OUTPUT/tests/tools/image_edit"
[ -x "$EDIT" ] || { echo "no $EDIT (make test-bins)"; exit 1; }

# The richest image dump_target makes: a tree with a zombie, pipes, shared
# memory, pidfds to live, zombie and reaped processes.
start_target tree pidfds || exit 1
GOOD=$T/good
"$PIDTRACE" dump -t "$TARGET" -D "$GOOD" >/dev/null 2>"$T/err" || {
	fail bad_image_setup "$(cat "$T/err")"
	exit 1
}
wait "$TARGET" 2>/dev/null
P=$TARGET
B=$T/bad
FILES=$(cd "$GOOD" && ls)

fresh() { image_copy "$GOOD" "$B"; }

# refused PATTERN: show on $B fails as it must (and, unless QUICK, leaves
# the directory as it was); else WHY says why.
QUICK=
refused() {
	SHOW_UNCHANGED=$([ -z "$QUICK" ] && echo 1) show_refuses "$B" "$1"
}

# case_ NAME PATTERN CMD: a fresh copy, CMD run in it, then refused PATTERN.
case_() {
	SHOW_UNCHANGED=1 image_case "$1" "$GOOD" "$B" "$2" "$3"
}

re() { printf '%s' "$1" | sed 's/[][\.*^$()+?{}|]/\\&/g'; }

# fname FILE: a stable case name for an image file: pids become their role.
fname() {
	local f=${1%.img} p
	p=$(printf '%s' "$f" | tr -dc 0-9)
	if [ -z "$p" ]; then
		printf '%s' "$f"
	elif [ "$p" = "$P" ]; then
		printf '%s_root' "${f%%-*}"
	else
		printf '%s_%s' "${f%%-*}" "$(role "$p")"
	fi
}
# role PID: child (the counting child), zombie, or other.
role() {
	if [ "$1" = "$(rep child_pid)" ]; then echo child
	elif [ "$1" = "$(rep zombie_pid)" ]; then echo zombie
	elif [ "$1" = "$(rep pidfd_live_pid)" ]; then echo live
	elif [ "$1" = "$(rep pidfd_zombie_pid)" ]; then echo zombie2
	else echo other; fi
}
BR=$(re "$B")

# ---- truncation at every record boundary of every file ----
# Two ways: the inventory still says the full size (its check fires), and
# the inventory made to agree with the cut file (the file's own header
# fires, or for pages, the pagemap that needs the missing pages).
# Every boundary is read in one process (image_edit sweep runs show's code,
# cmd_show(), on each cut: seconds, where a pidtrace per cut took minutes);
# a sample goes through the command itself below. Under the sanitizers
# (make test SAN=1) every 7th boundary, plus the last.
STRIDE=1
[ "${SAN:-}" = 1 ] && STRIDE=7
fresh
"$EDIT" sweep "$GOOD" "$B" "$STRIDE" >"$T/sweep" 2>"$T/sweep.err"
rc=$?
[ -s "$T/sweep" ] || fail truncated_sweep "image_edit sweep: exit status $rc: $(head -c 300 "$T/sweep.err")"
while read -r st f fixinv n why; do
	name=truncated_$(fname "$f")
	[ "$fixinv" = 1 ] && name=${name}_inventory_agrees
	if [ "$st" = ok ]; then
		pass "$name ($n boundaries)"
	else
		fail "$name" "$n boundaries: $why"
	fi
done <"$T/sweep"
[ "$(image_listing "$B")" = "$(image_listing "$GOOD")" ] && pass truncated_sweep_leaves_the_dir ||
	fail truncated_sweep_leaves_the_dir "the directory changed"

# The same through pidtrace show: in every file, a cut in its header, its
# middle and its last boundary, both ways.
QUICK=1
for fixinv in 0 1; do
	for f in $FILES; do
		[ "$fixinv" = 1 ] && [ "$f" = inventory.img ] && continue
		size=$(stat -c %s "$GOOD/$f")
		all=$("$EDIT" boundaries "$GOOD/$f" | sort -un | awk -v s="$size" '$1 < s')
		k=$(printf '%s\n' "$all" | wc -l)
		bad=0 first=
		fresh
		for b in $(printf '%s\n' "$all" | sed -n "2p;$(((k + 1) / 2))p;\$p" | sort -un); do
			if [ "$fixinv" = 1 ]; then
				"$EDIT" cut "$GOOD/$f" "$B/$f" "$b" "$GOOD/inventory.img" "$B/inventory.img"
			else
				"$EDIT" cut "$GOOD/$f" "$B/$f" "$b"
			fi
			if [ "$b" -lt 40 ] && { [ "$fixinv" = 1 ] || [ "$f" = inventory.img ]; }; then
				pat="$BR/$f: truncated \(expected at least 40 bytes, got $b\)"
			else
				pat="$BR/$f: truncated \(expected $size bytes, got $b\)"
			fi
			if [ "$fixinv" = 1 ] && [ "${f%%-*}" = pages ]; then
				pat="$pat|$BR/(pagemap-[0-9]+|shmem).img: pages missing: .*"
			fi
			if ! refused "$pat"; then
				bad=$((bad + 1))
				[ -z "$first" ] && first="at $b: $WHY"
			fi
		done
		name=cli_truncated_$(fname "$f")
		[ "$fixinv" = 1 ] && name=${name}_inventory_agrees
		[ "$bad" = 0 ] && pass "$name" || fail "$name" "$first"
	done
done
QUICK=

# ---- one flipped byte in every file, the magic, the version ----
for f in $FILES; do
	size=$(stat -c %s "$GOOD/$f")
	k=$(fname "$f")
	if [ "${f%%-*}" = pages ]; then
		mid=$((4096 + (size - 4096) / 2))
		case_ "flipped_data_byte_$k" "$BR/$f: checksum mismatch \(the file is damaged\)" \
			"image_flip $f $mid"
		case_ "flipped_header_byte_$k" "$BR/$f: checksum mismatch in the header \(the file is damaged\)" \
			"image_flip $f 26"
	else
		mid=$((40 + (size - 44) / 2))
		case_ "flipped_byte_$k" "$BR/$f: checksum mismatch \(the file is damaged\)" \
			"image_flip $f $mid"
		case_ "flipped_checksum_byte_$k" "$BR/$f: checksum mismatch \(the file is damaged\)" \
			"image_flip $f $((size - 2))"
	fi
	case_ "wrong_magic_$k" "$BR/$f: not a pidtrace image file \(bad magic\)" \
		"printf 'X' | dd of=$f bs=1 seek=0 conv=notrunc status=none"
	case_ "newer_version_$k" "$BR/$f: format version 8 is newer than this pidtrace reads \(7\)" \
		"printf '\\x08' | dd of=$f bs=1 seek=8 conv=notrunc status=none"
done

# ---- pages missing ----
DATA=$(($(stat -c %s "$GOOD/pages-$P.img") - 4096))
NP=$((DATA / 4096))
MISSING="pages missing: entry at 0x[0-9a-f]+ needs pages-$P.img bytes [0-9]+-[0-9]+, it has"
case_ pages_file_shorter_than_pagemap "$BR/pagemap-$P.img: $MISSING $((DATA - 4096))" \
	"'$EDIT' pages-resize pages-$P.img $((NP - 1)) && '$EDIT' fix-inventory ."
LAST=$(($("$EDIT" count "$GOOD/pagemap-$P.img" entries) - 1))
case_ pagemap_entry_past_the_end "$BR/pagemap-$P.img: $MISSING $DATA" \
	"'$EDIT' set pagemap-$P.img entries.$LAST.offset $DATA && '$EDIT' fix-inventory ."
SHDATA=$(($(stat -c %s "$GOOD/pages-shmem.img") - 4096))
case_ shmem_pages_missing "$BR/shmem.img: pages missing: entry at 0x[0-9a-f]+ needs pages-shmem.img bytes [0-9]+-[0-9]+, it has 0" \
	"'$EDIT' pages-resize pages-shmem.img 0 && '$EDIT' fix-inventory ."
case_ pages_file_missing "$BR/pages-$P.img: missing" "rm pages-$P.img"
case_ page_outside_any_mapping "$BR/pagemap-$P.img: page 0x1000 is not in a mapping that stores pages" \
	"'$EDIT' set pagemap-$P.img entries.0.vaddr 4096 && '$EDIT' fix-inventory ."

# ---- mappings that overlap, and other impossible mappings ----
V0=$("$EDIT" get "$GOOD/mm-$P.img" vmas.0.start)
case_ vma_overlaps_another "$BR/mm-$P.img: mapping 0x[0-9a-f]+-0x[0-9a-f]+ overlaps the one before it" \
	"'$EDIT' set mm-$P.img vmas.1.start $V0 && '$EDIT' fix-inventory ."
case_ vma_out_of_order "$BR/mm-$P.img: mapping 0x[0-9a-f]+-0x[0-9a-f]+ overlaps the one before it" \
	"'$EDIT' set mm-$P.img vmas.2.start 4096 && '$EDIT' set mm-$P.img vmas.2.end 8192 && '$EDIT' fix-inventory ."
case_ vma_end_before_start "$BR/mm-$P.img: mapping 0 is impossible \(0x[0-9a-f]+-0x1000\)" \
	"'$EDIT' set mm-$P.img vmas.0.end 4096 && '$EDIT' fix-inventory ."
case_ vma_unknown_kind "$BR/mm-$P.img: mapping 0 has an unknown kind 99" \
	"'$EDIT' set mm-$P.img vmas.0.kind 99 && '$EDIT' fix-inventory ."

# ---- absurd sizes and counts ----
T40=1099511627776
case_ length_field_2_40 "$BR/mm-$P.img: truncated \(expected $((T40 + 44)) bytes, got [0-9]+\)" \
	"printf '\\x00\\x00\\x00\\x00\\x00\\x01\\x00\\x00' | dd of=mm-$P.img bs=1 seek=16 conv=notrunc status=none"
case_ inventory_length_field_2_40 "$BR/inventory.img: truncated \(expected $((T40 + 44)) bytes, got [0-9]+\)" \
	"printf '\\x00\\x00\\x00\\x00\\x00\\x01\\x00\\x00' | dd of=inventory.img bs=1 seek=16 conv=notrunc status=none"
case_ listed_size_2_40 "$BR/core-$P.img: truncated \(expected $T40 bytes, got [0-9]+\)" \
	"'$EDIT' set inventory.img files.0.size $T40"
case_ page_count_2_31 "$BR/pagemap-$P.img: says 2147483648 pages, its entries [0-9]+" \
	"'$EDIT' set pagemap-$P.img nr_pages 2147483648 && '$EDIT' fix-inventory ."
case_ run_of_2_31_pages "$BR/pagemap-$P.img: $MISSING $DATA" \
	"'$EDIT' set pagemap-$P.img entries.0.nr_pages 2147483648 && '$EDIT' fix-inventory ."
case_ mapping_2_63_long "$BR/mm-$P.img: mapping 0 is impossible \(0x[0-9a-f]+-0x8000000000000000\)" \
	"'$EDIT' set mm-$P.img vmas.0.end 9223372036854775808 && '$EDIT' fix-inventory ."
case_ fd_2_31 "$BR/files-$P.img: fd 2147483648 is out of order or impossible" \
	"'$EDIT' set files-$P.img fds.0.fd 2147483648 && '$EDIT' fix-inventory ."
case_ pipe_capacity_absurd "$BR/pipes.img: pipe [0-9]+ holds [0-9]+ bytes in a 2-byte pipe" \
	"'$EDIT' set pipes.img pipes.0.capacity 2 && '$EDIT' fix-inventory ."
case_ rlimit_absurd "$BR/core-$P.img: damaged resource limit 4000000000" \
	"'$EDIT' set core-$P.img rlimits.0.resource 4000000000 && '$EDIT' fix-inventory ."

# ---- an inventory that lies ----
C=$(rep child_pid)
case_ core_of_another_task "$BR/core-$P.img: describes pid $C, expected $P" \
	"mv core-$P.img x && mv core-$C.img core-$P.img && mv x core-$C.img && '$EDIT' fix-inventory ."
case_ inventory_file_of_no_task "$BR/inventory.img: file core-$P.img belongs to pid $P, which is not in the image" \
	"'$EDIT' set inventory.img pids.0 1 && '$EDIT' set inventory.img root_pid 1"
case_ inventory_escapes_dir "$BR/inventory.img: bad file name '../core-$P.img' for a core file" \
	"'$EDIT' set inventory.img files.0.name ../core-$P.img"
case_ inventory_pid_twice "$BR/inventory.img: pid $P is listed twice" \
	"'$EDIT' set inventory.img pids.1 $P"

# ---- something else than a regular file of the directory ----
mkdir -p "$T/outside"
for f in $FILES; do
	case_ "symlink_out_of_dir_$(fname "$f")" "$BR/$f: a symbolic link: image files are never followed out of the directory" \
		"cp $f '$T/outside/$f' && rm $f && ln -s '$T/outside/$f' $f"
done
case_ symlink_within_dir "$BR/pages-$P.img: a symbolic link: image files are never followed out of the directory" \
	"mv pages-$P.img real && ln -s real pages-$P.img"
case_ fifo_in_place_of_a_file "$BR/core-$P.img: not a regular file" "rm core-$P.img && mkfifo -m 0600 core-$P.img"
case_ dir_in_place_of_a_file "$BR/mm-$P.img: not a regular file" "rm mm-$P.img && mkdir -m 0700 mm-$P.img"

# ---- a directory or file others could have written ----
case_ world_writable_dir "$BR: writable by other users \(mode 0777\): an image there could be altered by them" "chmod 0777 ."
case_ sticky_tmp_like_dir "$BR: writable by other users \(mode 1777\): an image there could be altered by them" "chmod 1777 ."
case_ group_writable_dir "$BR: writable by other users \(mode 0770\): an image there could be altered by them" "chmod 0770 ."
case_ dir_owned_by_a_user "$BR: owned by uid 65534: an image must belong to root" "chown 65534 ."
case_ file_owned_by_a_user "$BR/mm-$P.img: owned by uid 65534: an image must belong to root" "chown 65534 mm-$P.img"
case_ world_writable_file "$BR/pages-$P.img: writable by other users \(mode 0666\): an image there could be altered by them" \
	"chmod 0666 pages-$P.img"

# ---- restore reads through the same checks (and creates no process) ----
restore_refuses() {
	local name=$1 file=$2 cmd=$3 rc before
	fresh
	(cd "$B" && eval "$cmd")
	before=$(pgrep_ours dump_target | wc -l)
	"$PIDTRACE" restore -D "$B" >"$T/out" 2>"$T/err"
	rc=$?
	if [ "$rc" = 0 ]; then
		fail "$name" "restore succeeded"
	elif ! grep -q "$B${file:+/$file}" "$T/err" "$T/out"; then
		fail "$name" "the error does not name $file: $(head -c 300 "$T/err")"
	elif [ "$(pgrep_ours dump_target | wc -l)" != "$before" ]; then
		fail "$name" "a process was left behind"
	else
		pass "$name"
	fi
}
restore_refuses restore_refuses_overlapping_vmas "mm-$P.img" \
	"'$EDIT' set mm-$P.img vmas.1.start $V0 && '$EDIT' fix-inventory ."
restore_refuses restore_refuses_a_symlink "pages-$P.img" \
	"cp pages-$P.img '$T/outside/p' && rm pages-$P.img && ln -s '$T/outside/p' pages-$P.img"
restore_refuses restore_refuses_missing_pages "pagemap-$P.img" \
	"'$EDIT' pages-resize pages-$P.img $((NP - 1)) && '$EDIT' fix-inventory ."
restore_refuses restore_refuses_a_writable_dir "" "chmod 0777 ."
