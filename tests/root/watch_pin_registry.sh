#!/usr/bin/env bash
# pidtrace watch --pin keeps a registry of process deaths pinned in bpffs,
# keyed by the pidfs inode a pidfd keeps after its target is reaped: who
# the target was, how it ended, who killed it. The pin is root-only and
# survives the tracer; a new tracer reuses it.
. "$(dirname "$0")/../lib.sh"
need_root

export PIDTRACE_REGISTRY=/sys/fs/bpf/pidtrace-test-$$/deaths
at_exit "rm -rf /sys/fs/bpf/pidtrace-test-$$"
# Display nothing (-c matches no task): the registry must not depend on it.
watch_start --pin -c no-such-comm || { fail pin_watch_starts "$(cat "$T/watch.err")"; exit 1; }
"$PROGS/pidfd_holder" >"$T/holder" &
holder=$!
at_exit "kill_ours TERM $holder"
for _ in $(seq 50); do [ -s "$T/holder" ] && break; sleep 0.1; done
eval "$(cat "$T/holder")"
watch_stop

[ -e "$PIDTRACE_REGISTRY" ] && pass registry_stays_pinned_after_the_tracer ||
	fail registry_stays_pinned_after_the_tracer "no $PIDTRACE_REGISTRY"
mode=$(stat -c %a "$(dirname "$PIDTRACE_REGISTRY")")
[ "$mode" = 700 ] && pass registry_directory_is_root_only || fail registry_directory_is_root_only "mode $mode"

# key: the inode as 8 little-endian bytes
lookup() {
	local k
	k=$(printf '%016x' "$1" | sed 's/../& /g' | awk '{for (i = 8; i >= 1; i--) printf "0x%s ", $i}')
	# shellcheck disable=SC2086
	bpftool -j map lookup pinned "$PIDTRACE_REGISTRY" key $k | jq -c .formatted.value
}
n=$(lookup "$exit3_ino")
expect registry_knows_the_reaped_pid "$n" .pid "$exit3_pid"
expect registry_knows_exit_status_3 "$n" .exit_code 768
expect registry_knows_the_comm "$n" .comm pidfd_holder
expect registry_has_no_killer_for_an_exit "$n" .sig 0
n=$(lookup "$term_ino")
expect registry_knows_the_killed_pid "$n" .pid "$term_pid"
expect registry_knows_it_died_by_sigterm "$n" .exit_code 15
expect registry_knows_the_killer "$n" .killer_pid "$holder"
expect registry_knows_the_kill_syscall "$n" .killer_syscall 62

# A second tracer reuses the pinned map: the old notes are still there.
watch_start --pin -c no-such-comm || { fail pin_watch_restarts "$(cat "$T/watch.err")"; exit 1; }
watch_stop
n=$(lookup "$exit3_ino")
expect registry_survives_a_tracer_restart "$n" .pid "$exit3_pid"
