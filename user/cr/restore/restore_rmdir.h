/* SPDX-License-Identifier: GPL-2.0 */
#ifndef RESTORE_RMDIR_H
#define RESTORE_RMDIR_H

#include <stdint.h>

struct restore_ctx;

int restore_rmdir__make(struct restore_ctx *ctx, pid_t pid, const char *path, uint32_t mode,
			uint32_t uid, uint32_t gid);
/* The removed parents of @path made again (removed with restore_rmdir__remove()). */
int restore_rmdir__parents(struct restore_ctx *ctx, pid_t pid, const char *path);
void restore_rmdir__remove(struct restore_ctx *ctx);

#endif
