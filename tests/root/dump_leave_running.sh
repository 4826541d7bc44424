#!/usr/bin/env bash
# dump_leave_running: --leave-running dumps and lets the tree run on exactly
# as before (its interrupted sleep restarts, it keeps counting, its pending
# signals stay pending); a second dump into the same directory replaces the
# first image whole.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../dump_lib.sh"
need_root

start_target tree || exit 1
IMG=$T/img
if "$PIDTRACE" dump -t "$TARGET" -D "$IMG" --leave-running --json >"$T/d1.json" 2>"$T/err"; then
	pass leave_running_dump
else
	fail leave_running_dump "$(cat "$T/err")"
fi
same leave_running_not_killed "$(jq -r .killed "$T/d1.json")" false
untouched leave_running_untouched "$TARGET"
# Sleeping or running, never stopped or traced (T, t).
st=$(state "$(rep child_pid)")
case $st in
S | R | D) pass leave_running_child_runs ;;
*) fail leave_running_child_runs "state '$st'" ;;
esac
SIGPND=$(awk '/^SigPnd:/ {print $2}' "/proc/$TARGET/status")
same leave_running_pending_kept "$SIGPND" "$(printf '%016x' $((1 << (12 - 1))))"
same leave_running_in_image "$("$PIDTRACE" show -D "$IMG" --json | jq -r .leave_running)" true

# A second dump: the old image is replaced, nothing of it is left over.
FIRST=$(jq -r .created_ns <("$PIDTRACE" show -D "$IMG" --json))
kill -9 "$(rep child_pid)"
sleep 0.1
"$PIDTRACE" dump -t "$TARGET" -D "$IMG" --leave-running >/dev/null 2>"$T/err"
"$PIDTRACE" show -D "$IMG" --json >"$T/s2.json" 2>>"$T/err"
listed=$(jq -r '.files[].name' "$T/s2.json" | sort)
present=$(cd "$IMG" && for f in *; do [ "$f" != inventory.img ] && echo "$f"; done | sort)
same redump_replaces "$present" "$listed"
check redump_newer '[ "$(jq -r .created_ns "$T/s2.json")" -gt "$FIRST" ]'
# The killed child is now a zombie of the target, as the image says.
same redump_sees_zombie "$(jq -r --argjson c "$(rep child_pid)" \
	'.tasks[] | select(.pid == $c) | "\(.state) \(.exit_status)"' "$T/s2.json")" "zombie 9"
untouched redump_untouched "$TARGET"
