#!/usr/bin/env bash
# cr_inherit: the restored tasks are forks of pidtrace: whatever pidtrace
# itself got from whoever started it (a service manager, a CI runner, a
# wrapper: tools/envmatrix.sh) must not become the tree's. The tree is
# started and dumped under ordinary conditions, then restored by a
# pidtrace started under odd ones:
#   1. odd_*: signals ignored and blocked (SIGCHLD too), nice 7, I/O
#      priority best-effort 7, one CPU, umask 077, coredump_filter,
#      oom_score_adj, a timer slack, THP disabled, securebit
#      NO_SETUID_FIXUP: the restore works, tools/procdiff sees no
#      difference with the tree before the dump, and the program checks
#      itself (again_*, restored from a dump of the restored tree, under
#      ordinary conditions). The restored tree dumps again (dump refuses any securebit
#      but KEEP_CAPS: pidtrace's own NO_SETUID_FIXUP was kept silently,
#      odd_redump failed; THP disable was pidtrace's, the restore's own
#      check refused, odd_restore failed).
#   2. refuse_*: what no task can drop (no_new_privs, memory-deny-write-
#      execute, address space randomization off, a locked securebit) or
#      pidtrace cannot give (a capability it has not got itself, a hard
#      limit above its own without CAP_SYS_RESOURCE):
#      refused in one line before any task is made (they failed late, at
#      the check after the restore, or with a wrong reason, or not at
#      all for randomization: the tree lost it silently).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root

PROCDIFF=$TOP/tools/procdiff
REAL=$PIDTRACE
IMG=

# under NAME WRAP...: a script $T/NAME that runs the real pidtrace under WRAP.
under() {
	local name=$1
	shift
	{
		echo '#!/bin/sh'
		printf 'exec'
		printf ' %q' "$@" "$REAL"
		echo ' "$@"'
	} >"$T/$name"
	chmod +x "$T/$name"
}
# prctl OPTION VALUE... -- CMD...: prctl()s, then CMD (python: no tool has them).
PRCTL=$T/prctl.py
echo 'import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
a = sys.argv[1:]
i = a.index("--")
for j in range(0, i, 2):
    if libc.prctl(int(a[j]), ctypes.c_ulong(int(a[j + 1])), 0, 0, 0):
        sys.exit("prctl %s: %s" % (a[j], os.strerror(ctypes.get_errno())))
os.execvp(a[i + 1], a[i + 1:])' >"$PRCTL"
prctl() { python3 "$PRCTL" "$@"; }
PR_SET_TIMERSLACK=29 PR_SET_NO_NEW_PRIVS=38 PR_SET_THP_DISABLE=41 PR_SET_MDWE=65

if ! cr_start inherit zdtm_tree; then
	fail inherit_start "zdtm_tree did not start"
	exit 1
fi
"$PROCDIFF" snap "$CR_PID" >"$T/pre.snap"
if ! cr_dump; then
	fail inherit_dump "$(tail -n 3 "$CR_DIR/dump.err")"
	exit 1
fi
PIDS=$("$REAL" show -D "$CR_DIR/img" --json | jq -r '.tasks[].pid' | tr '\n' ' ')

image_gone() {
	local p
	for p in $PIDS; do kill -0 "$p" 2>/dev/null && return 1; done
	return 0
}

# ---- 2: refused in one line, nothing made ----
# refused NAME PATTERN WRAP...: restore under WRAP: exit 1, one line.
refused() {
	local name=$1 pat=$2 rc p left=''
	shift 2
	under "pt_$name" "$@"
	timeout 60 "$T/pt_$name" restore -D "$CR_DIR/img" >"$T/$name.out" 2>"$T/$name.err"
	rc=$?
	if [ "$rc" = 1 ] && [ "$(wc -l <"$T/$name.err")" = 1 ] &&
		grep -Eq "^pidtrace: restore: check: $pat\$" "$T/$name.err"; then
		pass "refuse_$name"
	else
		fail "refuse_$name" "exit status $rc: $(head -c 400 "$T/$name.err")"
	fi
	for p in $PIDS; do kill -0 "$p" 2>/dev/null && left+=" $p"; done
	same "refuse_${name}_nothing_left" "$left" ""
	# A restore that was not refused: its tree, out of the next case's way.
	# shellcheck disable=SC2086
	[ -n "$left" ] && kill_ours 9 $left && wait_for 10 image_gone
}
# (a runner with no_new_privs gave it to the tree too: then it is the image's)
if grep -q '^NoNewPrivs:[[:space:]]*0' /proc/self/status; then
	refused nnp "pidtrace runs with no_new_privs set \(inherited from what started it\): pid [0-9]+ would have it too, and it cannot be cleared" \
		setpriv --no-new-privs
