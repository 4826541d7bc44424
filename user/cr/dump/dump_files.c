// SPDX-License-Identifier: GPL-2.0
/*
 * dump_files.c - a task's fd table, cwd, root and umask; then, once for
 * the tree, every pipe with its buffered bytes and every pidfd target.
 * What every fd has (number, flags, offset, identity, shared description,
 * O_ASYNC owner) is read here; the rest by the fd's kind (kinds.h).
 *
 * Open file descriptions shared between fds or tasks (after dup or fork)
 * get one ofd_id, found with kcmp(KCMP_FILE), so restore can share them
 * again (one file position, one pipe end). Buffered pipe data is copied
 * with tee(2), which leaves it in the pipe.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/kcmp.h>

#include "dump_ctx.h"
#include "dump_files.h"
#include "dump_fown.h"
#include "dump_locks.h"
#include "dump_refuse.h"
#include "dump_task.h"
#include "kinds.h"
#include "log.h"
#include "pidfd_scan.h"
#include "pipe_peek.h"

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* The fd numbers of @pid, sorted. */
static int list_fds(pid_t pid, int **out, size_t *n)
{
	char path[64];
	struct dirent *de;
	int *fds = NULL, *tmp;
	size_t cnt = 0, cap = 0;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/fd", pid);
	d = opendir(path);
	if (!d)
		return procfs__exists(pid) ? -errno : -ESRCH;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (cnt == cap) {
			cap = cap ? cap * 2 : 32;
			tmp = realloc(fds, cap * sizeof(*fds));
			if (!tmp) {
				free(fds);
				closedir(d);
				return -ENOMEM;
			}
			fds = tmp;
		}
		fds[cnt++] = atoi(de->d_name);
	}
	closedir(d);
	if (cnt)
		qsort(fds, cnt, sizeof(*fds), cmp_int);
	*out = fds;
	*n = cnt;
	return 0;
}

/*
 * A removed cwd (dump_refuse__dir() let only one whose path can be made
 * again through): its path without " (deleted)", its mode and owner.
 */
static int removed_cwd(pid_t pid, FilesImage *fi)
{
	char path[64];
	struct stat st;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/cwd", pid);
	if (!fi->cwd)
		return -ENOMEM;
	if (stat(path, &st))
		return -errno;
	if (!S_ISDIR(st.st_mode) || st.st_nlink)
		return 0;
	n = strlen(fi->cwd);
	if (n > 10 && !strcmp(fi->cwd + n - 10, " (deleted)"))
		fi->cwd[n - 10] = 0;
	fi->has_cwd_removed = fi->cwd_removed = true;
	fi->has_cwd_mode = fi->has_cwd_uid = fi->has_cwd_gid = true;
	fi->cwd_mode = st.st_mode;
	fi->cwd_uid = st.st_uid;
	fi->cwd_gid = st.st_gid;
	return 0;
}

int dump_files__ofd_id(struct dump_ctx *ctx, pid_t pid, int fd, uint64_t dev, uint64_t ino,
		       uint32_t mode, uint32_t *id)
{
	struct dump_ofd *o;
	size_t i;

	for (i = 0; i < ctx->nofds; i++) {
		o = &ctx->ofds[i];
		if (o->dev != dev || o->ino != ino)
			continue;
		if (syscall(SYS_kcmp, pid, o->pid, KCMP_FILE, fd, o->fd) == 0) {
			*id = o->id;
			return 0;
		}
	}
	o = realloc(ctx->ofds, (ctx->nofds + 1) * sizeof(*o));
	if (!o)
		return -ENOMEM;
	ctx->ofds = o;
	*id = ++ctx->next_ofd_id;
	ctx->ofds[ctx->nofds++] = (struct dump_ofd){ pid, fd, dev, ino, mode, *id };
	return 0;
}

