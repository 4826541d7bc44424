#!/bin/bash
# tools/zdtm.sh: run CRIU's zdtm static tests through a checkpoint/restore
# engine (pidtrace, or CRIU itself for comparison) and record, per test, what
# happened: the test's own verdict after dump + restore, or where it stopped.
#
#   tools/zdtm.sh [OPTIONS] CRIU_TREE [TEST...]
#   tools/zdtm.sh --report FILE [--results DIR]
#
# CRIU_TREE is a checkout of checkpoint-restore/criu built outside this
# project (make criu; make lib; make -C test/zdtm/lib; make -C
# test/zdtm/static). Nothing from it is copied here: this script only starts
# its test programs with their own Makefile rule and reads their verdicts.
# See docs/zdtm.md for the results and how they are produced.
set -u

usage() {
	cat <<'EOF'
Usage: tools/zdtm.sh [OPTIONS] CRIU_TREE [TEST...]
       tools/zdtm.sh --report FILE [--results DIR]

Run zdtm static tests (default: all of them, in Makefile order) one at a
time, each as root in private net/uts/ipc/mount namespaces and its own
cgroup: start it with `make NAME.pid`, dump it, wait until its pids are
free, restore it detached, SIGTERM it and read its verdict (NAME.out).
A test that already has a result in the results directory is not run
again (resumable); --redo runs it again.

  --engine pidtrace|criu  which engine dumps and restores (default pidtrace)
  --pidtrace PATH         the pidtrace binary (default: .output/pidtrace of
                          this checkout)
  --criu PATH             the criu binary (default: CRIU_TREE/criu/criu)
  --results DIR           results root (default: .output/zdtm-results of
                          this checkout); each engine
                          writes DIR/ENGINE/NAME.res and NAME.log
  --list FILE             run the tests named in FILE (one per line or
                          space separated) after those on the command line
  --timeout SEC           per-step timeout (default 60; a test's .desc
                          timeout is added)
  --redo                  run tests even if they already have a result
  --procdiff              snap the test's tree with tools/procdiff just
                          before the dump and just after the restore (before
                          SIGTERM); the differences go to DIR/ENGINE/NAME.procdiff
                          (empty: none), both snaps to NAME.snap.{pre,post}
                          when there are some
  --report FILE           write the markdown table of both engines' results
                          (DIR/pidtrace and DIR/criu) to FILE and exit

Results (first word of NAME.res): pass, wrong (restored, then the test's own
check failed), lost (dumped and killed, then restore failed), refused (dump
failed, tree left running), dumpkill (dump failed and the tree is gone),
partial (dump succeeded but left part of the tree running), skip, error (the harness could not start the test), timeout.
EOF
}

# zdtm's hooks are python3 scripts for Debian's python3 (protobuf, yaml).
PATH=/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin:$PATH
here=$(cd "$(dirname "$0")" && pwd)
self="$here/$(basename "$0")"
engine=pidtrace
pidtrace="$here/../.output/pidtrace"
criu=
results="$here/../.output/zdtm-results"
list=
step_tmo=60
redo=0
report=
procdiff=0

# ---------------------------------------------------------------- helpers

now() { date +%H:%M:%S.%3N; }
log() { echo "[$(now)] $*"; }

# The pid, its threads and every descendant (children of every thread).
tree_pids() {
	local p=$1 t c
	[ -d "/proc/$p" ] || return 0
	echo "$p"
	for t in /proc/"$p"/task/*; do
		[ "${t##*/}" = "$p" ] || echo "${t##*/}"
		for c in $(cat "$t/children" 2>/dev/null); do
			tree_pids "$c"
		done
	done
}

# A pid is free once /proc no longer has it (a zombie still holds it: PID 1
# here reaps orphans only every 1-2 s).
wait_free() {
	local tmo=$1 p busy
	shift
	for ((i = 0; i < tmo * 10; i++)); do
		busy=
		for p in "$@"; do
			[ -e "/proc/$p" ] && { busy=$p; break; }
		done
		[ -z "$busy" ] && return 0
		sleep 0.1
	done
	echo "$busy"
	return 1
}

# Has the task exited (gone, or a zombie waiting to be reaped)?
exited() {
	local st
	# A test may have unmounted /proc (clean_mntns): ask the kernel instead.
	[ -e /proc/self ] || { ! kill -0 "$1" 2>/dev/null; return; }
	st=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$1/status" 2>/dev/null)
	[ -z "$st" ] || [ "$st" = Z ] || [ "$st" = X ]
}

