#!/usr/bin/env bash
# cr_novdso: a process that unmapped its vDSO is refused at dump in one
# line, left running (before, the dump took it and the restore could not
# bring it back: the process was lost).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root

if cr_start novdso zdtm_novdso; then
	cr_refused novdso "pid $CR_PID has no vDSO mapped \\(the program unmapped it\\): not supported"
fi
cr_cleanup
