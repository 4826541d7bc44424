/* SPDX-License-Identifier: GPL-2.0 */
/*
 * restore_stopped.h - a task that was in a group stop at dump is stopped
 * again as it is let go (dump_stopped.h recorded the signal).
 */
#ifndef PT_RESTORE_STOPPED_H
#define PT_RESTORE_STOPPED_H

#include "restore_ctx.h"

/**
 * restore_stopped__tree() - stop again, still held, each task stopped at
 * dump whose parent is in the tree, and leave each parent with what it
 * had kept of the stop's report at dump (restore_stopped.c). Before the
 * tasks' signal actions and pending signals are restored.
 * Return: 0 or -errno (restore_ctx__fail()ed).
 */
int restore_stopped__tree(struct restore_ctx *ctx);

/**
 * restore_stopped__before_detach() - for a task whose image says it was
 * stopped: queue its stop signal while pidtrace still holds it, so that
 * the first thing it does once detached is to stop, and its parent is
 * told (SIGCHLD, waitpid WUNTRACED) as when it first stopped.
 * Return: 0 or -errno (restore_ctx__fail()ed).
 */
int restore_stopped__before_detach(struct restore_ctx *ctx, struct rtask *t);

#endif
