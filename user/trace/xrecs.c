// SPDX-License-Identifier: GPL-2.0
/* xrecs.c - a growing array of explained records (see xrecs.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "xrecs.h"

/**
 * xrecs__push() - keep a copy of a record at the end
 * @a: the array
 * @r: the record
 *
 * Return: 0, or -ENOMEM (@a is unchanged).
 */
int xrecs__push(struct xrecs *a, const struct xrec *r)
{
	size_t cap = a->cap ? a->cap * 2 : 64;
	struct xrec *v;

	if (a->n == a->cap) {
		/* reallocarray(): a size that overflows fails, never wraps. */
		v = reallocarray(a->v, cap, sizeof(*v));
		if (!v)
			return -ENOMEM;
		a->v = v;
		a->cap = cap;
	}
	a->v[a->n++] = *r;
	return 0;
}

/* Release the records; @a is empty again (NULL is accepted). */
void xrecs__free(struct xrecs *a)
{
	if (!a)
		return;
	free(a->v);
	a->v = NULL;
	a->n = a->cap = 0;
}

void xrecs__add_unknown(struct xrec *r, const char *fmt, const char *arg)
{
	if (r->nunknown == X_MAX_UNKNOWN)
		return;
	snprintf(r->unknown[r->nunknown++], sizeof(r->unknown[0]), fmt, arg);
}