wait_exit() {
	local tmo=$1 pid=$2
	for ((i = 0; i < tmo * 10; i++)); do
		exited "$pid" && return 0
		sleep 0.1
	done
	return 1
}

# The KIND:PATH of every --join-ns (-J, --join-ns=) in CRIU options $1,
# without CRIU's ",EXTRA" (a user namespace's uid and gid).
join_ns() {
	local w prev=
	for w in $1; do
		case $w in
		--join-ns=*) echo "${w#--join-ns=}" ;;
		*) case $prev in --join-ns | -J) echo "$w" ;; esac ;;
		esac
		prev=$w
	done | sed 's/,.*//'
}

# One printable line (no control characters), at most 300 bytes.
oneline() {
	tr -d '\r' | tr '\t\n' '  ' | tr -c '[:print:]' '?' | cut -c1-300
}

# The line of an engine's stderr that says why it failed.
why_line() {
	local f=$1 l
	[ -s "$f" ] || { echo "(no message)"; return; }
	l=$(grep -aiE 'refus|cannot|can.t|unsupported|not supported|error|fail' "$f" | head -n1)
	[ -n "$l" ] || l=$(grep -av '^[[:space:]]*$' "$f" | tail -n1)
	printf '%s' "$l" | oneline
}

# The test's verdict line: zdtm counts a test as passed when the last line
# of its .out file has the word PASS.
verdict() {
	local out=$1
	if [ -f "$out" ]; then
		# The last FAIL/ERR/PASS line says more than a message's tail.
		{ grep -aE 'FAIL|ERR|PASS' "$out" || tail -n1 "$out"; } |
			tail -n1 | oneline
	elif [ -f "$out.inprogress" ]; then
		echo "no verdict (.out.inprogress: $(tail -n1 "$out.inprogress" | oneline))"
	else
		echo "no verdict (no .out file)"
	fi
}

passed() {
	[ -f "$1" ] && tail -n1 "$1" | tr -s ' \t' '\n\n' | grep -qx PASS
}

# The restored tree against the snap taken before the dump: the
# differences in NAME.procdiff (empty when there are none); the snaps are
# kept only when there are some.
procdiff_after() {
	local pre="$resdir/$name.snap.pre" post="$resdir/$name.snap.post"
	[ -s "$pre" ] || return 0
	log "procdiff snap (after the restore)"
	if ! "$here/procdiff" snap "$1" >"$post" 2>&1; then
		# A tree that changed under the snap: said, not diffed.
		echo "procdiff snap failed: $(tail -n1 "$post" | oneline)" >"$resdir/$name.procdiff"
		return 0
	fi
	"$here/procdiff" diff "$pre" "$post" >"$resdir/$name.procdiff" 2>&1
	log "procdiff: $(wc -l <"$resdir/$name.procdiff") differences"
	[ -s "$resdir/$name.procdiff" ] || [ -n "${PROCDIFF_KEEP:-}" ] || rm -f "$pre" "$post"
}

# ------------------------------------------------------------ one test (inner)
# Runs inside the test's namespaces and cgroup, with cwd CRIU_TREE/test.
# Writes RESDIR/NAME.res (one line: RESULT<TAB>DETAIL).

run_inner() {
	run_body "$@"
	# zdtm's --clean hooks undo what the test set up in its namespaces:
	# run them there, never in the host's.
	if [ -x "zdtm/static/$2.hook" ]; then
		log "hook --clean"
		timeout -k 5 "$6" "zdtm/static/$2.hook" --clean
	fi
}

