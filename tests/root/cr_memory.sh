#!/usr/bin/env bash
# test: slow (started first: see tests/README.md)
# cr_memory: dump -> kill -> restore -> verify of the memory and register
# state: a counter in a register and in memory, 256 MiB of anonymous
# memory with a checksum (and a written page made read-only), private file
# mappings with written and untouched pages, the FPU/SSE/AVX registers,
# shared anonymous memory shared by a parent and its child.
# Also --detach: pidtrace exits and the tree runs on its own.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root

cr_roundtrip counter zdtm_counter
cr_roundtrip bigmem zdtm_bigmem 256
cr_roundtrip filemap zdtm_filemap
cr_roundtrip fpu zdtm_fpu
cr_roundtrip shmem zdtm_shmem

# --detach: restore returns 0 at once, the root is nobody's child of ours.
if cr_start detach zdtm_counter && cr_dump; then
	if cr_restore --detach && wait_for 10 cr_gone "$CR_RESTORE" && wait "$CR_RESTORE"; then
		pass detach_returns
		CR_RESTORE=
		cr_passes detach_verify
	else
		fail detach_returns "$(cat "$CR_DIR/restore.err" "$CR_DIR/restore.json")"
	fi
else
	fail detach_dump "could not start or dump"
fi
cr_cleanup
