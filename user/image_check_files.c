// SPDX-License-Identifier: GPL-2.0
/*
 * image_check_files.c - the checks of what a task's files image, the
 * pipes image and the pidfds image say (see image_check.c for the rest):
 * fds sorted and of known kinds, each naming what it opens, deleted files'
 * saved contents exactly their size, epoll interest lists within the
 * task's own fds, inotify watches by increasing wd on absolute paths,
 * named unix sockets' names that fit sun_path, pipes
 * and pidfs inodes listed once.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "ghost_data.h"
#include "image_check.h"
#include "inet_sk.h"
#include "kind_fifo.h"
#include "kind_locks.h"
#include "kind_scm.h"

/*
 * A deleted file's saved contents (a mapping's ghost, an FD_DELETED fd):
 * a name, and exactly its size of data where it says the data is. Restore
 * writes data.len bytes, then cuts the file to size.
 */
int image_check__deleted_file(struct image *img, const char *n, const char *what, uint64_t at,
			      const DeletedFileEntry *d)
{
	if (!d->path || !*d->path)
		return bad(img, n, "%s 0x%llx: a deleted file without its name", what,
			   (unsigned long long)at);
	if (d->size > MAX_DELETED_BYTES || (d->data_here && ghost_data__check(d)) ||
	    (!d->data_here && d->data.len))
		return bad(img, n, "%s 0x%llx: deleted file %.64s of %llu bytes holds %zu bytes%s",
			   what, (unsigned long long)at, d->path, (unsigned long long)d->size,
			   d->data.len, d->data_here ? "" : " it should not");
	return 0;
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
 * An epoll's interest list: fds of the same task (@fi, sorted), each once
 * and not the epoll itself, which also bounds the count by the task's fds.
 */
static int check_epoll(struct image *img, const char *n, const FilesImage *fi, const FdEntry *e)
{
	const EpollEntry *ep = e->epoll;
	uint32_t *tfds;
	size_t i;
	int err = 0;

	if (!ep)
		return bad(img, n, "epoll fd %u has no interest list", e->fd);
	if (ep->n_targets > fi->n_fds || (ep->n_targets && !ep->targets_here))
		return bad(img, n, "epoll fd %u: %zu targets: impossible", e->fd, ep->n_targets);
	for (i = 0; i < ep->n_targets; i++)
		if (ep->targets[i]->tfd == e->fd || !has_fd(fi, ep->targets[i]->tfd))
			return bad(img, n, "epoll fd %u watches fd %u, which the task does not have",
				   e->fd, ep->targets[i]->tfd);
	if (ep->n_targets < 2)
		return 0;
	tfds = malloc(ep->n_targets * sizeof(*tfds));
	if (!tfds)
		return -ENOMEM;
	for (i = 0; i < ep->n_targets; i++)
		tfds[i] = ep->targets[i]->tfd;
	qsort(tfds, ep->n_targets, sizeof(*tfds), image_check__cmp_u32);
	for (i = 1; i < ep->n_targets && !err; i++)
		if (tfds[i] == tfds[i - 1])
			err = bad(img, n, "epoll fd %u watches fd %u twice", e->fd, tfds[i]);
	free(tfds);
	return err;
}

/*
 * A unix socket's name: a listener has one, an unconnected datagram
 * socket may; it fits sun_path (108 bytes with the leading NUL of an
 * abstract name or a path's final NUL), a path absolute and without NUL
 * bytes; only a stream or seqpacket socket listens.
 */
static int check_unix(struct image *img, const char *n, const FdEntry *e)
{
	const UnixSkEntry *u = e->unix_sk;
	const char *kind = u && u->listening ? "listening unix socket" : "unix socket";

	if (!u)
		return bad(img, n, "unix socket fd %u has no state", e->fd);
	if (!u->listening && !u->has_name)
		return 0;
	if (!u->listening && (u->sk_type != SOCK_DGRAM || u->connected || u->has_peer_ino))
		return bad(img, n, "unix socket fd %u has a name but neither listens nor is an unconnected datagram socket",
			   e->fd);
	if (u->listening && u->sk_type != SOCK_STREAM && u->sk_type != SOCK_SEQPACKET)
		return bad(img, n, "unix socket fd %u of type %u listens", e->fd, u->sk_type);
	if (!u->has_name || !u->name.len || u->name.len > 107)
		return bad(img, n, "%s fd %u: a name of %zu bytes", kind, e->fd,
			   u->has_name ? u->name.len : 0);
	if (!u->abstract && (u->name.data[0] != '/' || memchr(u->name.data, 0, u->name.len)))
		return bad(img, n, "%s fd %u: path is not absolute or holds a NUL byte", kind, e->fd);
	if (u->listening && (u->connected || u->has_peer_ino || u->n_queue))
		return bad(img, n, "listening unix socket fd %u is damaged", e->fd);
	if (u->has_file_mode && u->abstract)
		return bad(img, n, "%s fd %u is damaged", kind, e->fd);
	return 0;
}

/*
 * An inotify instance's watches: restore adds them by path in wd order,
 * burning the numbers in between, so wds increase from 1 (a bounded count:
 * fs.inotify.max_user_watches' ceiling), each on an absolute path.
 */
#define MAX_INOTIFY_WATCHES (1U << 20)
static int check_inotify(struct image *img, const char *n, const FdEntry *e)
{
	const InotifyEntry *ie = e->inotify;
	size_t i;

	if (!ie)
		return bad(img, n, "inotify fd %u has no watch list", e->fd);
	if (ie->n_watches > MAX_INOTIFY_WATCHES)
		return bad(img, n, "inotify fd %u: %zu watches: impossible", e->fd, ie->n_watches);
	for (i = 0; i < ie->n_watches; i++) {
		const InotifyWatch *w = ie->watches[i];

		if (!w->wd || w->wd > INT32_MAX || (i && w->wd <= ie->watches[i - 1]->wd))
			return bad(img, n, "inotify fd %u: watch %u is out of order or impossible",
				   e->fd, w->wd);
		if (!w->path || w->path[0] != '/' || strlen(w->path) >= 4096)
			return bad(img, n, "inotify fd %u: watch %u has no absolute path", e->fd,
				   w->wd);
		if (w->fhandle.len > 128)
			return bad(img, n, "inotify fd %u: watch %u: a %zu-byte file handle", e->fd,
				   w->wd, w->fhandle.len);
	}
	return 0;
}

/* An inet socket: a family, type, address and ports restore can use. */
static int check_inet(struct image *img, const char *n, const FdEntry *e)
{
	char why[96];

	if (!e->inet_sk)
		return bad(img, n, "inet socket fd %u has no state", e->fd);
	if (inet_sk__check(e->inet_sk, why, sizeof(why)))
		return bad(img, n, "fd %u: %s", e->fd, why);
	return 0;
}

int image_check__files(struct image *img, const char *n, const FilesImage *fi)
{
	size_t i;
	int err;

	if (fi->n_fds > MAX_FDS || fi->umask > 0777)
		return bad(img, n, "damaged (%zu fds, umask %o)", fi->n_fds, fi->umask);
	for (i = 0; i < fi->n_fds; i++) {
		const FdEntry *e = fi->fds[i];

		if (e->fd >= MAX_FDS || (i && e->fd <= fi->fds[i - 1]->fd))
			return bad(img, n, "fd %u is out of order or impossible", e->fd);
		if (!image_check__known(&fd_type__descriptor, e->type))
			return bad(img, n, "fd %u has an unknown type %d", e->fd, e->type);
		if ((e->type == FD_TYPE__FD_REG || e->type == FD_TYPE__FD_DIR ||
		     e->type == FD_TYPE__FD_CHR) && (!e->path || !*e->path))
			return bad(img, n, "fd %u names no file", e->fd);
		if (e->type == FD_TYPE__FD_UNIX &&
		    (check_unix(img, n, e) || kind_scm__check(img, n, e)))
			return -EINVAL;
		if (e->type == FD_TYPE__FD_INOTIFY && check_inotify(img, n, e))
			return -EINVAL;
		if (e->type == FD_TYPE__FD_INET && check_inet(img, n, e))
			return -EINVAL;
		if (e->type == FD_TYPE__FD_FIFO && kind_fifo__check(img, n, e))
			return -EINVAL;
		if (kind_locks__check(img, n, e))
			return -EINVAL;
		if (e->type == FD_TYPE__FD_DELETED && e->deleted &&
		    image_check__deleted_file(img, n, "fd", e->fd, e->deleted))
			return -EINVAL;
		if ((e->type == FD_TYPE__FD_PIPE && !e->has_pipe_ino) ||
		    (e->type == FD_TYPE__FD_PIDFD && !e->has_pidfd_ino))
			return bad(img, n, "fd %u names no object", e->fd);
	}
	/* Once the fds are known sorted: epoll targets are looked up among them. */
	for (i = 0; i < fi->n_fds; i++) {
		if (fi->fds[i]->type != FD_TYPE__FD_EPOLL)
			continue;
		err = check_epoll(img, n, fi, fi->fds[i]);
		if (err)
			return err;
	}
	return 0;
}

int image_check__pipes(struct image *img, const char *n, const PipesImage *p)
{
	uint64_t dup;
	size_t i;
	int r;

	for (i = 0; i < p->n_pipes; i++)
		if (p->pipes[i]->data.len > p->pipes[i]->capacity ||
		    p->pipes[i]->capacity > (1U << 31))
			return bad(img, n, "pipe %llu holds %zu bytes in a %u-byte pipe",
				   (unsigned long long)p->pipes[i]->ino, p->pipes[i]->data.len,
				   p->pipes[i]->capacity);
	r = image_check__find_dup(p->pipes, p->n_pipes, sizeof(*p->pipes), offsetof(PipeEntry, ino), &dup);
	if (r > 0)
		return bad(img, n, "pipe %llu is listed twice", (unsigned long long)dup);
	return r;
}

int image_check__pidfds(struct image *img, const char *n, const PidfdsImage *p)
{
	uint64_t dup;
	size_t i;
	int r;

	for (i = 0; i < p->n_targets; i++) {
		const PidfdTargetEntry *t = p->targets[i];

		if (!image_check__known(&pidfd_state__descriptor, t->state))
			return bad(img, n, "pidfs inode %llu has an unknown state %d",
				   (unsigned long long)t->ino, t->state);
		if (t->n_nspid > MAX_NS_LEVELS || t->n_ns_ino > MAX_NS_LEVELS ||
		    t->n_holders > MAX_FDS)
			return bad(img, n, "pidfs inode %llu is damaged", (unsigned long long)t->ino);
	}
	r = image_check__find_dup(p->targets, p->n_targets, sizeof(*p->targets),
		     offsetof(PidfdTargetEntry, ino), &dup);
	if (r > 0)
		return bad(img, n, "pidfs inode %llu is listed twice", (unsigned long long)dup);
	return r;
}
