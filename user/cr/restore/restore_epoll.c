// SPDX-License-Identifier: GPL-2.0
/*
 * restore_epoll.c - epoll instances and their interest lists.
 *
 * The instance is made in pidtrace like the other anonymous files; its
 * entries can only be made by the task itself, since the kernel keys each
 * on (file, fd number in the caller): epoll_ctl is injected in the task
 * whose fd entry carries the list, after all its fds are in place (a
 * target may have a higher number than the epoll, or be another epoll).
 * What was ready is found again by the kernel at EPOLL_CTL_ADD.
 *
 * A one-shot entry that fired keeps only its flag bits, and cannot be
 * added that way: ADD always adds EPOLLERR and EPOLLHUP, which would
 * report a hangup the original would not. So such entries go in first,
 * alone in the new instance, asking for every event, and pidtrace takes
 * one epoll_wait() on its own copy of the instance: each one whose file
 * is ready for anything fires, and is disarmed exactly as it was. One
 * whose file is ready for nothing is set to its flag bits, plus EPOLLERR
 * and EPOLLHUP (the only difference left, said in docs/restore.md).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "procfs.h"
#include "restore_ctx.h"
#include "restore_epoll.h"

#define EP_FLAGS (EPOLLEXCLUSIVE | EPOLLWAKEUP | EPOLLONESHOT | EPOLLET)
#define EP_EVERY (EPOLLIN | EPOLLPRI | EPOLLOUT | EPOLLRDNORM | EPOLLRDBAND | EPOLLWRNORM | \
		  EPOLLWRBAND | EPOLLMSG | EPOLLRDHUP)

int restore_epoll__open(struct restore_ctx *ctx, pid_t pid, const FdEntry *e)
{
	int fd;

	if (!e->epoll)
		return restore_ctx__fail(ctx, pid, -EINVAL, "pid %d fd %u: epoll without its state", pid,
				     e->fd);
	fd = epoll_create1(EPOLL_CLOEXEC);
	if (fd >= 0 && (e->flags & O_NONBLOCK) && fcntl(fd, F_SETFL, O_NONBLOCK)) {
		close(fd);
		fd = -1;
	}
	if (fd < 0)
		return restore_ctx__fail(ctx, pid, -errno, "pid %d fd %u: epoll_create1: %s", pid, e->fd,
				     strerror(errno));
	return fd;
}

/* A one-shot entry that fired: nothing but flags left. */
static bool disarmed(const EpollTarget *tg)
{
	return (tg->events & EPOLLONESHOT) && !(tg->events & ~(uint32_t)EP_FLAGS);
}

static int ctl(struct restore_ctx *ctx, struct rtask *t, const FdEntry *e, int op,
	       const EpollTarget *tg, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.u64 = tg->data };
	unsigned long addr;
	long r;

	r = restore_ctx__put(t, 0, &ev, sizeof(ev), &addr);
	if (!r)
		r = restore_ctx__sys(t, SYS_epoll_ctl, e->fd, op, tg->tfd, addr, 0, 0);
	if (r < 0)
		return restore_ctx__fail(ctx, t->pid, (int)r,
				     "pid %d fd %u: epoll_ctl(%s, fd %u, events 0x%x): %s", t->pid,
				     e->fd, op == EPOLL_CTL_ADD ? "ADD" : "MOD", tg->tfd, events,
				     strerror((int)-r));
	return 0;
}

/* pidtrace's copy of the instance. */
static int our_fd(const struct restore_ctx *ctx, uint32_t ofd_id)
{
	size_t i;

	for (i = 0; i < ctx->nobjs; i++)
		if (ctx->objs[i].ofd_id == ofd_id)
			return ctx->objs[i].fd;
	return -1;
}

/* The events of entry @tfd in our instance @fd's fdinfo; 0 if not found. */
static uint32_t events_now(const char *info, uint32_t tfd)
{
	unsigned int ev;
	const char *p;
	int n;

	for (p = info; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (sscanf(p, "tfd: %d events: %x", &n, &ev) == 2 && (uint32_t)n == tfd)
			return ev;
	return 0;
}

/* Add the fired one-shot entries of @e, and fire them again (see the top). */
static int add_disarmed(struct restore_ctx *ctx, struct rtask *t, const FdEntry *e)
{
	const EpollEntry *ee = e->epoll;
	struct epoll_event *evs = NULL;
	char name[64], *info = NULL;
	size_t i, n = 0;
	int fd, err = 0, r;

	for (i = 0; !err && i < ee->n_targets; i++)
		if (disarmed(ee->targets[i])) {
			err = ctl(ctx, t, e, EPOLL_CTL_ADD, ee->targets[i],
				  ee->targets[i]->events | EP_EVERY);
			n++;
		}
	if (err || !n)
		return err;
	fd = our_fd(ctx, e->ofd_id);
	evs = calloc(n, sizeof(*evs));
	if (!evs)
		return -ENOMEM;
	do
		r = fd < 0 ? -1 : epoll_wait(fd, evs, (int)n, 0);
	while (r < 0 && errno == EINTR);
	snprintf(name, sizeof(name), "fdinfo/%d", fd);
	err = r < 0 ? -errno : procfs__read(0, name, &info, NULL);
	if (err)
		err = restore_ctx__fail(ctx, t->pid, err, "pid %d fd %u: one-shot epoll entries: %s",
				    t->pid, e->fd, strerror(-err));
	for (i = 0; !err && i < ee->n_targets; i++)
		if (disarmed(ee->targets[i]) && (events_now(info, ee->targets[i]->tfd) & EP_EVERY))
			err = ctl(ctx, t, e, EPOLL_CTL_MOD, ee->targets[i], ee->targets[i]->events);
	free(info);
	free(evs);
	return err;
}

int restore_epoll__task(struct restore_ctx *ctx, struct rtask *t)
{
	size_t k, i;
	int err = 0;

	for (k = 0; !err && t->files && k < t->files->n_fds; k++) {
		const FdEntry *e = t->files->fds[k];

		if (e->type != FD_TYPE__FD_EPOLL || !e->epoll || !e->epoll->targets_here)
			continue;
		err = add_disarmed(ctx, t, e);
		for (i = 0; !err && i < e->epoll->n_targets; i++)
			if (!disarmed(e->epoll->targets[i]))
				err = ctl(ctx, t, e, EPOLL_CTL_ADD, e->epoll->targets[i],
					  e->epoll->targets[i]->events);
	}
	return err;
}
