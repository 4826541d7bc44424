/* SPDX-License-Identifier: GPL-2.0 */
/* show_fown.h - an fd's O_ASYNC owner in `pidtrace show` (show_fown.c). */
#ifndef PT_SHOW_FOWN_H
#define PT_SHOW_FOWN_H

#include <json-c/json.h>

#include "files.pb-c.h"

/* A line under the fd's: "O_ASYNC signals go to pid 123 ..., signal SIGIO". */
void show_fown__print(const FdEntry *e);
/* Its "owner" object in show --json's fd @o. */
void show_fown__json(const FdEntry *e, struct json_object *o);

#endif