run_body() {
	local tree=$1 name=$2 resdir=$3 dopts=$4 ropts=$5 tmo=$6
	local sdir=zdtm/static img="$resdir/$name.img" res="$resdir/$name.res"
	local pid pids rc left why fd mk p st

	finish() {
		local f
		for f in "$sdir/$name.out" "$sdir/$name.out.inprogress"; do
			[ -f "$f" ] || continue
			echo "---- $f"
			cat "$f"
		done
		printf '%s\t%s\n' "$1" "$2" >"$res.tmp" && mv "$res.tmp" "$res"
		log "RESULT $1: $2"
	}
	hook() {
		[ -x "$sdir/$name.hook" ] || return 0
		log "hook $1"
		timeout -k 5 "$tmo" "$sdir/$name.hook" "$1"
	}

	# No fd opened outside the test's mount namespace may reach the test:
	# CRIU cannot name the mount of such an fd (zdtm.py closes them too).
	exec </dev/null >>"$resdir/$name.log" 2>&1
	for fd in /proc/$$/fd/*; do
		fd=${fd##*/}
		[ "$fd" -gt 2 ] && eval "exec $fd>&-"
	done
	ip link set lo up 2>/dev/null
	# Links the test makes get their IPv6 addresses without duplicate
	# address detection: bridge lists its addresses right after `ip link
	# set up` and again after the restore, and whether DAD (1-2 s) ended in
	# between depended on the wait for its pid, for either engine.
	sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 2>/dev/null
	rm -rf "$img" "$resdir/$name".{dump,restore}.{out,err}
	rm -f "$resdir/$name".procdiff "$resdir/$name".snap.{pre,post}
	[ "$engine" = criu ] && mkdir -p "$img"
	make -s --no-print-directory -C "$sdir" "$name.cleanout" >/dev/null 2>&1
	# The net_lock_socket_* tests hand their address to their hook in this
	# file; one left by a run whose hook gave up would be read by the next
	# hook before its server listens (connection refused: "did not start").
	rm -f "$sdir/socket_lock.sync"

	log "start: make -C $sdir $name.pid"
	# As zdtm does, the --post-start hook runs while make waits for the
	# test to be ready: some tests wait for the hook before they are.
	TMPDIR=/tmp ZDTM_THREAD_BOMB=5 timeout -k 5 "$tmo" \
		make --no-print-directory -C "$sdir" "$name.pid" &
	mk=$!
	hook --post-start
	rc=$?
	if ! wait "$mk"; then
		finish error "test did not start: $(cat "$sdir/$name.out"* 2>/dev/null |
			grep -aE 'FAIL|ERR' | head -n1 | oneline)"
		return
	fi
	if [ "$rc" != 0 ]; then
		finish error "hook --post-start failed"
		return
	fi
	pid=$(cat "$sdir/$name.pid" 2>/dev/null)
	if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; then
		finish error "test not running after start: $(verdict "$sdir/$name.out")"
		return
	fi
	pids=$(tree_pids "$pid" | sort -un | tr '\n' ' ')
	log "test pid $pid, tree: $pids"
	ps -o pid,ppid,pgid,sid,stat,comm -p "$(echo $pids | tr ' ' ,)" 2>/dev/null
	# Test processes outside the tree: zdtm runs ns-only tests as their pid
	# namespace's init, so their orphans stay in the tree; here they go to
	# PID 1, out of reach of both engines, and hold the tree's pids (as a
	# session or group id): restore could not work. Not an engine's fault.
	left=
	for p in $(cat "/sys/fs/cgroup/unified$(sed -n 's/^0:://p' /proc/self/cgroup)/cgroup.procs" 2>/dev/null); do
		case " $pids " in *" $p "*) continue ;; esac
		[ "$(readlink "/proc/$p/exe")" = "$(readlink -f "$sdir/$name")" ] ||
			continue
		# Only one that holds a pid of the tree as its group or session.
		read -r -a st <<<"$(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null)"
		case " $pids " in
		*" ${st[2]:-x} "* | *" ${st[3]:-x} "*) left="$left $p" ;;
		esac
	done
	if [ -n "$left" ]; then
		ps -o pid,ppid,pgid,sid,stat,comm -p "$(echo $left | tr ' ' ,)" 2>/dev/null
		finish error "test processes outside the tree holding its pids as their session or group (pids$left: orphans of an ns-only test, reparented to PID 1 here): not run"
		return
	fi
	# What zdtm gives its hooks: the test's pid, and the directory that
	# holds the image directory (one iteration, "1").
	export ZDTM_TEST_PID=$pid ZDTM_IMG_DIR="$resdir/$name.iter"
	rm -rf "$ZDTM_IMG_DIR"
	mkdir -p "$ZDTM_IMG_DIR" && ln -s "$img" "$ZDTM_IMG_DIR/1"
	hook --pre-dump || { finish error "hook --pre-dump failed"; return; }

	if [ "$procdiff" = 1 ]; then
		log "procdiff snap (before the dump)"
		if ! "$here/procdiff" snap "$pid" >"$resdir/$name.snap.pre" 2>&1; then
			echo "procdiff snap failed (before the dump): $(tail -n1 "$resdir/$name.snap.pre" | oneline)" >"$resdir/$name.procdiff"
			rm -f "$resdir/$name.snap.pre"
		fi
	fi
	log "dump ($engine)"
	if [ "$engine" = pidtrace ]; then
		# CRIU's --tcp-close and --skip-in-flight have counterparts.
		local pdopts=() ns
		case " $dopts " in *" --tcp-close "*) pdopts=(--tcp-close) ;; esac
		case " $dopts " in *" --skip-in-flight "*) pdopts+=(--skip-in-flight) ;; esac
		# A namespace the restore joins (--join-ns) or CRIU's dump is told
		# is external (--external net[INODE]:KEY): pidtrace's dump must be
		# told too that it is external (it refuses any other namespace).
		for ns in $(join_ns "$ropts"); do
			pdopts+=(--external-ns "$ns")
		done
		case " $dopts " in *" --external net["*) pdopts+=(--external-ns net) ;; esac
		# CRIU's lock by its tool (iptables, nftables) locks the whole
		# namespace: pidtrace's counterpart for a namespace given as
		# external (netns_lock_*). In the test's own namespace
		# (net_lock_socket_*) pidtrace's default lock of the tree's TCP
		# connections is the counterpart: --network-lock netns would lock
		# pidtrace's own namespace, which it refuses.
		case " $dopts ${pdopts[*]} " in
		*" --network-lock "*" --external-ns net"*)
			pdopts+=(--network-lock netns) ;;
		esac
		timeout -k 5 "$tmo" "$pidtrace" dump -t "$pid" -D "$img" "${pdopts[@]}" \
			>"$resdir/$name.dump.out" 2>"$resdir/$name.dump.err"
	else
		# zdtm runs criu in its image dir, test/dump/zdtm/static/NAME/PID/1,
		# and some .desc options are paths relative to it.
		mkdir -p "dump/$sdir/$name/$pid/1"
		# shellcheck disable=SC2086 # the .desc options are words
		(cd "dump/$sdir/$name/$pid/1" && exec timeout -k 5 "$tmo" "$criu" dump -t "$pid" -D "$img" -o dump.log \
			-v4 --shell-job $dopts \
			>"$resdir/$name.dump.out" 2>"$resdir/$name.dump.err")
	fi
	rc=$?
	cat "$resdir/$name.dump.out" "$resdir/$name.dump.err"
	log "dump exit $rc"
	if [ "$rc" != 0 ]; then
		why="exit $rc: $(why_line "$resdir/$name.dump.err")"
		[ "$engine" = criu ] && [ -f "$img/dump.log" ] &&
			why="exit $rc: $(grep -a 'Error' "$img/dump.log" | grep -v 'RLIMIT_NOFILE for self' | head -n1 | oneline)"
		if exited "$pid"; then
			finish dumpkill "$why"
			return
		fi
		# Refused: the tree must be left running, and intact: the test's
		# own check says so.
		kill -TERM "$pid"
		if wait_exit "$tmo" "$pid" && passed "$sdir/$name.out"; then
			finish refused "$why [tree left running, test PASS]"
		else
			finish refused "$why [tree left running, but test: $(verdict "$sdir/$name.out")]"
		fi
		return
	fi

	# pidtrace's dump kills the tree; CRIU's too (no --leave-running).
	if ! left=$(wait_free "$((tmo > 30 ? tmo : 30))" $pids); then
		if ! exited "$left"; then
			finish partial "dump succeeded but pid $left of the tree is still running: $(tr '\0' ' ' <"/proc/$left/cmdline" 2>/dev/null | oneline)"
			return
		fi
		finish error "pid $left not reaped within ${tmo}s after the dump"
		return
	fi
	hook --pre-restore || { finish error "hook --pre-restore failed"; return; }

	log "restore ($engine)"
	if [ "$engine" = pidtrace ]; then
		# The CRIU restore options pidtrace has a counterpart of: a
		# test that asks for its cgroups to be ignored (cgroup_ignore)...
		local popts=() w prev=
		case " $ropts " in *" --manage-cgroups=ignore "*) popts=(--cgroups ignore) ;; esac
		case " $ropts " in *" --tcp-close "*) popts+=(--tcp-close) ;; esac
		# ... and --cgroup-root (cgroup02), which pidtrace's restore has too.
		for w in $ropts; do
			[ "$prev" = --cgroup-root ] && popts+=(--cgroup-root "$w")
			prev=$w
		done
		# ... and --join-ns (netns_lock_*): the same namespace joined.
		for w in $(join_ns "$ropts"); do
			popts+=(--join-ns "$w")
		done
		timeout -k 5 "$tmo" "$pidtrace" restore -D "$img" --detach "${popts[@]}" \
			>"$resdir/$name.restore.out" 2>"$resdir/$name.restore.err"
	else
		# shellcheck disable=SC2086
		(cd "dump/$sdir/$name/$pid/1" && exec timeout -k 5 "$tmo" "$criu" restore -D "$img" -o restore.log \
			-v4 --shell-job -d --pidfile "$img/restored.pid" $ropts \
			>"$resdir/$name.restore.out" 2>"$resdir/$name.restore.err")
	fi
	rc=$?
	cat "$resdir/$name.restore.out" "$resdir/$name.restore.err"
	log "restore exit $rc"
	if [ "$rc" != 0 ]; then
		why="exit $rc: $(why_line "$resdir/$name.restore.err")"
		[ "$engine" = criu ] && [ -f "$img/restore.log" ] &&
			why="exit $rc: $(grep -a 'Error' "$img/restore.log" | grep -v 'RLIMIT_NOFILE for self' | head -n1 | oneline)"
		finish lost "$why"
		return
	fi
	hook --post-restore || { finish error "hook --post-restore failed"; return; }

	if exited "$pid"; then
		finish wrong "restored, but pid $pid had exited before SIGTERM: $(verdict "$sdir/$name.out")"
		return
	fi
	[ "$procdiff" = 1 ] && procdiff_after "$pid"
	log "SIGTERM $pid"
	kill -TERM "$pid"
	if ! wait_exit "$tmo" "$pid"; then
		finish wrong "restored, but did not exit within ${tmo}s of SIGTERM"
		return
	fi
	if passed "$sdir/$name.out"; then
		finish pass "$(verdict "$sdir/$name.out")"
	else
		finish wrong "$(verdict "$sdir/$name.out")"
	fi
}

