// SPDX-License-Identifier: GPL-2.0
/*
 * restore_verify_fds.c - a restored task's fd table against the image:
 * exactly the image's fd numbers; for each its kind, open flags and
 * close-on-exec, offset, then what its kind compares (kinds.h: the file's
 * identity for files reopened by path, the state fdinfo shows — eventfd
 * count, signalfd mask, timerfd clock, epoll interest list, inotify
 * watches — and socket options, read on a copy of the socket taken with
 * pidfd_getfd), and that the fds of one open file description share it
 * again (kcmp) and the ends of one pipe are one pipe.
 *
 * Not compared, by design: the inode numbers of pipes and sockets (new
 * objects), timerfd times and ticks (time passes), the identity of deleted
 * files and memfds (restore makes new ones).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include <linux/kcmp.h>

#include "kinds.h"
#include "procfs.h"
#include "restore_cgroup.h"
#include "restore_ctx.h"
#include "restore_fdt.h"
#include "restore_locks.h"
#include "restore_verify.h"
#include "sockopt.h"

#ifndef PROC_SUPER_MAGIC
#define PROC_SUPER_MAGIC 0x9fa0
#endif

/* Is the file behind the fd link @path on a proc file system? */
static bool on_procfs(const char *path)
{
	struct statfs sf;

	return !statfs(path, &sf) && sf.f_type == PROC_SUPER_MAGIC;
}

/* First fd seen of each open file description (by ofd_id), and each pipe's new inode. */
struct seen_ofd {
	pid_t pid, opid; /* pid 0: none seen yet */
	int fd;
};

struct seen_pipe {
	uint64_t img_ino, ino;
};

static struct {
	struct seen_ofd *ofd; /* indexed by ofd_id */
	size_t cap_ofd;
	struct seen_pipe *pipe;
	size_t npipe, cap_pipe;
	bool no_kcmp;
} tree;

void restore_verify_fds__reset(void)
{
	free(tree.ofd);
	free(tree.pipe);
	memset(&tree, 0, sizeof(tree));
}

static int grow(void **v, size_t *cap, size_t n, size_t size)
{
	void *p;

	if (n < *cap)
		return 0;
	p = realloc(*v, (*cap ? *cap * 2 : 64) * size);
	if (!p)
		return -ENOMEM;
	*v = p;
	*cap = *cap ? *cap * 2 : 64;
	return 0;
}

/* fds of one description in the image share one again (and only by kcmp's word). */
static int check_ofd(struct verify *v, const FdEntry *e)
{
	struct seen_ofd *s;
	size_t cap;
	long r;

	if (tree.no_kcmp)
		return 0;
	if (e->ofd_id >= tree.cap_ofd) {
		cap = tree.cap_ofd ? tree.cap_ofd : 256;
		while (cap <= e->ofd_id)
			cap *= 2;
		s = realloc(tree.ofd, cap * sizeof(*s));
		if (!s)
			return -ENOMEM;
		memset(s + tree.cap_ofd, 0, (cap - tree.cap_ofd) * sizeof(*s));
		tree.ofd = s;
		tree.cap_ofd = cap;
	}
	s = &tree.ofd[e->ofd_id];
	if (!s->pid) {
		*s = (struct seen_ofd){v->pid, v->opid, e->fd};
		return 0;
	}
	r = syscall(SYS_kcmp, s->opid, v->opid, KCMP_FILE, s->fd, e->fd);
	if (r < 0 && (errno == ENOSYS || errno == EPERM)) {
		tree.no_kcmp = true;
		return 0;
	}
	if (r == 0) {
		v->n->shared++;
		return 0;
	}
	return restore_ctx__fail(v->ctx, v->pid, -EIO,
			     "pid %d: fd %u: one open file with fd %d of pid %d in the image, "
			     "%s after restore",
			     v->pid, e->fd, s->fd, (int)s->pid, r < 0 ? "cannot compare" : "two");
}

