// SPDX-License-Identifier: GPL-2.0
/*
 * dump_files.c - a task's fd table (regular files, directories, character
 * devices, pipes, pidfds; the other kinds are dump_fdkinds.c's), cwd, root
 * and umask; then, once for the tree, every pipe with its buffered bytes
 * and every pidfd target.
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

#include "dump.h"
#include "dump_fifo.h"
#include "dump_fown.h"
#include "dump_fdkinds.h"
#include "dump_ghost.h"
#include "dump_locks.h"
#include "dump_refuse.h"
#include "log.h"
#include "pidfd_scan.h"
#include "pipe_peek.h"
#include "registry.h"

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

/* Our pid for a pidfd target: its number in pidtrace's pid namespace. */
static pid_t target_pid(const struct dump_ctx *ctx, const struct pidfd_target *pt)
{
	unsigned int i;

	for (i = 0; i < pt->levels; i++)
		if (pt->ns_ino[i] == ctx->self_pidns)
			return pt->nspid[i];
	return pt->levels == 1 ? pt->nspid[0] : 0;
}

/*
 * What `pidtrace watch --pin` saw of a dead target's death, if it ran: the
 * kernel itself no longer knows its comm, parent or killer.
 */
static int add_death_note(struct dump_ctx *ctx, PidfdTargetEntry *e)
{
	struct pt_death_note n;
	PidfdDeathNote *d;
	int fd;

	if (!ctx->registry_tried) {
		ctx->registry_tried = true;
		fd = registry__open();
		ctx->registry_fd = fd >= 0 ? fd : -1;
		if (fd == -EPERM)
			pr_warn("death registry %s ignored: its directory is not root's alone",
				registry__path());
		else if (fd < 0 && fd != -ENOENT)
			pr_debug("death registry %s: %s", registry__path(), strerror(-fd));
	}
	if (ctx->registry_fd < 0 || registry__lookup(ctx->registry_fd, e->ino, &n))
		return 0;
	d = PB_NEW(PidfdDeathNote, pidfd_death_note);
	if (!d)
		return -ENOMEM;
	e->death = d;
	d->pid = n.pid;
	d->ppid = n.ppid;
	d->comm = strndup(n.comm, sizeof(n.comm));
	d->parent_comm = strndup(n.parent_comm, sizeof(n.parent_comm));
	d->exit_status = n.exit_code;
	d->ts_ns = n.ts_ns;
	if (n.sig) {
		d->has_sig = d->has_si_code = d->has_killer_pid = d->has_killer_uid = true;
		d->has_killer_syscall = true;
		d->sig = n.sig;
		d->si_code = n.si_code;
		d->killer_pid = n.killer_pid;
		d->killer_uid = n.killer_uid;
		d->killer_syscall = n.killer_syscall;
		d->killer_comm = strndup(n.killer_comm, sizeof(n.killer_comm));
	}
	return d->comm && d->parent_comm && (!n.sig || d->killer_comm) ? 0 : -ENOMEM;
}

