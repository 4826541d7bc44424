// SPDX-License-Identifier: GPL-2.0
/* kinds_show.c - helpers of the kinds' show parts (see kinds_show.h). */
#include <stdio.h>

#include "escape.h"
#include "kinds_show.h"
#include "names.h"

void kinds_show__add(struct json_object *o, const char *k, struct json_object *v)
{
	json_object_object_add(o, k, v);
}

struct json_object *kinds_show__hex(uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%lx", (unsigned long)v);
	return escape__json_string(buf);
}

struct json_object *kinds_show__u64(uint64_t v)
{
	return json_object_new_int64((int64_t)v);
}

void kinds_show__signals(uint64_t mask, char *buf, size_t len)
{
	char name[16];
	size_t n = 0;
	int sig;

	buf[0] = '\0';
	for (sig = 1; sig <= 64 && n < len; sig++)
		if (mask & (1ULL << (sig - 1)))
			n += snprintf(buf + n, len - n, "%s%s", n ? "," : "",
				      names__signame(sig, name, sizeof(name)));
}

void kinds_show__bits(uint32_t v, const struct kinds_show_bit *names, size_t count, char *buf,
		      size_t len)
{
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < count && n < len; i++)
		if (v & names[i].bit) {
			n += snprintf(buf + n, len - n, "%s%s", n ? "|" : "", names[i].name);
			v &= ~names[i].bit;
		}
	if (v && n < len)
		snprintf(buf + n, len - n, "%s0x%x", n ? "|" : "", v);
}

const char *kinds_show__dropped(const FdEntry *e, char *buf, size_t len)
{
	buf[0] = '\0';
	if (e->has_dropped_events)
		snprintf(buf, len, ", %u bytes of unread events dropped at dump", e->dropped_events);
	return buf;
}
