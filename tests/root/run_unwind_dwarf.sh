#!/usr/bin/env bash
# test: slow (started first: see tests/README.md)
# A sender built the way distributions build code (-O2 -fomit-frame-pointer)
# kills three calls deep: main -> tick -> reap -> terminate -> kill(). A
# frame-pointer walk loses those frames; the CFI unwinding of the stack
# copy must give them all, with file:line where there is debug info, the
# symbol table (or .dynsym) name otherwise: from the main thread, from a
# second thread, and from a sender that exits or execs right after its
# kill, or unmaps its own code right after it (its frames are mapped to
# files as they were at the signal).
. "$(dirname "$0")/../lib.sh"
need_root

# frames NAME BIN MODE: the death's user stack as one line of JSON.
frames() {
	"$PIDTRACE" run --json -o "$T/$1.json" -- "$PROGS/$2" "$3" >/dev/null 2>"$T/$1.err"
	# Called in $(...): the run's stderr reaches check() through a file.
	cp "$T/$1.err" "$T/last.err"
	jq -c 'select(.event == "death" and .signal == "SIGKILL") | {user_stack, stack_method, stack_truncated}' \
		"$T/$1.json" 2>/dev/null | head -n1
}

# check NAME STACK WANT...: PASS when the stack's frames, read from its
# top, are exactly WANT (each a regex on one frame), then anything, and
# the method is dwarf.
check() {
	local name=$1 st=$2 i=0 re f
	shift 2
	if [ -z "$st" ]; then
		fail "$name" "no death record: $(head -c 300 "$T/last.err")"
		return
	fi
	if [ "$(jq -r .stack_method <<<"$st")" != dwarf ]; then
		fail "$name" "stack_method is not dwarf: $st"
		return
	fi
	for re in "$@"; do
		f=$(jq -r ".user_stack[$i] // \"\"" <<<"$st")
		if ! [[ $f =~ $re ]]; then
			fail "$name" "frame $i is '$f', wanted /$re/: $st"
			return
		fi
		i=$((i + 1))
	done
	pass "$name"
}

L_KILL=$(grep -n 'int r = kill(worker, SIGKILL);' "$TOP/tests/progs/unw_super.c" | cut -d: -f1)
[ -n "$L_KILL" ] || { fail kill_line_found "unw_super.c changed"; exit 1; }
L_REAP=$(grep -n 'int r = terminate(worker);' "$TOP/tests/progs/unw_super.c" | cut -d: -f1)
L_TICK=$(grep -n 'int r = reap(worker);' "$TOP/tests/progs/unw_super.c" | cut -d: -f1)

for mode in main thread exit exec unmap; do
	caller='main\+0x[0-9a-f]+'
	[ "$mode" = thread ] && caller='thread_main\+0x[0-9a-f]+'
	st=$(frames "g_$mode" unw_super_g "$mode")
	check "debuginfo_${mode}_frames_with_lines" "$st" \
		'^kill\+0x[0-9a-f]+ .*\[libc\.so\.6\]$' \
		"^terminate\\+0x[0-9a-f]+ \\(tests/progs/unw_super\\.c:$L_KILL\\) \\[unw_super_g\\]$" \
		"^reap\\+0x[0-9a-f]+ \\(tests/progs/unw_super\\.c:$L_REAP\\) \\[unw_super_g\\]$" \
		"^tick\\+0x[0-9a-f]+ \\(tests/progs/unw_super\\.c:$L_TICK\\) \\[unw_super_g\\]$" \
		"^$caller \\(tests/progs/unw_super\\.c:[0-9]+\\) \\[unw_super_g\\]$"
	if [ "$mode" = main ] || [ "$mode" = thread ]; then
		for v in nog sdebug; do
			st=$(frames "${v}_$mode" "unw_super_$v" "$mode")
			check "${v}_${mode}_frames_from_symtab" "$st" \
				'^kill\+0x[0-9a-f]+ .*\[libc\.so\.6\]$' \
				"^terminate\\+0x[0-9a-f]+ \\[unw_super_$v\\]$" \
				"^reap\\+0x[0-9a-f]+ \\[unw_super_$v\\]$" \
				"^tick\\+0x[0-9a-f]+ \\[unw_super_$v\\]$"
		done
		# strip -s: the exported functions are still in .dynsym.
		st=$(frames "s_$mode" unw_super_s "$mode")
		check "stripped_${mode}_frames_from_dynsym" "$st" \
			'^kill\+0x[0-9a-f]+ .*\[libc\.so\.6\]$' \
			'^terminate\+0x[0-9a-f]+ \[unw_super_s\]$' \
			'^reap\+0x[0-9a-f]+ \[unw_super_s\]$' \
			'^tick\+0x[0-9a-f]+ \[unw_super_s\]$'
	fi
done

# The whole stack, to _start, is proven: nothing is marked truncated, and
# no frame is a bare address.
st=$(frames full unw_super_g main)
if [ "$(jq -r '.stack_truncated' <<<"$st")" = false ] &&
	[ "$(jq -r '[.user_stack[] | select(test("^0x"))] | length' <<<"$st")" = 0 ] &&
	[[ "$(jq -r '.user_stack[-1]' <<<"$st")" =~ ^_start ]]; then
	pass whole_stack_proven_to_start
else
	fail whole_stack_proven_to_start "$st"
fi

# Code without frame pointers nor CFI, its frame pointer register full of
# text: the syscall's frame, then nothing, marked truncated. Never the
# text read as an address (0x53544c464b5453 is "STKFLTS").
"$PIDTRACE" run --json -o "$T/garbage.json" -- "$PROGS/unw_garbage" >/dev/null 2>"$T/garbage.err"
st=$(jq -c 'select(.event == "death") | {user_stack, stack_method, stack_truncated}' "$T/garbage.json" 2>/dev/null | head -n1)
if [ -n "$st" ] && [ "$(jq -r '[.user_stack[] | select(test("^0x|STKFLT"))] | length' <<<"$st")" = 0 ] &&
	[[ "$(jq -r '.user_stack[0] // ""' <<<"$st")" =~ ^terminate_raw\+0x[0-9a-f]+\ \(tests/progs/unw_garbage\.c:[0-9]+\) ]]; then
	pass no_frame_read_from_text
else
	fail no_frame_read_from_text "$st $(head -c 300 "$T/garbage.err")"
fi
[ "$(jq -r '.stack_truncated' <<<"$st")" = true ] && pass unproven_frames_marked_truncated ||
	fail unproven_frames_marked_truncated "$st"

# sender_function / sender_source: the caller of kill() in the sender's code.
d=$(jq -c 'select(.event == "death")' "$T/g_main.json")
expect sender_function_is_terminate "$d" .sender_function terminate
expect sender_source_is_the_kill_line "$d" .sender_source "tests/progs/unw_super.c:$L_KILL"
