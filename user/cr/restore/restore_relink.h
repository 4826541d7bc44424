/* SPDX-License-Identifier: GPL-2.0 */
/*
 * restore_relink.h - a file unlinked at its path but linked elsewhere,
 * opened again as the same inode (by its file handle).
 */
#ifndef RESTORE_RELINK_H
#define RESTORE_RELINK_H

#include <sys/types.h>

#include "files.pb-c.h"

struct restore_ctx;

/*
 * Open @e's inode (e->relink_handle) by linking it at e->path, opening
 * that and unlinking it, at e->pos. Return: the fd, or -errno after
 * restore_ctx__fail().
 */
int restore_relink__open(struct restore_ctx *ctx, pid_t pid, const FdEntry *e);

#endif
