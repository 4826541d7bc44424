// SPDX-License-Identifier: GPL-2.0
/*
 * kind_signalfd.c - signalfd: the set of signals it reads, from fdinfo's
 * sigmask at dump, given to a new signalfd at restore.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>

#include "dump_ctx.h"
#include "escape.h"
#include "kinds.h"
#include "kinds_show.h"
#include "procfs.h"
#include "restore_ctx.h"
#include "restore_verify.h"

static bool claims(const struct fd_live *l)
{
	return !strcmp(l->link, "anon_inode:[signalfd]");
}

static int dump(struct dump_ctx *ctx, const struct fd_live *l, FdEntry *e)
{
	uint64_t mask;

	if (procfs__field_u64(l->info, "sigmask:", 16, &mask))
		return -EINVAL;
	e->signalfd = PB_NEW(SignalfdEntry, signalfd_entry);
	if (!e->signalfd)
		return -ENOMEM;
	e->signalfd->sigmask = mask;
	return 0;
}

static int open_signalfd(struct restore_ctx *ctx, pid_t pid, const FdEntry *e)
{
	int flags = SFD_CLOEXEC | (e->flags & O_NONBLOCK ? SFD_NONBLOCK : 0), fd, sig;
	sigset_t set;

	if (!e->signalfd)
		return restore_ctx__fail(ctx, pid, -EINVAL, "pid %d fd %u: signalfd without its mask",
				     pid, e->fd);
	sigemptyset(&set);
	for (sig = 1; sig <= 64; sig++)
		if (e->signalfd->sigmask & (1ULL << (sig - 1)))
			sigaddset(&set, sig);
	fd = signalfd(-1, &set, flags);
	if (fd < 0)
		return restore_ctx__fail(ctx, pid, -errno, "pid %d fd %u: signalfd: %s", pid, e->fd,
				     strerror(errno));
	return fd;
}

static int verify(struct verify *v, const FdEntry *e, const struct fd_live *l)
{
	uint64_t x = 0;
	char w[64];

	if (!e->signalfd || procfs__field_u64(l->info, "sigmask:", 16, &x))
		return 0;
	snprintf(w, sizeof(w), "fd %u: signalfd mask", e->fd);
	return restore_verify__num(v, w, VF_HEX, e->signalfd->sigmask, x);
}

static bool describe(const struct image_tree *s, const FdEntry *e, char *buf, size_t len)
{
	char sigs[400];

	if (!e->signalfd)
		return false;
	kinds_show__signals(e->signalfd->sigmask, sigs, sizeof(sigs));
	snprintf(buf, len, "signalfd %s", sigs);
	return true;
}

static void json(const struct image_tree *s, const FdEntry *e, struct json_object *o)
{
	struct json_object *k;
	char sigs[400];

	if (!e->signalfd)
		return;
	k = json_object_new_object();
	kinds_show__signals(e->signalfd->sigmask, sigs, sizeof(sigs));
	kinds_show__add(k, "sigmask", kinds_show__hex(e->signalfd->sigmask));
	kinds_show__add(k, "signals", escape__json_string(sigs));
	kinds_show__add(o, "signalfd", k);
}

const struct fd_kind kind_signalfd = {
	.type = FD_TYPE__FD_SIGNALFD,
	.name = "signalfd",
	.noun = "signalfd",
	.test = "anonfds",
	.claims = claims,
	.dump = dump,
	.open = open_signalfd,
	.verify = verify,
	.describe = describe,
	.json = json,
};
