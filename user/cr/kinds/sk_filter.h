/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sk_filter.h - a socket's classic BPF filter (SO_ATTACH_FILTER) and
 * SO_LOCK_FILTER, for every socket kind: read at dump (SO_GET_FILTER
 * gives the program back as it was attached), checked in the image,
 * attached again at restore, compared by the restore's verification.
 */
#ifndef PT_SK_FILTER_H
#define PT_SK_FILTER_H

#include <stdbool.h>
#include <stddef.h>

#include "files.pb-c.h"

struct verify;

/*
 * sk_filter__dump() - the filter of socket @s (a copy in pidtrace) into
 * @e->sk_filter (left absent: no filter, not locked).
 * Return: 0; -EOPNOTSUPP with @why said (an eBPF program, which
 * SO_GET_FILTER cannot give); other -errno.
 */
int sk_filter__dump(int s, FdEntry *e, char *why, size_t len);

/* The image's filter: 0, or -EINVAL with @why said. */
int sk_filter__check(const FdEntry *e, char *why, size_t len);

/*
 * sk_filter__restore() - attach @e's filter to @s, then lock it, last
 * (a locked filter cannot change). Return: 0, or -errno with @what said.
 */
int sk_filter__restore(int s, const FdEntry *e, const char **what);

/* The restored socket @s has @e's filter and lock: 0 or the difference's error. */
int sk_filter__verify(struct verify *v, const FdEntry *e, int s);

/* ", filter of 14 instructions, locked" (empty: none) into @buf. */
void sk_filter__describe(const FdEntry *e, char *buf, size_t len);

/* show --json: "sk_filter": {"insns": N, "locked": B} in @o (nothing: none). */
struct json_object;
void sk_filter__json(const FdEntry *e, struct json_object *o);

#endif
