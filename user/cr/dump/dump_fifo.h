/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dump_fifo.h - named FIFOs: the fd's path and mode, and the FIFO's unread
 * bytes once per FIFO (restore_fifo.h opens them again).
 */
#ifndef PT_DUMP_FIFO_H
#define PT_DUMP_FIFO_H

#include <stdbool.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "dump_ctx.h"

/* Whether fd link @link with stat @st is a named FIFO (not a pipe:[N]). */
bool dump_fifo__claims(const char *link, const struct stat *st);

/**
 * dump_fifo__fd() - describe FIFO fd @fd of @pid into @e (FD_FIFO, path,
 * fifo); the caller filled flags, pos, dev, ino, mode. The first fd of
 * the tree on a FIFO carries its unread bytes (read without taking them).
 * Context: the task is stopped (seized).
 * Return: 0, -EOPNOTSUPP (refused, printed), -ESRCH, other -errno (not printed).
 */
int dump_fifo__fd(struct dump_ctx *ctx, pid_t pid, int fd, const char *link,
		  const struct stat *st, FdEntry *e);

/* Free what the module keeps in @ctx. */
void dump_fifo__free(struct dump_ctx *ctx);

#endif
