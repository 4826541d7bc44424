/* SPDX-License-Identifier: GPL-2.0 */
/*
 * explain_record.h - filling an explained record (struct xrec) from the
 * BPF side's records (explain_record.c), for explain.c.
 */
#ifndef PT_EXPLAIN_RECORD_H
#define PT_EXPLAIN_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "pidtrace.h"
#include "xrecs.h"

struct symbolizer;

/* @x as the BPF side saw task @t (its cgroup path comes apart: _cgpath). */
void explain_record__task(struct xtask *x, const struct pt_task *t);
/* @r's time: @mono (the BPF clock), and the wall time @wall_off_ns away. */
void explain_record__wall(struct xrec *r, int64_t wall_off_ns, uint64_t mono);
/* Join the leaf-first names the BPF side read into "/a/b/c". */
void explain_record__cgpath(const struct pt_cgpath *p, char *buf, size_t len);
/*
 * The generation part of @r from @g (NULL: none seen) and the sender's
 * stack @u, stacks symbolized with @sym, and the cause class from all of
 * @g, the exit @x and the OOM choice @oom.
 */
void explain_record__generation(struct symbolizer *sym, struct xrec *r,
				const struct pt_signal_event *g, const struct pt_ustack *u,
				const struct pt_exit_event *x, const struct pt_oom_event *oom);

#endif
