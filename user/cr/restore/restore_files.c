// SPDX-License-Identifier: GPL-2.0
/*
 * restore_files.c - file descriptors, cwd, root and umask; pipes with their
 * data; pidfds, including pidfds to processes that are long gone (the
 * other kinds, sockets, eventfd..., are restore_fdkinds.c's).
 *
 * pidtrace opens every open file description of the tree once (an ofd_id
 * of the image): files reopened by path with their flags and position
 * (identity checked), pipes created, sized and filled, pidfds opened on the
 * restored task, on the live process outside (if it is still the same
 * one) or on a helper. Each task then takes its descriptors with an
 * injected pidfd_getfd() from pidtrace, which keeps descriptions shared
 * exactly as they were (one file position, one pipe end).
 *
 * A pidfd to a reaped process is a pidfd to a helper: one helper per pidfs
 * inode, forked with the dead process's pid when it is free, that every
 * holder's pidfd is opened on while it lives; then it dies the way the
 * original died (its exit code, or its signal with core dumps off), so
 * that PIDFD_GET_INFO reports the original wait status, and pidtrace reaps
 * it by its pid (no SIGCHLD handler, nothing can race the wait).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/sched.h>

#include "kinds.h"
#include "log.h"
#include "procfs.h"
#include "ptrace.h"
#include "restore_cgroup.h"
#include "restore_ctx.h"
#include "restore_fdkinds.h"
#include "restore_fdt.h"
#include "restore_fifo.h"
#include "restore_files.h"
#include "restore_fown.h"
#include "restore_ghost.h"
#include "restore_node.h"
#include "restore_ns.h"
#include "restore_procfile.h"
#include "restore_rmdir.h"
#include "restore_stub.h"
#include "restore_threads.h"
#include "restore_tree.h"
#include "testfault.h"
#include "watchdog.h"

#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL
#endif

struct rpipe {
	uint64_t ino;
	int fds[2];
	bool used[2];
};

static struct robj *find_obj(struct restore_ctx *ctx, uint32_t id)
{
	size_t i;

	for (i = 0; i < ctx->nobjs; i++)
		if (ctx->objs[i].ofd_id == id)
			return &ctx->objs[i];
	return NULL;
}

static PidfdTargetEntry *find_target(struct restore_ctx *ctx, uint64_t ino, size_t *idx)
{
	size_t i;

	for (i = 0; ctx->pidfds && i < ctx->pidfds->n_targets; i++) {
		if (ctx->pidfds->targets[i]->ino == ino) {
			*idx = i;
			return ctx->pidfds->targets[i];
		}
	}
	return NULL;
}

int restore_files__open_path(struct restore_ctx *ctx, pid_t pid, const FdEntry *e)
{
	int flags = (e->flags & ~(O_CREAT | O_EXCL | O_TRUNC)) | O_NOCTTY | O_CLOEXEC;
	bool proc = restore_procfile__in_tree(ctx, e->path), remade;
	struct stat st;
	int fd;

	if (e->dir_removed) {
		fd = restore_rmdir__make(ctx, pid, e->path, e->mode, e->dir_uid, e->dir_gid);
		if (fd)
			return fd;
	}
	if (e->node_removed)
		return restore_node__open(ctx, pid, e);
	if (e->has_proc_pid)
		return restore_procfile__open(ctx, pid, e);
	/* Tests: the file has gone since the dump. */
	if (testfault__point("restore-reopen")) {
		errno = ENOENT;
		fd = -1;
	} else {
		fd = open(e->path, flags);
	}
	if (fd < 0)
		return restore_ctx__fail(ctx, pid, -errno, "pid %d fd %u: open %s: %s", pid, e->fd,
				     e->path, strerror(errno));
	if (proc && ctx->pidns) {
		close(fd);
		return restore_ctx__fail(ctx, pid, -EXDEV,
				     "pid %d fd %u: %s cannot be reopened in a new pid namespace (restore without --pidns)",
				     pid, e->fd, e->path);
	}
	/* A cgroup this restore made again is the same cgroup under a new inode. */
	remade = e->type == FD_TYPE__FD_DIR &&
		 (e->dir_removed || restore_cgroup__made(ctx, e->path));
	if (fstat(fd, &st) ||
	    (e->type == FD_TYPE__FD_CHR ? (e->has_rdev && st.st_rdev != e->rdev) :
	     proc || remade		 ? st.st_dev != e->dev :
					 (st.st_dev != e->dev || st.st_ino != e->ino))) {
		close(fd);
		return restore_ctx__fail(ctx, pid, -ESTALE,
				     "pid %d fd %u: %s is not the file that was open at dump time",
				     pid, e->fd, e->path);
	}
	/* restore-skip-offset: a test fault leaves the offset at 0 (restore_verify.c tells). */
	if (e->type == FD_TYPE__FD_REG && e->has_pos && !(e->flags & O_PATH) &&
	    !testfault__point("restore-skip-offset") && lseek(fd, e->pos, SEEK_SET) < 0) {
		close(fd);
		return restore_ctx__fail(ctx, pid, -errno, "pid %d fd %u: lseek %s: %s", pid, e->fd,
				     e->path, strerror(errno));
	}
	/* Directory offsets are cookies: best effort. */
	if (e->type == FD_TYPE__FD_DIR && e->has_pos && e->pos && !(e->flags & O_PATH))
		lseek(fd, e->pos, SEEK_SET);
	return fd;
}

