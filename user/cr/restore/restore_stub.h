/* SPDX-License-Identifier: GPL-2.0 */
/*
 * restore_stub.h - the stub protocol (restore_tree.c, restore_ns.c): a command on the
 * stub's control socket (SOCK_SEQPACKET), a reply with a result.
 */
#ifndef PT_RESTORE_STUB_H
#define PT_RESTORE_STUB_H

#include "restore_ctx.h"

enum stub_op {
	STUB_FORK = 1,	/* arg: task index; reply: its pid */
	STUB_SETSID,
	STUB_SETPGID,	/* arg: pgid, 0 for its own */
	STUB_EXIT,	/* arg: wait status; no reply */
	STUB_CTTY,	/* arg: N: open /dev/pts/N, its controlling terminal (kinds.h ctty_pts) */
	INIT_HOLD,	/* an fd comes with it (SCM_RIGHTS); reply: its number */
	INIT_RUN,	/* arg: detach; reply: 0, then the root's wait status */
	INIT_HELPER,	/* arg: pidfd target index; reply: the helper's pid */
	INIT_HELPER_DIE, /* arg: helper pid; reply: its wait status, reaped */
	STUB_COW,	/* arg: task index; map its regions to fill (restore_cow.c) */
	STUB_PGRP_LEAD,	/* arg: pgid; fork a helper that leads it (restore_pgrp.c) */
	STUB_PGRP_END,	/* the helper exits, reaped */
	STUB_CTTY_DEV,	/* arg: task index; take its core's ctty_dev (restore_ctty.c) */
};

struct stub_cmd {
	int op;
	int arg;
};

struct stub_reply {
	long ret; /* >= 0, or -errno */
};

/* In pidtrace, a stub or the init: fork the stub of task @idx (restore_stub.c). Return: pid or -errno. */
long restore_stub__fork(struct restore_ctx *ctx, size_t idx);

#endif
