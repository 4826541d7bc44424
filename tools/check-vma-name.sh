#!/usr/bin/env bash
# tools/check-vma-name.sh: anonymous memory named with PR_SET_VMA_ANON_NAME
# ("[anon:NAME]" in maps) is named again after restore, which verify
# checks and the program sees (zdtm_vma_name.c). A manual check, run as
# root after `make test-bins`, not part of `make test`: the machines the
# suite runs on have no CONFIG_ANON_VMA_NAME, where it could only skip.
. "$(dirname "$0")/../tests/lib.sh"
. "$(dirname "$0")/../tests/cr_lib.sh"
need_root

mkdir -p "$T/probe"
"$PROGS/zdtm_vma_name" >"$T/probe/log" 2>&1 &
probe=$!
wait_for 5 grep -q -E '^(READY|NONAME)' "$T/probe/log"
if grep -q '^NONAME' "$T/probe/log"; then
	wait "$probe"
	skip vma_name "this kernel cannot name anonymous memory (no CONFIG_ANON_VMA_NAME)"
	exit 0
fi
kill -9 "$probe" 2>/dev/null
wait "$probe" 2>/dev/null
cr_roundtrip_show vma_name zdtm_vma_name \
	"named=[.tasks[0].vmas[]? | select(.name == \"[anon:pidtrace-test]\")] | length == 1"
