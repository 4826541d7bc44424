// SPDX-License-Identifier: GPL-2.0
/*
 * rangeset.c - sets of address ranges (see rangeset.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rangeset.h"

int rangeset__add(struct rangeset *s, uint64_t a, uint64_t b)
{
	struct range *r;

	if (a >= b)
		return 0;
	if (s->n == s->cap) {
		r = realloc(s->r, (s->cap ? s->cap * 2 : 16) * sizeof(*r));
		if (!r)
			return -ENOMEM;
		s->r = r;
		s->cap = s->cap ? s->cap * 2 : 16;
	}
	s->r[s->n++] = (struct range){ a, b };
	return 0;
}

static int cmp_range(const void *x, const void *y)
{
	const struct range *a = x, *b = y;

	return a->a < b->a ? -1 : a->a > b->a;
}

void rangeset__norm(struct rangeset *s)
{
	size_t i, o = 0;

	if (!s->n)
		return;
	qsort(s->r, s->n, sizeof(*s->r), cmp_range);
	for (i = 1; i < s->n; i++) {
		if (s->r[i].a <= s->r[o].b) {
			if (s->r[i].b > s->r[o].b)
				s->r[o].b = s->r[i].b;
		} else {
			s->r[++o] = s->r[i];
		}
	}
	s->n = o + 1;
}

int rangeset__sub_range(uint64_t a, uint64_t b, const struct rangeset *y, struct rangeset *out)
{
	size_t i;
	int err;

	for (i = 0; i < y->n && a < b; i++) {
		if (y->r[i].b <= a)
			continue;
		if (y->r[i].a >= b)
			break;
		err = rangeset__add(out, a, y->r[i].a > a ? y->r[i].a : a);
		if (err)
			return err;
		a = y->r[i].b;
	}
	return a < b ? rangeset__add(out, a, b) : 0;
}

void rangeset__free(struct rangeset *s)
{
	free(s->r);
	memset(s, 0, sizeof(*s));
}
