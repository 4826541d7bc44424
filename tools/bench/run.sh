#!/bin/bash
# tools/bench/run.sh - `make bench` (issue 7): what pidtrace costs and how
# fast it is, side by side with what it is measured against, in one run.
#
#   0. issue 18's goals, each met or not, with what holds it back in
#      this run's profile (from the sections below that ran)
#   1. tracer overhead: fork/SIGKILL/reap, fork/exit and ignored-signal
#      storms with no tracer, pidtrace watch, pidtrace watch --stacks and
#      sigsnoop + exitsnoop; BPF run time per operation (kernel bpf stats)
#   2. the highest kill rates, the ring buffer's drops and sheds
#   3. dump and restore against a reference copier, by memory size
#   4. the share of each restore phase
#   5. restore's verification (its verify phase) by memory size
#
# Prints the tables and writes them to docs/PERFORMANCE.md between the
# "bench:begin" and "bench:end" markers (text outside them is kept).
# Needs root. Knobs (environment):
#   BENCH_SECTIONS   "overhead bpfcost rate cr" (any subset; also "unpinned":
#                    the kill9 storm unpinned, watch --json -o /dev/null
#                    against sigsnoop + exitsnoop, BENCH_UNPINNED_FORKS each)
#   BENCH_ROUNDS     9: rounds of the overhead section
#   BENCH_STORM_FORKS, BENCH_STORM_SIGNALS  2000, 300000: operations per storm
#   BENCH_RATE_SECS  4: seconds per kill rate run
#   BENCH_SIZES      "1 16 256 1024 4096 1024h" (MiB; h: half-populated)
#   BENCH_CR_REPS    7 (at most 3 from 4 GiB on)
#   BENCH_ALT        another pidtrace binary, measured as two more
#                    configurations (watch, watch --stacks): a change, side
#                    by side with the tree's build
#   BENCH_CRIU       a CRIU binary: the dump/restore section gets its column
#                    (criu dump/restore --shell-job of the same target)
#   BENCH_DOC        the file to write (docs/PERFORMANCE.md), "-" for none
#   BENCH_KEEP       keep the raw results; `run.sh --report DIR` prints them
#                    again
# The knobs and the machine facts below are read by the sourced scripts.
# shellcheck disable=SC2034
set -euo pipefail
cd "$(dirname "$0")/../.."
# Only stdin, stdout and stderr: a descriptor inherited from whatever
# started the bench (a pipe held outside) would make every dump of a
# target refuse it, rightly (as in tests/run.sh).
for fd in /proc/$$/fd/*; do
	fd=${fd##*/}
	[ "$fd" -gt 2 ] && [ "$fd" != 255 ] && eval "exec $fd>&-"
done 2>/dev/null
OUTPUT=${OUTPUT:-.output}
P=$OUTPUT/pidtrace
B=$OUTPUT/bench
PROGS=$OUTPUT/tests/progs
# shellcheck source=tools/bench/lib.sh
. tools/bench/lib.sh
# shellcheck source=tools/bench/tracer.sh
. tools/bench/tracer.sh
# shellcheck source=tools/bench/cr.sh
. tools/bench/cr.sh

ROUNDS=${BENCH_ROUNDS:-9}
SECTIONS=${BENCH_SECTIONS:-overhead bpfcost rate cr}
SIZES=${BENCH_SIZES:-1 16 256 1024 4096 1024h}
CR_REPS=${BENCH_CR_REPS:-7}
RATE_SECS=${BENCH_RATE_SECS:-4}
STORM_FORKS=${BENCH_STORM_FORKS:-2000}
STORM_SIGNALS=${BENCH_STORM_SIGNALS:-300000}
UNPINNED_FORKS=${BENCH_UNPINNED_FORKS:-3000}
DOC=${BENCH_DOC:-docs/PERFORMANCE.md}
CRIU=${BENCH_CRIU:-}
NCPU=$(nproc)

# --report DIR: print the tables of the raw results kept in DIR
# (BENCH_KEEP=1) again, and write them to the doc.
if [ "${1:-}" = --report ]; then
	W=${2:?usage: run.sh --report DIR}
	# shellcheck source=/dev/null
	. "$W/meta"
	# shellcheck source=tools/bench/report.sh
	. tools/bench/report.sh
	report >"$W/report.md"
	cat "$W/report.md"
	[ "$DOC" = - ] || doc_update "$DOC" "$W/report.md"
	exit 0
