/* SPDX-License-Identifier: GPL-2.0 */
/*
 * restore_procfile.h - /proc/N files of processes outside the tree: of the
 * same live process, or of a dead one through a stand-in with its pid.
 */
#ifndef RESTORE_PROCFILE_H
#define RESTORE_PROCFILE_H

#include <stdbool.h>
#include <sys/types.h>

#include "files.pb-c.h"

struct restore_ctx;

/*
 * /proc/PID/... of a task of the image: the restored task has the same
 * pid, so the same path names its file, as a new inode. With --pidns the
 * path would name a host process instead.
 */
bool restore_procfile__in_tree(const struct restore_ctx *ctx, const char *path);
/* Open @e (e->proc_pid set). Return: the fd, or -errno after restore_ctx__fail(). */
int restore_procfile__open(struct restore_ctx *ctx, pid_t pid, const FdEntry *e);

#endif
