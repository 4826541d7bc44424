/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kinds_show.h - what the kinds' `pidtrace show` parts share: JSON numbers
 * as the rest of show writes them, and bit sets and signal sets by name.
 */
#ifndef PT_KINDS_SHOW_H
#define PT_KINDS_SHOW_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "files.pb-c.h"

/* "0x1f" as a JSON string (64-bit values do not survive every JSON reader). */
struct json_object *kinds_show__hex(uint64_t v);
struct json_object *kinds_show__u64(uint64_t v);
void kinds_show__add(struct json_object *o, const char *k, struct json_object *v);

struct kinds_show_bit {
	uint32_t bit;
	const char *name;
};

/* The bits of @v by name, "|"-separated; what has no name is kept in hex. */
void kinds_show__bits(uint32_t v, const struct kinds_show_bit *names, size_t count, char *buf,
		      size_t len);
/* "SIGUSR1,SIGRTMIN+2": bit N-1 of @mask is signal N. */
/* ", N bytes of unread events dropped at dump" for an fd that had some, else "". */
const char *kinds_show__dropped(const FdEntry *e, char *buf, size_t len);
void kinds_show__signals(uint64_t mask, char *buf, size_t len);

#endif
