// SPDX-License-Identifier: GPL-2.0
/*
 * kind_epoll.c - epoll instances. Dump reads the interest list from
 * fdinfo (dump_epoll.c, which also finds the file of a target that was
 * closed or replaced after it was added); restore makes an empty instance
 * when the fd is opened and adds the targets once every fd of the tree is
 * in place (restore_epoll.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

#include "dump_ctx.h"
#include "dump_epoll.h"
#include "escape.h"
#include "image_check.h"
#include "kinds.h"
#include "kinds_show.h"
#include "restore_epoll.h"
#include "restore_verify.h"

static bool claims(const struct fd_live *l)
{
	return !strcmp(l->link, "anon_inode:[eventpoll]");
}

static int dump(struct dump_ctx *ctx, const struct fd_live *l, FdEntry *e)
{
	return dump_epoll__fd(ctx, l->pid, l->fd, l->info, e);
}

static void dump_free(struct dump_ctx *ctx)
{
	dump_epoll__free(ctx->epoll);
	ctx->epoll = NULL;
}

static bool has_fd(const FilesImage *fi, uint32_t fd)
{
	size_t lo = 0, hi = fi->n_fds, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (fi->fds[mid]->fd == fd)
			return true;
		if (fi->fds[mid]->fd < fd)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/*
 * An epoll's interest list: fds of the same task (@fi, sorted), not the
 * epoll itself, each once; an entry whose file was closed or replaced at
 * its number names a description instead (ofd_id), each (number,
 * description) once.
 */
static int cmp_target(const void *a, const void *b)
{
	const EpollTarget *x = *(const EpollTarget *const *)a, *y = *(const EpollTarget *const *)b;

	if (x->tfd != y->tfd)
		return x->tfd < y->tfd ? -1 : 1;
	return x->ofd_id < y->ofd_id ? -1 : x->ofd_id > y->ofd_id;
}

static int check(struct image *img, const char *n, const FilesImage *fi, const FdEntry *e)
{
	const EpollEntry *ep = e->epoll;
	EpollTarget **v;
	size_t i;
	int err = 0;

	if (!ep)
		return bad(img, n, "epoll fd %u has no interest list", e->fd);
	if (ep->n_targets > MAX_FDS || (ep->n_targets && !ep->targets_here))
		return bad(img, n, "epoll fd %u: %zu targets: impossible", e->fd, ep->n_targets);
	for (i = 0; i < ep->n_targets; i++) {
		const EpollTarget *t = ep->targets[i];

		if (t->has_ofd_id ? !t->ofd_id || t->tfd >= MAX_FDS :
				    t->tfd == e->fd || !has_fd(fi, t->tfd))
			return bad(img, n, "epoll fd %u watches fd %u, which the task does not have",
				   e->fd, t->tfd);
	}
	if (ep->n_targets < 2)
		return 0;
	v = malloc(ep->n_targets * sizeof(*v));
	if (!v)
		return -ENOMEM;
	memcpy(v, ep->targets, ep->n_targets * sizeof(*v));
	qsort(v, ep->n_targets, sizeof(*v), cmp_target);
	for (i = 1; i < ep->n_targets && !err; i++)
		if (!cmp_target(&v[i], &v[i - 1]))
			err = bad(img, n, "epoll fd %u watches fd %u twice", e->fd, v[i]->tfd);
	free(v);
	return err;
}

/* fdinfo's "tfd: N events: X data: Y" lines against the image's list. */
static int verify(struct verify *v, const FdEntry *e, const struct fd_live *l)
{
	const EpollEntry *ep = e->epoll;
	const char *p = l->info;
	size_t n = 0, i;
	char w[64];

	if (!ep || !ep->targets_here)
		return 0;
	while ((p = strstr(p, "tfd:"))) {
		unsigned int tfd, events;
		unsigned long long data;
		bool found = false;

		if (sscanf(p, "tfd: %u events: %x data: %llx", &tfd, &events, &data) != 3)
			break;
		for (i = 0; i < ep->n_targets; i++)
			if (ep->targets[i]->tfd == tfd && ep->targets[i]->data == data)
				found = true;
		if (!found) {
			snprintf(w, sizeof(w), "fd %u: epoll watch of fd %u", e->fd, tfd);
			return restore_verify__str(v, w, "none", "one");
		}
		n++;
		p += 4;
	}
	snprintf(w, sizeof(w), "fd %u: epoll watches", e->fd);
	if (restore_verify__num(v, w, VF_DEC, ep->n_targets, n))
		return -EIO;
	/* Those whose file is not at their number: on the right file. */
	return restore_epoll__verify(v, e);
}