static int add_pidfd(struct dump_ctx *ctx, pid_t holder, const struct pidfd_target *pt)
{
	PidfdTargetEntry *e = NULL, **arr;
	PidfdHolder *h, **harr;
	struct procfs_stat st;
	struct dump_task *t;
	pid_t pid;
	size_t i;

	for (i = 0; i < ctx->npidfds; i++)
		if (ctx->pidfds[i]->ino == pt->ino)
			e = ctx->pidfds[i];
	if (!e) {
		arr = realloc(ctx->pidfds, (ctx->npidfds + 1) * sizeof(*arr));
		if (!arr)
			return -ENOMEM;
		ctx->pidfds = arr;
		e = PB_NEW(PidfdTargetEntry, pidfd_target_entry);
		if (!e)
			return -ENOMEM;
		ctx->pidfds[ctx->npidfds++] = e;
		e->ino = pt->ino;
		e->nspid = calloc(pt->levels + 1, sizeof(*e->nspid));
		e->ns_ino = calloc(pt->levels + 1, sizeof(*e->ns_ino));
		if (!e->nspid || !e->ns_ino)
			return -ENOMEM;
		for (i = 0; i < pt->levels; i++) {
			e->nspid[i] = pt->nspid[i];
			e->ns_ino[i] = pt->ns_ino[i];
		}
		e->n_nspid = e->n_ns_ino = pt->levels;
		e->has_exit = pt->has_exit;
		e->has_exit_status = pt->has_exit;
		e->exit_status = pt->exit_status;
		pid = target_pid(ctx, pt);
		t = pid ? dump__find_task(ctx, pid) : NULL;
		/* A thread of a dumped process (PIDFD_THREAD): made again with it. */
		if (!t && pid && (t = dump_threads__find(ctx, pid))) {
			e->has_tree_tid = true;
			e->tree_tid = pid;
		}
		if (t) {
			e->has_tree_pid = true;
			e->tree_pid = t->pid;
		}
		if (pt->state == PIDFD_TARGET_REAPED)
			e->state = PIDFD_STATE__PIDFD_REAPED;
		else if (pt->state == PIDFD_TARGET_ZOMBIE)
			e->state = PIDFD_STATE__PIDFD_ZOMBIE;
		else
			e->state = t ? PIDFD_STATE__PIDFD_ALIVE_IN_TREE : PIDFD_STATE__PIDFD_ALIVE_OUTSIDE;
		if (pt->state != PIDFD_TARGET_REAPED && pid && !procfs__stat(pid, &st)) {
			e->comm = dump__strdup(st.comm);
			e->has_start_time = true;
			e->start_time = st.starttime;
		}
		if (pt->state != PIDFD_TARGET_ALIVE && add_death_note(ctx, e))
			return -ENOMEM;
	}
	harr = realloc(e->holders, (e->n_holders + 1) * sizeof(*harr));
	if (!harr)
		return -ENOMEM;
	e->holders = harr;
	h = PB_NEW(PidfdHolder, pidfd_holder);
	if (!h)
		return -ENOMEM;
	e->holders[e->n_holders++] = h;
	h->pid = holder;
	h->fd = pt->fd;
	h->thread = pt->thread;
	return 0;
}

static int unsupported(pid_t pid, int fd, const char *what)
{
	pr_err("pid %d fd %d: %s is not supported", pid, fd, what);
	return -EOPNOTSUPP;
}

/*
 * Describe fd @fd of @t into @e. @pidfds is loaded on the first pidfd.
 * Return: 0, -EOPNOTSUPP (printed), -ESRCH, other -errno (not printed).
 */