fi

# The dump/restore section runs again under a child subreaper. The shell's
# own messages about its jobs ("Killed": a dump kills its target) go to a
# log, progress to fd 3.
if [ "${1:-}" = --section-cr ]; then
	trap kill_started EXIT
	exec 3>&2 2>>"$W/cr.log"
	section_cr
	exit 0
fi
exec 3>&2

if [ "$(id -u)" != 0 ]; then
	echo "bench: needs root (BPF, ptrace of other processes)" >&2
	exit 1
fi
for f in "$P" "$B/storm" "$B/killrate" "$B/memtarget" "$B/refcopy" "$B/runstat" "$B/warm" "$B/tracerload" \
	"$PROGS/cr_reaper"; do
	[ -x "$f" ] || { echo "bench: $f is missing (run make bench)" >&2; exit 1; }
done
SIGSNOOP=$(dpkg -L libbpf-tools 2>/dev/null | grep '/sigsnoop$' | head -1) || true
EXITSNOOP=$(dpkg -L libbpf-tools 2>/dev/null | grep '/exitsnoop$' | head -1) || true
if [ -z "$SIGSNOOP" ] || [ -z "$EXITSNOOP" ]; then
	echo "bench: sigsnoop/exitsnoop not found (apt-get install libbpf-tools)" >&2
	exit 1
fi

# sigsnoop and exitsnoop use classic tracepoints: tracefs must be there
# (a fresh machine lacks it; pidtrace mounts it the same way).
if ! mountpoint -q /sys/kernel/tracing; then
	mount -t tracefs tracefs /sys/kernel/tracing || { echo "bench: cannot mount tracefs" >&2; exit 1; }
fi

W=$(mktemp -d "${TMPDIR:-/var/tmp}/pidtrace-bench.XXXXXX")
BPF_STATS_OLD=
cleanup() {
	kill_started
	[ -n "$BPF_STATS_OLD" ] && sysctl -qw kernel.bpf_stats_enabled="$BPF_STATS_OLD"
	if [ -n "${BENCH_KEEP:-}" ]; then note "raw results kept in $W"; else rm -rf "$W"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
export W P B SIZES CR_REPS OUTPUT CRIU

T0=$(date +%s)
DATE=$(date -u '+%Y-%m-%d %H:%M UTC')
COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD 2>/dev/null || COMMIT="$COMMIT + uncommitted changes"
MODEL=$(sed -n '/^model name/ { s/^[^:]*: //p; q }' /proc/cpuinfo)
MEM=$(awk '/^MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)
CMD="make bench"
for v in BENCH_ROUNDS BENCH_SECTIONS BENCH_SIZES BENCH_CR_REPS BENCH_RATE_SECS BENCH_CRIU \
	BENCH_STORM_FORKS BENCH_STORM_SIGNALS BENCH_UNPINNED_FORKS; do
	[ -n "${!v:-}" ] && CMD="$v='${!v}' $CMD"
done

for s in $SECTIONS; do
	case $s in
	overhead) section_overhead ;;
	unpinned) section_unpinned ;;
	bpfcost) section_bpfcost ;;
	rate) section_rate ;;
	cr) "$PROGS/cr_reaper" bash "$0" --section-cr ;;
	*) echo "bench: unknown section '$s'" >&2; exit 2 ;;
	esac
done
ELAPSED=$(($(date +%s) - T0))
# What the report needs, to print it again from the raw results (--report).
for v in DATE COMMIT MODEL MEM CMD ELAPSED NCPU ROUNDS SIZES CR_REPS RATE_SECS STORM_FORKS \
	STORM_SIGNALS UNPINNED_FORKS TRACERS RATE_TRACERS CRIU; do
	printf '%s=%q\n' "$v" "${!v}"
done >"$W/meta"
echo "KERNEL=$(uname -r)" >>"$W/meta"

# shellcheck source=tools/bench/report.sh
. tools/bench/report.sh
report >"$W/report.md"
cat "$W/report.md"
if [ "$DOC" != - ]; then
	doc_update "$DOC" "$W/report.md"
	note "tables written to $DOC"
fi
