// SPDX-License-Identifier: GPL-2.0
/*
 * restore_unix.c - unix sockets bound to a name: listeners, and datagram
 * sockets (restore_fdkinds.c refills their queue).
 *
 * The name is bound again in pidtrace (its mount and network namespace
 * are the tree's), a listener listens with the saved backlog, and the
 * tasks get the socket through restore_files.c. A path usually still holds the
 * original's socket file, left behind when it died: that file is removed
 * when no socket is bound to it (sock_diag) and nobody accepts on it
 * (connect() is refused); a live one (the original still running beside
 * a --pidns restore), or anything that is not a socket, fails the restore
 * and is left alone. An abstract name in use fails at bind (EADDRINUSE).
 * Socket files this restore created are removed again if it fails.
 *
 * Once a task has its credentials, it calls listen() again itself: a
 * listener hands its peer credentials (SO_PEERCRED: pid, uid, gid) to
 * every client that connects, and listen() is what sets them. Made by
 * pidtrace only, they would name pidtrace (gone) and root.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"
#include "restore_ctx.h"
#include "restore_unix.h"
#include "sockdiag.h"

struct rbound {
	char path[sizeof(((struct sockaddr_un *)0)->sun_path) + 1];
	dev_t dev;
	ino_t ino;
};

struct restore_unix {
	struct rbound *bound;	/* socket files made by this restore */
	size_t nbound;
	uint32_t *relistened;	/* ofd_ids listen()ed again in a task */
	size_t nrelistened;
};

static struct restore_unix *state(struct restore_ctx *ctx)
{
	if (!ctx->unx)
		ctx->unx = calloc(1, sizeof(*ctx->unx));
	return ctx->unx;
}

static int set_int(int s, int opt, int v)
{
	return setsockopt(s, SOL_SOCKET, opt, &v, sizeof(v)) ? -errno : 0;
}

/*
 * @path holds something: 0 when it is a stale socket file (now removed),
 * else -EADDRINUSE / -EEXIST with @why said.
 */
static int clear_stale(const char *path, int type, const char **why)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	struct stat st;
	int s, r;

	if (lstat(path, &st))
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISSOCK(st.st_mode)) {
		*why = "exists and is not a socket";
		return -EEXIST;
	}
	r = sockdiag__unix_file_held(st.st_dev, st.st_ino);
	if (r) {
		*why = r > 0 ? "in use by a live socket" : "cannot tell whether it is in use";
		return r > 0 ? -EADDRINUSE : r;
	}
	/* Not held here: a listener of another network namespace would still accept. */
	s = socket(AF_UNIX, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (s < 0)
		return -errno;
	memcpy(a.sun_path, path, strlen(path));
	r = connect(s, (struct sockaddr *)&a, sizeof(a)) ? errno : 0;
	close(s);
	if (r != ECONNREFUSED) {
		*why = "in use by a live socket";
		return -EADDRINUSE;
	}
	if (unlink(path) && errno != ENOENT)
		return -errno;
	return 0;
}

static int remember(struct restore_ctx *ctx, const char *path)
{
	struct restore_unix *k = state(ctx);
	struct rbound *b;
	struct stat st;

	if (!k)
		return -ENOMEM;
	if (lstat(path, &st))
		return -errno;
	b = realloc(k->bound, (k->nbound + 1) * sizeof(*b));
	if (!b)
		return -ENOMEM;
	k->bound = b;
	b = &b[k->nbound++];
	snprintf(b->path, sizeof(b->path), "%s", path);
	b->dev = st.st_dev;
	b->ino = st.st_ino;
	return 0;
}

/* Owner and mode of the new socket file, as the original's. */
static int set_file(const char *path, const UnixSkEntry *u)
{
	if (u->has_file_uid && u->has_file_gid && lchown(path, u->file_uid, u->file_gid))
		return -errno;
	if (u->has_file_mode && chmod(path, u->file_mode & 07777))
		return -errno;
	return 0;
}

/* The name in messages: the path, or "@name" for an abstract one. */
static void name_shown(const UnixSkEntry *u, char *buf, size_t len)
{
	snprintf(buf, len, "%s%.*s", u->abstract ? "@" : "", (int)u->name.len,
		 (const char *)u->name.data);
}

int restore_unix__bind(struct restore_ctx *ctx, pid_t pid, const FdEntry *e,
		       struct sockaddr_un *a, socklen_t *alen)
{
	const UnixSkEntry *u = e->unix_sk;
	char shown[sizeof(a->sun_path) + 2];
	const char *why = NULL;
	int s = -1, err = 0;
	bool bound = false;

