/* SPDX-License-Identifier: GPL-2.0 */
/*
 * inet_opts.h - the socket options of an inet socket kept as a list
 * (inet_sk_entry.opts): those a dump finds different from a new socket's,
 * set again by restore after bind(), before listen() or connect().
 */
#ifndef PT_INET_OPTS_H
#define PT_INET_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "files.pb-c.h"

/* The longest value kept (IP_OPTIONS: 40 bytes). */
#define INET_OPTS_MAX 64

struct inet_opt {
	int level, name;
	const char *what;	/* "SO_BROADCAST" */
};

/* Every option kept, in the order restore sets them. */
const struct inet_opt *inet_opts__all(size_t *n);
/* The option @level/@name, or NULL when it is not one of the list. */
const struct inet_opt *inet_opts__find(uint32_t level, uint32_t name);
/* Whether option @o is one a socket of @family and @protocol has. */
bool inet_opts__applies(const struct inet_opt *o, int family, int protocol);
/* An image's shutdown bits and options: 0, or -EINVAL with @why said. */
int inet_opts__check(const InetSkEntry *k, char *why, size_t len);
/* @s's value as text: an int in decimal, a name, else hex bytes. */
void inet_opts__value_str(const InetSockopt *s, char *buf, size_t len);

#endif
