// SPDX-License-Identifier: GPL-2.0
/*
 * restore_fdkinds.c - unix sockets, memfds and deleted files, opened once
 * each in pidtrace (restore_files.c hands them to the tasks with
 * pidfd_getfd, so sharing is kept), for their kinds (kind_unix.c,
 * kind_memfd.c, kind_deleted.c), with what pidtrace holds of them until
 * every task has its fds: the other end of a socketpair, a recreated
 * deleted file, a memfd.
 *
 * A socketpair is made when its first end is met: each end's queue is
 * written again from the other end (one send per datagram, so message
 * boundaries stay), then the shutdown bits and options are set; the other
 * end waits for its own fd, or is closed when its owner had closed it.
 * Sockets bound to a name, and those connected to one, are
 * restore_unix_conn.c's.
 *
 * A deleted file is made again nameless in its directory (O_TMPFILE),
 * filled, given its owner and mode, then each fd of it is opened through
 * the name it had, linked for an instant (restore_named.c; a free name
 * next to it when that one is taken): /proc shows "PATH (deleted)" as
 * before.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "fdio.h"
#include "ghost_data.h"
#include "log.h"
#include "restore_ctx.h"
#include "restore_fdkinds.h"
#include "restore_rofs.h"
#include "restore_ghost.h"
#include "restore_named.h"
#include "restore_scm.h"
#include "restore_unix.h"
#include "restore_unix_cred.h"
#include "restore_unix_conn.h"
#include "sockopt.h"
#include "unix_opts.h"

/* An object pidtrace holds, by identity: a socket end, a deleted file, a memfd. */
struct rkept {
	uint64_t key, key2;
	int fd;
	uint32_t seals;
	bool given;		/* a memfd, a file O_TMPFILE made: its own description went to an fd */
};

struct restore_fdkinds {
	struct rkept *socks;	/* socket ends made with their peer, not claimed yet */
	size_t nsocks;
	struct rkept *files;	/* deleted files: (dev, ino) -> the new file */
	size_t nfiles;
	struct rkept *memfds;	/* shmid -> memfd */
	size_t nmemfds;
	struct restore_named *named;	/* deleted files opened through their names */
};

static struct restore_fdkinds *state(struct restore_ctx *ctx)
{
	if (!ctx->fdk)
		ctx->fdk = calloc(1, sizeof(*ctx->fdk));
	return ctx->fdk;
}

static int keep(struct rkept **arr, size_t *n, uint64_t key, uint64_t key2, int fd)
{
	struct rkept *a = realloc(*arr, (*n + 1) * sizeof(*a));

	if (!a)
		return -ENOMEM;
	*arr = a;
	a[(*n)++] = (struct rkept){ key, key2, fd, 0 };
	return 0;
}

static struct rkept *kept(struct rkept *arr, size_t n, uint64_t key, uint64_t key2)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (arr[i].key == key && arr[i].key2 == key2)
			return &arr[i];
	return NULL;
}

/* A new description of the file pidtrace holds as @fd, with @e's flags and position. */
static int reopen(struct restore_ctx *ctx, pid_t pid, const FdEntry *e, int fd)
{
	int flags = (e->flags & ~(O_CREAT | O_EXCL | O_TRUNC | O_NOFOLLOW)) | O_CLOEXEC;
	char path[64];
	int nfd;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	nfd = open(path, flags);
	if (nfd < 0)
		return restore_ctx__fail(ctx, pid, -errno, "pid %d fd %u: reopen %s: %s", pid, e->fd,
				     e->path ? e->path : "?", strerror(errno));
	if (e->has_pos && lseek(nfd, e->pos, SEEK_SET) < 0) {
		close(nfd);
		return restore_ctx__fail(ctx, pid, -errno, "pid %d fd %u: lseek: %s", pid, e->fd,
				     strerror(errno));
	}
	return nfd;
}

/* ---- unix sockets ---- */

/* The fd entry that carries the queue of socket @ino (the first holder's). */
static bool has_queue(const FdEntry *e, const void *arg)
{
	return e->unix_sk && e->unix_sk->queue_here;
}

static const FdEntry *queue_entry(struct restore_ctx *ctx, uint64_t ino)
{
	return restore_ctx__find_fd(ctx, FD_TYPE__FD_UNIX, ino, has_queue, NULL, NULL);
}

/*
 * Write @to's queue (the unread data of its original) from @from: to its
 * peer, or to the name @dst (@dlen) when it is not NULL.
 */
