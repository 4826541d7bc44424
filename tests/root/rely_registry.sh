#!/usr/bin/env bash
# rely_registry: the death registry `watch --pin` leaves in bpffs is root's
# alone: a root-only directory (0700) holding a 0600 pin that another user
# cannot even reach; a directory someone else made or could write is
# refused by the tracer that would pin into it, and ignored (with a
# warning) by the dump that would read death notes from it.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../dump_lib.sh"
need_root
command -v setpriv >/dev/null || { echo "no setpriv"; exit 77; }

BASE=/sys/fs/bpf/pidtrace-rely-$$
at_exit "rm -rf $BASE"
export PIDTRACE_REGISTRY=$BASE/deaths
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }

watch_start --pin -c no-such-comm || { fail registry_pinned "$(cat "$T/watch.err")"; exit 1; }
watch_stop
same registry_dir_root_only "$(stat -c '%a %u' "$BASE")" "700 0"
same registry_pin_root_only "$(stat -c '%a %u' "$PIDTRACE_REGISTRY")" "600 0"
if as_nobody stat "$PIDTRACE_REGISTRY" >/dev/null 2>&1; then
	fail registry_unreachable_for_users "uid 65534 can stat $PIDTRACE_REGISTRY"
else
	pass registry_unreachable_for_users
fi

# A directory a user made (or anyone can write) is not used.
rm -rf "$BASE"
mkdir -m 0777 "$BASE"
chown 65534 "$BASE"
"$PIDTRACE" watch --pin -c no-such-comm >/dev/null 2>"$T/err" &
W=$!
for _ in $(seq 1 100); do kill -0 "$W" 2>/dev/null || break; sleep 0.05; done
if kill -0 "$W" 2>/dev/null; then
	kill -INT "$W"
	wait "$W"
	fail tracer_refuses_foreign_registry_dir "watch --pin ran"
else
	wait "$W"
	rc=$?
	if [ "$rc" = 1 ] && grep -q "^pidtrace: watch: $BASE: not a directory only root can write: refusing to pin the death registry there$" "$T/err"; then
		pass tracer_refuses_foreign_registry_dir
	else
		fail tracer_refuses_foreign_registry_dir "exit $rc: $(cat "$T/err")"
	fi
fi
[ -e "$PIDTRACE_REGISTRY" ] && fail tracer_pins_nothing_there "pinned" || pass tracer_pins_nothing_there

# dump reads no death notes from such a directory, and says why.
start_target pidfds || exit 1
"$PIDTRACE" dump -t "$TARGET" -D "$T/img" >/dev/null 2>"$T/err"
rc=$?
same dump_ignores_foreign_registry "$rc $(cat "$T/err")" \
	"0 pidtrace: dump: warning: death registry $PIDTRACE_REGISTRY ignored: its directory is not root's alone"