static int open_pipe(struct restore_ctx *ctx, struct rpipe **pipes, size_t *np, pid_t pid,
		     const FdEntry *e)
{
	int end = (e->flags & O_ACCMODE) == O_WRONLY, fd, i;
	const PipeEntry *pe = NULL;
	struct rpipe *p = NULL;
	char path[64];
	size_t k;

	for (k = 0; k < *np; k++)
		if ((*pipes)[k].ino == e->pipe_ino)
			p = &(*pipes)[k];
	if (!p) {
		for (k = 0; ctx->pipes && k < ctx->pipes->n_pipes; k++)
			if (ctx->pipes->pipes[k]->ino == e->pipe_ino)
				pe = ctx->pipes->pipes[k];
		if (!pe)
			return restore_ctx__fail(ctx, pid, -EINVAL, "pid %d fd %u: pipe %lu is not in the image",
					     pid, e->fd, (unsigned long)e->pipe_ino);
		p = realloc(*pipes, (*np + 1) * sizeof(*p));
		if (!p)
			return -ENOMEM;
		*pipes = p;
		p = &p[(*np)++];
		memset(p, 0, sizeof(*p));
		p->ino = pe->ino;
		if (pipe2(p->fds, O_CLOEXEC | O_NONBLOCK)) {
			p->fds[0] = p->fds[1] = -1;
			return restore_ctx__fail(ctx, pid, -errno, "pipe: %s", strerror(errno));
		}
		if (fcntl(p->fds[1], F_SETPIPE_SZ, pe->capacity) < 0 ||
		    (pe->data.len && write(p->fds[1], pe->data.data, pe->data.len) != (ssize_t)pe->data.len))
			return restore_ctx__fail(ctx, pid, -EIO,
					     "pid %d fd %u: cannot refill pipe %lu (%zu bytes)", pid,
					     e->fd, (unsigned long)pe->ino, pe->data.len);
	}
	if (!p->used[end]) {
		p->used[end] = true;
		fd = fcntl(p->fds[end], F_DUPFD_CLOEXEC, 0);
	} else {
		/* Another description of the same end: open it again. */
		snprintf(path, sizeof(path), "/proc/self/fd/%d", p->fds[end]);
		fd = open(path, (end ? O_WRONLY : O_RDONLY) | O_CLOEXEC);
	}
	if (fd < 0)
		return restore_ctx__fail(ctx, pid, -errno, "pid %d fd %u: pipe: %s", pid, e->fd,
				     strerror(errno));
	i = fcntl(fd, F_SETFL, e->flags & (O_NONBLOCK | O_APPEND | O_DIRECT));
	(void)i;
	return fd;
}

