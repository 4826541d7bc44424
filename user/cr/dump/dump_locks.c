// SPDX-License-Identifier: GPL-2.0
/*
 * dump_locks.c - the file locks of the tree, read from each fd's fdinfo
 * "lock:" lines (kind_locks.c reads them) into the image, for
 * restore_locks.c to take again.
 *
 * fdinfo lists, for fd N of a process, the flock() and OFD locks of N's
 * open file description (so every fd of it, in every process, lists them)
 * and the POSIX locks the process took through N's description. /proc/locks
 * says the same per inode but not per description, so it is not read.
 *
 * Leases (F_SETLEASE) are kept while nobody breaks them ("ACTIVE").
 * Refused, in one line before the tree is touched further: a lease being
 * broken (its break would have to go on where it was), delegations, kinds
 * other than advisory flock/POSIX/OFD, a POSIX lock another process
 * sharing the fd table took, a thread waiting in a lock request (frozen,
 * the kernel has withdrawn the request; restore would restart the call,
 * but where it queued among other waiters is lost), a lock of the tree a
 * process outside it waits for (/proc/locks), and a flock() or OFD
 * lock or a lease whose description a process outside the tree also holds
 * (it keeps the lock when the tree is gone, and the restored copy could
 * not take it).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/kcmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "dump_locks.h"
#include "dump_refuse.h"
#include "kind_locks.h"
#include "log.h"

/* A description with a flock() or OFD lock or a lease, for the look outside. */
struct held {
	pid_t pid;
	int fd;
	uint64_t dev, ino;
	char what[128];
};

/* Every lock of the tree, to know it in /proc/locks. */
struct tlock {
	pid_t pid;
	int fd;
	char dev[40];	/* as the kernel prints it */
	struct kind_lock l;
};

struct dump_locks {
	struct held *v;
	size_t n;
	struct tlock *t;
	size_t nt;
};

struct fd_walk {
	struct dump_ctx *ctx;
	pid_t pid;
	int fd;
	const char *link;
	const struct stat *st;
	FdEntry *e;
	bool shared;	/* a flock() or OFD lock or a lease seen */
	char what[128];
};

static struct dump_locks *get_locks(struct dump_ctx *ctx)
{
	if (!ctx->locks)
		ctx->locks = calloc(1, sizeof(struct dump_locks));
	return ctx->locks;
}

static int note(struct fd_walk *w, const struct kind_lock *l)
{
	struct dump_locks *dl = get_locks(w->ctx);
	struct tlock *t;

	if (!dl)
		return -ENOMEM;
	t = realloc(dl->t, (dl->nt + 1) * sizeof(*t));
	if (!t)
		return -ENOMEM;
	dl->t = t;
	t = &dl->t[dl->nt++];
	t->pid = w->pid;
	t->fd = w->fd;
	t->l = *l;
	snprintf(t->dev, sizeof(t->dev), "%02x:%02x:%lu", major(w->st->st_dev),
		 minor(w->st->st_dev), (unsigned long)w->st->st_ino);
	return 0;
}

static int add_lock(const struct kind_lock *l, void *arg)
{
	struct fd_walk *w = arg;
	FileLockEntry *fl, **arr;
	char words[128], esc[1024];

	if (!l->kind) {
		pr_err("pid %d fd %d: %s on %s is not supported (restore would not hold it)", w->pid,
		       w->fd, kind_locks__words(l, words, sizeof(words)),
		       dump_refuse__escape(w->link, esc, sizeof(esc)));
		return -EOPNOTSUPP;
	}
	/* Its owner is the fd table, which another process may share (CLONE_FILES). */
	if (l->kind == FILE_LOCK_KIND__LOCK_POSIX && l->pid != w->pid) {
		pr_err("pid %d fd %d: %s on %s was taken by pid %d, which shares its fd table: not supported",
		       w->pid, w->fd, kind_locks__words(l, words, sizeof(words)),
		       dump_refuse__escape(w->link, esc, sizeof(esc)), l->pid);
		return -EOPNOTSUPP;
	}
	arr = realloc(w->e->locks, (w->e->n_locks + 1) * sizeof(*arr));
	if (!arr)
		return -ENOMEM;
	w->e->locks = arr;
	fl = PB_NEW(FileLockEntry, file_lock_entry);
	if (!fl)
		return -ENOMEM;
	arr[w->e->n_locks++] = fl;
	fl->has_kind = fl->has_write = fl->has_pid = true;
	fl->kind = l->kind;
	fl->write = l->write;
	fl->pid = l->pid;
	if (l->kind == FILE_LOCK_KIND__LOCK_POSIX || l->kind == FILE_LOCK_KIND__LOCK_OFD) {
		fl->has_start = true;
		fl->start = l->start;
		fl->has_end = !l->to_eof;
		fl->end = l->end;
	}
	if (l->kind != FILE_LOCK_KIND__LOCK_POSIX && !w->shared) {
		w->shared = true;
		kind_locks__words(l, w->what, sizeof(w->what));
	}
	return note(w, l);
}

