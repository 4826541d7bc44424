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
#include <limits.h>
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
#include "restore_unix_conn.h"
#include "restore_unix_cred.h"
#include "restore_unix_ghost.h"
#include "restore_scm.h"
#include "sockdiag.h"
#include "sockopt.h"
#include "unix_opts.h"

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
	struct unix_ghosts *ghosts;	/* names whose file was removed (restore_unix_ghost.c) */
};

static struct restore_unix *state(struct restore_ctx *ctx)
{
	if (!ctx->unx)
		ctx->unx = calloc(1, sizeof(*ctx->unx));
	return ctx->unx;
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

/*
 * Bind @s to @u's relative name from the directory it was bound in: the
 * kernel keeps the name as given (getsockname() shows it relative).
 */
static int bind_relative(int s, const UnixSkEntry *u)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	char dir[PATH_MAX];
	int cwd, err = 0;

	snprintf(dir, sizeof(dir), "%.*s", (int)u->bind_dir.len, (const char *)u->bind_dir.data);
	memcpy(a.sun_path, u->name.data, u->name.len);
	cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (cwd < 0)
		return -errno;
	if (chdir(dir) || bind(s, (struct sockaddr *)&a, sizeof(a)))
		err = -errno;
	if (fchdir(cwd) && !err)
		err = -errno;
	close(cwd);
	return err;
}

/* @st is a socket file this restore made for a live socket (restore_unix_ghost.c). */
static bool made_here(void *arg, const struct stat *st)
{
	const struct restore_unix *k = arg;
	size_t i;

	for (i = 0; i < k->nbound; i++)
		if (k->bound[i].dev == st->st_dev && k->bound[i].ino == st->st_ino)
			return true;
	return false;
}

int restore_unix__bind(struct restore_ctx *ctx, pid_t pid, const FdEntry *e,
		       struct sockaddr_un *a, socklen_t *alen)
{
	const UnixSkEntry *u = e->unix_sk;
	char shown[sizeof(a->sun_path) + 2];
	bool gone = !u->abstract && u->file_gone;
	char aside[sizeof(a->sun_path) + 32] = "";
	struct restore_unix *k = NULL;
	const char *why = NULL;
	int s = -1, err = 0, tries;
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
	} else if (u->has_bind_dir) {
		/* pidtrace reaches a relative name by its full path; only bind() uses it as is. */
		if ((size_t)snprintf(a->sun_path, sizeof(a->sun_path), "%.*s/%.*s",
				     (int)u->bind_dir.len, (const char *)u->bind_dir.data,
				     (int)u->name.len, (const char *)u->name.data) >= sizeof(a->sun_path))
			err = -ENAMETOOLONG;
		*alen = sizeof(*a);
	} else {
		memcpy(a->sun_path, u->name.data, u->name.len);
		*alen = sizeof(*a);
	}
	name_shown(u, shown, sizeof(shown));
	if (err)
		goto out;
	/* A datagram socket made in a pair is made so again (restore_unix_cred.c). */
	s = restore_unix_cred__socket(ctx, u, u->sk_type);
	if (s < 0) {
		err = s;
		goto out;
	}
	if (gone) {
		k = state(ctx);
		err = k ? restore_unix_ghost__prepare(&k->ghosts, a->sun_path, made_here, k, aside,
						      sizeof(aside)) :
			  -ENOMEM;
		if (err)
			goto out;
	}
	/*
	 * The dead original's sockets that were in flight (SCM_RIGHTS) in each
	 * other's queues keep their names until the kernel's garbage collector,
	 * which runs on its own soon after, frees them: a name in use is tried
	 * again for a second before it fails the restore.
	 */
	for (tries = 0;; tries++) {
		why = NULL;
		err = u->abstract ? 0 : clear_stale(a->sun_path, u->sk_type, &why);
		if (!err)
			err = u->has_bind_dir ? bind_relative(s, u) :
			      bind(s, (struct sockaddr *)a, *alen) ? -errno : 0;
		if (err != -EADDRINUSE || tries == 20)
			break;
		usleep(50000);
	}
	if (err) {
		if (err == -EADDRINUSE)
			why = "in use by a live socket";
		goto out;
	}
	bound = true;
	if (gone) {
		/* Its file out of the way at once (it goes once all are made). */
		err = restore_unix_ghost__park(&k->ghosts, e->ino, a->sun_path, aside, a);
		aside[0] = '\0';
		if (err)
			goto out;
	} else if (!u->abstract) {
		err = remember(ctx, a->sun_path);
		if (!err)
			err = set_file(a->sun_path, u);
		if (err)
			goto out;
	}
out:
	if (aside[0] && rename(aside, a->sun_path))
		pr_warn("cannot move socket file %s back: %s", aside, strerror(errno));
	if (!err)
		return s;
	/* A file bound but not remembered yet: ours, gone with the failure. */
	if (bound && !u->abstract && !gone && (!ctx->unx || !ctx->unx->nbound ||
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
	sockopt__set_buf(s, SO_SNDBUF, u->sndbuf / 2);
	sockopt__set_buf(s, SO_RCVBUF, u->rcvbuf / 2);
	if (u->passcred)
		err = sockopt__set_int(s, SOL_SOCKET, SO_PASSCRED, 1);
	if (!err)
		err = unix_opts__apply(s, u);
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

		/* Those the image names a peer for listened as it (restore_unix_cred.c). */
		if (e->type != FD_TYPE__FD_UNIX || !u || !u->listening ||
		    restore_unix_cred__known(u))
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

/* @b is still the very socket file this restore made. */
static bool ours(const struct rbound *b)
{
	struct stat st;

	return !lstat(b->path, &st) && S_ISSOCK(st.st_mode) && st.st_dev == b->dev &&
	       st.st_ino == b->ino;
}

void restore_unix__unlink_gone(struct restore_ctx *ctx)
{
	if (ctx->unx)
		restore_unix_ghost__settle(&ctx->unx->ghosts);
}

bool restore_unix__where(struct restore_ctx *ctx, uint64_t sk_ino, struct sockaddr_un *a,
			 socklen_t *alen)
{
	return ctx->unx && restore_unix_ghost__where(ctx->unx->ghosts, sk_ino, a, alen);
}

void restore_unix__end(struct restore_ctx *ctx, bool failed)
{
	struct restore_unix *k = ctx->unx;
	size_t i;

	restore_unix_conn__end(ctx);
	restore_scm__end(ctx);
	if (!k)
		return;
	restore_unix_ghost__settle(&k->ghosts);
	for (i = 0; failed && i < k->nbound; i++) {
		const struct rbound *b = &k->bound[i];

		/* Only the very file this restore made. */
		if (ours(b) && unlink(b->path))
			pr_warn("cannot remove socket file %s: %s", b->path, strerror(errno));
	}
	free(k->bound);
	free(k->relistened);
	free(k);
	ctx->unx = NULL;
}
