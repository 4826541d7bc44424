#!/usr/bin/env bash
# cr_mem_uffd: a restore fills private anonymous memory by UFFDIO_COPY
# through a userfaultfd of the restored task (restore_uffd.h), and that
# leaves nothing behind: the task holds no userfaultfd, no range stays
# registered (its memory faults normally: the program writes and checks
# its 64 MiB after the restore), and the pages are its own (the image
# overwritten in place and deleted changes nothing). A small image takes
# the process_vm_writev() path (no userfaultfd), with the same result.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root

command -v strace >/dev/null || { fail uffd_strace "strace is not installed"; exit 1; }
REAL=$PIDTRACE
# strace without -f (the tasks pidtrace builds must stay free to be
# seized): pidtrace's main thread, which takes the first copy call.
cat >"$T/traced" <<EOS
#!/bin/sh
ASAN_OPTIONS="\${ASAN_OPTIONS:-}:detect_leaks=0" exec strace -o "$T/strace" -e trace=ioctl,pidfd_getfd "$REAL" "\$@"
EOS
chmod +x "$T/traced"

# uffd_fds PID: its descriptors that are userfaultfds.
uffd_fds() {
	local fd
	for fd in "/proc/$1/fd/"*; do
		[ "$(readlink "$fd" 2>/dev/null)" = "anon_inode:[userfaultfd]" ] && echo "${fd##*/}"
	done
}

for mib in 64 1; do
	n=uffd_${mib}m
	if ! cr_start "$n" zdtm_bigmem "$mib" || ! cr_dump; then
		fail "${n}_dump" "could not start or dump"
		continue
	fi
	rm -f "$T/strace"
	PIDTRACE=$T/traced cr_restore
	ok=$?
	PIDTRACE=$REAL
	if [ "$ok" != 0 ]; then
		fail "${n}_restore" "$(jr '.error // empty' 2>/dev/null) $(tail -n 3 "$CR_DIR/restore.err")"
		continue
	fi
	pass "${n}_restore"
	copies=$(grep -c 'UFFDIO_COPY' "$T/strace")
	if [ "$mib" = 64 ]; then
		[ "$copies" -gt 0 ] && grep -q 'UFFDIO_REGISTER' "$T/strace" && grep -q 'UFFDIO_UNREGISTER' "$T/strace" &&
			pass "${n}_pages_by_uffdio_copy ($copies calls on the main thread)" ||
			fail "${n}_pages_by_uffdio_copy" "no UFFDIO_COPY/REGISTER/UNREGISTER: $(grep -c . "$T/strace") lines traced"
	else
		[ "$copies" = 0 ] && ! grep -q pidfd_getfd "$T/strace" && pass "${n}_small_image_copied_by_writev" ||
			fail "${n}_small_image_copied_by_writev" "$(grep -m2 -E 'UFFDIO|pidfd_getfd' "$T/strace")"
	fi
	left=$(uffd_fds "$CR_PID")
	[ -z "$left" ] && pass "${n}_no_userfaultfd_left" || fail "${n}_no_userfaultfd_left" "fds $left"
	# The image changes under the restored process, then goes.
	pages=$CR_DIR/img/pages-$CR_PID.img
	size=$(stat -c %s "$pages")
	dd if=/dev/urandom of="$pages" bs=4096 seek=1 count=$(((size - 4096) / 4096)) conv=notrunc status=none
	rm -rf "$CR_DIR/img"
	cr_finish
	if [ "$CR_RC" = 0 ] && grep -q '^PASS' "$CR_DIR/log"; then
		pass "${n}_memory_verified"
	else
		fail "${n}_memory_verified" "exit status $CR_RC: $(grep -E '^(FAIL|PASS)' "$CR_DIR/log" | head -n 3)"
	fi
done
cr_cleanup
