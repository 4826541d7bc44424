// SPDX-License-Identifier: GPL-2.0
/* pending_gens.c - generations waiting for their victim's death (see pending_gens.h). */
#include <stdlib.h>

#include "pending_gens.h"

#define BUCKETS 1024
#define MAX_AGE_NS (120ULL * 1000000000ULL)

struct pending_gens {
	struct pending_gen *bucket[BUCKETS];
};

static unsigned int bucket_of(uint32_t tgid)
{
	return (tgid * 2654435761u) % BUCKETS;
}

struct pending_gens *pending_gens__new(void)
{
	return calloc(1, sizeof(struct pending_gens));
}

void pending_gens__free(struct pending_gens *pg)
{
	unsigned int b;

	if (!pg)
		return;
	for (b = 0; b < BUCKETS; b++)
		pending_gens__free_list(pg->bucket[b]);
	free(pg);
}

static void expire(struct pending_gens *pg, unsigned int b, uint64_t now)
{
	struct pending_gen **pp = &pg->bucket[b];

	while (*pp) {
		struct pending_gen *p = *pp;

		if (now > p->ev.hdr.ts_ns + MAX_AGE_NS) {
			*pp = p->next;
			free(p);
		} else {
			pp = &p->next;
		}
	}
}

void pending_gens__add(struct pending_gens *pg, const struct pt_signal_event *ev,
		       const struct pt_ustack *u)
{
	unsigned int b = bucket_of(ev->victim.pid);
	struct pending_gen *p, **tail;
	int n = 0;

	expire(pg, b, ev->hdr.ts_ns);
	for (tail = &pg->bucket[b]; *tail; tail = &(*tail)->next)
		if ((*tail)->ev.victim.pid == ev->victim.pid)
			n++;
	if (n >= PENDING_GENS_MAX_PER_GROUP)
		return;
	p = malloc(sizeof(*p));
	if (!p)
		return;
	p->ev = *ev;
	p->has_u = u != NULL;
	if (u)
		p->u = *u;
	p->next = NULL;
	*tail = p; /* oldest first */
}

struct pending_gen *pending_gens__take(struct pending_gens *pg, uint32_t tgid)
{
	struct pending_gen **pp = &pg->bucket[bucket_of(tgid)], *out = NULL, **otail = &out;

	while (*pp) {
		struct pending_gen *p = *pp;

		if (p->ev.victim.pid == tgid) {
			*pp = p->next;
			p->next = NULL;
			*otail = p;
			otail = &p->next;
		} else {
			pp = &p->next;
		}
	}
	return out;
}

void pending_gens__free_list(struct pending_gen *list)
{
	while (list) {
		struct pending_gen *next = list->next;

		free(list);
		list = next;
	}
}

size_t pending_gens__count(const struct pending_gens *pg, int signo)
{
	const struct pending_gen *p;
	size_t n = 0;
	unsigned int b;

	for (b = 0; b < BUCKETS; b++)
		for (p = pg->bucket[b]; p; p = p->next)
			n += !signo || p->ev.sig == signo;
	return n;
}
