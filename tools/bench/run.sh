#!/bin/bash
# tools/bench/run.sh - `make bench` (issue 7): what pidtrace costs and how
# fast it is, side by side with what it is measured against, in one run.
#
#   1. tracer overhead: fork/SIGKILL/reap, fork/exit and ignored-signal
#      storms with no tracer, pidtrace watch, pidtrace watch --stacks and
#      sigsnoop + exitsnoop; BPF run time per operation (kernel bpf stats)
#   2. the highest kill rates, the ring buffer's drops and sheds
#   3. dump and restore against a reference copier, by memory size
#   4. the share of each restore phase
#
# Prints the tables and writes them to docs/PERFORMANCE.md between the
# "bench:begin" and "bench:end" markers (text outside them is kept).
# Needs root. Knobs (environment): BENCH_ROUNDS (7), BENCH_SECTIONS
# ("overhead bpfcost rate cr"), BENCH_SIZES ("1 16 256 1024 4096 1024h",
# h = half-populated), BENCH_CR_REPS (5; at most 3 from 4 GiB on),
# BENCH_RATE_SECS (4),
# BENCH_STORM_FORKS (2000), BENCH_STORM_SIGNALS (300000), BENCH_DOC (the
# file to write, "-" for none), BENCH_KEEP (keep the raw results).
set -euo pipefail
cd "$(dirname "$0")/../.."
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

ROUNDS=${BENCH_ROUNDS:-7}
SECTIONS=${BENCH_SECTIONS:-overhead bpfcost rate cr}
SIZES=${BENCH_SIZES:-1 16 256 1024 4096 1024h}
CR_REPS=${BENCH_CR_REPS:-5}
RATE_SECS=${BENCH_RATE_SECS:-4}
STORM_FORKS=${BENCH_STORM_FORKS:-2000}
STORM_SIGNALS=${BENCH_STORM_SIGNALS:-300000}
DOC=${BENCH_DOC:-docs/PERFORMANCE.md}
NCPU=$(nproc)

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
for f in "$P" "$B/storm" "$B/killrate" "$B/memtarget" "$B/refcopy" "$B/runstat" "$B/warm" \
	"$PROGS/cr_reaper"; do
	[ -x "$f" ] || { echo "bench: $f is missing (run make bench)" >&2; exit 1; }
done
SIGSNOOP=$(dpkg -L libbpf-tools 2>/dev/null | grep '/sigsnoop$' | head -1) || true
EXITSNOOP=$(dpkg -L libbpf-tools 2>/dev/null | grep '/exitsnoop$' | head -1) || true
if [ -z "$SIGSNOOP" ] || [ -z "$EXITSNOOP" ]; then
	echo "bench: sigsnoop/exitsnoop not found (apt-get install libbpf-tools)" >&2
	exit 1
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
export W P B SIZES CR_REPS OUTPUT

T0=$(date +%s)
DATE=$(date -u '+%Y-%m-%d %H:%M UTC')
COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD 2>/dev/null || COMMIT="$COMMIT + uncommitted changes"
MODEL=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
MEM=$(awk '/^MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)
CMD="make bench"
for v in BENCH_ROUNDS BENCH_SECTIONS BENCH_SIZES BENCH_CR_REPS BENCH_RATE_SECS \
	BENCH_STORM_FORKS BENCH_STORM_SIGNALS; do
	[ -n "${!v:-}" ] && CMD="$v='${!v}' $CMD"
done

for s in $SECTIONS; do
	case $s in
	overhead) section_overhead ;;
	bpfcost) section_bpfcost ;;
	rate) section_rate ;;
	cr) "$PROGS/cr_reaper" bash "$0" --section-cr ;;
	*) echo "bench: unknown section '$s'" >&2; exit 2 ;;
	esac
done
ELAPSED=$(($(date +%s) - T0))

# shellcheck source=tools/bench/report.sh
. tools/bench/report.sh
report >"$W/report.md"
cat "$W/report.md"
if [ "$DOC" != - ]; then
	doc_update "$DOC" "$W/report.md"
	note "tables written to $DOC"
fi
