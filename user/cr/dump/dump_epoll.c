// SPDX-License-Identifier: GPL-2.0
/*
 * dump_epoll.c - epoll instances and their interest lists.
 *
 * fdinfo lists each watched file as "tfd: N events: X data: Y ...", N
 * being the fd number it was added with. The kernel keys an entry on
 * (file, number) and never updates it: after close(N) (the file kept open
 * by a dup) or dup2 onto N, the entry names a number that is no longer
 * that file, and epoll_ctl at restore could not make it again.
 * kcmp(KCMP_EPOLL_TFD) says whether fd N of the holder is the entry's
 * file; fdinfo's ino: cannot (anonymous inodes share one).
 *
 * An instance shared by fork or dup is one open file description (one
 * ofd_id): its list is stored in the first holder where every target
 * checks out, restore adds it there once; the others carry none. The
 * targets are fds of that task, so a target of a kind dump refuses is
 * refused as that fd; a target that is itself an epoll is an epoll fd
 * of the task like any other (restore creates every instance before it
 * fills any).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/kcmp.h>

#include "dump_epoll.h"
#include "log.h"

/* An instance met in the tree: where first, and why no holder fits yet. */
struct ep_inst {
	pid_t pid;
	int fd;
	bool stored;		/* a holder carries its list */
	pid_t bad_pid;		/* the first holder that could not */
	int bad_fd, bad_tfd;
	bool bad_closed;	/* the target fd is closed (else another file) */
};

struct dump_epoll {
	struct ep_inst *inst;
	size_t n;
};

struct ep_line {
	int tfd;
	unsigned int events;
	unsigned long long data;
};

static long kcmp(pid_t p1, pid_t p2, int type, unsigned long a, unsigned long b)
{
	return syscall(SYS_kcmp, p1, p2, type, a, b);
}

/* The "tfd:" lines of @info. Return: 0 or -EINVAL, -ENOMEM. */
static int parse(const char *info, struct ep_line **out, size_t *n)
{
	struct ep_line *l = NULL, *tmp;
	const char *p = info;
	size_t cnt = 0;

	while (p && *p) {
		if (!strncmp(p, "tfd:", 4)) {
			tmp = realloc(l, (cnt + 1) * sizeof(*l));
			if (!tmp) {
				free(l);
				return -ENOMEM;
			}
			l = tmp;
			if (sscanf(p, "tfd: %d events: %x data: %llx", &l[cnt].tfd, &l[cnt].events,
				   &l[cnt].data) != 3 || l[cnt].tfd < 0) {
				free(l);
				return -EINVAL;
			}
			cnt++;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	*out = l;
	*n = cnt;
	return 0;
}

static int find_inst(struct dump_epoll *ep, pid_t pid, int fd, struct ep_inst **out)
{
	struct ep_inst *a;
	size_t i;

	for (i = 0; i < ep->n; i++) {
		long r = kcmp(pid, ep->inst[i].pid, KCMP_FILE, fd, ep->inst[i].fd);

		if (r == 0) {
			*out = &ep->inst[i];
			return 0;
		}
		if (r < 0)
			return -errno;
	}
	a = realloc(ep->inst, (ep->n + 1) * sizeof(*a));
	if (!a)
		return -ENOMEM;
	ep->inst = a;
	*out = &a[ep->n++];
	**out = (struct ep_inst){ .pid = pid, .fd = fd };
	return 0;
}

/*
 * Whether every entry of @l is still the file at its number in @pid.
 * Return: 1 yes, 0 no (@bad: the entry that is not; @closed: its fd is
 * closed), -errno.
 */
static int targets_fit(pid_t pid, int fd, const struct ep_line *l, size_t n, size_t *bad,
		       bool *closed)
{
	struct kcmp_epoll_slot slot;
	size_t i, k;
	long r;

	for (i = 0; i < n; i++) {
		/* Entries with one number (stale ones) are told apart by rank. */
		slot = (struct kcmp_epoll_slot){ .efd = fd, .tfd = l[i].tfd, .toff = 0 };
		for (k = 0; k < i; k++)
			slot.toff += l[k].tfd == l[i].tfd;
		r = kcmp(pid, pid, KCMP_EPOLL_TFD, l[i].tfd, (unsigned long)&slot);
		if (r == 0)
			continue;
		if (r < 0 && errno != EBADF)
			return -errno;
		*bad = i;
		*closed = r < 0;
		return 0;
	}
	return 1;
}

static int fill(FdEntry *e, const struct ep_line *l, size_t n)
{
	EpollEntry *ee = e->epoll;
	size_t i;

	ee->targets = calloc(n + 1, sizeof(*ee->targets));
	if (!ee->targets)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		EpollTarget *t = PB_NEW(EpollTarget, epoll_target);

		if (!t)
			return -ENOMEM;
		ee->targets[ee->n_targets++] = t;
		t->tfd = l[i].tfd;
		t->events = l[i].events;
		t->data = l[i].data;
	}
	return 0;
}

int dump_epoll__fd(struct dump_epoll **ep, pid_t pid, int fd, const char *info, FdEntry *e)
{
	struct ep_line *l = NULL;
	struct ep_inst *in = NULL;
	bool closed = false;
	size_t n = 0, bad = 0;
	int err, fit;

	if (!*ep) {
		*ep = calloc(1, sizeof(**ep));
		if (!*ep)
			return -ENOMEM;
	}
	e->type = FD_TYPE__FD_EPOLL;
	e->epoll = PB_NEW(EpollEntry, epoll_entry);
	if (!e->epoll)
		return -ENOMEM;
	err = parse(info, &l, &n);
	if (!err)
		err = find_inst(*ep, pid, fd, &in);
	if (err || in->stored)
		goto out;
	fit = targets_fit(pid, fd, l, n, &bad, &closed);
	if (fit < 0) {
		err = fit;
	} else if (fit) {
		in->stored = true;
		e->epoll->targets_here = true;
		err = fill(e, l, n);
	} else if (!in->bad_pid) {
		in->bad_pid = pid;
		in->bad_fd = fd;
		in->bad_tfd = l[bad].tfd;
		in->bad_closed = closed;
	}
out:
	free(l);
	return err;
}

int dump_epoll__check(const struct dump_epoll *ep)
{
	const struct ep_inst *in;
	size_t i;

	for (i = 0; ep && i < ep->n; i++) {
		in = &ep->inst[i];
		if (in->stored)
			continue;
		pr_err("pid %d fd %d: epoll target fd %d, %s after it was added, is not supported",
		       in->bad_pid, in->bad_fd, in->bad_tfd,
		       in->bad_closed ? "closed" : "replaced by another file");
		return -EOPNOTSUPP;
	}
	return 0;
}

void dump_epoll__free(struct dump_epoll *ep)
{
	if (!ep)
		return;
	free(ep->inst);
	free(ep);
}