int restore_fdkinds__refill(struct restore_ctx *ctx, pid_t pid, int from, const UnixSkEntry *to,
			    const struct sockaddr_un *dst, socklen_t dlen)
{
	size_t i, total = 0, done;
	ssize_t n;

	for (i = 0; i < to->n_queue; i++)
		total += to->queue[i].len;
	if (!to->n_queue)
		return 0;
	/* Room for all of it at once (datagram overhead included). */
	sockopt__set_buf(from, SO_SNDBUF, (int)(total + to->n_queue * 1024 + 65536));
	/* Messages that carry files (restore_scm.c). */
	if (to->n_scm)
		return restore_scm__send(ctx, pid, from, to, dst, dlen);
	for (i = 0; i < to->n_queue; i++) {
		const ProtobufCBinaryData *q = &to->queue[i];

		for (done = 0; done < q->len || (!q->len && !done);) {
			n = sendto(from, q->data + done, q->len - done, MSG_DONTWAIT | MSG_NOSIGNAL,
				   (const struct sockaddr *)dst, dst ? dlen : 0);
			if (n < 0)
				return -errno;
			if (to->sk_type != SOCK_STREAM) {
				if ((size_t)n != q->len)
					return -EMSGSIZE;
				break;
			}
			done += n;
		}
	}
	return 0;
}

/* Options and shutdown bits of the original @u, on its new socket @s. */
int restore_fdkinds__sk_options(int s, const FdEntry *e)
{
	const UnixSkEntry *u = e->unix_sk;
	int err;

	sockopt__set_buf(s, SO_SNDBUF, u->sndbuf / 2);
	sockopt__set_buf(s, SO_RCVBUF, u->rcvbuf / 2);
	err = u->peek_off >= 0 ? sockopt__set_int(s, SOL_SOCKET, SO_PEEK_OFF, u->peek_off) : 0;
	if (!err && u->passcred)
		err = sockopt__set_int(s, SOL_SOCKET, SO_PASSCRED, 1);
	if (!err)
		err = unix_opts__apply(s, u);
	if (!err && (u->shutdown & 3))
		err = shutdown(s, (u->shutdown & 3) == 3 ? SHUT_RDWR :
				  u->shutdown & 1 ? SHUT_RD : SHUT_WR) ? -errno : 0;
	if (!err && fcntl(s, F_SETFL, e->flags & O_NONBLOCK))
		err = -errno;
	return err;
}

static int open_unix(struct restore_ctx *ctx, struct restore_fdkinds *k, pid_t pid,
		     const FdEntry *e)
{
	const UnixSkEntry *u = e->unix_sk;
	const FdEntry *mine, *peer = NULL;
	struct rkept *p;
	int sv[2] = { -1, -1 }, err = 0, fd;

	if (!u)
		return restore_ctx__fail(ctx, pid, -EINVAL, "pid %d fd %u: socket without its state", pid,
				     e->fd);
	/* Named, or connected to a named one (restore_unix_conn.c). */
	if (restore_unix_conn__wants(ctx, e))
		return restore_unix_conn__open(ctx, pid, e);
	p = kept(k->socks, k->nsocks, e->ino, 0);
	if (p) {
		/* Made with its peer: taken once (one socket, one description). */
		fd = p->fd;
		*p = k->socks[--k->nsocks];
		return fd;
	}
	mine = queue_entry(ctx, e->ino);
	if (!mine)
		mine = e;
	if (!u->connected) {
		sv[0] = restore_unix_cred__socket(ctx, u, u->sk_type);
		if (sv[0] < 0)
			err = sv[0];
		if (!err && mine->unix_sk->n_queue)
			err = -EINVAL;
	} else {
		/* Made by the task its peer credentials name (restore_unix_cred.c). */
		err = restore_unix_cred__socketpair(ctx, u, u->sk_type, sv);
		if (!err && u->has_peer_ino)
			peer = queue_entry(ctx, u->peer_ino);
		if (!err)
			err = restore_fdkinds__refill(ctx, pid, sv[1], mine->unix_sk, NULL, 0);
		if (!err && peer)
			err = restore_fdkinds__refill(ctx, pid, sv[0], peer->unix_sk, NULL, 0);
	}
	if (!err)
		err = restore_fdkinds__sk_options(sv[0], mine);
	if (!err && peer)
		err = restore_fdkinds__sk_options(sv[1], peer);
	/* The peer waits for its fd; one no fd of the tree holds was closed: so is this. */
	if (!err && peer) {
		err = keep(&k->socks, &k->nsocks, u->peer_ino, 0, sv[1]);
		if (!err)
			sv[1] = -1;
	}
	if (sv[1] >= 0)
		close(sv[1]);
	if (err) {
		if (sv[0] >= 0)
			close(sv[0]);
		return restore_ctx__fail(ctx, pid, err, "pid %d fd %u: unix socket %lu: %s", pid, e->fd,
				     (unsigned long)e->ino, strerror(-err));
	}
	return sv[0];
}

