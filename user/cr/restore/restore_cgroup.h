/* SPDX-License-Identifier: GPL-2.0 */
/*
 * restore_cgroup.h - restored tasks back in their cgroups (restore_cgroup.c).
 *
 *   check   _create(): the tree's cgroups that are gone, made again;
 *   seize   _task(): the process, before its memory is written;
 *   memory  _threads(): threads whose cgroups differ, once they exist;
 *   end     _end(): a failed restore removes the cgroups it made.
 * All but _end() return 0 or -errno after restore_ctx__fail() said what failed.
 */
#ifndef PT_RESTORE_CGROUP_H
#define PT_RESTORE_CGROUP_H

#include <stdbool.h>

#include "restore_ctx.h"

/* --cgroups MODE */
enum restore_cgroup_mode {
	RESTORE_CGROUPS_RESTORE,	/* make the tree's cgroups that are gone (default) */
	RESTORE_CGROUPS_IGNORE,		/* leave every task in pidtrace's cgroups */
	RESTORE_CGROUPS_EXISTING,	/* move tasks back, make no cgroup */
	RESTORE_CGROUPS_STRICT,		/* restore, and a cgroup that exists must be the image's */
};

/* "restore", "ignore", "existing", "strict": the mode, or -EINVAL. */
int restore_cgroup__parse_mode(const char *s);
int restore_cgroup__create(struct restore_ctx *ctx);
/*
 * Whether @path is a cgroup directory this restore made again: an fd on
 * it opens the same cgroup (by name, with the image's settings) under a
 * new inode, which restore_files.c and the verification accept for it.
 */
bool restore_cgroup__made(const struct restore_ctx *ctx, const char *path);
/* After the tasks are killed and reaped (@failed) or once the tree runs. */
void restore_cgroup__end(struct restore_ctx *ctx, bool failed);

int restore_cgroup__task(struct restore_ctx *ctx, struct rtask *t);
int restore_cgroup__threads(struct restore_ctx *ctx, struct rtask *t);

#endif