/* Copy the unread bytes of a pipe without consuming them (pipe_peek.c). */
int dump_files__capture_pipe(struct dump_ctx *ctx, pid_t pid, int fd, uint64_t ino)
{
	PipeEntry *p, **arr;
	char path[64];
	uint8_t *data;
	uint32_t cap;
	size_t n;
	int err;

	for (size_t i = 0; i < ctx->npipes; i++)
		if (ctx->pipes[i]->ino == ino)
			return 0;
	snprintf(path, sizeof(path), "/proc/%d/fd/%d", pid, fd);
	err = pipe_peek__copy(path, &cap, &data, &n);
	if (err)
		return procfs__exists(pid) ? err : -ESRCH;
	p = PB_NEW(PipeEntry, pipe_entry);
	arr = realloc(ctx->pipes, (ctx->npipes + 1) * sizeof(*arr));
	if (arr)
		ctx->pipes = arr;
	if (!p || !arr) {
		free(p);
		free(data);
		return -ENOMEM;
	}
	ctx->pipes[ctx->npipes++] = p;
	p->ino = ino;
	p->capacity = cap;
	p->data.data = data;
	p->data.len = n;
	return 0;
}

static int unsupported(pid_t pid, int fd, const char *what)
{
	pr_err("pid %d fd %d: %s is not supported", pid, fd, what);
	return -EOPNOTSUPP;
}

/*
 * Describe fd @fd of @t into @e: what every fd has here, the rest by its
 * kind (kinds.h); an fd no kind knows is refused, naming what it is.
 * Return: 0, -EOPNOTSUPP (printed), -ESRCH, other -errno (not printed).
 */
static int dump_fd(struct dump_ctx *ctx, struct dump_task *t, int fd, int *pidfd, FdEntry *e)
{
	struct fd_live l = { .pid = t->pid, .fd = fd, .sock = -1 };
	char name[64], link[4096], what[4200], *info = NULL;
	const struct fd_kind *k;
	uint64_t v, flags = 0;
	struct stat st;
	int err;

	snprintf(name, sizeof(name), "fd/%d", fd);
	err = procfs__readlink(t->pid, name, link, sizeof(link));
	if (err)
		return err;
	snprintf(name, sizeof(name), "/proc/%d/fd/%d", t->pid, fd);
	if (stat(name, &st))
		return procfs__exists(t->pid) ? -errno : -ESRCH;
	snprintf(name, sizeof(name), "fdinfo/%d", fd);
	err = procfs__read(t->pid, name, &info, NULL);
	if (err)
		return err;
	procfs__field_u64(info, "flags:", 8, &flags);
	e->fd = fd;
	e->cloexec = !!(flags & O_CLOEXEC);
	e->flags = flags & ~O_CLOEXEC;
	/*
	 * A file made with O_TMPFILE keeps that flag (O_DIRECTORY with it):
	 * how it was made, not how restore may open it again.
	 */
	if ((flags & __O_TMPFILE) && !S_ISDIR(st.st_mode)) {
		e->flags &= ~(__O_TMPFILE | O_DIRECTORY);
		e->has_tmpfile = e->tmpfile = true;
	}
	if (!procfs__field_u64(info, "pos:", 10, &v)) {
		e->has_pos = true;
		e->pos = v;
	}
	if (!procfs__field_u64(info, "mnt_id:", 10, &v)) {
		e->has_mnt_id = true;
		e->mnt_id = v;
	}
	e->has_dev = e->has_ino = e->has_mode = true;
	e->dev = st.st_dev;
	e->ino = st.st_ino;
	e->mode = st.st_mode;
	/* flock(), POSIX, OFD locks, leases (dump_locks.c; it refuses the others). */
	err = dump_locks__fd(ctx, t->pid, fd, link, &st, info, e);
	/* Ptys, /dev/tty: what no kind below can bring back exactly. */
	if (!err)
		err = dump_refuse__fd(ctx, t->pid, fd, link, &st, info);
	l.link = link;
	l.st = &st;
	l.info = info;
	/* A socket's kind is its family, read on a copy of it. */
	if (!err) {
		err = kinds__probe_socket(&l, pidfd, false);
		if (err == -ESRCH || (err && !procfs__exists(t->pid))) {
			err = -ESRCH;
		} else if (err) {
			pr_err("pid %d fd %d: cannot look at the socket: %s", t->pid, fd,
			       strerror(-err));
			err = -EOPNOTSUPP;
		}
	}
	k = err ? NULL : kinds__claim(&l);
	if (!err && !k) {
		kinds__unknown(&l, what, sizeof(what));
		err = unsupported(t->pid, fd, what);
	}
	if (!err) {
		e->type = k->type;
		err = k->dump(ctx, &l, e);
	}
	if (err == -EINVAL) {
		pr_err("pid %d fd %d: %s: unexpected fdinfo", t->pid, fd, link);
		err = -EOPNOTSUPP;
	}
	free(info);
	if (!err)
		err = dump_files__ofd_id(ctx, t->pid, fd, e->dev, e->ino, e->mode, &e->ofd_id);
	/* F_SETOWN, F_SETSIG: who gets its O_ASYNC signals (dump_fown.c); an O_PATH fd has none. */
	if (!err && !(e->flags & O_PATH))
		err = dump_fown__fd(ctx, t, fd, e);
	return err;
}

