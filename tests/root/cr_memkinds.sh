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
