/* SPDX-License-Identifier: GPL-2.0 */
/*
 * restore_fifo.h - named FIFOs opened again (dump_fifo.h saved them).
 */
#ifndef PT_RESTORE_FIFO_H
#define PT_RESTORE_FIFO_H

#include <sys/types.h>

#include "restore_ctx.h"

/**
 * restore_fifo__open() - a new description of FIFO fd @e of @pid, with its
 * open mode and flags. The first time a FIFO is met pidtrace opens it
 * read-write (by path, checked to be the same inode; a deleted one made
 * again), refills its unread bytes, and holds it until
 * restore_fifo__close(): so either end opens alone without blocking.
 * Return: the fd (pidtrace's, O_CLOEXEC) or -errno (restore_ctx__fail()ed).
 */
int restore_fifo__open(struct restore_ctx *ctx, pid_t pid, const FdEntry *e);

/* Close what pidtrace holds (after the tasks took their fds). */
void restore_fifo__close(struct restore_ctx *ctx);

#endif