# ----------------------------------------------------------- one test (outer)

# Prints the .desc fields the harness honours, as shell assignments.
read_desc() {
	python3 - "$1" <<'EOF'
import ast, shlex, sys
d = {}
try:
    with open(sys.argv[1]) as f:
        d = ast.literal_eval(f.read())
except FileNotFoundError:
    pass
except Exception as e:
    d = {"flags": "", "_err": str(e)}
for k in ("flags", "feature", "arch", "opts", "dopts", "ropts", "timeout", "_err"):
    print("d_%s=%s" % (k, shlex.quote(str(d.get(k, "")).strip())))
EOF
}

skip_reason() {
	local name=$1 f
	local sdir="$tree/test/zdtm/static"
	case " $state_tests " in *" $name "*)
		echo "state test (start/stop, no process to dump)"; return ;;
	esac
	[ -n "$d__err" ] && { echo "unreadable .desc: $d__err"; return; }
	for f in $d_flags; do
		case $f in
		crfail) echo "crfail: CRIU expects dump or restore to fail"; return ;;
		noauto) echo "noauto: manual run only"; return ;;
		esac
	done
	if [ -n "$d_arch" ] && [ "$d_arch" != "$(uname -m)" ]; then
		echo "arch $d_arch only"
		return
	fi
	for f in $d_feature; do
		if ! "$criu" check --feature "$f" >/dev/null 2>&1; then
			echo "kernel lacks $f (criu check --feature $f)"
			return
		fi
	done
	if [ -x "$sdir/$name.checkskip" ] &&
		! (cd "$tree/test" && timeout 30 "zdtm/static/$name.checkskip") >/dev/null 2>&1; then
		echo "$name.checkskip failed"
		return
	fi
}

