/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kind_deleted.h - a deleted file's saved contents in `pidtrace show
 * --json`, for a deleted fd and for a mapping of a deleted file alike.
 */
#ifndef PT_KIND_DELETED_H
#define PT_KIND_DELETED_H

#include <json-c/json.h>

#include "files.pb-c.h"

/* "atime_ns", "mtime_ns" and "data_ranges" ([[offset, length]...]) into @k. */
void kind_deleted__json_data(const DeletedFileEntry *d, struct json_object *k);

#endif
