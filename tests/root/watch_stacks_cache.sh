#!/usr/bin/env bash
# watch --stacks symbolizes user frames through a cache keyed by what a
# binary is (build id, or inode + mtime) and the offset in it. Several
# processes of one binary, each mapping it at its own address, get the
# same frames, down to function and file:line; a binary replaced at the
# same path (in place, or by a new inode) is read again, never named from
# the old one's cached frames, although the call site is at the same
# offset in both.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/lib-scen.sh"
need_root

# A tiny ring wakes the reader at every record (the default batches
# wakeups), so stacks are read while their senders still run.
RING=(--ringbuf-kb 8)
HOLD_MS=1500

# stacks_of VICTIMS: the user stacks of the deaths of the comma-separated
# victims, one JSON array per line, in the victims' order.
stacks_of() {
	local v
	for v in ${1//,/ }; do
		death_of "$v" | jq -c '.user_stack' | head -n1
	done
}

# frame_like NAME STACKS REGEX: PASS when every stack has a frame matching REGEX.
frame_like() {
	local n bad
	n=$(printf '%s\n' "$2" | grep -c .)
	bad=$(printf '%s\n' "$2" | jq -c --arg re "$3" 'select([.[] | test($re)] | any | not)' | grep -c .)
	if [ "$n" -gt 0 ] && [ "$bad" = 0 ]; then
		pass "$1"
	else
		fail "$1" "$bad of $n stacks have no frame like /$3/: $(printf '%s\n' "$2" | head -c 400)"
	fi
}

# 1. Three senders, each a fresh exec of kill_from, one call site.
watch_start --stacks "${RING[@]}" -c sc-stkcache || { fail watch_starts "$(cat "$T/watch.err")"; exit 1; }
scen kill_from sc-stkcache 3 "$HOLD_MS" || { watch_stop; exit 0; }
settle_and_stop
st=$(stacks_of "$victims")
n=$(printf '%s\n' "$st" | grep -c .)
[ "$n" = 3 ] && pass three_deaths_with_user_stacks || fail three_deaths_with_user_stacks "$n: $(recorded)"
nsend=$(tr ',' '\n' <<<"$senders" | sort -u | grep -c .)
[ "$nsend" = 3 ] && pass three_distinct_sender_processes || fail three_distinct_sender_processes "$senders"
frame_like sender_frame_named_with_file_and_line "$st" \
	"^$function\\+0x[0-9a-f]+ \\(tests/progs/kill_from\\.h:$line\\) \\[kill_from\\]$"
frame_like caller_of_sender_frame_named "$st" '^sender\+0x[0-9a-f]+ \(tests/progs/kill_from\.h:[0-9]+\) \[kill_from\]$'
nuniq=$(printf '%s\n' "$st" | sort -u | grep -c .)
[ "$nuniq" = 1 ] && pass same_binary_gives_same_frames ||
	fail same_binary_gives_same_frames "$nuniq different stacks: $st"

# 2. One tracer, one path, three binaries in turn: the cache must follow.
bin=$T/kf
watch_start --stacks "${RING[@]}" -c sc-stkrepl || { fail watch_restarts "$(cat "$T/watch.err")"; exit 1; }
cp "$PROGS/kill_from" "$bin"
scen_at() {
	"$bin" sc-stkrepl 1 "$HOLD_MS" >"$T/kf.out" 2>"$T/kf.err" ||
		fail "scenario_$1_did_its_job" "$(tr '\n' ' ' <"$T/kf.err")"
	victims=$(sed -n 's/^victims=//p' "$T/kf.out")
	sleep "$SETTLE"
}
scen_at first
first=$(stacks_of "$victims")
# In place: the same inode, a new mtime and build id, the same offsets.
cp "$PROGS/kill_from_b" "$bin"
scen_at in_place
second=$(stacks_of "$victims")
# A new inode at the same path.
cp "$PROGS/kill_from" "$bin.new"
mv "$bin.new" "$bin"
scen_at renamed
third=$(stacks_of "$victims")
watch_stop
frame_like first_binary_named "$first" "^send_kill\\+0x[0-9a-f]+ \\(tests/progs/kill_from\\.h:[0-9]+\\) \\[kf\\]$"
frame_like binary_rewritten_in_place_named_anew "$second" \
	"^send_kill_b\\+0x[0-9a-f]+ \\(tests/progs/kill_from\\.h:[0-9]+\\) \\[kf\\]$"
frame_like binary_renamed_over_named_anew "$third" \
	"^send_kill\\+0x[0-9a-f]+ \\(tests/progs/kill_from\\.h:[0-9]+\\) \\[kf\\]$"
# The offsets really are the same: only the names differ.
a=$(printf '%s\n' "$first" | jq -r '.[] | select(startswith("send_kill+")) | sub(" .*"; "") | sub("send_kill"; "")')
b=$(printf '%s\n' "$second" | jq -r '.[] | select(startswith("send_kill_b+")) | sub(" .*"; "") | sub("send_kill_b"; "")')
[ -n "$a" ] && [ "$a" = "$b" ] && pass replaced_binary_has_call_at_same_offset ||
	fail replaced_binary_has_call_at_same_offset "'$a' vs '$b'"
