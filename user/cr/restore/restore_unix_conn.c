// SPDX-License-Identifier: GPL-2.0
/*
 * restore_unix_conn.c - unix sockets bound to a name or connected to one:
 * made in pidtrace the way their originals came to be, so that their
 * names and peers are the kernel's own again.
 *
 * - A listener: restore_unix.c binds and listens.
 * - A socket bound and nothing else: bound again.
 * - Datagram sockets connected to named ones: restore_unix_dgram.c.
 * - A stream or seqpacket connection with a named end is an accepted
 *   one: the client connects to the listener (the tree's own, or a
 *   temporary one bound to the name and closed again, its file removed
 *   when the original's was), the listener accepts, and each end's data
 *   is written from the other. A client's shutdown bits are set before
 *   it connects where the other end's data allow, since shutdown() on a
 *   connected socket also sets the peer's.
 * - A client whose connection waits in a listener's backlog connects
 *   again and is not accepted, once every connection accepted on that
 *   listener is made (accept() takes the oldest waiting).
 *
 * Sockets made with others wait here until their own fd is opened.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"
#include "restore_fdkinds.h"
#include "restore_unix.h"
#include "restore_unix_conn.h"
#include "restore_unix_cred.h"
#include "restore_unix_dgram.h"
#include "restore_ctx.h"

struct restore_unix_conn {
	struct unix_made *m;
	size_t n;
};

static struct restore_unix_conn *state(struct restore_ctx *ctx)
{
	if (!ctx->unc)
		ctx->unc = calloc(1, sizeof(*ctx->unc));
	return ctx->unc;
}

static struct unix_made *find(struct restore_unix_conn *k, uint64_t ino)
{
	size_t i;

	for (i = 0; i < k->n; i++)
		if (k->m[i].ino == ino)
			return &k->m[i];
	return NULL;
}

static struct unix_made *add(struct restore_unix_conn *k, uint64_t ino, int fd)
{
	struct unix_made *m = realloc(k->m, (k->n + 1) * sizeof(*m));

	if (!m)
		return NULL;
	k->m = m;
	m = &m[k->n++];
	memset(m, 0, sizeof(*m));
	m->ino = ino;
	m->fd = fd;
	return m;
}

struct unix_made *restore_unix_conn__made(struct restore_ctx *ctx, uint64_t ino)
{
	struct restore_unix_conn *k = state(ctx);

	return k ? find(k, ino) : NULL;
}

struct unix_made *restore_unix_conn__keep(struct restore_ctx *ctx, uint64_t ino, int fd)
{
	struct restore_unix_conn *k = state(ctx);

	return k ? add(k, ino, fd) : NULL;
}

/* An fd entry of unix socket @ino: the one that carries its queue if any. */
const FdEntry *restore_unix_conn__entry(struct restore_ctx *ctx, uint64_t ino)
{
	const FdEntry *any = NULL;
	size_t i, k;

	for (i = 0; i < ctx->ntasks; i++) {
		const FilesImage *fi = ctx->tasks[i].files;

		for (k = 0; fi && k < fi->n_fds; k++) {
			const FdEntry *e = fi->fds[k];

			if (e->type != FD_TYPE__FD_UNIX || !e->unix_sk || e->ino != ino)
				continue;
			if (e->unix_sk->queue_here)
				return e;
			if (!any)
				any = e;
		}
	}
	return any;
}

static bool named(const FdEntry *e)
{
	return e && e->unix_sk->has_name;
}

bool restore_unix_conn__wants(struct restore_ctx *ctx, const FdEntry *e)
{
	const UnixSkEntry *u = e->unix_sk;
	const FdEntry *p;

	if (u->listening || u->has_name || u->has_pending_on)
		return true;
	if (!u->connected || !u->has_peer_ino)
		return false;
	p = restore_unix_conn__entry(ctx, u->peer_ino);
	/* A datagram socket's peer outside the tree, by its name (restore_unix_dgram.c). */
	if (!p)
		return u->sk_type == SOCK_DGRAM && u->has_peer_name;
	return named(p) && !p->unix_sk->listening;
}

