// SPDX-License-Identifier: GPL-2.0
/*
 * restore_locks.c - file locks taken again, by the restored tasks
 * themselves (injected fcntl and flock, non-blocking), once every task of
 * the tree has its fds in place:
 *
 * - a POSIX lock belongs to the process (its fd table): the task takes it
 *   through the fd it was listed on, the same byte range and mode;
 * - a flock() or OFD lock or a lease belongs to the open file
 *   description: it is taken once, through the first fd of the
 *   description in the task that took it at dump (the pid of a flock() or
 *   lease, so /proc/locks names the same process); a flock() through a
 *   descriptor borrowed for the call when that task no longer holds the
 *   description (it locked, forked and closed its fd); a lock whose
 *   taker is not a live task of the tree (it exited, or is outside the
 *   tree), or a lease whose taker no longer holds the description, is
 *   taken by the first task of the tree that holds the description, and
 *   /proc/locks names that one. F_SETLEASE also makes its taker the
 *   file's owner for SIGIO, as it did at dump.
 *
 * The stubs still have pidtrace's credentials here (CAP_LEASE).
 * Locks of one owner that fdinfo lists apart neither overlap nor touch
 * with the same mode (the kernel merged those), so taking them one by one
 * gives the same list. A lock someone took meanwhile makes the call fail
 * (EAGAIN): the restore fails, naming the lock. restore_locks__verify()
 * compares each fd's fdinfo "lock:" lines with the image afterwards.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/syscall.h>

#include "kind_locks.h"
#include "restore_locks.h"
#include "testfault.h"

/* The first fd of @t with description @ofd_id, or NULL. */
static const FdEntry *first_fd(const struct rtask *t, uint32_t ofd_id)
{
	size_t k;

	for (k = 0; t->files && k < t->files->n_fds; k++)
		if (t->files->fds[k]->ofd_id == ofd_id)
			return t->files->fds[k];
	return NULL;
}

/*
 * The task that takes a flock() or OFD lock or lease @fl of description
 * @ofd_id: for a flock(), the task that took it at dump (its pid),
 * whether or not it still holds the description; for a lease, that task
 * when it holds the description (its SIGIO names the fd it was taken
 * through: not one borrowed for the call); else the first task of the
 * tree that holds it.
 */
static const struct rtask *taker(const struct restore_ctx *ctx, const FileLockEntry *fl,
				 uint32_t ofd_id)
{
	const struct rtask *first = NULL;
	size_t i;

	for (i = 0; i < ctx->ntasks; i++) {
		const struct rtask *t = &ctx->tasks[i];

		if (t->zombie)
			continue;
		if (fl->kind == FILE_LOCK_KIND__LOCK_FLOCK && fl->has_pid && fl->pid == t->pid)
			return t;
		if (!first_fd(t, ofd_id))
			continue;
		if (fl->kind == FILE_LOCK_KIND__LOCK_LEASE && fl->has_pid && fl->pid == t->pid)
			return t;
		if (!first)
			first = t;
	}
	return first;
}

/* The first fd entry of the tree (image order) of description @ofd_id. */
static const FdEntry *first_in_tree(const struct restore_ctx *ctx, uint32_t ofd_id)
{
	const FdEntry *e;
	size_t i;

	for (i = 0; i < ctx->ntasks; i++)
		if (!ctx->tasks[i].zombie && (e = first_fd(&ctx->tasks[i], ofd_id)))
			return e;
	return NULL;
}

static int take(struct restore_ctx *ctx, struct rtask *t, const FdEntry *e,
		const FileLockEntry *fl)
{
	struct flock f = { .l_whence = SEEK_SET };
	unsigned long addr;
	char words[128];
	long r;
	int err;

	if (fl->kind == FILE_LOCK_KIND__LOCK_FLOCK) {
		r = restore_ctx__sys(t, SYS_flock, e->fd, (fl->write ? LOCK_EX : LOCK_SH) | LOCK_NB, 0,
				 0, 0, 0);
	} else if (fl->kind == FILE_LOCK_KIND__LOCK_LEASE) {
		r = restore_ctx__sys(t, SYS_fcntl, e->fd, F_SETLEASE, fl->write ? F_WRLCK : F_RDLCK, 0,
				 0, 0);
	} else {
		f.l_type = fl->write ? F_WRLCK : F_RDLCK;
		f.l_start = (off_t)fl->start;
		/* 0: to the end of the file, however far it grows. */
		f.l_len = fl->has_end ? (off_t)(fl->end - fl->start + 1) : 0;
		err = restore_ctx__put(t, 0, &f, sizeof(f), &addr);
		if (err)
			return restore_ctx__fail(ctx, t->pid, err, "pid %d fd %u: cannot write its lock: %s",
					     t->pid, e->fd, strerror(-err));
		r = restore_ctx__sys(t, SYS_fcntl, e->fd,
				 fl->kind == FILE_LOCK_KIND__LOCK_OFD ? F_OFD_SETLK : F_SETLK, addr, 0,
				 0, 0);
	}
	if (r >= 0)
		return 0;
	kind_locks__entry_words(fl, words, sizeof(words));
	/* A lease needs the file open nowhere else for writing (a write lease: at all). */
	if (r == -EAGAIN && fl->kind == FILE_LOCK_KIND__LOCK_LEASE)
		return restore_ctx__fail(ctx, t->pid, (int)r,
				     "pid %d fd %u: cannot take its %s on %s again: the file is open elsewhere%s",
				     t->pid, e->fd, words, e->path ? e->path : "its file",
				     fl->write ? "" : " for writing");
	if (r == -EAGAIN || r == -EWOULDBLOCK || r == -EACCES)
		return restore_ctx__fail(ctx, t->pid, (int)r,
				     "pid %d fd %u: cannot take its %s on %s again: another process holds a conflicting lock",
				     t->pid, e->fd, words, e->path ? e->path : "its file");
	return restore_ctx__fail(ctx, t->pid, (int)r, "pid %d fd %u: cannot take its %s on %s again: %s",
			     t->pid, e->fd, words, e->path ? e->path : "its file",
			     strerror((int)-r));
}

