/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kind_fifo.h - what the image says of a named FIFO fd (FD_FIFO), read
 * back: its check before restore, and `pidtrace show`'s plain and JSON
 * forms. Dump and restore are dump_fifo.h's and restore_fifo.h's.
 */
#ifndef PT_KIND_FIFO_H
#define PT_KIND_FIFO_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

#include "files.pb-c.h"
#include "image_int.h"

/* Return: 0, or -EINVAL with the damage printed (image_check.h's bad()). */
int kind_fifo__check(struct image *img, const char *n, const FdEntry *e);

/* One line for show's OBJECT column ("PATH (fifo, 12 bytes saved here)"). */
bool kind_fifo__describe(const FdEntry *e, char *buf, size_t len);

/* Its "fifo" object in show --json's fd @o. */
void kind_fifo__json(const FdEntry *e, struct json_object *o);

#endif
