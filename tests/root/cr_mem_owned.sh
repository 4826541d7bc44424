#!/usr/bin/env bash
# cr_mem_owned: a restored process owns its memory. Once the restore has
# reported, the image's page data is overwritten in place with other bytes
# (same file, same inode: what a copy-on-write mapping of the image would
# show in every page not yet written), then the image is deleted; the
# process still verifies its 64 MiB and maps no file of the image.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root

# img_mapped PID DIR: PID maps (or holds open) a file under DIR.
img_mapped() {
	local fd
	grep -qF "$2/" "/proc/$1/maps" 2>/dev/null && return 0
	for fd in "/proc/$1/fd/"*; do
		case $(readlink "$fd" 2>/dev/null) in "$2"/*) return 0 ;; esac
	done
	return 1
}

if cr_start owned zdtm_bigmem 64 && cr_dump; then
	pages=$CR_DIR/img/pages-$CR_PID.img
	if [ ! -s "$pages" ]; then
		fail owned_pages "no page data in the image: $(ls "$CR_DIR/img")"
	elif ! cr_restore; then
		fail owned_restore "$(jr '.error // empty' 2>/dev/null) $(tail -n 3 "$CR_DIR/restore.err")"
	else
		pass owned_restore
		if img_mapped "$CR_PID" "$CR_DIR/img"; then
			fail owned_unmapped "the restored process maps or holds the image: $(grep -F "$CR_DIR/img/" "/proc/$CR_PID/maps" | head -n 2)"
		else
			pass owned_unmapped
		fi
		# Every byte of the data, header kept: the same inode changes.
		size=$(stat -c %s "$pages")
		if dd if=/dev/urandom of="$pages" bs=4096 seek=1 count=$(((size - 4096) / 4096)) \
			conv=notrunc status=none && sync "$pages"; then
			pass owned_overwritten
		else
			fail owned_overwritten "dd into $pages failed"
		fi
		rm -rf "$CR_DIR/img"
		cr_finish
		if [ "$CR_RC" = 0 ] && grep -q '^PASS' "$CR_DIR/log"; then
			pass owned_verify
		else
			fail owned_verify "exit status $CR_RC: $(grep -E '^(FAIL|PASS)' "$CR_DIR/log" | head -n 3)"
		fi
	fi
else
	fail owned_dump "could not start or dump"
fi
cr_cleanup