run_test() {
	local name=$1 resdir="$results/$engine"
	local res="$resdir/$name.res" logf="$resdir/$name.log"
	local d_flags d_feature d_arch d_opts d_dopts d_ropts d_timeout d__err
	local why tmo cg rc

	if [ "$redo" = 0 ] && [ -s "$res" ]; then
		return 0
	fi
	if [ ! -x "$tree/test/zdtm/static/$name" ]; then
		printf 'error\tno such built test: %s\n' "$name" >"$res"
		echo "$name: error (not built)"
		return 0
	fi
	eval "$(read_desc "$tree/test/zdtm/static/$name.desc")"
	why=$(skip_reason "$name")
	if [ -n "$why" ]; then
		printf 'skip\t%s\n' "$why" >"$res"
		echo "$name: skip ($why)"
		return 0
	fi
	tmo=$((step_tmo + ${d_timeout:-0}))

	cg="$cgroot/zdtm-$engine-$$-$name"
	mkdir -p "$cg"
	{
		echo "# $name, engine $engine, $(date -u +%FT%TZ)"
		echo "# desc: flags='$d_flags' opts='$d_opts' dopts='$d_dopts' ropts='$d_ropts'"
	} >"$logf"
	rm -f "$res"
	# The whole test gets 4 step timeouts; after that, or at its end,
	# everything left in its cgroup is killed.
	timeout -k 5 $((tmo * 4)) bash -c '
		echo $$ >"$1/cgroup.procs" || exit 1
		cd "$2/test" || exit 1
		shift 2
		exec unshare --net --uts --ipc --mount --propagation private -- "$@"
	' zdtm-run "$cg" "$tree" "$self" --inner "$tree" "$name" "$resdir" \
		"$d_opts $d_dopts" "$d_opts $d_ropts" "$tmo" </dev/null >>"$logf" 2>&1
	rc=$?
	if [ ! -s "$res" ]; then
		if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
			printf 'timeout\tno result after %ss (last step: %s)\n' \
				$((tmo * 4)) "$(grep -a '^\[' "$logf" | tail -n1 | oneline)" >"$res"
		else
			printf 'error\tharness exit %s without a result\n' "$rc" >"$res"
		fi
	fi
	cg_kill "$cg"
	rm -f "$resdir/$name".{dump,restore}.{out,err}
	rm -rf "$resdir/$name.iter"
	[ -s "$resdir/$name.procdiff" ] || [ -n "${PROCDIFF_KEEP:-}" ] || rm -f "$resdir/$name".snap.{pre,post}
	rm -rf "$tree/test/dump/zdtm/static/$name"
	# Keep the images only of tests that did not pass (for diagnosis).
	case $(cut -f1 "$res") in
	pass | skip) rm -rf "$resdir/$name.img" ;;
	esac
	printf '%s: %s\n' "$name" "$(cut -f1,2 "$res" | tr '\t' ' ' | cut -c1-200)"
}

