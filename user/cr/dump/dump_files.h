/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dump_files.h - a task's fd table; pipes and pidfds once for the tree (dump_files.c).
 */
#ifndef PT_DUMP_FILES_H
#define PT_DUMP_FILES_H

#include "dump_ctx.h"

/* dump_files.c: the fd table of a live task; pipes and pidfds at the end. */
int dump_files__task(struct dump_ctx *ctx, struct dump_task *t);
int dump_files__shared(struct dump_ctx *ctx);
/*
 * The ofd_id of fd @fd of @pid (on dev, ino): the id of an open file
 * description seen before (kcmp), or a new one; (pid, fd) is kept to
 * compare later fds with, so it must stay open until the dump ends.
 */
int dump_files__ofd_id(struct dump_ctx *ctx, pid_t pid, int fd, uint64_t dev, uint64_t ino,
		       uint32_t mode, uint32_t *id);
/* Pipe @ino's buffered bytes into pipes.img once, read through fd @fd of @pid. */
int dump_files__capture_pipe(struct dump_ctx *ctx, pid_t pid, int fd, uint64_t ino);

#endif