/* The pid of @e in pidtrace's pid namespace, 0 if none. */
static pid_t our_pid(const struct restore_ctx *ctx, const PidfdTargetEntry *e)
{
	size_t i;

	for (i = 0; i < e->n_nspid && i < e->n_ns_ino; i++)
		if (e->ns_ino[i] == ctx->self_pidns)
			return e->nspid[i];
	return e->n_nspid == 1 ? (pid_t)e->nspid[0] : 0;
}

static void __attribute__((noreturn)) helper_main(int ctl, int status, pid_t parent)
{
	char c;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (syscall(SYS_getppid) != parent) /* its parent died before that */
		_exit(1);
	prctl(PR_SET_NAME, "pidtrace-helper");
	if (ctl > 0)
		syscall(SYS_close_range, 0, ctl - 1, 0);
	syscall(SYS_close_range, ctl + 1, ~0U, 0);
	while (read(ctl, &c, 1) < 0 && errno == EINTR)
		;
	restore_ctx__die_as(status);
}

pid_t restore_files__fork_helper(const struct restore_ctx *ctx, const PidfdTargetEntry *e,
				 int *die_fd)
{
	struct clone_args args;
	pid_t want = our_pid(ctx, e), me = syscall(SYS_getpid);
	int sp[2];
	long r;

	if (pipe2(sp, O_CLOEXEC))
		return -errno;
	fflush(NULL);
	memset(&args, 0, sizeof(args));
	args.exit_signal = SIGCHLD;
	if (want > 0) {
		args.set_tid = (uint64_t)(uintptr_t)&want;
		args.set_tid_size = 1;
	}
	r = syscall(SYS_clone3, &args, sizeof(args));
	if (r < 0 && want > 0 && (errno == EEXIST || errno == EBUSY)) {
		/* The old pid is taken: any pid will do, nobody can read it. */
		args.set_tid = 0;
		args.set_tid_size = 0;
		r = syscall(SYS_clone3, &args, sizeof(args));
	}
	if (r == 0) {
		close(sp[1]);
		helper_main(sp[0], e->exit_status, me);
	}
	close(sp[0]);
	if (r < 0) {
		close(sp[1]);
		return -errno;
	}
	*die_fd = sp[1];
	return r;
}

/*
 * Fork the helper that stands for the reaped target @e (with --pidns, the
 * init forks it: a pidfd to a process outside the holder's namespace
 * would not tell the holder its exit status). Return: its pid as pidtrace
 * sees it, or -errno.
 */
static pid_t make_helper(struct restore_ctx *ctx, const PidfdTargetEntry *e, size_t idx)
{
	struct rhelper *h;
	pid_t pid, inner = 0;
	int die_fd = -1, err;
	long r;

	h = realloc(ctx->helpers, (ctx->nhelpers + 1) * sizeof(*h));
	if (!h)
		return -ENOMEM;
	ctx->helpers = h;
	if (ctx->pidns) {
		err = restore_tree__call(ctx, ctx->init_ctl, INIT_HELPER, (int)idx, &r);
		if (err)
			return err;
		inner = r;
		pid = restore_ns__outer_pid(ctx->init_opid, inner);
		if (pid <= 0)
			return -ESRCH;
	} else {
		pid = restore_files__fork_helper(ctx, e, &die_fd);
		if (pid < 0)
			return pid;
	}
	h = &ctx->helpers[ctx->nhelpers++];
	h->pid = pid;
	h->inner = inner;
	h->ctl = die_fd;
	h->reaped = false;
	h->ino = e->ino;
	h->status = e->exit_status;
	return pid;
}

