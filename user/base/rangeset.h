/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rangeset.h - a set of [a, b) ranges of addresses (restore_cow.c: which
 * pages a region holds, which are still to write or to drop).
 */
#ifndef PT_RANGESET_H
#define PT_RANGESET_H

#include <stddef.h>
#include <stdint.h>

struct range {
	uint64_t a, b;
};

struct rangeset {
	struct range *r;
	size_t n, cap;
};

/* Append [a, b) (nothing when empty). Return: 0 or -ENOMEM. */
int rangeset__add(struct rangeset *s, uint64_t a, uint64_t b);
/* Sort, and merge overlapping and touching ranges. */
void rangeset__norm(struct rangeset *s);
/* Append [a, b) minus normalized @y to @out. Return: 0 or -ENOMEM. */
int rangeset__sub_range(uint64_t a, uint64_t b, const struct rangeset *y, struct rangeset *out);
void rangeset__free(struct rangeset *s);

#endif
