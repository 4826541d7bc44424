/* SPDX-License-Identifier: GPL-2.0 */
/*
 * restore_node.h - removed nodes without contents (device nodes, O_PATH
 * symlinks, FIFOs, sockets) made again, opened and removed.
 */
#ifndef RESTORE_NODE_H
#define RESTORE_NODE_H

#include <sys/types.h>

#include "files.pb-c.h"

struct restore_ctx;

/*
 * Make @e's removed node again at e->path, open it with e's flags and
 * remove it. Return: the new fd, or -errno after restore_ctx__fail().
 */
int restore_node__open(struct restore_ctx *ctx, pid_t pid, const FdEntry *e);

#endif