int dump_files__task(struct dump_ctx *ctx, struct dump_task *t)
{
	FilesImage *fi = PB_NEW(FilesImage, files_image);
	char link[4096], *status = NULL;
	int *fds = NULL, pidfd = -1, err;
	uint64_t umask = 0;
	size_t n = 0, i;

	if (!fi)
		return -ENOMEM;
	/* A table shared with an earlier task (CLONE_FILES) is in that task's image. */
	err = dump_task__fd_table(ctx, t, fi);
	if (!err && !fi->has_fd_table_of)
		err = list_fds(t->pid, &fds, &n);
	if (!err) {
		fi->fds = calloc(n + 1, sizeof(*fi->fds));
		err = fi->fds ? 0 : -ENOMEM;
	}
	for (i = 0; !err && i < n; i++) {
		fi->fds[i] = PB_NEW(FdEntry, fd_entry);
		if (!fi->fds[i]) {
			err = -ENOMEM;
			break;
		}
		fi->n_fds++;
		if (fds[i] > ctx->max_fd) {
			ctx->max_fd = fds[i];
			ctx->max_fd_pid = t->pid;
		}
		err = dump_fd(ctx, t, fds[i], &pidfd, fi->fds[i]);
		/* An fd closed under us cannot happen: the task is stopped. */
	}
	if (!err)
		err = procfs__readlink(t->pid, "cwd", link, sizeof(link));
	if (!err)
		err = dump_refuse__dir(t->pid, "cwd", link);
	if (!err) {
		fi->cwd = dump_ctx__strdup(link);
		fi->cwd_proc_pid = dump_refuse__dead_proc_dir(link, "cwd");
		fi->has_cwd_proc_pid = fi->cwd_proc_pid > 0;
		err = fi->has_cwd_proc_pid ? 0 : removed_cwd(t->pid, fi);
	}
	if (!err) {
		err = procfs__readlink(t->pid, "root", link, sizeof(link));
	}
	if (!err)
		err = dump_refuse__dir(t->pid, "root", link);
	if (!err) {
		fi->root = dump_ctx__strdup(link);
		err = procfs__read(t->pid, "status", &status, NULL);
	}
	if (!err) {
		procfs__field_u64(status, "Umask:", 8, &umask);
		fi->umask = umask;
		if (!fi->cwd || !fi->root)
			err = -ENOMEM;
	}
	err = dump_ctx__gone_err(t, err);
	if (err && err != -EOPNOTSUPP && err != -ESRCH)
		pr_err("pid %d: cannot read its files: %s", t->pid, strerror(-err));
	if (!err)
		err = image__write(ctx->img, IMG_FILES, t->pid, &fi->base);
	free(status);
	free(fds);
	pidfd_scan__free(ctx->task_pidfds);
	ctx->task_pidfds = NULL;
	if (pidfd >= 0)
		close(pidfd);
	files_image__free_unpacked(fi, NULL);
	return err;
}

int dump_files__shared(struct dump_ctx *ctx)
{
	PipesImage pipes = PIPES_IMAGE__INIT;
	PidfdsImage pidfds = PIDFDS_IMAGE__INIT;
	const struct fd_kind *k;
	size_t i;
	int err = 0;

	/* What each kind checks once it has seen every task (unix peers, epoll targets). */
	for (i = 0; !err && (k = kinds__at(i)); i++)
		if (k->dump_tree)
			err = k->dump_tree(ctx);
	if (err)
		return err;
	pipes.n_pipes = ctx->npipes;
	pipes.pipes = ctx->pipes;
	err = image__write(ctx->img, IMG_PIPES, 0, &pipes.base);
	if (err)
		return err;
	pidfds.n_targets = ctx->npidfds;
	pidfds.targets = ctx->pidfds;
	return image__write(ctx->img, IMG_PIDFDS, 0, &pidfds.base);
}
