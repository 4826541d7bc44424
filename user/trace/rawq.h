/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rawq.h - raw tracer records held in user space, oldest first.
 *
 * `pidtrace run` explains records far more slowly (symbolizing the
 * sender's user stack, ~0.25 ms a death) than a storm of kills makes them
 * (2 000 deaths in ~20 ms, ~2.5 kB each with lineage). Left in the ring
 * buffer, they fill it past half, and the kernel side sheds every lineage
 * record from then on (the reaps of a storm, all of them). So run copies
 * each record out of the ring at once, here, and explains from here in
 * between reads: the ring stays near empty and the backlog lives in
 * ordinary memory (docs/PERFORMANCE.md measures it).
 * Zero-initialised it is empty.
 */
#ifndef PT_RAWQ_H
#define PT_RAWQ_H

#include <stddef.h>

struct rawq_node;

struct rawq {
	struct rawq_node *head, *tail;
	size_t n;
	size_t bytes, peak_bytes; /* held now, and at most */
};

/* Copy a record in at the tail. Return: 0 or -ENOMEM. */
int rawq__push(struct rawq *q, const void *data, size_t size);
/*
 * Hand the oldest record to @fn and drop it. Return: 0 when the queue is
 * empty, else 1, or @fn's error (<0; the record is dropped all the same).
 */
int rawq__pop(struct rawq *q, int (*fn)(void *ctx, const void *data, size_t size), void *ctx);
void rawq__free(struct rawq *q);

#endif
