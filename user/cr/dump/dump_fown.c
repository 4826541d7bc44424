// SPDX-License-Identifier: GPL-2.0
/*
 * dump_fown.c - who gets a file's O_ASYNC signals (see dump_fown.h).
 *
 * The owner lives on the open file description, so pidtrace reads it on
 * a copy of the fd (pidfd_getfd): F_GETOWN_EX, F_GETSIG, and
 * F_GETOWNER_UIDS (the uid and euid of whoever called F_SETOWN: the
 * kernel checks them against the target before every signal). The owner
 * must be a task, thread or process group of the tree: restore points the
 * file at the same one again; any other pid would be a stranger's (or no
 * one's) after restore.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dump_ctx.h"
#include "dump_fown.h"
#include "dump_threads.h"
#include "kinds.h"
#include "log.h"

#ifndef F_GETOWNER_UIDS
#define F_GETOWNER_UIDS 17
#endif

static bool in_tree(struct dump_ctx *ctx, int type, pid_t pid)
{
	size_t i;

	/* A group restore makes again: its leader is in the tree (not the root's inherited one). */
	if (type == F_OWNER_PGRP) {
		for (i = 0; i < ctx->ntasks; i++)
			if (ctx->tasks[i].pid == pid && ctx->tasks[i].stat.pgrp == pid)
				return true;
		return false;
	}
	if (dump_ctx__find_task(ctx, pid))
		return true;
	return type == F_OWNER_TID && dump_threads__find(ctx, pid);
}

int dump_fown__fd(struct dump_ctx *ctx, struct dump_task *t, int fd, FdEntry *e)
{
	static const char *const kinds[] = { "thread", "process", "process group" };
	struct f_owner_ex own = { 0, 0 };
	uint32_t uids[2] = { 0, 0 };
	int copy, sig, err = 0;
	bool has_uids;
	FownEntry *f;

	copy = kinds__copy_fd(t->pid, fd);
	if (copy < 0)
		return copy;
	sig = fcntl(copy, F_GETSIG);
	if (sig < 0 || fcntl(copy, F_GETOWN_EX, &own))
		err = -errno;
	has_uids = !err && !fcntl(copy, F_GETOWNER_UIDS, uids);
	close(copy);
	if (err || (!own.pid && !sig))
		return err;
	if (own.pid && (own.type < 0 || own.type > F_OWNER_PGRP || !in_tree(ctx, own.type, own.pid))) {
		pr_err("pid %d fd %d: its O_ASYNC owner (F_SETOWN) is %s %d, outside the dumped tree: not supported",
		       t->pid, fd, own.type >= 0 && own.type <= F_OWNER_PGRP ? kinds[own.type] : "pid",
		       own.pid);
		return -EOPNOTSUPP;
	}
	f = e->fown = PB_NEW(FownEntry, fown_entry);
	if (!f)
		return -ENOMEM;
	f->type = own.type;
	f->pid = own.pid;
	f->signum = sig;
	if (has_uids) {
		f->has_uid = f->has_euid = true;
		f->uid = uids[0];
		f->euid = uids[1];
	}
	return 0;
}