int restore_verify__pipe(struct verify *v, const FdEntry *e, uint64_t ino)
{
	size_t i;
	int err;

	for (i = 0; i < tree.npipe; i++) {
		if (tree.pipe[i].img_ino != e->pipe_ino && tree.pipe[i].ino != ino)
			continue;
		if (tree.pipe[i].img_ino == e->pipe_ino && tree.pipe[i].ino == ino)
			return 0;
		return restore_ctx__fail(
			v->ctx, v->pid, -EIO,
			"pid %d: fd %u: pipe %llu in the image, pipe %llu after restore "
			"(the image's pipe %llu is pipe %llu)",
			v->pid, e->fd, (unsigned long long)e->pipe_ino, (unsigned long long)ino,
			(unsigned long long)tree.pipe[i].img_ino,
			(unsigned long long)tree.pipe[i].ino);
	}
	err = grow((void **)&tree.pipe, &tree.cap_pipe, tree.npipe, sizeof(*tree.pipe));
	if (err)
		return err;
	tree.pipe[tree.npipe++] = (struct seen_pipe){e->pipe_ino, ino};
	return 0;
}


int restore_verify__sockopt(struct verify *v, const FdEntry *e, int s, int level, int opt,
			    const char *what, int64_t img)
{
	char w[64];
	int val;

	/* An option this kernel does not give is not compared. */
	if (sockopt__get_int(s, level, opt, &val))
		return 0;
	v->n->sockopts++;
	snprintf(w, sizeof(w), "fd %u: %s", e->fd, what);
	return restore_verify__num(v, w, VF_SDEC, img, val);
}

int restore_verify__identity(struct verify *v, const FdEntry *e, const struct fd_live *l)
{
	char path[64], w[64];
	int err = 0;

	/*
	 * Not in /proc, whose inodes are made per lookup (a restored task's
	 * /proc/PID/stat, reopened by its path, is the same file under a new
	 * inode number).
	 */
	snprintf(path, sizeof(path), "/proc/%d/fd/%u", l->pid, e->fd);
	if (on_procfs(path))
		return 0;
	snprintf(w, sizeof(w), "fd %u: device", e->fd);
	if (e->has_dev)
		err = restore_verify__num(v, w, VF_HEX, e->dev, l->st->st_dev);
	snprintf(w, sizeof(w), "fd %u: inode", e->fd);
	/* A cgroup directory made again by this restore: a new inode, by design. */
	if (!err && e->has_ino && !(e->type == FD_TYPE__FD_DIR && restore_cgroup__made(v->ctx, e->path)))
		err = restore_verify__num(v, w, VF_DEC, e->ino, l->st->st_ino);
	snprintf(w, sizeof(w), "fd %u: rdev", e->fd);
	if (!err && e->has_rdev)
		err = restore_verify__num(v, w, VF_HEX, e->rdev, l->st->st_rdev);
	return err;
}

/*
 * One fd: its kind (the kind that claims the restored fd, as dump would
 * have), flags, close-on-exec and offset, then its kind's own state
 * (kinds.h), then whether it shares its open file description as in the
 * image.
 */
