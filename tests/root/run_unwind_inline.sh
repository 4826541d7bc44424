#!/usr/bin/env bash
# A sender built -O2 -g whose kill() is in functions forced inline:
# main -> stop_worker -> (inlined) send_kill -> (inlined) kill_now -> kill().
# Each inlined function must be a frame of its own, innermost first, at the
# line of it the code is in, and the function it was inlined into at the
# line of the call (as "addr2line -i" says); sender_function, sender_source
# and the verdict name the innermost one, kill_now().
. "$(dirname "$0")/../lib.sh"
need_root

src="$TOP/tests/progs/unw_inline.c"
L_KILL=$(grep -n 'int r = kill(worker, SIGKILL);' "$src" | cut -d: -f1)
L_NOW=$(grep -n 'int r = kill_now(worker);' "$src" | cut -d: -f1)
L_SEND=$(grep -n 'int r = send_kill(worker);' "$src" | cut -d: -f1)
[ -n "$L_KILL" ] && [ -n "$L_NOW" ] && [ -n "$L_SEND" ] ||
	{ fail lines_found "unw_inline.c changed"; exit 1; }

"$PIDTRACE" run --json -o "$T/inl.json" -- "$PROGS/unw_inline" >/dev/null 2>"$T/inl.err"
d=$(jq -c 'select(.event == "death" and .signal == "SIGKILL")' "$T/inl.json" 2>/dev/null | head -n1)
if [ -z "$d" ]; then
	fail death_record "none: $(head -c 300 "$T/inl.err")"
	exit 1
fi

i=0
ok=1
for re in '^kill\+0x[0-9a-f]+ .*\[libc\.so\.6\]$' \
	"^kill_now \\(inlined\\) \\(tests/progs/unw_inline\\.c:$L_KILL\\) \\[unw_inline\\]$" \
	"^send_kill \\(inlined\\) \\(tests/progs/unw_inline\\.c:$L_NOW\\) \\[unw_inline\\]$" \
	"^stop_worker\\+0x[0-9a-f]+ \\(tests/progs/unw_inline\\.c:$L_SEND\\) \\[unw_inline\\]$" \
	'^main\+0x[0-9a-f]+ \(tests/progs/unw_inline\.c:[0-9]+\) \[unw_inline\]$'; do
	f=$(jq -r ".user_stack[$i] // \"\"" <<<"$d")
	if ! [[ $f =~ $re ]]; then
		fail inlined_frames "frame $i is '$f', wanted /$re/: $(jq -c .user_stack <<<"$d")"
		ok=0
		break
	fi
	i=$((i + 1))
done
[ $ok = 1 ] && pass inlined_frames_innermost_first_with_call_lines
expect sender_function_is_the_inlined_one "$d" .sender_function kill_now
expect sender_source_is_the_kill_line "$d" .sender_source "tests/progs/unw_inline.c:$L_KILL"
[[ "$(jfield "$d" .verdict)" == *"from kill_now() at tests/progs/unw_inline.c:$L_KILL;"* ]] &&
	pass verdict_names_the_inlined_function ||
	fail verdict_names_the_inlined_function "$(jfield "$d" .verdict)"

# The plain report shows the same frames (and the frame cache gives the
# same text the second time the same code kills).
"$PIDTRACE" run -o "$T/inl.txt" -- "$PROGS/unw_inline" >/dev/null 2>&1
grep -q "kill_now (inlined) (tests/progs/unw_inline.c:$L_KILL) \[unw_inline\]" "$T/inl.txt" &&
	pass plain_report_has_inlined_frame ||
	fail plain_report_has_inlined_frame "$(grep -A8 'user' "$T/inl.txt" | head -12)"
