/* SPDX-License-Identifier: GPL-2.0 */
/*
 * restore_pgrp.h - process groups whose leader had exited (zdtm zombie01),
 * made again with a helper task (restore_pgrp.c says how).
 */
#ifndef PT_RESTORE_PGRP_H
#define PT_RESTORE_PGRP_H

#include <stdbool.h>
#include <stdint.h>

#include "restore_ctx.h"

/*
 * Is @pgid a group of the tree that no task of it leads (its leader had
 * exited), which a helper makes? The root's group, when led outside the
 * tree, is not: the root inherits pidtrace's.
 */
bool restore_pgrp__helped(const struct restore_ctx *ctx, uint32_t pgid);

/*
 * restore_pgrp__lead() - for each such group, its first member's stub
 * forks a helper with the group's number as pid and makes it the leader
 * of a group of that number. restore_pgrp__end(): the helpers exit and
 * are reaped, once every member has joined. Context: every task created,
 * none a zombie yet. Return: 0 or -errno after restore_ctx__fail().
 */
int restore_pgrp__lead(struct restore_ctx *ctx);
int restore_pgrp__end(struct restore_ctx *ctx);

/* In a stub: STUB_PGRP_LEAD (@arg the group) and STUB_PGRP_END. Return: 0 or -errno. */
long restore_pgrp__stub(int op, int arg);

/*
 * restore_pgrp__set_fg() - make @pgrp the foreground group of terminal
 * @path (a pty: pty_restore.c, or a device: restore_ctty.c) of task @t's
 * session, through its fd @tfd (-1: @path opened in the task for it).
 * Return: 0, or -errno after restore_ctx__fail().
 */
int restore_pgrp__set_fg(struct restore_ctx *ctx, struct rtask *t, const char *path, int tfd,
			 pid_t pgrp);

#endif
