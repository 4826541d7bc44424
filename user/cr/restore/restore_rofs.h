/* SPDX-License-Identifier: GPL-2.0 */
/*
 * restore_rofs.h - deleted files made again by name, also on a mount that
 * is read-only by its own flag (restore_rofs.c).
 */
#ifndef PT_RESTORE_ROFS_H
#define PT_RESTORE_ROFS_H

#include <stddef.h>

#include "files.pb-c.h"

/*
 * restore_rofs__create_free() - create @path (relative to @at), or a free
 * name beside it ("PATH.pidtrace-PID-N"), O_EXCL, read-write; the name
 * used in @name (@len). Return: the fd or -errno.
 */
int restore_rofs__create_free(int at, const char *path, char *name, size_t len);

/*
 * restore_rofs__make() - make deleted file @d again in its directory on a
 * mount that is read-only by its flag: created, filled and unlinked
 * through a detached writable clone of that mount, opened through the
 * original mount (which stays read-only) before the unlink. Return: a
 * read-only fd on the original mount, or -errno.
 */
int restore_rofs__make(const DeletedFileEntry *d);

#endif