int restore_files__open_pidfd(struct restore_ctx *ctx, pid_t holder, const FdEntry *e)
{
	unsigned int flags = (e->flags & O_NONBLOCK) | ((e->flags & O_EXCL) ? PIDFD_THREAD : 0);
	const PidfdTargetEntry *t;
	struct procfs_stat st;
	struct rtask *rt;
	size_t i, tidx = 0;
	pid_t pid = 0;
	int fd;

	t = find_target(ctx, e->pidfd_ino, &tidx);
	if (!t)
		return restore_ctx__fail(ctx, holder, -EINVAL, "pid %d fd %u: pidfd target not in the image",
				     holder, e->fd);
	switch (t->state) {
	case PIDFD_STATE__PIDFD_ALIVE_IN_TREE:
	case PIDFD_STATE__PIDFD_ZOMBIE:
		rt = t->has_tree_pid ? restore_ctx__find(ctx, t->tree_pid) : NULL;
		if (!rt)
			return restore_ctx__fail(ctx, holder, -EOPNOTSUPP,
					     "pid %d fd %u: pidfd to pid %u, a zombie outside the dumped tree: not supported",
					     holder, e->fd, t->n_nspid ? t->nspid[0] : 0);
		pid = rt->opid;
		/* PIDFD_THREAD to one of its threads (restore_threads.c made it). */
		if (t->has_tree_tid && !(pid = restore_threads__opid(rt, t->tree_tid)))
			return restore_ctx__fail(ctx, holder, -ESRCH,
					     "pid %d fd %u: pidfd to thread %u of pid %u, not restored",
					     holder, e->fd, t->tree_tid, t->tree_pid);
		break;
	case PIDFD_STATE__PIDFD_ALIVE_OUTSIDE:
		pid = our_pid(ctx, t);
		if (!pid || procfs__stat(pid, &st) || !t->has_start_time ||
		    st.starttime != t->start_time || st.state == 'Z')
			return restore_ctx__fail(ctx, holder, -ESRCH,
					     "pid %d fd %u: pidfd target pid %d ('%s') is gone or is another process now",
					     holder, e->fd, pid, t->comm ? t->comm : "?");
		break;
	case PIDFD_STATE__PIDFD_REAPED:
		for (i = 0; i < ctx->nhelpers; i++)
			if (ctx->helpers[i].ino == t->ino)
				pid = ctx->helpers[i].pid;
		if (!pid && !t->has_exit_status)
			return restore_ctx__fail(ctx, holder, -EOPNOTSUPP,
					     "pid %d fd %u: pidfd to a reaped process whose exit status is unknown",
					     holder, e->fd);
		if (!pid)
			pid = make_helper(ctx, t, tidx);
		if (pid < 0)
			return restore_ctx__fail(ctx, holder, pid, "pid %d fd %u: cannot fork a helper: %s",
					     holder, e->fd, strerror(-pid));
		break;
	default:
		return restore_ctx__fail(ctx, holder, -EINVAL, "pid %d fd %u: bad pidfd target state",
				     holder, e->fd);
	}
	fd = syscall(SYS_pidfd_open, pid, flags);
	if (fd < 0)
		return restore_ctx__fail(ctx, holder, -errno, "pid %d fd %u: pidfd_open(%d): %s", holder,
				     e->fd, pid, strerror(errno));
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	ctx->pidfds_done++;
	return fd;
}

int restore_files__open_pipe(struct restore_ctx *ctx, pid_t pid, const FdEntry *e)
{
	return open_pipe(ctx, &ctx->rpipes, &ctx->nrpipes, pid, e);
}

