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
 *
 * An entry whose file was closed at its number, or replaced there, after
 * it was added (zdtm epoll, epoll01) names the file's open file
 * description (ofd_id): the task gets it from pidtrace (pidfd_getfd) at
 * that number for the epoll_ctl, the file that holds the number moved
 * aside meanwhile and put back with its close-on-exec flag, then closes
 * it again: the entry is keyed on (file, number) as the original was.
 * Nothing else sees it: the locks are taken after this, and pidtrace
 * still holds every description, so no close is a last one.
 *
 * An epoll in flight that no task holds (zdtm scm05) is filled the same
 * way in a task of the tree (the socket's holder), given the instance
 * for the while at a number above every entry's, then compared with the
 * image through pidtrace's copy's fdinfo (restore_epoll__inflight()).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/kcmp.h>

#include "procfs.h"
#include "restore_ctx.h"
#include "restore_epoll.h"
#include "restore_verify.h"
#include "testfault.h"

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

static int ctl_here(struct restore_ctx *ctx, struct rtask *t, const FdEntry *e, int op,
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

static const struct robj *find_obj(const struct restore_ctx *ctx, uint32_t ofd_id)
{
	size_t i;

	for (i = 0; i < ctx->nobjs; i++)
		if (ctx->objs[i].ofd_id == ofd_id)
			return &ctx->objs[i];
	return NULL;
}

static const FdEntry *task_fd(const struct rtask *t, uint32_t fd)
{
	size_t i;

	for (i = 0; t->files && i < t->files->n_fds; i++)
		if (t->files->fds[i]->fd == fd)
			return t->files->fds[i];
	return NULL;
}

#define TRY(expr, what)                                                                    \
	do {                                                                               \
		r = (expr);                                                                \
		if (r < 0) {                                                               \
			err = restore_ctx__fail(ctx, t->pid, (int)r,                       \
					    "pid %d fd %u: epoll target fd %u: %s: %s", t->pid, \
					    e->fd, tg->tfd, what, strerror((int)-r));      \
			goto out;                                                          \
		}                                                                          \
	} while (0)

/* The entry's file at its number for the call (see the top). */
static int ctl(struct restore_ctx *ctx, struct rtask *t, const FdEntry *e, int op,
	       const EpollTarget *tg, uint32_t events)
{
	const FdEntry *there = task_fd(t, tg->tfd);
	const struct robj *o;
	long r, src = -1, n = -1, saved = -1;
	int err = 0;

	/* Test fault: added on the file at its number, so that verify must see it. */
	if (!tg->has_ofd_id || (there && testfault__point("restore-epoll-stale-here")))
		return ctl_here(ctx, t, e, op, tg, events);
	o = find_obj(ctx, tg->ofd_id);
	if (!o)
		return restore_ctx__fail(ctx, t->pid, -EINVAL,
				     "pid %d fd %u: epoll target fd %u: its file (ofd %u) is no fd of the tree",
				     t->pid, e->fd, tg->tfd, tg->ofd_id);
	TRY(restore_ctx__sys(t, SYS_pidfd_open, ctx->src_pid, 0, 0, 0, 0, 0), "pidfd_open");
	src = r;
	TRY(restore_ctx__sys(t, SYS_pidfd_getfd, src, o->src_fd, 0, 0, 0, 0), "pidfd_getfd");
	n = r;
	if (there)
		TRY(restore_ctx__sys(t, SYS_fcntl, tg->tfd, F_DUPFD_CLOEXEC, 0, 0, 0, 0),
		    "move the fd there aside");
	saved = there ? r : -1;
	if (n != (long)tg->tfd)
		TRY(restore_ctx__sys(t, SYS_dup3, n, tg->tfd, O_CLOEXEC, 0, 0, 0), "dup3");
	err = ctl_here(ctx, t, e, op, tg, events);
	/* Its number as it was: the file there back, or none (n == tfd: closed below). */
	if (saved >= 0)
		r = restore_ctx__sys(t, SYS_dup3, saved, tg->tfd, there->cloexec ? O_CLOEXEC : 0, 0,
				     0, 0);
	else if (n != (long)tg->tfd)
		r = restore_ctx__sys(t, SYS_close, tg->tfd, 0, 0, 0, 0, 0);
	else
		r = 0;
	if (r < 0 && !err)
		TRY(r, "put the fd there back");
out:
	if (saved >= 0)
		restore_ctx__sys(t, SYS_close, saved, 0, 0, 0, 0, 0);
	if (n >= 0)
		restore_ctx__sys(t, SYS_close, n, 0, 0, 0, 0, 0);
	if (src >= 0)
		restore_ctx__sys(t, SYS_close, src, 0, 0, 0, 0, 0);
	return err;
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

/* Whether pidtrace's instance @fd lists exactly @f's entries. Return: 0 or -errno (said). */
static int inflight_same(struct restore_ctx *ctx, pid_t pid, const FdEntry *f, int fd)
{
	const EpollEntry *ee = f->epoll;
	unsigned long long data;
	unsigned int ev;
	char name[64], *info = NULL;
	const char *p;
	size_t n = 0, i;
	bool ok = true;
	int tfd, err;

	snprintf(name, sizeof(name), "fdinfo/%d", fd);
	err = procfs__read(0, name, &info, NULL);
	for (p = info; !err && p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (sscanf(p, "tfd: %d events: %x data: %llx", &tfd, &ev, &data) != 3)
			continue;
		n++;
		for (i = 0; i < ee->n_targets; i++)
			if (ee->targets[i]->tfd == (uint32_t)tfd && ee->targets[i]->events == ev &&
			    ee->targets[i]->data == data)
				break;
		ok = ok && i < ee->n_targets;
	}
	free(info);
	if (err)
		return restore_ctx__fail(ctx, pid, err, "pid %d: an epoll in flight: its fdinfo: %s",
				     pid, strerror(-err));
	if (!ok || n != ee->n_targets)
		return restore_ctx__fail(ctx, pid, -EBADSLT,
				     "pid %d: an epoll in flight came back with %zu entries, not the %zu of the image",
				     pid, n, ee->n_targets);
	return 0;
}

#define INF(expr, what)                                                                   \
	do {                                                                              \
		r = (expr);                                                               \
		if (r < 0) {                                                              \
			err = restore_ctx__fail(ctx, pid, (int)r,                         \
						"pid %d: an epoll in flight: %s: %s", pid, what, \
						strerror((int)-r));                       \
			goto out;                                                         \
		}                                                                         \
	} while (0)

int restore_epoll__inflight(struct restore_ctx *ctx, pid_t pid, const FdEntry *f, int fd,
			    int src_fd)
{
	struct rtask *t = restore_ctx__find(ctx, pid);
	const EpollEntry *ee = f->epoll;
	uint32_t top = 0;
	FdEntry tmp;
	long r, src = -1, n = -1, hi = -1;
	size_t i;
	int err = 0;

	if (!t || !ee)
		return restore_ctx__fail(ctx, pid, -EINVAL, "pid %d: an epoll in flight without its task or list",
				     pid);
	for (i = 0; i < ee->n_targets; i++) {
		if (!ee->targets[i]->has_ofd_id || disarmed(ee->targets[i]))
			return restore_ctx__fail(ctx, pid, -EINVAL,
					     "pid %d: an epoll in flight with an entry of no description, or disarmed",
					     pid);
		top = ee->targets[i]->tfd > top ? ee->targets[i]->tfd : top;
	}
	INF(restore_ctx__sys(t, SYS_pidfd_open, ctx->src_pid, 0, 0, 0, 0, 0), "pidfd_open");
	src = r;
	INF(restore_ctx__sys(t, SYS_pidfd_getfd, src, src_fd, 0, 0, 0, 0), "pidfd_getfd");
	n = r;
	/* Above every entry's number: ctl() puts files there. */
	INF(restore_ctx__sys(t, SYS_fcntl, n, F_DUPFD_CLOEXEC, (long)top + 1, 0, 0, 0), "fcntl");
	hi = r;
	/* Free again at once: an entry's file may go to one of these numbers. */
	restore_ctx__sys(t, SYS_close, n, 0, 0, 0, 0, 0);
	restore_ctx__sys(t, SYS_close, src, 0, 0, 0, 0, 0);
	n = src = -1;
	tmp = *f;
	tmp.fd = (uint32_t)hi;
	for (i = 0; !err && i < ee->n_targets; i++) {
		/* Test fault: the last entry left out, which the comparison must catch. */
		if (i + 1 == ee->n_targets && testfault__point("restore-epoll-inflight-skip"))
			break;
		err = ctl(ctx, t, &tmp, EPOLL_CTL_ADD, ee->targets[i], ee->targets[i]->events);
	}
out:
	if (hi >= 0)
		restore_ctx__sys(t, SYS_close, hi, 0, 0, 0, 0, 0);
	if (n >= 0)
		restore_ctx__sys(t, SYS_close, n, 0, 0, 0, 0, 0);
	if (src >= 0)
		restore_ctx__sys(t, SYS_close, src, 0, 0, 0, 0, 0);
	return err ? err : inflight_same(ctx, pid, f, fd);
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

/*
 * An fd of the tree, as pidtrace sees it, that holds description @ofd_id
 * (its task's opid and fd number). Return: false if none.
 */
static bool holder(const struct restore_ctx *ctx, uint32_t ofd_id, pid_t *opid, int *fd)
{
	size_t i, k;

	for (i = 0; i < ctx->ntasks; i++) {
		const struct rtask *u = &ctx->tasks[i];

		for (k = 0; !u->zombie && u->files && k < u->files->n_fds; k++) {
			if (u->files->fds[k]->ofd_id != ofd_id)
				continue;
			*opid = u->opid;
			*fd = u->files->fds[k]->fd;
			return true;
		}
	}
	return false;
}

int restore_epoll__verify(struct verify *v, const FdEntry *e)
{
	const EpollEntry *ep = e->epoll;
	struct kcmp_epoll_slot slot;
	char what[96];
	size_t i, k, same;
	pid_t hp;
	int hfd;
	bool ok;

	for (i = 0; ep && i < ep->n_targets; i++) {
		const EpollTarget *tg = ep->targets[i];

		if (!tg->has_ofd_id || !holder(v->ctx, tg->ofd_id, &hp, &hfd))
			continue;
		/* Entries of one number are ranked in the kernel's order: try each rank. */
		for (k = 0, same = 0; k < ep->n_targets; k++)
			same += ep->targets[k]->tfd == tg->tfd;
		ok = false;
		for (k = 0; !ok && k < same; k++) {
			slot = (struct kcmp_epoll_slot){ .efd = e->fd, .tfd = tg->tfd, .toff = k };
			ok = !syscall(SYS_kcmp, hp, v->opid, KCMP_EPOLL_TFD, hfd, (unsigned long)&slot);
		}
		v->n->fds++;
		if (ok)
			continue;
		snprintf(what, sizeof(what), "fd %u: epoll watch of fd %u (data 0x%llx)", e->fd, tg->tfd,
			 (unsigned long long)tg->data);
		return restore_verify__str(v, what, "the file of ofd", "another file");
	}
	return 0;
}