	/* image_check_files.c: a name that fits, a path without NUL bytes. */
	if (!u->has_name || u->name.len + 1 > sizeof(a->sun_path))
		return restore_ctx__fail(ctx, pid, -EINVAL, "pid %d fd %u: unix socket without a name",
				     pid, e->fd);
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	if (u->abstract) {
		memcpy(a->sun_path + 1, u->name.data, u->name.len);
		*alen = offsetof(struct sockaddr_un, sun_path) + 1 + u->name.len;
	} else {
		memcpy(a->sun_path, u->name.data, u->name.len);
		*alen = sizeof(*a);
	}
	name_shown(u, shown, sizeof(shown));
	s = socket(AF_UNIX, u->sk_type | SOCK_CLOEXEC, 0);
	if (s < 0) {
		err = -errno;
		goto out;
	}
	if (!u->abstract) {
		err = clear_stale(a->sun_path, u->sk_type, &why);
		if (err)
			goto out;
	}
	if (bind(s, (struct sockaddr *)a, *alen)) {
		err = -errno;
		if (err == -EADDRINUSE)
			why = "in use by a live socket";
		goto out;
	}
	bound = true;
	if (!u->abstract) {
		err = remember(ctx, a->sun_path);
		if (!err)
			err = set_file(a->sun_path, u);
		if (err)
			goto out;
	}
out:
	if (!err)
		return s;
	/* A file bound but not remembered yet: ours, gone with the failure. */
	if (bound && !u->abstract && (!ctx->unx || !ctx->unx->nbound ||
				      strcmp(ctx->unx->bound[ctx->unx->nbound - 1].path, a->sun_path)))
		unlink(a->sun_path);
	if (s >= 0)
		close(s);
	return restore_ctx__fail(ctx, pid, err, "pid %d fd %u: unix socket %s: %s", pid, e->fd, shown,
			     why ? why : strerror(-err));
}

int restore_unix__listener(struct restore_ctx *ctx, pid_t pid, const FdEntry *e)
{
	const UnixSkEntry *u = e->unix_sk;
	char shown[sizeof(((struct sockaddr_un *)0)->sun_path) + 2];
	struct sockaddr_un a;
	socklen_t alen;
	int s, err = 0;

	s = restore_unix__bind(ctx, pid, e, &a, &alen);
	if (s < 0)
		return s;
	if (set_int(s, SO_SNDBUFFORCE, u->sndbuf / 2))
		set_int(s, SO_SNDBUF, u->sndbuf / 2);
	if (set_int(s, SO_RCVBUFFORCE, u->rcvbuf / 2))
		set_int(s, SO_RCVBUF, u->rcvbuf / 2);
	if (u->passcred)
		err = set_int(s, SO_PASSCRED, 1);
	if (!err && listen(s, u->has_backlog ? (int)u->backlog : 0))
		err = -errno;
	if (!err && fcntl(s, F_SETFL, e->flags & O_NONBLOCK))
		err = -errno;
	if (!err)
		return s;
	/* The socket file stays until restore_unix__end() (the restore fails). */
	close(s);
	name_shown(u, shown, sizeof(shown));
	return restore_ctx__fail(ctx, pid, err, "pid %d fd %u: unix socket %s: listen: %s", pid, e->fd,
			     shown, strerror(-err));
}

static bool relistened(const struct restore_unix *k, uint32_t ofd_id)
{
	size_t i;

	for (i = 0; i < k->nrelistened; i++)
		if (k->relistened[i] == ofd_id)
			return true;
	return false;
}

int restore_unix__relisten(struct restore_ctx *ctx, struct rtask *t)
{
	struct restore_unix *k;
	uint32_t *ids;
	size_t i;
	long r;

	for (i = 0; t->files && i < t->files->n_fds; i++) {
		const FdEntry *e = t->files->fds[i];
		const UnixSkEntry *u = e->unix_sk;

		if (e->type != FD_TYPE__FD_UNIX || !u || !u->listening)
			continue;
		k = state(ctx);
		if (!k)
			return -ENOMEM;
		/* A listener shared after fork: its first holder (the parent) listens. */
		if (relistened(k, e->ofd_id))
			continue;
		ids = realloc(k->relistened, (k->nrelistened + 1) * sizeof(*ids));
		if (!ids)
			return -ENOMEM;
		k->relistened = ids;
		ids[k->nrelistened++] = e->ofd_id;
		r = restore_ctx__sys(t, SYS_listen, e->fd, u->has_backlog ? (int)u->backlog : 0, 0, 0,
				 0, 0);
		if (r)
			return restore_ctx__fail(ctx, t->pid, (int)r, "pid %d fd %u: listen: %s", t->pid,
					     e->fd, strerror((int)-r));
	}
	return 0;
}

void restore_unix__end(struct restore_ctx *ctx, bool failed)
{
	struct restore_unix *k = ctx->unx;
	struct stat st;
	size_t i;

	if (!k)
		return;
	for (i = 0; failed && i < k->nbound; i++) {
		const struct rbound *b = &k->bound[i];

		/* Only the very file this restore made. */
		if (!lstat(b->path, &st) && S_ISSOCK(st.st_mode) && st.st_dev == b->dev &&
		    st.st_ino == b->ino && unlink(b->path))
			pr_warn("cannot remove socket file %s: %s", b->path, strerror(errno));
	}
	free(k->bound);
	free(k->relistened);
	free(k);
	ctx->unx = NULL;
}
