/* SPDX-License-Identifier: GPL-2.0 */
/*
 * restore_files.h - fds, cwd, root and umask; pipes and pidfds (restore_files.c).
 */
#ifndef PT_RESTORE_FILES_H
#define PT_RESTORE_FILES_H

#include "restore_ctx.h"

int restore_files__open(struct restore_ctx *ctx);
/*
 * During restore_files__open(): a new fd (pidtrace's) on the pipe end @e
 * names, the pipe made and refilled on first use. Return: fd or -errno
 * (restore_ctx__fail()ed).
 */
int restore_files__open_pipe(struct restore_ctx *ctx, pid_t pid, const FdEntry *e);
/*
 * The open step of the kinds reopened by path (kind_file.c) and of
 * pidfds (kind_pidfd.c): a new fd of pidtrace's, or -errno
 * (restore_ctx__fail()ed).
 */
int restore_files__open_path(struct restore_ctx *ctx, pid_t pid, const FdEntry *e);
int restore_files__open_pidfd(struct restore_ctx *ctx, pid_t holder, const FdEntry *e);
int restore_files__task(struct restore_ctx *ctx, struct rtask *t);
void restore_files__close(struct restore_ctx *ctx);
/*
 * Fork a helper standing for the reaped target @e, with its old pid when
 * free; it waits for a byte on @die_fd, then dies as the original did.
 */
pid_t restore_files__fork_helper(const struct restore_ctx *ctx, const PidfdTargetEntry *e,
				 int *die_fd);
/* Let the helpers of dead pidfd targets die as the originals did, reap them. */
int restore_files__helpers_die(struct restore_ctx *ctx);

#endif
