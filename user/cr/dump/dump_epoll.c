// SPDX-License-Identifier: GPL-2.0
/*
 * dump_epoll.c - epoll instances and their interest lists.
 *
 * fdinfo lists each watched file as "tfd: N events: X data: Y ...", N
 * being the fd number it was added with. The kernel keys an entry on
 * (file, number) and never updates it: after close(N) (the file kept open
 * by a dup, another task or a mapping) or dup2 onto N, the entry names a
 * number that is no longer that file. kcmp(KCMP_EPOLL_TFD) says whether
 * an fd of any task is the entry's file; fdinfo's ino: cannot (anonymous
 * inodes share one), but it narrows the fds worth asking. Entries of one number (zdtm epoll: 250 at fd 999)
 * are told apart by their rank among them, in fdinfo's order, which is
 * the one kcmp counts in.
 *
 * An instance shared by fork or dup is one open file description (one
 * ofd_id): its list is stored with its first holder, restore adds it
 * there once; the others carry none. A target that is not the file at
 * its number in that task is looked for in every fd of the tree (the
 * holder's own first): the open file description found is stored with
 * the entry (ofd_id), and restore puts it at the number for the
 * epoll_ctl, as the task had it then. A file no fd of the tree holds
 * (only a mapping, a message in flight or a process outside) is refused.
 * A target of a kind dump refuses is refused as that fd; a target that is
 * itself an epoll is an epoll fd like any other (restore creates every
 * instance before it fills any).
 *
 * An epoll in flight (SCM_RIGHTS) that no task holds (zdtm scm05) is read
 * on pidtrace's copy: every entry is stored by the open file description
 * of the tree that is its file (none can be "at its number": the number
 * is of the table it was added from, not pidtrace's); restore_epoll.c
 * adds them in a task of the tree.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/kcmp.h>

#include "dump_epoll.h"
#include "dump_files.h"
#include "log.h"

#define EP_FLAGS (EPOLLEXCLUSIVE | EPOLLWAKEUP | EPOLLONESHOT | EPOLLET)

/* An instance met in the tree: where first (its list is stored there). */
struct ep_inst {
	pid_t pid;
	int fd;
};

struct dump_epoll {
	struct ep_inst *inst;
	size_t n;
};

struct ep_line {
	int tfd;
	unsigned int events;
	unsigned long long data;
	uint32_t ofd_id;	/* not the file at tfd: where it is (0: it is) */
	unsigned long ino;	/* fdinfo's ino: of the file (0: not said) */
};