# Kill what is left of a test (its cgroup), wait until it is empty, remove it.
cg_kill() {
	local cg=$1 i
	[ -d "$cg" ] || return 0
	# (cgroup files have no size: read them to know if they are empty)
	for ((i = 0; i < 100; i++)); do
		[ -n "$(cat "$cg/cgroup.procs" 2>/dev/null)" ] || break
		echo 1 >"$cg/cgroup.kill" 2>/dev/null
		sleep 0.1
	done
	for ((i = 0; i < 50; i++)); do
		rmdir "$cg" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "warning: cannot remove $cg: $(cat "$cg/cgroup.procs" | tr '\n' ' ')" >&2
}

# --------------------------------------------------------------- report

count() { # DIR RESULT
	local n=0 f
	for f in "$1"/*.res; do
		[ -e "$f" ] || continue
		[ "$(cut -f1 "$f")" = "$2" ] && n=$((n + 1))
	done
	echo "$n"
}

res_of() { # DIR NAME -> RESULT<TAB>DETAIL or "-"
	if [ -s "$1/$2.res" ]; then cat "$1/$2.res"; else printf -- '-\t\n'; fi
}

# A reason with its pids, fds, numbers and paths taken out, so that tests
# refused or lost for the same cause fall in one group.
reason_kind() {
	sed -E 's/^exit [0-9]+: //; s/ \[tree left running.*//;
		s/^pidtrace: (dump|restore): //; s/ \(rolled back\)$//;
		s#(^| |=)/[^ :,)]*#\1PATH#g; s/[0-9a-f]+-[0-9a-f]+ of/N-N of/g;
		s/ [^ /]*\.test[^ ,:]*/ PATH/g; s/ @[^ ,:]*/ @NAME/g;
		s/0x[0-9a-f]+/N/g; s/[0-9]+/N/g;
		s/\[[^]]*\]:N/ADDR/g; s/ N(, N)+/ N/g; s/(still running):.*/\1/'
}

