/* SPDX-License-Identifier: GPL-2.0 */
/*
 * unix_opts.h - the other SOL_SOCKET options of a unix socket (SO_PASSSEC,
 * priority, mark, timeouts...): those that differ from a new socket's,
 * kept in unix_sk_entry.opts.
 */
#ifndef PT_UNIX_OPTS_H
#define PT_UNIX_OPTS_H

#include <stdbool.h>
#include <stdint.h>

#include "files.pb-c.h"

/* Those of socket @s (of @type) that differ from a new one's, into @u->opts. Return: 0, -errno. */
int unix_opts__dump(int s, int type, UnixSkEntry *u);

/* Whether @level/@name is one of the options kept (image check, restore). */
bool unix_opts__known(uint32_t level, uint32_t name);

/* Set @u's options on the new socket @s. Return: 0, -EINVAL (not one kept), -errno. */
int unix_opts__apply(int s, const UnixSkEntry *u);

/*
 * 1 when @s has another value of one of @u's options: its @name, the
 * first 8 bytes of the image's value (@img) and of @s's (@cur). Else 0.
 */
int unix_opts__differs(int s, const UnixSkEntry *u, uint32_t *name, uint64_t *img, uint64_t *cur);

#endif
