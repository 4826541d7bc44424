/* SPDX-License-Identifier: GPL-2.0 */
/*
 * metrics.h - `watch --metrics FILE`: deaths and signals as Prometheus
 * counters in the text exposition format, for node_exporter's textfile
 * collector (docs/fleet.md).
 *
 * The file is rewritten whole, atomically (a temporary file in the same
 * directory, then rename()), at most once per second while something
 * changed and at least every heartbeat interval otherwise, so that a
 * scraper never reads half a file and a stale file (a tracer that died
 * without saying so) shows in node_textfile_mtime_seconds.
 *
 * Cardinality is bounded: no pid label ever; comm, cgroup and sender_comm
 * labels only when asked for, each with a cap on its distinct values past which deaths
 * count under the value "other" (and pidtrace_metrics_label_overflow_total
 * says so).
 */
#ifndef PT_METRICS_H
#define PT_METRICS_H

#include <stdbool.h>
#include <stdint.h>

#include "explain.h"

#define METRICS_LABEL_CAP_DEFAULT 64
#define METRICS_HEARTBEAT_S 15.0

struct metrics_opts {
	const char *path;     /* the .prom file node_exporter reads */
	bool by_comm;	      /* a comm label (the victim's) on deaths */
	bool by_cgroup;	      /* a cgroup label (the victim's) on deaths */
	bool by_sender;	      /* a sender_comm label: who sent it, "kernel" */
	unsigned label_cap;   /* distinct values per label, 0: the default */
	double min_interval_s; /* 0: one second */
	double heartbeat_s;    /* 0: METRICS_HEARTBEAT_S */
};

/* What the tracer itself reports, for the health metrics. */
struct metrics_health {
	uint64_t events, drops, shed;
	unsigned programs; /* BPF programs attached */
};

struct metrics;

/*
 * Check that the file can be written (a first write, with pidtrace_up 1).
 * Return: the metrics, or NULL with errno set after saying why in one line.
 */
struct metrics *metrics__new(const struct metrics_opts *opts);
/* Count one record (a death, or a signal reported with -s). */
void metrics__record(struct metrics *m, const struct xrec *r);
void metrics__health(struct metrics *m, const struct metrics_health *h);
/*
 * Rewrite the file if it is due (or @force). A failed write leaves the
 * previous file in place, is counted, and is said once per kind of error.
 * Return: 0 or the -errno of a failed write.
 */
int metrics__flush(struct metrics *m, bool force);
/* Write the last file (pidtrace_up 0) and free; accepts NULL. Return: 0 or -errno. */
int metrics__close(struct metrics *m);
/* Parse a list of "comm", "cgroup", "sender" into opts. Return: 0 or -EINVAL. */
int metrics__parse_labels(struct metrics_opts *opts, const char *arg);

#endif
