/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tracer.h - the BPF tracer's life cycle: open, configure the in-kernel
 * filters, load, attach, read the ring buffer, report counters, free.
 * Events reach the caller raw (bpf/pidtrace.h records) through on_event.
 */
#ifndef PT_TRACER_H
#define PT_TRACER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "pidtrace.h"

struct tracer;

struct tracer_opts {
	struct pt_filter_cfg filter;
	size_t ringbuf_bytes; /* 0: the default (4 MiB); rounded to a power of two */
	int (*on_event)(void *ctx, const void *data, size_t size);
	void *ctx;
	/* With filter.registry: pin the death registry here (reused if it
	 * exists, so the history survives a restart of the tracer). */
	const char *registry_pin;
	/* The restore's tracer (bpf/watchdog.bpf.c, a light skeleton): loads in
	 * a third of the time; no lineage, no registry; tracer__sync() works. */
	bool light;
	/* tracer__start() keeps its error for tracer__error() instead of
	 * saying it (it may run in a thread while the caller fails first). */
	bool defer_errors;
};

struct tracer_stats {
	uint64_t events;   /* records submitted by the kernel side */
	uint64_t drops;	   /* records lost: ring buffer full */
	uint64_t filtered; /* signals the kernel side filtered out */
	uint64_t shed;	   /* records left out under pressure to keep room for kills */
};

/* Open the BPF object and set its filters. Return: NULL with errno set. */
struct tracer *tracer__new(const struct tracer_opts *opts);
/* Add a thread group to the pid filter (before or after start). Return: 0 or -errno. */
int tracer__track(struct tracer *t, pid_t pid);
/* Load and attach every program. Return: 0 or -errno (error already reported,
 * unless opts.defer_errors). */
int tracer__start(struct tracer *t);
/* Why tracer__start() failed, in a sentence ("" if it did not). */
const char *tracer__error(const struct tracer *t);
/* Wait up to timeout_ms for events and hand them to on_event.
 * Return: number of records consumed, or -errno (-EINTR on a signal). */
int tracer__poll(struct tracer *t, int timeout_ms);
/* Read whatever is in the ring buffer without waiting. */
int tracer__drain(struct tracer *t);
/*
 * Read every record the kernel side reserved before this call, on any CPU,
 * waiting up to timeout_ms for records still being written (opts.light only).
 * Return: 0, -ETIMEDOUT, -EOPNOTSUPP or -errno.
 */
int tracer__sync(struct tracer *t, int timeout_ms);
int tracer__stats(struct tracer *t, struct tracer_stats *st);
/* BPF programs attached by the full tracer (0 before start, and for the light one). */
unsigned tracer__programs(const struct tracer *t);
/* Detach and free; accepts NULL. */
void tracer__free(struct tracer *t);

#endif
