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
/*
 * Task @pid's cwd is dead pid fi->cwd_proc_pid's directory: its stand-in,
 * alive until restore_files__helpers_die(). 0, or -errno after
 * restore_ctx__fail().
 */
int restore_procfile__cwd(struct restore_ctx *ctx, pid_t pid, const FilesImage *fi);
/* The path a task enters as its cwd (fi->cwd, or "/proc/N" for a dead N's). */
const char *restore_procfile__cwd_path(const FilesImage *fi);
/* Open @e (e->proc_pid set). Return: the fd, or -errno after restore_ctx__fail(). */
int restore_procfile__open(struct restore_ctx *ctx, pid_t pid, const FdEntry *e);

#endif