/* "IN|ET|ONESHOT" */
static void ep_events(uint32_t ev, char *buf, size_t len)
{
	static const struct kinds_show_bit names[] = {
		{ EPOLLIN, "IN" }, { EPOLLPRI, "PRI" }, { EPOLLOUT, "OUT" }, { EPOLLERR, "ERR" },
		{ EPOLLHUP, "HUP" }, { EPOLLRDNORM, "RDNORM" }, { EPOLLRDBAND, "RDBAND" },
		{ EPOLLWRNORM, "WRNORM" }, { EPOLLWRBAND, "WRBAND" }, { EPOLLMSG, "MSG" },
		{ EPOLLRDHUP, "RDHUP" }, { EPOLLEXCLUSIVE, "EXCLUSIVE" }, { EPOLLWAKEUP, "WAKEUP" },
		{ EPOLLONESHOT, "ONESHOT" }, { (uint32_t)EPOLLET, "ET" },
	};

	kinds_show__bits(ev, names, sizeof(names) / sizeof(names[0]), buf, len);
}

static bool describe(const struct image_tree *s, const FdEntry *e, char *buf, size_t len)
{
	if (!e->epoll)
		return false;
	if (e->epoll->targets_here)
		snprintf(buf, len, "epoll, %zu target%s", e->epoll->n_targets,
			 e->epoll->n_targets == 1 ? "" : "s");
	else
		snprintf(buf, len, "epoll (its targets are with another fd of it)");
	return true;
}

static void print(const FdEntry *e)
{
	char evs[128];
	size_t i;

	for (i = 0; e->epoll && i < e->epoll->n_targets; i++) {
		ep_events(e->epoll->targets[i]->events, evs, sizeof(evs));
		printf("         watches fd %u: %s, data 0x%lx", e->epoll->targets[i]->tfd, evs,
		       (unsigned long)e->epoll->targets[i]->data);
		/* Closed or replaced since it was added: the file is that description. */
		if (e->epoll->targets[i]->has_ofd_id)
			printf(" (the file of ofd %u, no longer at fd %u)",
			       e->epoll->targets[i]->ofd_id, e->epoll->targets[i]->tfd);
		printf("\n");
	}
}

static void json(const struct image_tree *s, const FdEntry *e, struct json_object *o)
{
	const EpollEntry *ep = e->epoll;
	struct json_object *k, *a;
	char evs[128];
	size_t i;

	if (!ep)
		return;
	k = json_object_new_object();
	a = json_object_new_array();
	kinds_show__add(k, "targets_here", json_object_new_boolean(ep->targets_here));
	for (i = 0; i < ep->n_targets; i++) {
		struct json_object *t = json_object_new_object();

		ep_events(ep->targets[i]->events, evs, sizeof(evs));
		kinds_show__add(t, "tfd", json_object_new_int64(ep->targets[i]->tfd));
		kinds_show__add(t, "events", kinds_show__hex(ep->targets[i]->events));
		kinds_show__add(t, "event_names", escape__json_string(evs));
		kinds_show__add(t, "data", kinds_show__hex(ep->targets[i]->data));
		if (ep->targets[i]->has_ofd_id)
			kinds_show__add(t, "ofd_id", json_object_new_int64(ep->targets[i]->ofd_id));
		json_object_array_add(a, t);
	}
	kinds_show__add(k, "targets", a);
	kinds_show__add(o, "epoll", k);
}

const struct fd_kind kind_epoll = {
	.type = FD_TYPE__FD_EPOLL,
	.name = "epoll",
	.noun = "epoll",
	.test = "epoll",
	.claims = claims,
	.dump = dump,
	.dump_free = dump_free,
	.check = check,
	.open = restore_epoll__open,
	.restore_task = restore_epoll__task,
	.verify = verify,
	.describe = describe,
	.print = print,
	.json = json,
};