int restore_files__open(struct restore_ctx *ctx)
{
	const struct fd_kind *k;
	size_t i, j;
	int fd = 0, err;

	/* Every task has mapped its memfds: seals that forbid mappings can go on. */
	err = restore_fdkinds__seal(ctx);
	/* Removed cwds made again for the chdir; removed at restore_files__close(). */
	for (i = 0; !err && i < ctx->ntasks; i++) {
		const FilesImage *fi = ctx->tasks[i].files;

		if (fi && fi->cwd_removed)
			err = restore_rmdir__make(ctx, ctx->tasks[i].pid, fi->cwd, fi->cwd_mode,
						  fi->cwd_uid, fi->cwd_gid);
		/* A dead process's directory: entered while a stand-in has its pid. */
		if (!err && fi && fi->has_cwd_proc_pid)
			err = restore_procfile__cwd(ctx, ctx->tasks[i].pid, fi);
	}
	for (i = 0; !err && i < ctx->ntasks; i++) {
		struct rtask *t = &ctx->tasks[i];

		for (j = 0; t->files && j < t->files->n_fds; j++) {
			const FdEntry *e = t->files->fds[j];
			struct robj *o;

			if (find_obj(ctx, e->ofd_id))
				continue;
			k = kinds__find(e->type);
			fd = k && k->open ? k->open(ctx, t->pid, e) :
			     restore_ctx__fail(ctx, t->pid, -EOPNOTSUPP, "pid %d fd %u: unknown kind %d",
					       t->pid, e->fd, e->type);
			if (fd < 0) {
				err = fd;
				break;
			}
			/* O_ASYNC with its owner and signal (restore_fown.c). */
			err = restore_fown__apply(ctx, t->pid, e, fd);
			if (err) {
				close(fd);
				break;
			}
			o = realloc(ctx->objs, (ctx->nobjs + 1) * sizeof(*o));
			if (!o) {
				close(fd);
				err = -ENOMEM;
				break;
			}
			ctx->objs = o;
			o = &ctx->objs[ctx->nobjs++];
			o->ofd_id = e->ofd_id;
			o->fd = fd;
			o->src_fd = fd;
			if (ctx->pidns) {
				err = restore_ns__hold(ctx, fd, &o->src_fd);
				if (err) {
					err = restore_ctx__fail(ctx, t->pid, err,
							    "pid %d fd %u: cannot pass it into the namespace: %s",
							    t->pid, e->fd, strerror(-err));
					break;
				}
			}
		}
	}
	for (i = 0; i < ctx->nrpipes; i++) {
		if (ctx->rpipes[i].fds[0] >= 0)
			close(ctx->rpipes[i].fds[0]);
		if (ctx->rpipes[i].fds[1] >= 0)
			close(ctx->rpipes[i].fds[1]);
	}
	free(ctx->rpipes);
	ctx->rpipes = NULL;
	ctx->nrpipes = 0;
	return err;
}

void restore_files__close(struct restore_ctx *ctx)
{
	size_t i;

	for (i = 0; i < ctx->nobjs; i++)
		close(ctx->objs[i].fd);
	free(ctx->objs);
	ctx->objs = NULL;
	ctx->nobjs = 0;
	restore_fdkinds__close(ctx);
	restore_fifo__close(ctx);
	restore_ghost__close(ctx);
	/* Every fd taken, every task in its cwd: the directories go again. */
	restore_rmdir__remove(ctx);
}

static long put_path(struct rtask *t, const char *path, unsigned long *addr)
{
	if (strlen(path) + 1 > RESTORE_DATA_SIZE)
		return -ENAMETOOLONG;
	return restore_ctx__put(t, 0, path, strlen(path) + 1, addr);
}