/* The fds of one task of the tree, listed once per instance resolved. */
struct ep_fds {
	pid_t pid;
	int *fd;
	uint64_t *ino;		/* each fd's inode (stat), to narrow the kcmp calls */
	size_t n;
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
			l[cnt].ofd_id = 0;
			l[cnt].ino = 0;
			if (sscanf(p, "tfd: %d events: %x data: %llx pos:%*d ino:%lx", &l[cnt].tfd,
				   &l[cnt].events, &l[cnt].data, &l[cnt].ino) < 3 || l[cnt].tfd < 0) {
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

/* The slot of entry @i of @l in epoll @efd (its rank among entries of its number). */
static struct kcmp_epoll_slot slot_of(int efd, const struct ep_line *l, size_t i)
{
	struct kcmp_epoll_slot slot = { .efd = efd, .tfd = l[i].tfd, .toff = 0 };
	size_t k;

	for (k = 0; k < i; k++)
		slot.toff += l[k].tfd == l[i].tfd;
	return slot;
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

static int list_fds(pid_t pid, struct ep_fds *out)
{
	char path[64];
	struct dirent *de;
	struct stat st;
	size_t i;
	int *v;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/fd", pid);
	d = opendir(path);
	if (!d)
		return -errno;
	out->pid = pid;
	while ((de = readdir(d))) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		v = realloc(out->fd, (out->n + 1) * sizeof(*v));
		if (!v) {
			closedir(d);
			return -ENOMEM;
		}
		out->fd = v;
		out->fd[out->n++] = atoi(de->d_name);
	}
	closedir(d);
	qsort(out->fd, out->n, sizeof(*out->fd), cmp_int);
	out->ino = calloc(out->n + 1, sizeof(*out->ino));
	if (!out->ino)
		return -ENOMEM;
	for (i = 0; i < out->n; i++) {
		snprintf(path, sizeof(path), "/proc/%d/fd/%d", pid, out->fd[i]);
		if (!stat(path, &st))
			out->ino[i] = st.st_ino;
	}
	return 0;
}

/* The holder's fds first, then every other live task's. */
static int list_tree(struct dump_ctx *ctx, pid_t pid, struct ep_fds **out, size_t *n)
{
	struct ep_fds *v = calloc(ctx->ntasks + 1, sizeof(*v));
	size_t i;
	int err;

	if (!v)
		return -ENOMEM;
	*out = v;
	err = list_fds(pid, &v[(*n)++]);
	for (i = 0; !err && i < ctx->ntasks; i++) {
		if (ctx->tasks[i].zombie || ctx->tasks[i].pid == pid)
			continue;
		err = list_fds(ctx->tasks[i].pid, &v[(*n)++]);
	}
	return err;
}

static void free_tree(struct ep_fds *v, size_t n)
{
	size_t i;

	for (i = 0; v && i < n; i++) {
		free(v[i].fd);
		free(v[i].ino);
	}
	free(v);
}

/*
 * The open file description of entry @i of epoll @fd of @pid, whose file
 * is not at its number: found in an fd of the tree, into @l[i].ofd_id.
 * Return: 0, -ENOENT (no fd of the tree holds it), -errno.
 */
static int resolve(struct dump_ctx *ctx, pid_t pid, int fd, struct ep_line *l, size_t i,
		   struct ep_fds *tree, size_t ntree)
{
	struct kcmp_epoll_slot slot = slot_of(fd, l, i);
	char path[64];
	struct stat st;
	size_t t, k;

	for (t = 0; t < ntree; t++) {
		for (k = 0; k < tree[t].n; k++) {
			/* Another inode: not the file (an fd that could not be read: asked). */
			if (l[i].ino && tree[t].ino[k] && tree[t].ino[k] != l[i].ino)
				continue;
			if (kcmp(tree[t].pid, pid, KCMP_EPOLL_TFD, tree[t].fd[k],
				 (unsigned long)&slot))
				continue;
			snprintf(path, sizeof(path), "/proc/%d/fd/%d", tree[t].pid, tree[t].fd[k]);
			if (stat(path, &st))
				return -errno;
			return dump_files__ofd_id(ctx, tree[t].pid, tree[t].fd[k], st.st_dev,
						  st.st_ino, st.st_mode, &l[i].ofd_id);
		}
	}
	return -ENOENT;
}

/*
 * Each entry of @l that is not the file at its number in @pid: where its
 * file is (ofd_id). Return: 0, -EOPNOTSUPP (printed), -errno.
 */
static int check_targets(struct dump_ctx *ctx, pid_t pid, int fd, struct ep_line *l, size_t n)
{
	struct ep_fds *tree = NULL;
	size_t i, ntree = 0;
	int err = 0;
	long r;

	for (i = 0; !err && i < n; i++) {
		struct kcmp_epoll_slot slot = slot_of(fd, l, i);

		r = kcmp(pid, pid, KCMP_EPOLL_TFD, l[i].tfd, (unsigned long)&slot);
		if (r == 0)
			continue;
		if (r < 0 && errno != EBADF)
			err = -errno;
		if (!err && !tree)
			err = list_tree(ctx, pid, &tree, &ntree);
		if (!err)
			err = resolve(ctx, pid, fd, l, i, tree, ntree);
		/* fdinfo's inode not the one stat() says (a stacked file system): ask every fd. */
		if (err == -ENOENT && l[i].ino) {
			l[i].ino = 0;
			err = resolve(ctx, pid, fd, l, i, tree, ntree);
		}
		if (err == -ENOENT) {
			pr_err("pid %d fd %d: epoll target fd %d, %s after it was added, is a file no fd of the tree holds: not supported",
			       pid, fd, l[i].tfd, r < 0 ? "closed" : "replaced by another file");
			err = -EOPNOTSUPP;
		}
	}
	free_tree(tree, ntree);
	return err;
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
		t->has_ofd_id = l[i].ofd_id != 0;
		t->ofd_id = l[i].ofd_id;
	}
	return 0;
}

int dump_epoll__fd(struct dump_ctx *ctx, pid_t pid, int fd, const char *info, FdEntry *e)
{
	struct dump_epoll **ep = &ctx->epoll;
	struct ep_line *l = NULL;
	struct ep_inst *in = NULL;
	size_t n = 0, before;
	int err;

	if (!*ep) {
		*ep = calloc(1, sizeof(**ep));
		if (!*ep)
			return -ENOMEM;
	}
	e->type = FD_TYPE__FD_EPOLL;
	e->epoll = PB_NEW(EpollEntry, epoll_entry);
	if (!e->epoll)
		return -ENOMEM;
	before = (*ep)->n;
	err = parse(info, &l, &n);
	if (!err)
		err = find_inst(*ep, pid, fd, &in);
	/* Met before: its first holder carries the list. */
	if (err || (*ep)->n == before)
		goto out;
	err = check_targets(ctx, pid, fd, l, n);
	if (!err) {
		e->epoll->targets_here = true;
		err = fill(e, l, n);
	}
out:
	free(l);
	return err;
}

int dump_epoll__inflight(struct dump_ctx *ctx, pid_t pid, int fd, int cfd, const char *info,
			 FdEntry *f)
{
	pid_t self = getpid();
	struct ep_fds *tree = NULL;
	struct ep_line *l = NULL;
	size_t n = 0, i, ntree = 0;
	int err;

	f->epoll = PB_NEW(EpollEntry, epoll_entry);
	if (!f->epoll)
		return -ENOMEM;
	err = parse(info, &l, &n);
	/* The tree's tasks only: pidtrace's own fds are none of the tree's. */
	if (!err && n) {
		tree = calloc(ctx->ntasks + 1, sizeof(*tree));
		err = tree ? 0 : -ENOMEM;
	}
	for (i = 0; !err && n && i < ctx->ntasks; i++)
		if (!ctx->tasks[i].zombie)
			err = list_fds(ctx->tasks[i].pid, &tree[ntree++]);
	for (i = 0; !err && i < n; i++) {
		if ((l[i].events & EPOLLONESHOT) && !(l[i].events & ~(uint32_t)EP_FLAGS)) {
			pr_err("pid %d fd %d: unix socket with an epoll in flight (SCM_RIGHTS) whose one-shot entry for fd %d fired, held by no task of the tree, is not supported",
			       pid, fd, l[i].tfd);
			err = -EOPNOTSUPP;
			break;
		}
		err = resolve(ctx, self, cfd, l, i, tree, ntree);
		if (err == -ENOENT && l[i].ino) {
			l[i].ino = 0;
			err = resolve(ctx, self, cfd, l, i, tree, ntree);
		}
		if (err == -ENOENT) {
			pr_err("pid %d fd %d: unix socket with an epoll in flight (SCM_RIGHTS) watching fd %d, a file no fd of the tree holds, is not supported",
			       pid, fd, l[i].tfd);
			err = -EOPNOTSUPP;
		}
	}
	if (!err) {
		f->epoll->targets_here = true;
		err = fill(f, l, n);
	}
	free_tree(tree, ntree);
	free(l);
	return err;
}

void dump_epoll__free(struct dump_epoll *ep)
{
	if (!ep)
		return;
	free(ep->inst);
	free(ep);
}
