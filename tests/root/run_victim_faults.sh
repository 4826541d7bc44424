#!/usr/bin/env bash
# The victim's side of a death by its own hand, from its own unwound stack:
# a fault names the faulting instruction (function, file:line), the
# address and what it was (the NULL page, read-only memory, a stack
# overflow); abort() and a failed assert() name the function that called
# them, and the verdict says so.
. "$(dirname "$0")/../lib.sh"
need_root

# death MODE: set d to the death record of unw_victim MODE, LINE to the
# line of its faulting statement.
death() {
	"$PIDTRACE" run --json -o "$T/$1.json" -- "$PROGS/unw_victim" "$1" >"$T/$1.out" 2>"$T/$1.err"
	LINE=$(sed -n 's/.*line=\([0-9]*\).*/\1/p' "$T/$1.out")
	d=$(jq -c 'select(.event == "death")' "$T/$1.json" 2>/dev/null | head -n1)
}

death null
expect null_fault_address "$d" .fault.address 0x0
expect null_fault_at_the_line "$d" .fault.at "parse_config() at unw_victim.c:$LINE"
[[ "$(jfield "$d" .fault.what)" == "the NULL page"* ]] && pass null_fault_is_the_null_page ||
	fail null_fault_is_the_null_page "$(jfield "$d" .fault)"
[[ "$(jfield "$d" .verdict)" == *"at parse_config() at unw_victim.c:$LINE; the address 0x0 is the NULL page"* ]] &&
	pass null_fault_verdict || fail null_fault_verdict "$(jfield "$d" .verdict)"
[[ "$(jfield "$d" '.user_stack[1]')" =~ ^main\+0x[0-9a-f]+\ \(unw_victim\.c:[0-9]+\) ]] &&
	pass null_fault_stack_unwound || fail null_fault_stack_unwound "$(jfield "$d" .user_stack)"

death rodata
expect rodata_fault_at_the_line "$d" .fault.at "parse_config() at unw_victim.c:$LINE"
[[ "$(jfield "$d" .fault.what)" == *"protection forbids"* ]] && pass rodata_fault_is_protection ||
	fail rodata_fault_is_protection "$(jfield "$d" .fault)"

death overflow
[[ "$(jfield "$d" .fault.what)" == *"stack overflow"* ]] && pass overflow_fault_is_stack_overflow ||
	fail overflow_fault_is_stack_overflow "$(jfield "$d" .fault)"
[[ "$(jfield "$d" .fault.at)" == "recurse() at unw_victim.c:"* ]] && pass overflow_fault_in_recurse ||
	fail overflow_fault_in_recurse "$(jfield "$d" .fault)"

death abort
expect abort_is_named "$d" .aborted_by abort
[[ "$(jfield "$d" .verdict)" == *"died by SIGABRT: abort() called from parse_config() at unw_victim.c:$LINE;"* ]] &&
	pass abort_verdict_names_the_caller || fail abort_verdict_names_the_caller "$(jfield "$d" .verdict)"
# The frames under abort(), not the same address 23 times.
n=$(jq -r '.user_stack | length' <<<"$d")
u=$(jq -r '.user_stack | unique | length' <<<"$d")
[ "$n" -ge 4 ] && [ "$n" = "$u" ] && pass abort_stack_has_distinct_frames ||
	fail abort_stack_has_distinct_frames "$(jfield "$d" .user_stack)"

death assert
expect assert_is_named "$d" .aborted_by assert
[[ "$(jfield "$d" .verdict)" == *"died by SIGABRT: assert() failed in parse_config() at unw_victim.c:$LINE;"* ]] &&
	pass assert_verdict_names_the_caller || fail assert_verdict_names_the_caller "$(jfield "$d" .verdict)"
