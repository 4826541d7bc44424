// SPDX-License-Identifier: GPL-2.0
/*
 * kind_eventfd.c - eventfd: its counter and semaphore mode, read from
 * fdinfo at dump and written back into a new eventfd at restore.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "dump_ctx.h"
#include "kinds.h"
#include "kinds_show.h"
#include "procfs.h"
#include "restore_ctx.h"
#include "restore_verify.h"

static bool claims(const struct fd_live *l)
{
	return !strcmp(l->link, "anon_inode:[eventfd]");
}

static int dump(struct dump_ctx *ctx, const struct fd_live *l, FdEntry *e)
{
	uint64_t count = 0, sem = 0;

	if (procfs__field_u64(l->info, "eventfd-count:", 16, &count))
		return -EINVAL;
	procfs__field_u64(l->info, "eventfd-semaphore:", 10, &sem);
	e->eventfd = PB_NEW(EventfdEntry, eventfd_entry);
	if (!e->eventfd)
		return -ENOMEM;
	e->eventfd->count = count;
	e->eventfd->semaphore = sem;
	return 0;
}

static int open_eventfd(struct restore_ctx *ctx, pid_t pid, const FdEntry *e)
{
	const EventfdEntry *ev = e->eventfd;
	int flags = EFD_CLOEXEC | (e->flags & O_NONBLOCK ? EFD_NONBLOCK : 0), fd;
	uint64_t count;

	if (!ev)
		return restore_ctx__fail(ctx, pid, -EINVAL, "pid %d fd %u: eventfd without its state",
				     pid, e->fd);
	fd = eventfd(0, flags | (ev->semaphore ? EFD_SEMAPHORE : 0));
	count = ev->count;
	if (fd >= 0 && count && write(fd, &count, sizeof(count)) != sizeof(count)) {
		close(fd);
		fd = -1;
	}
	if (fd < 0)
		return restore_ctx__fail(ctx, pid, -errno, "pid %d fd %u: eventfd (count %lu): %s", pid,
				     e->fd, (unsigned long)ev->count, strerror(errno));
	return fd;
}

static int verify(struct verify *v, const FdEntry *e, const struct fd_live *l)
{
	uint64_t x = 0;
	char w[64];

	if (!e->eventfd || procfs__field_u64(l->info, "eventfd-count:", 16, &x))
		return 0;
	snprintf(w, sizeof(w), "fd %u: eventfd count", e->fd);
	return restore_verify__num(v, w, VF_DEC, e->eventfd->count, x);
}

static bool describe(const struct image_tree *s, const FdEntry *e, char *buf, size_t len)
{
	if (!e->eventfd)
		return false;
	snprintf(buf, len, "eventfd count %lu%s", (unsigned long)e->eventfd->count,
		 e->eventfd->semaphore ? " (semaphore)" : "");
	return true;
}

static void json(const struct image_tree *s, const FdEntry *e, struct json_object *o)
{
	struct json_object *k;

	if (!e->eventfd)
		return;
	k = json_object_new_object();
	kinds_show__add(k, "count", kinds_show__u64(e->eventfd->count));
	kinds_show__add(k, "semaphore", json_object_new_boolean(e->eventfd->semaphore));
	kinds_show__add(o, "eventfd", k);
}

const struct fd_kind kind_eventfd = {
	.type = FD_TYPE__FD_EVENTFD,
	.name = "eventfd",
	.noun = "eventfd",
	.test = "anonfds",
	.claims = claims,
	.dump = dump,
	.open = open_eventfd,
	.verify = verify,
	.describe = describe,
	.json = json,
};