# For RESULT, the groups of pidtrace's tests by reason: count, reason, tests.
by_reason() {
	local dir=$1 want=$2 f
	for f in "$dir"/*.res; do
		[ -e "$f" ] || continue
		[ "$(cut -f1 "$f")" = "$want" ] || continue
		printf '%s\t%s\n' "$(cut -f2- "$f" | reason_kind)" \
			"$(basename "$f" .res)"
	done | sort | awk -F'\t' '
		{ if ($1 != k) { if (n) print n "\t" k "\t" t; k = $1; n = 0; t = "" }
		  n++; t = t (t == "" ? "" : " ") $2 }
		END { if (n) print n "\t" k "\t" t }' | sort -t"$(printf '\t')" -k1,1nr
}

md_escape() { sed 's/|/\\|/g; s/`/'"'"'/g'; }

write_report() {
	local out=$1 pd="$results/pidtrace" cd="$results/criu" n r
	local names
	names=$( (ls "$pd" "$cd" 2>/dev/null) | sed -n 's/\.res$//p' | sort -u)
	{
		cat "$here/zdtm/header.md"
		echo
		echo "## Run"
		echo
		for e in criu pidtrace; do
			[ -f "$results/$e/META" ] && sed 's/^/- /' "$results/$e/META"
		done
		echo
		echo "## Summary"
		echo
		echo "| result | CRIU | pidtrace |"
		echo "|---|---|---|"
		for r in pass wrong lost refused dumpkill partial timeout error skip; do
			echo "| $r | $(count "$cd" $r) | $(count "$pd" $r) |"
		done
		echo "| **tests with a result** | $(ls "$cd"/*.res 2>/dev/null | wc -l) | $(ls "$pd"/*.res 2>/dev/null | wc -l) |"
		echo
		echo "Of the tests CRIU passes here ($(count "$cd" pass)), pidtrace's results:"
		for n in $names; do
			[ "$(res_of "$cd" "$n" | cut -f1)" = pass ] || continue
			res_of "$pd" "$n" | cut -f1
		done | sort | uniq -c | sort -rn | awk '{ printf "%s %s", (NR > 1 ? "," : ""), $2 " " $1 } END { print "." }'
		echo
		echo "Where pidtrace passes and CRIU does not:"
		for n in $names; do
			[ "$(res_of "$pd" "$n" | cut -f1)" = pass ] || continue
			r=$(res_of "$cd" "$n" | cut -f1)
			[ "$r" = pass ] || printf ' %s (CRIU: %s)' "$n" "$r"
		done
		echo
		echo
		echo "## Every test"
		echo
		echo "pidtrace's detail is its one-line reason (from its stderr) for a"
		echo "refusal or a failed restore, or the test's own verdict line."
		echo
		echo "| test | CRIU | pidtrace | pidtrace detail |"
		echo "|---|---|---|---|"
		for n in $names; do
			local cr pr pdt
			cr=$(res_of "$cd" "$n" | cut -f1)
			pr=$(res_of "$pd" "$n" | cut -f1)
			pdt=$(res_of "$pd" "$n" | cut -f2- | cut -c1-220 | md_escape)
			[ "$pr" = pass ] && pdt=
			echo "| $n | $cr | $pr | $pdt |"
		done
		echo
		for r in refused lost dumpkill partial; do
			[ "$(count "$pd" $r)" = 0 ] && continue
			echo "## pidtrace: $r, by reason"
			echo
			echo "The reason with pids, fds, numbers and paths taken out (N, PATH);"
			echo "the count of tests and which."
			echo
			echo "| tests | reason | which |"
			echo "|---|---|---|"
			by_reason "$pd" $r | while IFS=$'\t' read -r c k t; do
				echo "| $c | $(printf '%s' "$k" | cut -c1-200 | md_escape) | $t |"
			done
			echo
		done
		if ls "$pd"/*.procdiff >/dev/null 2>&1; then
			echo "## pidtrace: what tools/procdiff saw differ (--procdiff)"
			echo
			echo "Tests restored and snapped: $(ls "$pd"/*.procdiff | wc -l); with a"
			echo "difference after normalisation (NAME.procdiff; the first line of each):"
			echo
			for f in "$pd"/*.procdiff; do
				[ -s "$f" ] || continue
				echo "- $(basename "$f" .procdiff) ($(wc -l <"$f")): \`$(head -n1 "$f" | cut -c1-160 | md_escape)\`"
			done
			echo
		fi
		if [ -f "$here/zdtm/analysis.md" ]; then
			cat "$here/zdtm/analysis.md"
			echo
		fi
		echo "## CRIU's non-passes"
		echo
		for n in $names; do
			r=$(res_of "$cd" "$n")
			case ${r%%$'\t'*} in pass | skip | -) continue ;; esac
			echo "- $n: $(printf '%s' "$r" | tr '\t' ' ' | cut -c1-220 | md_escape)"
		done
	} >"$out"
}

# ----------------------------------------------------------------- main

if [ "${1:-}" = --inner ]; then
	shift
	tree=$1
	engine=$ZDTM_ENGINE pidtrace=$ZDTM_PIDTRACE criu=$ZDTM_CRIU
	procdiff=${ZDTM_PROCDIFF:-0}
	run_inner "$@"
	exit 0
fi

names=()
while [ $# -gt 0 ]; do
	case $1 in
	--engine) engine=$2; shift ;;
	--pidtrace) pidtrace=$2; shift ;;
	--criu) criu=$2; shift ;;
	--results) results=$2; shift ;;
	--list) list=$2; shift ;;
	--timeout) step_tmo=$2; shift ;;
	--redo) redo=1 ;;
	--procdiff) procdiff=1 ;;
	--report) report=$2; shift ;;
	-h | --help) usage; exit 0 ;;
	-*) echo "zdtm.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
	*) names+=("$1") ;;
	esac
	shift
done

if [ -n "$report" ]; then
	write_report "$report"
	echo "wrote $report"
	exit 0
fi

[ ${#names[@]} -ge 1 ] || { usage >&2; exit 2; }
tree=$(cd "${names[0]}" && pwd) || exit 2
names=("${names[@]:1}")
if [ -n "$list" ]; then
	read -ra more <<<"$(tr '\n' ' ' <"$list")"
	names+=("${more[@]}")
fi
[ -n "$criu" ] || criu="$tree/criu/criu"
case $engine in
pidtrace | criu) ;;
*) echo "zdtm.sh: --engine pidtrace or criu" >&2; exit 2 ;;
esac
[ "$(id -u)" = 0 ] || { echo "zdtm.sh: must run as root" >&2; exit 1; }
[ -x "$criu" ] || { echo "zdtm.sh: no criu binary at $criu (build CRIU_TREE first)" >&2; exit 1; }
if [ "$engine" = pidtrace ]; then
	pidtrace=$(readlink -f "$pidtrace")
	[ -x "$pidtrace" ] || { echo "zdtm.sh: no pidtrace binary at $pidtrace" >&2; exit 1; }
fi
[ -x "$tree/test/zdtm/static/env00" ] ||
	{ echo "zdtm.sh: $tree/test/zdtm/static is not built (make -C test/zdtm/static)" >&2; exit 1; }
cgroot=/sys/fs/cgroup/unified
[ -w "$cgroot/cgroup.procs" ] || cgroot=/sys/fs/cgroup
[ -e "$cgroot/cgroup.kill" ] || [ -e "$cgroot/cgroup.subtree_control" ] ||
	{ echo "zdtm.sh: no cgroup2 hierarchy" >&2; exit 1; }

all=$(make -s --no-print-directory -C "$tree/test/zdtm/static" \
	--eval 'zdtm-list: ; @echo $(TST)' zdtm-list)
state_tests=$(make -s --no-print-directory -C "$tree/test/zdtm/static" \
	--eval 'zdtm-list: ; @echo $(TST_STATE)' zdtm-list)
[ ${#names[@]} -ge 1 ] || read -ra names <<<"$all"

# A test that drops root (mlock_setuid, thread_different_uid_gid) must
# still rename its .out.inprogress in the test directory: zdtm.py gives the
# directory write permission for everyone when it runs as root, so do the same.
chmod a+w "$tree/test/zdtm/static" || exit 1

results=$(mkdir -p "$results/$engine" && cd "$results" && pwd) || exit 1
export ZDTM_ENGINE=$engine ZDTM_PIDTRACE=$pidtrace ZDTM_CRIU=$criu ZDTM_PROCDIFF=$procdiff
meta="$results/$engine/META"
first=$(sed -n 's/^first run: //p' "$meta" 2>/dev/null)
[ -n "$first" ] || first=$(date -u +%FT%TZ)
{
	echo "$engine: $(if [ "$engine" = pidtrace ]; then
		echo "$pidtrace ($("$pidtrace" --version 2>&1 | head -n1), built $(date -u -r "$pidtrace" +%FT%TZ), its checkout at commit $(git -C "$(dirname "$pidtrace")" log -1 --format=%h 2>/dev/null || echo unknown))"
	else
		echo "$criu ($("$criu" --version 2>&1 | tr '\n' ' '))"
	fi)"
	echo "$engine run on $(uname -srm), $(nproc) CPUs; zdtm tree $tree ($(git -C "$tree" describe --tags --always 2>/dev/null))"
	echo "first run: $first"
	echo "last run: $(date -u +%FT%TZ)"
} >"$meta"

for n in "${names[@]}"; do
	run_test "$n"
done
# "last run": when this invocation ended.
sed -i "s/^last run: .*/last run: $(date -u +%FT%TZ)/" "$meta"
