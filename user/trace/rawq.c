// SPDX-License-Identifier: GPL-2.0
/* rawq.c - raw tracer records held in user space, oldest first (see rawq.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rawq.h"

struct rawq_node {
	struct rawq_node *next;
	size_t size;
	unsigned char data[]; /* 8-byte aligned: records are read in place */
};

int rawq__push(struct rawq *q, const void *data, size_t size)
{
	struct rawq_node *n = malloc(sizeof(*n) + size);

	if (!n)
		return -ENOMEM;
	n->next = NULL;
	n->size = size;
	memcpy(n->data, data, size);
	if (q->tail)
		q->tail->next = n;
	else
		q->head = n;
	q->tail = n;
	q->n++;
	q->bytes += sizeof(*n) + size;
	if (q->bytes > q->peak_bytes)
		q->peak_bytes = q->bytes;
	return 0;
}

int rawq__pop(struct rawq *q, int (*fn)(void *ctx, const void *data, size_t size), void *ctx)
{
	struct rawq_node *n = q->head;
	int err;

	if (!n)
		return 0;
	q->head = n->next;
	if (!q->head)
		q->tail = NULL;
	q->n--;
	q->bytes -= sizeof(*n) + n->size;
	err = fn(ctx, n->data, n->size);
	free(n);
	return err < 0 ? err : 1;
}

void rawq__free(struct rawq *q)
{
	while (q->head) {
		struct rawq_node *n = q->head;

		q->head = n->next;
		free(n);
	}
	q->tail = NULL;
	q->n = 0;
	q->bytes = 0;
}
