/* SPDX-License-Identifier: GPL-2.0 */
/*
 * restore_fown.h - a file's O_ASYNC owner and signal, and O_ASYNC itself,
 * set again on pidtrace's descriptor of it (restore_fown.c).
 */
#ifndef PT_RESTORE_FOWN_H
#define PT_RESTORE_FOWN_H

#include "restore_ctx.h"

/*
 * restore_fown__apply() - F_SETOWN_EX (as the uid/euid that set it),
 * F_SETSIG and O_ASYNC for @fd, opened for fd @e of @pid. Every task and
 * thread exists by then. Return: 0 or -errno (said).
 */
int restore_fown__apply(struct restore_ctx *ctx, pid_t pid, const FdEntry *e, int fd);

#endif
