/* SPDX-License-Identifier: GPL-2.0 */
/*
 * restore_ghost.h - files that were deleted while mapped (dump_ghost.h),
 * made again as nameless files with their contents before any stub
 * exists: each stub inherits them at the same fd numbers, restore_mem.c
 * maps them where the tasks had them (and makes one the exe file when the
 * executable itself was deleted), restore_files.c hands them to the fds
 * of the same deleted file, so that mappings and fds share one inode
 * again.
 */
#ifndef PT_RESTORE_GHOST_H
#define PT_RESTORE_GHOST_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "restore_ctx.h"

/*
 * restore_ghost__create() - one nameless file per deleted inode the
 * image's mappings name, filled, sized, owned and moded as it was, open
 * read-only in pidtrace (close-on-exec: the stubs fork, never exec).
 * Context: before the stubs are forked.
 * Return: 0 or -errno (said through restore_ctx__fail()).
 */
int restore_ghost__create(struct restore_ctx *ctx);

/* The fd (the same in pidtrace and every stub) of file (@dev, @ino), or -1. */
int restore_ghost__fd(const struct restore_ctx *ctx, uint64_t dev, uint64_t ino);

/*
 * The fd of file (@dev, @ino) opened through @path, the name a mapping, an
 * fd or the exe link had at dump (restore_named.c), else its nameless one
 * (restore_ghost__fd()), or -1.
 */
int restore_ghost__named_fd(const struct restore_ctx *ctx, uint64_t dev, uint64_t ino,
			   const char *path);

/*
 * Every ghost fd (nameless and named) into @out (NULL: just count them), for the --pidns init,
 * which closes everything else. Return: how many.
 */
size_t restore_ghost__fds(const struct restore_ctx *ctx, int *out);

/*
 * restore_ghost__open_fd() - when @e (an fd of task @pid) is an FD_DELETED
 * fd of a file that is also mapped, a new description of the ghost with
 * @e's flags and position.
 * Return: the fd, -ENOENT when @e is not such an fd (nothing said), or
 * another -errno (said through restore_ctx__fail()).
 */
int restore_ghost__open_fd(struct restore_ctx *ctx, pid_t pid, const FdEntry *e);

/* Close the ghosts (they live on in the tasks that map or hold them). */
/*
 * The saved contents of the deleted file (@dev, @ino): a mapping's, else
 * an FD_DELETED fd's (data_here), or NULL when the image lacks them.
 */
const DeletedFileEntry *restore_ghost__data(const struct restore_ctx *ctx, uint64_t dev,
					   uint64_t ino);

void restore_ghost__close(struct restore_ctx *ctx);

#endif