int dump_locks__fd(struct dump_ctx *ctx, pid_t pid, int fd, const char *link,
		   const struct stat *st, const char *info, FdEntry *e)
{
	struct fd_walk w = { .ctx = ctx, .pid = pid, .fd = fd, .link = link, .st = st, .e = e };
	struct dump_locks *dl;
	struct held *h;
	int err;

	err = kind_locks__each(info, add_lock, &w);
	if (err || !w.shared)
		return err;
	dl = ctx->locks;
	h = realloc(dl->v, (dl->n + 1) * sizeof(*h));
	if (!h)
		return -ENOMEM;
	dl->v = h;
	h = &dl->v[dl->n++];
	h->pid = pid;
	h->fd = fd;
	h->dev = st->st_dev;
	h->ino = st->st_ino;
	snprintf(h->what, sizeof(h->what), "%s", w.what);
	return 0;
}

static int check_thread(pid_t pid, const ThreadCore *th)
{
	const char *what = NULL;
	long cmd;

	if (!th || !th->has_syscall_restart || !th->syscall_restart || !th->regs)
		return 0;
	cmd = (long)th->regs->rsi;
	if (th->syscall_nr == SYS_fcntl && cmd == F_SETLKW)
		what = "a POSIX lock (fcntl F_SETLKW)";
	else if (th->syscall_nr == SYS_fcntl && cmd == F_OFD_SETLKW)
		what = "an open file description lock (fcntl F_OFD_SETLKW)";
	else if (th->syscall_nr == SYS_flock && !(cmd & LOCK_NB))
		what = "a flock() lock";
	if (!what)
		return 0;
	pr_err("pid %d: thread %u waits for %s on fd %ld: a pending lock request is not supported",
	       pid, th->tid, what, (long)th->regs->rdi);
	return -EOPNOTSUPP;
}

int dump_locks__pending(struct dump_task *t, const TaskCore *core)
{
	size_t i;
	int err;

	err = check_thread(t->pid, core->thread);
	for (i = 0; !err && i < core->n_threads; i++)
		err = check_thread(t->pid, core->threads[i]);
	return err;
}

static const struct held *find_held(const struct dump_locks *dl, uint64_t dev, uint64_t ino)
{
	size_t i;

	for (i = 0; i < dl->n; i++)
		if (dl->v[i].dev == dev && dl->v[i].ino == ino)
			return &dl->v[i];
	return NULL;
}

/* Every fd of @pid, outside the tree, on a file the tree holds locked. */
static int scan_process(const struct dump_locks *dl, pid_t pid)
{
	char path[64], comm[256], esc[256], link[4096], esc2[1024];
	struct procfs_stat pst;
	const struct held *h;
	struct dirent *de;
	struct stat st;
	long r;
	int err = 0, hfd;
	size_t i;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/fd", pid);
	d = opendir(path);
	if (!d)
		return 0; /* gone, or a kernel thread: holds nothing */
	while (!err && (de = readdir(d))) {
		if (!isdigit((unsigned char)de->d_name[0]) || fstatat(dirfd(d), de->d_name, &st, 0))
			continue;
		if (!find_held(dl, st.st_dev, st.st_ino))
			continue;
		hfd = atoi(de->d_name);
		for (i = 0; !err && i < dl->n; i++) {
			h = &dl->v[i];
			if (h->dev != (uint64_t)st.st_dev || h->ino != (uint64_t)st.st_ino)
				continue;
			r = syscall(SYS_kcmp, h->pid, pid, KCMP_FILE, h->fd, hfd);
			if (r > 0 || (r < 0 && (errno == ESRCH || errno == EBADF)))
				continue;
			snprintf(comm, sizeof(comm), "?");
			if (!procfs__stat(pid, &pst))
				snprintf(comm, sizeof(comm), "%s",
					 dump_refuse__escape(pst.comm, esc, sizeof(esc)));
			snprintf(path, sizeof(path), "fd/%d", h->fd);
			if (procfs__readlink(h->pid, path, link, sizeof(link)))
				snprintf(link, sizeof(link), "?");
			if (r < 0)
				pr_err("pid %d fd %d: %s on %s: cannot tell whether pid %d (%s) fd %d, outside the dumped tree, holds it too (kcmp: %s): not supported",
				       h->pid, h->fd, h->what,
				       dump_refuse__escape(link, esc2, sizeof(esc2)), pid, comm, hfd,
				       strerror(errno));
			else
				pr_err("pid %d fd %d: %s on %s is also held by pid %d (%s) fd %d, outside the dumped tree (it would keep the lock): not supported",
				       h->pid, h->fd, h->what,
				       dump_refuse__escape(link, esc2, sizeof(esc2)), pid, comm, hfd);
			err = -EOPNOTSUPP;
		}
	}
	closedir(d);
	return err;
}