/* @u's name as pidtrace reaches it (a relative one from its directory). */
int restore_unix_conn__addr(const UnixSkEntry *u, struct sockaddr_un *a, socklen_t *alen)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	if (u->name.len + 1 > sizeof(a->sun_path))
		return -ENAMETOOLONG;
	if (u->abstract) {
		memcpy(a->sun_path + 1, u->name.data, u->name.len);
		*alen = offsetof(struct sockaddr_un, sun_path) + 1 + u->name.len;
		return 0;
	}
	*alen = sizeof(*a);
	if (!u->has_bind_dir) {
		memcpy(a->sun_path, u->name.data, u->name.len);
		return 0;
	}
	if ((size_t)snprintf(a->sun_path, sizeof(a->sun_path), "%.*s/%.*s", (int)u->bind_dir.len,
			     (const char *)u->bind_dir.data, (int)u->name.len,
			     (const char *)u->name.data) >= sizeof(a->sun_path))
		return -ENAMETOOLONG;
	return 0;
}

/* ---- stream and seqpacket sockets ---- */

/* @l's description in pidtrace: opened already, or made now and kept for it. */
static int tree_listener(struct restore_ctx *ctx, pid_t pid, const FdEntry *l)
{
	struct restore_unix_conn *k = state(ctx);
	struct unix_made *m;
	size_t i;
	int fd;

	for (i = 0; i < ctx->nobjs; i++)
		if (ctx->objs[i].ofd_id == l->ofd_id)
			return ctx->objs[i].fd;
	m = find(k, l->ino);
	if (m)
		return m->fd;
	fd = restore_unix__listener(ctx, pid, l);
	if (fd < 0)
		return fd;
	if (!add(k, l->ino, fd)) {
		close(fd);
		return -ENOMEM;
	}
	return fd;
}

static bool same_bytes(const ProtobufCBinaryData *a, bool has_a, const ProtobufCBinaryData *b,
		       bool has_b)
{
	if (!has_a || !has_b)
		return has_a == has_b;
	return a->len == b->len && !memcmp(a->data, b->data, a->len);
}

/* The tree's listener of accepted connection @acc: its name and type. */
static const FdEntry *listener_of(struct restore_ctx *ctx, const FdEntry *acc)
{
	const UnixSkEntry *a = acc->unix_sk;
	size_t i, k;

	for (i = 0; i < ctx->ntasks; i++) {
		const FilesImage *fi = ctx->tasks[i].files;

		for (k = 0; fi && k < fi->n_fds; k++) {
			const FdEntry *e = fi->fds[k];
			const UnixSkEntry *u = e->unix_sk;

			if (e->type == FD_TYPE__FD_UNIX && u && u->listening &&
			    u->sk_type == a->sk_type && u->abstract == a->abstract &&
			    same_bytes(&u->name, u->has_name, &a->name, a->has_name) &&
			    same_bytes(&u->bind_dir, u->has_bind_dir, &a->bind_dir, a->has_bind_dir))
				return e;
		}
	}
	return NULL;
}

static int set_shutdown(int s, uint32_t bits)
{
	bits &= 3;
	if (!bits)
		return 0;
	return shutdown(s, bits == 3 ? SHUT_RDWR : bits & 1 ? SHUT_RD : SHUT_WR) ? -errno : 0;
}

/* Options of @e with shutdown bits @bits (the rest set already, or by the peer's). */
static int options(int s, const FdEntry *e, uint32_t bits)
{
	UnixSkEntry u = *e->unix_sk;
	FdEntry c = *e;

	u.shutdown = bits;
	c.unix_sk = &u;
	return restore_fdkinds__sk_options(s, &c);
}

