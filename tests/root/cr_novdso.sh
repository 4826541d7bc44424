#!/usr/bin/env bash
# cr_novdso: a process that unmapped its vDSO (zdtm vdso02), with a second
# thread, is dumped and restored without one: no [vdso] or [vvar] mapped
# again (the program checks, and so does restore's verification of the
# memory map), its thread back. Before, the dump refused it. One whose
# block is only partly unmapped is refused at dump and left running
# (before, the dump took it and no restore could bring it back).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root

cr_roundtrip_show novdso zdtm_novdso \
	'no_vdso=[.tasks[0].vmas[] | select(.kind == "vdso")] | length == 0' \
	'thread=[.tasks[0].threads[]?] | length == 1'

# Only [vdso] unmapped, [vvar] kept: no restore maps that, refused at
# dump in one line, the process left running.
if cr_start partial zdtm_novdso partial; then
	cr_refused partial "pid $CR_PID: its vDSO block [0-9a-f]+-[0-9a-f]+ is partly unmapped \\(or not this kernel's\\): not supported"
fi
cr_cleanup