else
	skip refuse_nnp "the tests run with no_new_privs: the tree has it too"
fi
if prctl $PR_SET_MDWE 1 -- true 2>/dev/null; then
	refused mdwe "pidtrace runs with memory-deny-write-execute \(inherited from what started it\): pid [0-9]+ would have it too, and it cannot be cleared" \
		python3 "$PRCTL" $PR_SET_MDWE 1 --
else
	skip refuse_mdwe "no PR_SET_MDWE (Linux 6.3+)"
fi
if [ "$(cat /proc/sys/kernel/randomize_va_space)" != 0 ]; then
	refused norandom "pidtrace runs with address space randomization off \(setarch -R\): pid [0-9]+'s new mappings would not be randomized either" \
		setarch -R
else
	skip refuse_norandom "kernel.randomize_va_space is 0"
fi
refused securelocked "pidtrace runs with locked securebits 0x20 \(inherited from what started it\): the restored tasks would keep them" \
	setpriv --securebits +keep_caps_locked
# Fewer capabilities than the tree has (it was dumped under a runner with
# more): capset() refused late ("credentials: restore_ctx__sys(...)").
if [ $((0x$(sed -n 's/^CapBnd:[[:space:]]*//p' /proc/self/status) & 0x2000)) != 0 ]; then
	refused caps "pid [0-9]+ has capabilities 0x2000 that pidtrace itself has not got: they cannot be given back" \
		setpriv --bounding-set -net_raw
else
	skip refuse_caps "the tests run without CAP_NET_RAW"
fi
# A lower hard limit than the tree's, and no CAP_SYS_RESOURCE to raise it
# (a service's LimitNOFILE=): refused at the state step before, the tree made.
# (half the tree's own, whatever the runner gave the suite: envmatrix 'nofile')
low=$(($(ulimit -Hn) / 2))
# CAP_SYS_RESOURCE out of pidtrace's bounding set, whatever the runner
# has. A runner that has it gave it to the tree too: then the capability
# is what pidtrace cannot give back, said first.
if [ $((0x$(sed -n 's/^CapEff:[[:space:]]*//p' /proc/self/status) & 0x1000000)) = 0 ]; then
	why="pid [0-9]+: RLIMIT_NOFILE: its hard limit [0-9]+ is above pidtrace's own \\($low\\), and pidtrace lacks CAP_SYS_RESOURCE to raise it"
else
	why="pid [0-9]+ has capabilities 0x1000000 that pidtrace itself has not got: they cannot be given back"
fi
refused hardlimit "$why" setpriv --bounding-set -sys_resource prlimit --nofile=$low:$low

# ---- 1: odd conditions, an exact restore ----
under pt_odd env --ignore-signal=PIPE,CHLD,HUP,USR1,TERM --block-signal=CHLD,TERM,USR2,ALRM \
	nice -n 7 ionice -c 2 -n 7 taskset -c 0 \
	setpriv --securebits +no_setuid_fixup \
	python3 "$PRCTL" $PR_SET_TIMERSLACK 1234567 $PR_SET_THP_DISABLE 1 -- \
	sh -c 'umask 077; echo 0x3f >/proc/self/coredump_filter; echo 300 >/proc/self/oom_score_adj; exec "$@"' sh
PIDTRACE=$T/pt_odd
if cr_restore; then
	pass odd_restore
	"$PROCDIFF" snap "$CR_PID" >"$T/post.snap"
	# (the mount table is the host's: other tests mount and unmount)
	"$PROCDIFF" diff "$T/pre.snap" "$T/post.snap" | grep -v '^. ns\.mnt' >"$T/odd.diff"
	same odd_procdiff "$(head -n 8 "$T/odd.diff")" ""
	# Dumped again (which kills it): then restored as usual, it checks itself.
	if "$REAL" dump -t "$CR_PID" -D "$CR_DIR/img2" >"$T/redump.out" 2>"$T/redump.err"; then
		pass odd_redump
	else
		fail odd_redump "$(head -c 300 "$T/redump.err")"
		cr_kill_below "$CR_RESTORE"
	fi
	wait_for 30 cr_gone "$CR_RESTORE"
	wait "$CR_RESTORE" 2>/dev/null
	CR_RESTORE='' CR_PIDS=''
	wait_for 10 image_gone
	[ -d "$CR_DIR/img2" ] && rm -rf "$CR_DIR/img" && mv "$CR_DIR/img2" "$CR_DIR/img"
else
	fail odd_restore "$(jq -r '.error // empty' "$CR_DIR/restore.json" 2>/dev/null) $(tail -n 3 "$CR_DIR/restore.err")"
	wait_for 10 cr_gone "$CR_RESTORE"
	CR_RESTORE=
fi
PIDTRACE=$REAL
cr_restore_verify again
cr_cleanup