static int dump_fd(struct dump_ctx *ctx, struct dump_task *t, int fd, struct pidfd_list **pidfds,
		   FdEntry *e)
{
	char name[64], link[4096], what[4200], *info = NULL;
	const struct pidfd_target *pt;
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
	if ((flags & __O_TMPFILE) && !S_ISDIR(st.st_mode))
		e->flags &= ~(__O_TMPFILE | O_DIRECTORY);
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
	/* flock(), POSIX, OFD locks (dump_locks.c); leases are refused there. */
	err = dump_locks__fd(ctx, t->pid, fd, link, &st, info, e);
	/* Ptys, /dev/tty: what no kind below can bring back exactly. */
	if (!err)
		err = dump_refuse__fd(ctx, t->pid, fd, link, &st, info);
	free(info);
	if (err)
		return err;

	if (dump_fdkinds__claims(link, &st)) {
		/* Sockets, eventfd..., memfds, deleted files; or a refusal. */
		err = dump_fdkinds__fd(ctx, t->pid, fd, link, &st, e);
	} else if (!strcmp(link, "anon_inode:[pidfd]")) {
		e->type = FD_TYPE__FD_PIDFD;
		if (!*pidfds) {
			err = pidfd_scan__task(t->pid, pidfds);
			if (err == -ESRCH)
				return err;
			if (err) {
				pr_err("pid %d fd %d: cannot find the pidfd's target: %s", t->pid, fd,
				       strerror(-err));
				return -EOPNOTSUPP;
			}
		}
		pt = pidfd_list__find(*pidfds, fd);
		/*
		 * A held task's fd table cannot change; one SIGKILLed meanwhile
		 * (no longer held) drops its files before it is a zombie, and
		 * the iterator then sees none: that is its exit, not a new kind
		 * of pidfd.
		 */
		if (!pt && dump__gone_err(t, -ENOENT) == -ESRCH)
			return -ESRCH;
		if (!pt)
			return unsupported(t->pid, fd, "a pidfd the iterator did not see");
		e->has_pidfd_ino = true;
		e->pidfd_ino = pt->ino;
		err = add_pidfd(ctx, t->pid, pt);
	} else if (S_ISFIFO(st.st_mode) && !strncmp(link, "pipe:[", 6)) {
		e->type = FD_TYPE__FD_PIPE;
		e->has_pipe_ino = true;
		e->pipe_ino = st.st_ino;
		err = dump_files__capture_pipe(ctx, t->pid, fd, st.st_ino);
	} else if (dump_fifo__claims(link, &st)) {
		err = dump_fifo__fd(ctx, t->pid, fd, link, &st, e);
	} else if (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode) || S_ISCHR(st.st_mode)) {
		if (link[0] != '/') {
			snprintf(what, sizeof(what), "%s", link);
			return unsupported(t->pid, fd, what);
		}
		e->type = S_ISREG(st.st_mode) ? FD_TYPE__FD_REG :
			  S_ISDIR(st.st_mode) ? FD_TYPE__FD_DIR : FD_TYPE__FD_CHR;
		e->path = dump__strdup(link);
		if (!e->path)
			return -ENOMEM;
		if (S_ISCHR(st.st_mode)) {
			e->has_rdev = true;
			e->rdev = st.st_rdev;
		} else if (S_ISREG(st.st_mode)) {
			e->has_size = true;
			e->size = st.st_size;
		}
	} else {
		snprintf(what, sizeof(what), "%s%s",
			 S_ISFIFO(st.st_mode) ? "named FIFO " : S_ISBLK(st.st_mode) ? "block device " : "",
			 link);
		return unsupported(t->pid, fd, what);
	}
	if (!err)
		err = dump_files__ofd_id(ctx, t->pid, fd, e->dev, e->ino, e->mode, &e->ofd_id);
	/* F_SETOWN, F_SETSIG: who gets its O_ASYNC signals (dump_fown.c). */
	if (!err)
		err = dump_fown__fd(ctx, t, fd, e);
	return err;
}

int dump_files__task(struct dump_ctx *ctx, struct dump_task *t)
{
	FilesImage *fi = PB_NEW(FilesImage, files_image);
	struct pidfd_list *pidfds = NULL;
	char link[4096], *status = NULL;
	int *fds = NULL, err;
	uint64_t umask = 0;
	size_t n = 0, i;

	if (!fi)
		return -ENOMEM;
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
		err = dump_fd(ctx, t, fds[i], &pidfds, fi->fds[i]);
		/* An fd closed under us cannot happen: the task is stopped. */
	}
	if (!err)
		err = procfs__readlink(t->pid, "cwd", link, sizeof(link));
	if (!err)
		err = dump_refuse__dir(t->pid, "cwd", link);
	if (!err) {
		fi->cwd = dump__strdup(link);
		err = procfs__readlink(t->pid, "root", link, sizeof(link));
	}
	if (!err)
		err = dump_refuse__dir(t->pid, "root", link);
	if (!err) {
		fi->root = dump__strdup(link);
		err = procfs__read(t->pid, "status", &status, NULL);
	}
	if (!err) {
		procfs__field_u64(status, "Umask:", 8, &umask);
		fi->umask = umask;
		if (!fi->cwd || !fi->root)
			err = -ENOMEM;
	}
	err = dump__gone_err(t, err);
	if (err && err != -EOPNOTSUPP && err != -ESRCH)
		pr_err("pid %d: cannot read its files: %s", t->pid, strerror(-err));
	if (!err)
		err = image__write(ctx->img, IMG_FILES, t->pid, &fi->base);
	free(status);
	free(fds);
	pidfd_list__free(pidfds);
	files_image__free_unpacked(fi, NULL);
	return err;
}

int dump_files__shared(struct dump_ctx *ctx)
{
	PipesImage pipes = PIPES_IMAGE__INIT;
	PidfdsImage pidfds = PIDFDS_IMAGE__INIT;
	int err;

	err = dump_fdkinds__shared(ctx);
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