static int check_fd(struct verify *v, const FdEntry *e, int *pidfd)
{
	struct fd_live l = { .pid = v->opid, .fd = e->fd, .sock = -1 };
	char name[64], w[64], link[4096], *info = NULL;
	const struct fd_kind *k = NULL;
	uint64_t flags = 0, pos = 0;
	struct stat st;
	int err;

	snprintf(name, sizeof(name), "fd/%u", e->fd);
	err = procfs__readlink(v->opid, name, link, sizeof(link));
	snprintf(name, sizeof(name), "/proc/%d/fd/%u", v->opid, e->fd);
	if (!err && stat(name, &st))
		err = -errno;
	snprintf(name, sizeof(name), "fdinfo/%u", e->fd);
	if (!err)
		err = procfs__read(v->opid, name, &info, NULL);
	l.link = link;
	l.st = &st;
	l.info = info;
	/* A socket's options are read on a copy of it, taken here. */
	if (!err)
		err = kinds__probe_socket(&l, pidfd, true);
	if (err) {
		snprintf(name, sizeof(name), "fd %u", e->fd);
		err = restore_verify__cannot(v, name, err);
		goto out;
	}
	k = kinds__claim(&l);
	if (!k || k->type != e->type) {
		snprintf(w, sizeof(w), "fd %u: kind", e->fd);
		err = restore_verify__str(v, w, kinds__noun(e->type), k ? k->noun : link);
		goto out;
	}
	procfs__field_u64(info, "flags:", 8, &flags);
	snprintf(w, sizeof(w), "fd %u: flags", e->fd);
	/* O_TMPFILE's two bits: its kind says whether they came back (kind_deleted.c). */
	err = restore_verify__num(v, w, VF_OCT, e->flags,
				  flags & ~(uint64_t)(O_CLOEXEC | (e->tmpfile ? __O_TMPFILE | O_DIRECTORY : 0)));
	snprintf(w, sizeof(w), "fd %u: close-on-exec", e->fd);
	if (!err)
		err = restore_verify__num(v, w, VF_DEC, e->cloexec, !!(flags & O_CLOEXEC));
	/* The offsets of what restore seeks. */
	if (!err && k->seeks && e->has_pos && !procfs__field_u64(info, "pos:", 10, &pos)) {
		snprintf(w, sizeof(w), "fd %u: offset", e->fd);
		err = restore_verify__num(v, w, VF_DEC, e->pos, pos);
	}
	if (!err && k->verify)
		err = k->verify(v, e, &l);
	if (!err)
		err = restore_locks__verify(v, e, info);
	if (!err)
		err = check_ofd(v, e);
out:
	if (l.sock >= 0)
		close(l.sock);
	free(info);
	return err;
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* The fd numbers open now, sorted. */
static int list_fds(struct verify *v, int **out, size_t *n)
{
	char path[64];
	struct dirent *de;
	size_t cap = 0;
	int *fds = NULL, err = 0;
	DIR *d;

	*n = 0;
	snprintf(path, sizeof(path), "/proc/%d/fd", v->opid);
	d = opendir(path);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		err = grow((void **)&fds, &cap, *n, sizeof(*fds));
		if (err)
			break;
		fds[(*n)++] = atoi(de->d_name);
	}
	closedir(d);
	if (err) {
		free(fds);
		return err;
	}
	qsort(fds, *n, sizeof(*fds), cmp_int);
	*out = fds;
	return 0;
}

int restore_verify_fds__task(struct verify *v)
{
	const FilesImage *fi = v->t->files;
	size_t n = 0, i = 0, j = 0;
	int *fds = NULL, pidfd = -1, err;
	char w[64], link[4096];

	if (!fi)
		return 0;
	/* Shared with the tasks the image says; a table of another task's is checked there. */
	err = restore_fdt__verify(v);
	if (err || restore_fdt__shares(v->t))
		return err;
	err = list_fds(v, &fds, &n);
	if (err)
		return restore_verify__cannot(v, "its fds", err);
	/* Both sorted: walk them together. */
	while (!err && (i < fi->n_fds || j < n)) {
		const FdEntry *e = i < fi->n_fds ? fi->fds[i] : NULL;

		if (e && j < n && (int)e->fd == fds[j]) {
			err = check_fd(v, e, &pidfd);
			v->n->fds++;
			i++;
			j++;
		} else if (e && (j == n || (int)e->fd < fds[j])) {
			snprintf(w, sizeof(w), "fd %u", e->fd);
			err = restore_verify__str(v, w, kinds__noun(e->type), "none");
		} else {
			snprintf(w, sizeof(w), "fd/%d", fds[j]);
			if (procfs__readlink(v->opid, w, link, sizeof(link)))
				snprintf(link, sizeof(link), "?");
			snprintf(w, sizeof(w), "fd %d", fds[j]);
			err = restore_verify__str(v, w, "none", link);
		}
	}
	if (pidfd >= 0)
		close(pidfd);
	free(fds);
	return err;
}