/* The shutdown bits the other end of a connection gets from @bits (receive <-> send). */
static uint32_t mirror(uint32_t bits)
{
	return (bits & 1 ? 2 : 0) | (bits & 2 ? 1 : 0);
}

/*
 * The connection of accepted socket @acc and its client @cli (NULL: it
 * was closed): both made and kept. Return: 0 or -errno (said).
 */
static int stream_pair(struct restore_ctx *ctx, pid_t pid, const FdEntry *acc, const FdEntry *cli)
{
	struct restore_unix_conn *k = state(ctx);
	const UnixSkEntry *au = acc->unix_sk, *cu = cli ? cli->unix_sk : NULL;
	const FdEntry *l = listener_of(ctx, acc);
	uint32_t pre = 0;
	struct sockaddr_un a;
	socklen_t alen;
	int lfd = -1, tmp = -1, c = -1, s = -1, err = 0, backlog = 1;
	const char *step = "connect";

	if (l) {
		lfd = tree_listener(ctx, pid, l);
		if (lfd < 0)
			return lfd;
		backlog = l->unix_sk->has_backlog ? (int)l->unix_sk->backlog : 0;
		/* Reached by its name, or where its file waits if the original lost it. */
		if (!restore_unix__where(ctx, l->ino, &a, &alen))
			err = restore_unix_conn__addr(au, &a, &alen);
	} else {
		/* Its listener was closed: one stands in for the accept. */
		lfd = tmp = restore_unix__bind(ctx, pid, acc, &a, &alen);
		if (tmp < 0)
			return tmp;
		if (listen(tmp, 1))
			err = -errno;
	}
	if (!err) {
		c = socket(AF_UNIX, au->sk_type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (c < 0)
			err = -errno;
	}
	/* The client's own shutdown bits, where no data has to pass them. */
	if (cu) {
		pre = cu->shutdown & 3 & ~mirror(au->shutdown);
		if (au->n_queue)
			pre &= ~2u;
		if (cu->n_queue)
			pre &= ~1u;
	}
	if (!err)
		err = set_shutdown(c, pre);
	/*
	 * The client copies the listener's peer credentials, the accepted end
	 * gets the connecting task's: listen() and connect() as the image's
	 * (restore_unix_cred.c; restore_unix_cred__relisten() gives the
	 * listener its own back at the end).
	 */
	if (!err && cu && restore_unix_cred__known(cu)) {
		step = "listen";
		err = restore_unix_cred__listen(ctx, cu, lfd, backlog);
	}
	if (!err) {
		step = "connect";
		err = restore_unix_cred__connect(ctx, au, c, &a, alen);
	}
	if (!err) {
		step = "accept";
		s = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (s < 0)
			err = -errno;
	}
	/* A socket file the original lost goes once all are connected (restore_unix.c). */
	if (tmp >= 0)
		close(tmp);
	if (!err) {
		step = "data";
		err = restore_fdkinds__refill(ctx, pid, c, au, NULL, 0);
		if (!err && cu)
			err = restore_fdkinds__refill(ctx, pid, s, cu, NULL, 0);
	}
	if (!err) {
		step = "options";
		err = options(s, acc, au->shutdown);
		if (!err && cu)
			err = options(c, cli, cu->shutdown & ~pre);
	}
	if (!err && !add(k, acc->ino, s))
		err = -ENOMEM;
	if (!err)
		s = -1;
	if (!err && cu && !add(k, cli->ino, c))
		err = -ENOMEM;
	if (!err && cu)
		c = -1;
	if (s >= 0)
		close(s);
	if (c >= 0)
		close(c);
	if (err)
		return restore_ctx__fail(ctx, pid, err,
				     "pid %d fd %u: unix socket %lu (an accepted connection): %s: %s", pid,
				     acc->fd, (unsigned long)acc->ino, step, strerror(-err));
	return 0;
}

/* Bound, neither listening nor connected. */
static int open_bound(struct restore_ctx *ctx, pid_t pid, const FdEntry *e)
{
	struct sockaddr_un a;
	socklen_t alen;
	int s, err;

	s = restore_unix__bind(ctx, pid, e, &a, &alen);
	if (s < 0)
		return s;
	err = restore_fdkinds__sk_options(s, restore_unix_conn__entry(ctx, e->ino));
	if (!err)
		return s;
	close(s);
	return restore_ctx__fail(ctx, pid, err, "pid %d fd %u: unix socket %lu: %s", pid, e->fd,
			     (unsigned long)e->ino, strerror(-err));
}

static int open_stream(struct restore_ctx *ctx, pid_t pid, const FdEntry *e)
{
	const UnixSkEntry *u = e->unix_sk;
	const FdEntry *acc, *cli = NULL;

	acc = restore_unix_conn__entry(ctx, u->has_name ? e->ino : u->peer_ino);
	if (u->has_name && u->has_peer_ino)
		cli = restore_unix_conn__entry(ctx, u->peer_ino);
	else if (!u->has_name)
		cli = restore_unix_conn__entry(ctx, e->ino);
	if (!acc || (acc->unix_sk->has_peer_ino && !cli))
		return restore_ctx__fail(ctx, pid, -EINVAL,
				     "pid %d fd %u: the peer of unix socket %lu is not in the image",
				     pid, e->fd, (unsigned long)e->ino);
	return stream_pair(ctx, pid, acc, cli);
}

/* Whether the description of @e was opened already (restore_files.c keeps it). */
static bool opened(struct restore_ctx *ctx, const FdEntry *e)
{
	size_t i;

	for (i = 0; i < ctx->nobjs; i++)
		if (ctx->objs[i].ofd_id == e->ofd_id)
			return true;
	return false;
}

/*
 * Every connection accepted on listener @l, made now: accept() takes the
 * oldest connection waiting, so none may wait yet when one is made.
 */
static int accept_all(struct restore_ctx *ctx, pid_t pid, const FdEntry *l)
{
	struct restore_unix_conn *k = state(ctx);
	size_t i, f;
	int err;

	for (i = 0; i < ctx->ntasks; i++) {
		const FilesImage *fi = ctx->tasks[i].files;

		for (f = 0; fi && f < fi->n_fds; f++) {
			const FdEntry *e = fi->fds[f];
			const UnixSkEntry *u = e->unix_sk;
			const FdEntry *el;

			if (e->type != FD_TYPE__FD_UNIX || !u || u->sk_type == SOCK_DGRAM ||
			    !u->connected || !u->has_name || u->listening || u->has_pending_on)
				continue;
			el = listener_of(ctx, e);
			if (!el || el->ino != l->ino || find(k, e->ino) || opened(ctx, e))
				continue;
			err = open_stream(ctx, pid, e);
			if (err)
				return err;
		}
	}
	return 0;
}

/*
 * Who connects a client waiting in a backlog: what its accepter will see
 * (SO_PEERCRED) cannot be read before accept(), so its holder @pid, with
 * the effective uid and gid of its image, rather than pidtrace.
 */
static const UnixSkEntry *holder_as(struct restore_ctx *ctx, pid_t pid, UnixSkEntry *as)
{
	struct rtask *t = restore_ctx__find(ctx, pid);
	const TaskCreds *c = t && t->core ? t->core->creds : NULL;

	unix_sk_entry__init(as);
	if (!c || c->n_uid < 2 || c->n_gid < 2)
		return as;
	as->has_peer_pid = as->has_peer_uid = as->has_peer_gid = true;
	as->peer_pid = (uint32_t)pid;
	as->peer_uid = c->uid[1];
	as->peer_gid = c->gid[1];
	return as;
}

/*
 * A client whose connection waited in the backlog of a listener of the
 * tree: connected to it again, not accepted. Nothing was sent on it (dump
 * checks), so its shutdown bits go on before it connects, its own alone.
 */
static int open_pending(struct restore_ctx *ctx, pid_t pid, const FdEntry *e)
{
	const FdEntry *l = restore_unix_conn__entry(ctx, e->unix_sk->pending_on);
	UnixSkEntry as;
	struct sockaddr_un a;
	socklen_t alen;
	int lfd, c = -1, err;

	if (!l || !l->unix_sk->listening)
		return restore_ctx__fail(ctx, pid, -EINVAL,
				     "pid %d fd %u: the listener of unix socket %lu is not in the image",
				     pid, e->fd, (unsigned long)e->ino);
	lfd = tree_listener(ctx, pid, l);
	if (lfd < 0)
		return lfd;
	err = accept_all(ctx, pid, l);
	if (err)
		return err;
	if (!restore_unix__where(ctx, l->ino, &a, &alen))
		err = restore_unix_conn__addr(l->unix_sk, &a, &alen);
	if (!err) {
		c = e->unix_sk->has_name ? restore_unix__bind(ctx, pid, e, &(struct sockaddr_un){ 0 },
							      &(socklen_t){ 0 }) :
					   socket(AF_UNIX, e->unix_sk->sk_type | SOCK_CLOEXEC, 0);
		if (c < 0 && e->unix_sk->has_name)
			return c;
		if (c < 0)
			err = -errno;
	}
	if (!err)
		err = set_shutdown(c, e->unix_sk->shutdown);
	/* Non-blocking: a full backlog fails rather than waits. */
	if (!err && fcntl(c, F_SETFL, O_NONBLOCK))
		err = -errno;
	/* It copies the listener's peer credentials, as it did (restore_unix_cred.c). */
	if (!err && restore_unix_cred__known(e->unix_sk))
		err = restore_unix_cred__listen(ctx, e->unix_sk, lfd,
						l->unix_sk->has_backlog ? (int)l->unix_sk->backlog : 0);
	if (!err)
		err = restore_unix_cred__connect(ctx, holder_as(ctx, pid, &as), c, &a, alen);
	if (!err)
		err = options(c, restore_unix_conn__entry(ctx, e->ino), 0);
	if (!err)
		return c;
	if (c >= 0)
		close(c);
	return restore_ctx__fail(ctx, pid, err, "pid %d fd %u: unix socket %lu, connecting to its listener: %s",
			     pid, e->fd, (unsigned long)e->ino, strerror(-err));
}

int restore_unix_conn__open(struct restore_ctx *ctx, pid_t pid, const FdEntry *e)
{
	struct restore_unix_conn *k = state(ctx);
	struct unix_made *m;
	int fd, err;

	if (!k)
		return -ENOMEM;
	m = find(k, e->ino);
	if (!m) {
		if (e->unix_sk->listening)
			return restore_unix__listener(ctx, pid, e);
		if (e->unix_sk->sk_type != SOCK_DGRAM && !e->unix_sk->connected)
			return open_bound(ctx, pid, e);
		if (e->unix_sk->has_pending_on)
			return open_pending(ctx, pid, e);
		err = e->unix_sk->sk_type == SOCK_DGRAM ? restore_unix_dgram__open(ctx, pid, e) :
							  open_stream(ctx, pid, e);
		if (err)
			return err;
		m = find(k, e->ino);
		if (!m)
			return restore_ctx__fail(ctx, pid, -EINVAL, "pid %d fd %u: unix socket %lu was not made",
					     pid, e->fd, (unsigned long)e->ino);
	}
	/* Taken once: one socket, one description. */
	fd = m->fd;
	*m = k->m[--k->n];
	return fd;
}

void restore_unix_conn__end(struct restore_ctx *ctx)
{
	struct restore_unix_conn *k = ctx->unc;
	size_t i;

	if (!k)
		return;
	for (i = 0; i < k->n; i++)
		close(k->m[i].fd);
	free(k->m);
	free(k);
	ctx->unc = NULL;
}