/* ---- deleted files ---- */

/* Flags open() takes with O_TMPFILE; the others F_SETFL sets once it is filled. */
#define SETFL_LATER (O_APPEND | O_NONBLOCK | O_ASYNC | O_DIRECT | O_NOATIME)

/* restore_ctx__find_fd()'s pick: the inode's description made by O_TMPFILE. */
static bool made_tmpfile(const FdEntry *e, const void *dev)
{
	return e->tmpfile && e->deleted && e->dev == *(const uint64_t *)dev;
}

/*
 * A file made by open(DIR, O_TMPFILE) is named "#INODE" by the kernel: it
 * is made so again, nameless and linkable (linkat(fd, "", AT_EMPTY_PATH),
 * the way such a file is given a name once written). Made by name and
 * unlinked it could never be linked: linkat failed with ENOENT after a
 * restore (tools/procdiff: zdtm fd01's tmpfile()). Its new name is its
 * new inode's. Made with the open flags of the description the image says
 * O_TMPFILE made (@t, fd_entry.tmpfile; else O_RDWR): that description,
 * whose fdinfo shows __O_TMPFILE|O_DIRECTORY again (no reopen carries
 * them), goes to that fd. -errno when the directory takes no O_TMPFILE.
 */
static int make_tmpfile(const DeletedFileEntry *d, const FdEntry *t, uint64_t ino)
{
	const char *slash = strrchr(d->path, '/');
	int flags = t ? t->flags & ~(SETFL_LATER | O_CREAT | O_EXCL | O_TRUNC | O_NOCTTY |
				     O_NOFOLLOW | O_DIRECTORY) : O_RDWR;
	char dir[4096], want[32];
	int fd, err;

	snprintf(want, sizeof(want), "#%llu", (unsigned long long)ino);
	if (!slash || strcmp(slash + 1, want))
		return -ENOENT;
	snprintf(dir, sizeof(dir), "%.*s", slash == d->path ? 1 : (int)(slash - d->path), d->path);
	fd = open(dir, flags | O_TMPFILE | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	err = ghost_data__fill(fd, d);
	/* O_APPEND would have put every range at the end; O_DIRECT, unaligned. */
	if (!err && t && (t->flags & SETFL_LATER) && fcntl(fd, F_SETFL, t->flags & SETFL_LATER))
		err = -errno;
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

/*
 * Shared anonymous memory @e held by an fd (fd_entry.anon_shmem): the
 * image's object of that inode when a mapping has it (restore_shmem.c),
 * else made so again, mapped, opened through /proc/self/map_files (the
 * same "/dev/zero (deleted)" on the kernel's mount), unmapped, filled.
 */
static int make_anon_shmem(struct restore_ctx *ctx, const DeletedFileEntry *d, const FdEntry *e)
{
	size_t page = sysconf(_SC_PAGESIZE), len = d->size ? (d->size + page - 1) & ~(page - 1) : page;
	const struct rkept *shm = kept(ctx->fdk->memfds, ctx->fdk->nmemfds, e->ino, 0);
	int fd, err = 0;
	char path[80];
	void *p;

	if (shm) {
		/*
		 * The object spans every mapping of it (zdtm shmemfd-priv maps
		 * past its end); its size is the file's, as the fd saw it.
		 */
		if (ftruncate(shm->fd, d->size))
			return -errno;
		snprintf(path, sizeof(path), "/proc/self/fd/%d", shm->fd);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		return fd < 0 ? -errno : fd;
	}
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -errno;
	snprintf(path, sizeof(path), "/proc/self/map_files/%lx-%lx", (unsigned long)p,
		 (unsigned long)p + len);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		err = -errno;
	munmap(p, len);
	if (!err)
		err = ghost_data__fill(fd, d);
	if (err && fd >= 0)
		close(fd);
	return err ? err : fd;
}

/*
 * Create @d (the file @e names) again: nameless in its directory
 * (O_TMPFILE), filled, then given for an instant each name its fds had
 * (restore_named.c). A directory without O_TMPFILE: made under its old
 * name (or a free one beside it), filled and unlinked. On a mount
 * read-only by its flag, through a writable clone of it; one made by
 * O_TMPFILE, by O_TMPFILE (@made: 1 then).
 */
static int make_deleted(struct restore_ctx *ctx, struct restore_fdkinds *k,
			const DeletedFileEntry *d, const FdEntry *e, int *made)
{
	const char *slash = strrchr(d->path, '/');
	char name[4200], dir[4096];
	int fd, err;

	*made = 0;
	if (e->anon_shmem)
		return make_anon_shmem(ctx, d, e);
	if (d->ro_mount)
		return restore_rofs__make(d);
	fd = make_tmpfile(d, restore_ctx__find_fd(ctx, FD_TYPE__FD_DELETED, e->ino, made_tmpfile,
						 &e->dev, NULL), e->ino);
	if (fd >= 0) {
		*made = 1;
		return fd;
	}
	snprintf(dir, sizeof(dir), "%.*s", slash && slash != d->path ? (int)(slash - d->path) : 1,
		 d->path);
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0) {
		err = ghost_data__fill(fd, d);
		if (!err)
			err = restore_named__give(ctx, &k->named, e->dev, e->ino, fd);
		/* Every one given: the nameless dentry goes at once (restore_named__swap()). */
		if (!err)
			return restore_named__swap(k->named, e->dev, e->ino, fd);
		if (err < 0)
			close(fd);
		return err < 0 ? err : fd;
	}
	fd = restore_rofs__create_free(AT_FDCWD, d->path, name, sizeof(name));
	if (fd < 0)
		return fd;
	/* Its data ranges, holes, size, times, owner, mode (ghost_data.c). */
	return fdio__unlink_made(fd, name, ghost_data__fill(fd, d));
}

/*
 * @e is the description O_TMPFILE made, and @f holds it still: it goes to
 * @e (its flags, its position), @f keeps a read-only one for the others.
 */
static int give_made(struct restore_ctx *ctx, pid_t pid, const FdEntry *e, struct rkept *f)
{
	char self[64];
	int ro, made;

	snprintf(self, sizeof(self), "/proc/self/fd/%d", f->fd);
	ro = open(self, O_RDONLY | O_CLOEXEC);
	if (ro < 0)
		return restore_ctx__fail(ctx, pid, -errno, "pid %d fd %u: reopen %s: %s", pid, e->fd,
				     e->path ? e->path : "?", strerror(errno));
	if (e->has_pos && lseek(f->fd, e->pos, SEEK_SET) < 0) {
		close(ro);
		return restore_ctx__fail(ctx, pid, -errno, "pid %d fd %u: lseek: %s", pid, e->fd,
				     strerror(errno));
	}
	f->given = true;
	made = f->fd;
	f->fd = ro;
	return made;
}

static int open_deleted(struct restore_ctx *ctx, struct restore_fdkinds *k, pid_t pid,
			const FdEntry *e)
{
	const DeletedFileEntry *d;
	struct rkept *f;
	int fd, err, made, named;

	f = kept(k->files, k->nfiles, e->dev, e->ino);
	if (!f) {
		d = restore_ghost__data(ctx, e->dev, e->ino);
		if (!d)
			return restore_ctx__fail(ctx, pid, -EINVAL,
					     "pid %d fd %u: the contents of deleted file %s are not in the image",
					     pid, e->fd, e->path ? e->path : "?");
		fd = make_deleted(ctx, k, d, e, &made);
		if (fd < 0)
			return restore_ctx__fail(ctx, pid, fd,
					     "pid %d fd %u: cannot recreate deleted file %s: %s", pid,
					     e->fd, d->path, strerror(-fd));
		err = keep(&k->files, &k->nfiles, e->dev, e->ino, fd);
		if (err) {
			close(fd);
			return err;
		}
		f = &k->files[k->nfiles - 1];
		f->given = !made;
	}
	if (e->tmpfile && !f->given)
		return give_made(ctx, pid, e, f);
	if (e->tmpfile)
		pr_warn("pid %d fd %u: %s: made by O_TMPFILE, restored without __O_TMPFILE|O_DIRECTORY in its flags (the file could not be made so for it)",
			pid, e->fd, e->path ? e->path : "?");
	/* Through the name it was opened by, when that could be given (restore_named.c). */
	named = restore_named__fd(k->named, e->dev, e->ino, e->path);
	return reopen(ctx, pid, e, named >= 0 ? named : f->fd);
}

/* ---- memfds ---- */

int restore_fdkinds__keep_memfd(struct restore_ctx *ctx, uint64_t shmid, int fd, uint32_t seals)
{
	struct restore_fdkinds *k = state(ctx);
	int copy, err;

	if (!k)
		return -ENOMEM;
	copy = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (copy < 0)
		return -errno;
	err = keep(&k->memfds, &k->nmemfds, shmid, 0, copy);
	if (err) {
		close(copy);
		return err;
	}
	k->memfds[k->nmemfds - 1].seals = seals;
	return 0;
}

int restore_fdkinds__seal(struct restore_ctx *ctx)
{
	struct restore_fdkinds *k = ctx->fdk;
	size_t i;

	for (i = 0; k && i < k->nmemfds; i++) {
		/* F_SEAL_SEAL alone: made without MFD_ALLOW_SEALING, nothing to add. */
		if (k->memfds[i].seals == F_SEAL_SEAL)
			continue;
		if (fcntl(k->memfds[i].fd, F_ADD_SEALS, k->memfds[i].seals))
			return restore_ctx__fail(ctx, 0, -errno, "memfd %lu: cannot seal it (0x%x): %s",
					     (unsigned long)k->memfds[i].key, k->memfds[i].seals,
					     strerror(errno));
	}
	return 0;
}

static int open_memfd(struct restore_ctx *ctx, struct restore_fdkinds *k, pid_t pid,
		      const FdEntry *e)
{
	struct rkept *m = kept(k->memfds, k->nmemfds, e->memfd_shmid, 0);

	int fd;

	if (!e->has_memfd_shmid || !m)
		return restore_ctx__fail(ctx, pid, -EINVAL, "pid %d fd %u: memfd %s is not in the image",
				     pid, e->fd, e->path ? e->path : "?");
	/*
	 * The description memfd_create() made holds no write access, so the
	 * memfd can be run (execveat, fexecve); a read-write reopen through
	 * /proc would make exec fail with ETXTBSY. The first read-write fd
	 * gets it, as the original's did (zdtm memfd04).
	 */
	if ((e->flags & O_ACCMODE) != O_RDWR || m->given)
		return reopen(ctx, pid, e, m->fd);
	fd = fcntl(m->fd, F_DUPFD_CLOEXEC, 0);
	if (fd < 0 || fcntl(fd, F_SETFL, e->flags & (O_APPEND | O_NONBLOCK)) ||
	    (e->has_pos && lseek(fd, e->pos, SEEK_SET) < 0)) {
		if (fd >= 0)
			close(fd);
		return restore_ctx__fail(ctx, pid, -errno, "pid %d fd %u: memfd %s: %s", pid, e->fd,
				     e->path ? e->path : "?", strerror(errno));
	}
	m->given = true;
	return fd;
}

static void close_all(struct rkept *arr, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		close(arr[i].fd);
	free(arr);
}

void restore_fdkinds__close(struct restore_ctx *ctx)
{
	struct restore_fdkinds *k = ctx->fdk;

	/* Every socket is connected: names that had lost their file lose it again. */
	restore_unix__unlink_gone(ctx);
	restore_unix_conn__end(ctx);
	if (!k)
		return;
	close_all(k->socks, k->nsocks);
	close_all(k->files, k->nfiles);
	close_all(k->memfds, k->nmemfds);
	restore_named__free(&k->named);
	free(k);
	ctx->fdk = NULL;
}

int restore_fdkinds__open_unix(struct restore_ctx *ctx, pid_t pid, const FdEntry *e)
{
	struct restore_fdkinds *k = state(ctx);

	return k ? open_unix(ctx, k, pid, e) : -ENOMEM;
}

int restore_fdkinds__open_memfd(struct restore_ctx *ctx, pid_t pid, const FdEntry *e)
{
	struct restore_fdkinds *k = state(ctx);

	return k ? open_memfd(ctx, k, pid, e) : -ENOMEM;
}

int restore_fdkinds__open_deleted(struct restore_ctx *ctx, pid_t pid, const FdEntry *e)
{
	struct restore_fdkinds *k = state(ctx);

	return k ? open_deleted(ctx, k, pid, e) : -ENOMEM;
}
