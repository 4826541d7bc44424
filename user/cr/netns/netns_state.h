/* SPDX-License-Identifier: GPL-2.0 */
/*
 * netns_state.h - a net namespace read, for making it again: the links and
 * addresses restore recreates (netns_made in netns.proto), and the whole
 * namespace as lines of text (netns_lines.c) compared with a namespace
 * made from them. The namespace is the calling thread's.
 */
#ifndef PT_NETNS_STATE_H
#define PT_NETNS_STATE_H

#include <stdbool.h>
#include <stddef.h>

#include "netns.pb-c.h"

/*
 * netns_state__read() - the calling thread's net namespace into @m (links,
 * addresses, state lines). What restore could not make (a link of another
 * kind, an IPv6 address with a lifetime) is said in @why (else "").
 * Return: 0 or -errno.
 */
int netns_state__read(NetnsMade *m, char *why, size_t len);
/* Until no IPv6 address of the namespace is tentative (at most 5 s). */
void netns_state__settle(void);
/* What netns_state__read() put in @m (and @m itself stays). */
void netns_state__free(NetnsMade *m);

/* Lines that begin so (firewall counters, conntrack's TCP flags) move once
 * the tree's sockets are made: restore's verification leaves them out. */
#define NETNS_MOVING "moving "

/*
 * netns_state__diff() - the first difference between sorted line sets @a
 * (the tree's) and @b (made again), NETNS_MOVING lines too when @all:
 * *@only_a the first line only @a has (else NULL), *@only_b the first
 * only @b has. Return: true if they differ.
 */
bool netns_state__diff(const NetnsMade *a, const NetnsMade *b, bool all, const char **only_a,
		       const char **only_b);

/* Append a line to @m->state (printf). Return 0 or -ENOMEM. */
int netns_state__add(NetnsMade *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* netns_lines.c: routes, rules, neighbours, firewall, xfrm, sysctls. */
int netns_lines__read(NetnsMade *m);

/* A link of @m by name, NULL if none. */
const NetnsLink *netns_state__link(const NetnsMade *m, const char *name);

#endif
