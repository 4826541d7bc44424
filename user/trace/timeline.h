/* SPDX-License-Identifier: GPL-2.0 */
/*
 * timeline.h - a Chrome trace-event JSON file (opens in Perfetto and
 * chrome://tracing): one track per task with its lifetime, signals as
 * instant events carrying their explanation, exits as instant events.
 */
#ifndef PT_TIMELINE_H
#define PT_TIMELINE_H

#include <stddef.h>
#include <stdint.h>

#include "explain.h"
#include "lineage.h"

/*
 * Write the timeline of tree @l with deaths @deaths to @path; times are
 * relative to @t0_ns (monotonic), @end_ns closes tasks still running.
 * Return: 0 or -errno.
 */
int timeline__write(const char *path, const struct lineage *l, const struct xrec *deaths,
		    size_t ndeaths, uint64_t t0_ns, uint64_t end_ns);

#endif