/*
 * A lock of a description @t does not hold (it took the lock, then closed
 * its fd; a child kept the description): taken through a descriptor of
 * its own for the time of the call, from pidtrace's (the fd source), so
 * that the lock is @t's as at dump. Closing that descriptor leaves the
 * lock: it is the description's until its last close.
 */
static int take_borrowed(struct restore_ctx *ctx, struct rtask *t, const FdEntry *e,
			 const FileLockEntry *fl)
{
	const struct robj *o = restore_ctx__obj(ctx, e->ofd_id);
	FdEntry tmp = *e;
	long pfd, fd;
	int err;

	if (!o)
		return restore_ctx__fail(ctx, t->pid, -EINVAL, "pid %d: description of fd %u not opened",
				     t->pid, e->fd);
	pfd = restore_ctx__sys(t, SYS_pidfd_open, ctx->src_pid, 0, 0, 0, 0, 0);
	fd = pfd < 0 ? pfd : restore_ctx__sys(t, SYS_pidfd_getfd, pfd, o->src_fd, 0, 0, 0, 0);
	if (pfd >= 0)
		restore_ctx__sys(t, SYS_close, pfd, 0, 0, 0, 0, 0);
	if (fd < 0)
		return restore_ctx__fail(ctx, t->pid, (int)fd,
				     "pid %d: cannot borrow the description of fd %u to lock it: %s",
				     t->pid, e->fd, strerror((int)-fd));
	tmp.fd = (uint32_t)fd;
	err = take(ctx, t, &tmp, fl);
	restore_ctx__sys(t, SYS_close, fd, 0, 0, 0, 0, 0);
	return err;
}

int restore_locks__task(struct restore_ctx *ctx, struct rtask *t)
{
	size_t k, i, u;
	int err;

	/* restore-skip-locks: a test fault skips them (restore_locks__verify() tells). */
	if (testfault__point("restore-skip-locks"))
		return 0;
	for (k = 0; t->files && k < t->files->n_fds; k++) {
		const FdEntry *e = t->files->fds[k];

		for (i = 0; i < e->n_locks; i++) {
			const FileLockEntry *fl = e->locks[i];

			if (fl->kind != FILE_LOCK_KIND__LOCK_POSIX &&
			    (taker(ctx, fl, e->ofd_id) != t || first_fd(t, e->ofd_id) != e))
				continue;
			err = take(ctx, t, e, fl);
			if (err)
				return err;
		}
	}
	/* Locks @t took on descriptions it no longer holds. */
	for (u = 0; u < ctx->ntasks; u++) {
		const struct rtask *h = &ctx->tasks[u];

		for (k = 0; h->files && !h->zombie && k < h->files->n_fds; k++) {
			const FdEntry *e = h->files->fds[k];

			if (!e->n_locks || first_fd(t, e->ofd_id) || first_in_tree(ctx, e->ofd_id) != e)
				continue;
			for (i = 0; i < e->n_locks; i++) {
				if (e->locks[i]->kind == FILE_LOCK_KIND__LOCK_POSIX ||
				    taker(ctx, e->locks[i], e->ofd_id) != t)
					continue;
				err = take_borrowed(ctx, t, e, e->locks[i]);
				if (err)
					return err;
			}
		}
	}
	return 0;
}

struct now_locks {
	struct kind_lock *v;
	size_t n;
};

static int collect(const struct kind_lock *l, void *arg)
{
	struct now_locks *nl = arg;
	struct kind_lock *v = realloc(nl->v, (nl->n + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	nl->v = v;
	v[nl->n++] = *l;
	return 0;
}

int restore_locks__verify(struct verify *v, const FdEntry *e, const char *info)
{
	struct now_locks nl = { 0 };
	char w[64], img[128], now[128];
	struct kind_lock want;
	bool *used = NULL;
	size_t i, j;
	int err;

	err = kind_locks__each(info, collect, &nl);
	if (!err && nl.n)
		used = calloc(nl.n, sizeof(*used));
	if (!err && nl.n && !used)
		err = -ENOMEM;
	if (err) {
		snprintf(w, sizeof(w), "fd %u: locks", e->fd);
		err = restore_verify__cannot(v, w, err);
		goto out;
	}
	/* fdinfo's order is the kernel's: match each of the image's. */
	for (i = 0; !err && i < e->n_locks; i++) {
		kind_locks__from_entry(e->locks[i], &want);
		for (j = 0; j < nl.n; j++)
			if (!used[j] && kind_locks__same(&want, &nl.v[j]))
				break;
		if (j < nl.n) {
			used[j] = true;
			continue;
		}
		snprintf(w, sizeof(w), "fd %u: lock", e->fd);
		err = restore_verify__str(v, w, kind_locks__words(&want, img, sizeof(img)), "none");
	}
	for (j = 0; !err && j < nl.n; j++) {
		if (used[j])
			continue;
		snprintf(w, sizeof(w), "fd %u: lock", e->fd);
		err = restore_verify__str(v, w, "none", kind_locks__words(&nl.v[j], now, sizeof(now)));
	}
out:
	free(used);
	free(nl.v);
	return err;
}