/* The tree's lock @l (a line of /proc/locks) is, or NULL. */
static const struct tlock *tree_lock(const struct dump_locks *dl, const struct kind_lock *l)
{
	size_t i;

	for (i = 0; l->kind && i < dl->nt; i++) {
		const struct tlock *t = &dl->t[i];

		if (!strcmp(t->dev, l->dev) && t->l.pid == l->pid && kind_locks__same(&t->l, l))
			return t;
	}
	return NULL;
}

/*
 * A process outside the tree waiting for a lock of the tree (the tree's
 * own requests were withdrawn when it was frozen): it would get the lock
 * the moment the dump kills the tree, and the restore could not take it
 * again. /proc/locks lists each request below the lock it waits for.
 */
static int check_waiters(struct dump_ctx *ctx, const struct dump_locks *dl)
{
	char line[512], words[128], wwords[128], link[4096], esc[1024], comm[256], name[64];
	const struct tlock *held = NULL;
	struct procfs_stat pst;
	struct kind_lock l;
	int err = 0;
	FILE *f;

	if (!dl->nt)
		return 0;
	f = fopen("/proc/locks", "re");
	if (!f)
		return -errno;
	while (!err && fgets(line, sizeof(line), f)) {
		kind_locks__parse(line, &l);
		if (!l.waiter) {
			held = tree_lock(dl, &l);
			continue;
		}
		if (!held || (l.pid > 0 && dump_ctx__find_task(ctx, l.pid)))
			continue;
		kind_locks__words(&held->l, words, sizeof(words));
		kind_locks__words(&l, wwords, sizeof(wwords));
		snprintf(name, sizeof(name), "fd/%d", held->fd);
		if (procfs__readlink(held->pid, name, link, sizeof(link)))
			snprintf(link, sizeof(link), "?");
		dump_refuse__escape(link, esc, sizeof(esc));
		if (l.pid > 0) {
			snprintf(comm, sizeof(comm), "?");
			if (!procfs__stat(l.pid, &pst))
				dump_refuse__escape(pst.comm, comm, sizeof(comm));
			pr_err("pid %d fd %d: its %s on %s is awaited by pid %d (%s), outside the dumped tree (%s): the dump would hand it over, not supported",
			       held->pid, held->fd, words, esc, l.pid, comm, wwords);
		} else {
			pr_err("pid %d fd %d: its %s on %s is awaited by a process outside the dumped tree (%s): the dump would hand it over, not supported",
			       held->pid, held->fd, words, esc, wwords);
		}
		err = -EOPNOTSUPP;
	}
	fclose(f);
	return err;
}

int dump_locks__outside(struct dump_ctx *ctx)
{
	const struct dump_locks *dl = ctx->locks;
	struct dirent *de;
	pid_t pid, self = getpid();
	int err = 0;
	DIR *d;

	if (!dl)
		return 0;
	err = check_waiters(ctx, dl);
	if (err || !dl->n)
		return err;
	d = opendir("/proc");
	if (!d)
		return -errno;
	while (!err && (de = readdir(d))) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		pid = atoi(de->d_name);
		if (pid == self || dump_ctx__find_task(ctx, pid))
			continue;
		err = scan_process(dl, pid);
	}
	closedir(d);
	return err;
}

void dump_locks__free(struct dump_ctx *ctx)
{
	struct dump_locks *dl = ctx->locks;

	if (!dl)
		return;
	free(dl->v);
	free(dl->t);
	free(dl);
	ctx->locks = NULL;
}
