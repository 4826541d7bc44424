/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kind_scm.h - the files in flight (SCM_RIGHTS) of a unix socket's queue
 * as the image holds them: their check before restore and `pidtrace
 * show`'s plain and JSON forms (dump_scm.h, restore_scm.h do the work).
 */
#ifndef PT_KIND_SCM_H
#define PT_KIND_SCM_H

#include <json-c/json.h>

#include "files.pb-c.h"
#include "image_int.h"

/* Return: 0, or -EINVAL with the damage printed. */
int kind_scm__check(struct image *img, const char *n, const FdEntry *e);

/* One line per message with files, under the fd's line. */
void kind_scm__print(const FdEntry *e);

/* "in_flight": [{ "at", "fds": [{ "type", "flags", "ofd_id", "pipe_ino" }] }] in @unix. */
void kind_scm__json(const FdEntry *e, struct json_object *unix_obj);

#endif