#define TRY(expr, fmt, ...)                                                                \
	do {                                                                               \
		r = (expr);                                                                \
		if (r < 0)                                                                 \
			return restore_ctx__fail(ctx, t->pid, (int)r, "pid %d: " fmt ": %s",   \
					     t->pid, ##__VA_ARGS__, strerror((int)-r));    \
	} while (0)

int restore_files__task(struct restore_ctx *ctx, struct rtask *t)
{
	const FilesImage *fi = t->files;
	unsigned long addr;
	long r, src, hi = 3, n;
	size_t k;

	if (!fi)
		return restore_ctx__fail(ctx, t->pid, -EINVAL, "pid %d: no files in the image", t->pid);
	/* Its table is another task's, filled there (restore_fdt.c). */
	if (restore_fdt__shares(t))
		goto fs;
	for (k = 0; k < fi->n_fds; k++)
		if (fi->fds[k]->fd >= hi)
			hi = fi->fds[k]->fd + 1;
	/* The stub's descriptors (pidtrace's, the control sockets) all go. */
	TRY(restore_ctx__sys(t, SYS_close_range, 0, ~0U, 0, 0, 0, 0), "close_range");
	TRY(restore_ctx__sys(t, SYS_pidfd_open, ctx->src_pid, 0, 0, 0, 0, 0), "pidfd_open(%d)",
	    ctx->src_pid);
	n = r;
	TRY(restore_ctx__sys(t, SYS_fcntl, n, F_DUPFD_CLOEXEC, hi, 0, 0, 0), "fcntl(F_DUPFD)");
	src = r;
	TRY(restore_ctx__sys(t, SYS_close, n, 0, 0, 0, 0, 0), "close");
	for (k = 0; k < fi->n_fds; k++) {
		const FdEntry *e = fi->fds[k];
		struct robj *o = find_obj(ctx, e->ofd_id);

		if (!o)
			return restore_ctx__fail(ctx, t->pid, -EINVAL, "pid %d fd %u: not opened", t->pid,
					     e->fd);
		TRY(restore_ctx__sys(t, SYS_pidfd_getfd, src, o->src_fd, 0, 0, 0, 0),
		    "fd %u: pidfd_getfd", e->fd);
		n = r;
		if (n != (long)e->fd) {
			TRY(restore_ctx__sys(t, SYS_dup3, n, e->fd, e->cloexec ? O_CLOEXEC : 0, 0, 0, 0),
			    "fd %u: dup3", e->fd);
			TRY(restore_ctx__sys(t, SYS_close, n, 0, 0, 0, 0, 0), "close");
		} else if (!e->cloexec) {
			TRY(restore_ctx__sys(t, SYS_fcntl, n, F_SETFD, 0, 0, 0, 0), "fd %u: fcntl", e->fd);
		}
		ctx->fds++;
	}
	TRY(restore_ctx__sys(t, SYS_close, src, 0, 0, 0, 0, 0), "close");
fs:
	/*
	 * cwd first: both paths are as pidtrace sees them, and a chrooted
	 * task's cwd may lie outside its root (chroot() does not move it).
	 */
	TRY(put_path(t, restore_procfile__cwd_path(fi), &addr), "cwd %s", fi->cwd);
	TRY(restore_ctx__sys(t, SYS_chdir, addr, 0, 0, 0, 0, 0), "chdir %s", fi->cwd);
	if (fi->root && strcmp(fi->root, "/")) {
		TRY(put_path(t, fi->root, &addr), "root %s", fi->root);
		TRY(restore_ctx__sys(t, SYS_chroot, addr, 0, 0, 0, 0, 0), "chroot %s", fi->root);
	}
	/* restore-skip-umask: a test fault skips it (restore_verify.c tells). */
	if (!testfault__point("restore-skip-umask"))
		TRY(restore_ctx__sys(t, SYS_umask, fi->umask, 0, 0, 0, 0, 0), "umask");
	return 0;
}

int restore_files__helpers_die(struct restore_ctx *ctx)
{
	char why[160];
	size_t i;
	int st;

	for (i = 0; i < ctx->nhelpers; i++) {
		struct rhelper *h = &ctx->helpers[i];

		if (!h->ino)
			snprintf(why, sizeof(why), "helper standing for dead pid %d of /proc files",
				 h->pid);
		else
			snprintf(why, sizeof(why),
				 "helper standing for the reaped pidfd target (pidfs inode %lu), "
				 "dying as it did (wait status 0x%x)",
				 (unsigned long)h->ino, h->status);
		watchdog__expect_self(ctx->wd, h->pid, h->status & 0x7f, CAUSE_RESTORE_HELPER, why);
		if (ctx->pidns) {
			/* Its parent, the init, lets it die and reaps it by its pid. */
			long r = 0;
			int err = restore_tree__call(ctx, ctx->init_ctl, INIT_HELPER_DIE, h->inner, &r);

			if (err)
				return restore_ctx__fail(ctx, h->pid, err, "helper %d: %s", h->pid,
						     strerror(-err));
			st = (int)r;
			h->reaped = true;
		} else {
			if (write(h->ctl, "x", 1) != 1)
				kill(h->pid, SIGKILL);
			close(h->ctl);
			h->ctl = -1;
			/* This very pid and nothing else: no handler can steal it. */
			while (waitpid(h->pid, &st, __WALL) < 0) {
				if (errno != EINTR)
					return restore_ctx__fail(ctx, h->pid, -errno,
							     "helper %d: waitpid: %s", h->pid,
							     strerror(errno));
			}
			h->reaped = true;
		}
		if ((h->status & 0x80) && st == (h->status & ~0x80)) {
			pr_warn("helper %d: the original dumped core; its stand-in did not", h->pid);
			continue;
		}
		if (st != h->status)
			return restore_ctx__fail(ctx, h->pid, -EIO,
					     "helper %d died with wait status 0x%x, not 0x%x", h->pid,
					     st, h->status);
	}
	return 0;
}
