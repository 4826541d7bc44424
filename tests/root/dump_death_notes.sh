#!/usr/bin/env bash
# dump_death_notes: when `pidtrace watch --pin` saw a pidfd's target die,
# the dump records what the kernel has forgotten: the dead process's comm,
# its parent, and who killed it.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../dump_lib.sh"
need_root

export PIDTRACE_REGISTRY=/sys/fs/bpf/pidtrace-dump-test-$$/deaths
at_exit "rm -rf /sys/fs/bpf/pidtrace-dump-test-$$"
watch_start --pin -c no-such-comm || { fail death_notes_watch "$(cat "$T/watch.err")"; exit 1; }
start_target pidfds || exit 1
watch_stop

"$PIDTRACE" dump -t "$TARGET" -D "$T/img" >/dev/null 2>"$T/err" ||
	{ fail death_notes_dump "$(cat "$T/err")"; exit 1; }
"$PIDTRACE" show -D "$T/img" --json >"$T/show.json" 2>"$T/err" ||
	{ fail death_notes_show "$(cat "$T/err")"; exit 1; }
note() {
	jq -r --argjson fd "$(rep "$1")" --argjson p "$TARGET" \
		".tasks[] | select(.pid == \$p) | .fds[] | select(.fd == \$fd) | .pidfd.death | $2" "$T/show.json"
}
same death_note_exit3 "$(note pidfd_exit3 '"\(.pid) \(.ppid) \(.comm) \(.exit_status)"')" \
	"$(rep pidfd_exit3_pid) $TARGET dump_target 768"
same death_note_no_killer_for_exit "$(note pidfd_exit3 .signo)" null
same death_note_killer "$(note pidfd_term '"\(.signo) \(.killer_pid) \(.killer_comm) \(.killer_syscall)"')" \
	"15 $TARGET dump_target 62"
same death_note_live_has_none "$(note pidfd_live .)" null
if "$PIDTRACE" show -D "$T/img" | grep -q "died: dump_target, child of $TARGET (dump_target), SIGTERM from pid $TARGET"; then
	pass death_note_shown
else
	fail death_note_shown "$("$PIDTRACE" show -D "$T/img" | grep -A1 'reaped' | head -4)"
fi

# Without a registry the dump still works and says nothing of deaths.
PIDTRACE_REGISTRY=/sys/fs/bpf/pidtrace-none-$$/deaths
start_target pidfds || exit 1
"$PIDTRACE" dump -t "$TARGET" -D "$T/img2" >/dev/null 2>"$T/err" ||
	{ fail no_registry_dump "$(cat "$T/err")"; exit 1; }
same no_registry_no_notes "$("$PIDTRACE" show -D "$T/img2" --json | jq '[.pidfd_targets[] | select(.death)] | length')" 0
