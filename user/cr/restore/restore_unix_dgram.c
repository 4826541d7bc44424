// SPDX-License-Identifier: GPL-2.0
/*
 * restore_unix_dgram.c - unix datagram sockets connected to named ones,
 * and the named ones they are connected to.
 *
 * Every socket of a group linked by connect() (either way) is made at
 * once: bound (restore_unix.c), refilled with its datagrams (sent to its
 * name from a temporary unnamed socket, before it connects: a connected
 * socket takes datagrams from its peer only), then connected to its
 * peer's name. connect() wants the peer unconnected or connected back,
 * so a socket connects only once everything connecting to it has. A peer
 * that was closed becomes a temporary socket, closed again (sends fail
 * with ECONNREFUSED, as the original's would). A peer outside the tree,
 * bound to a name, is connected to by that name, and must be the socket it
 * was at dump. The sockets wait in restore_unix_conn.c for their own fds.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "restore_fdkinds.h"
#include "restore_unix.h"
#include "restore_unix_conn.h"
#include "restore_unix_cred.h"
#include "restore_unix_dgram.h"
#include "restore_ctx.h"
#include "sockdiag.h"

/* Socket @ino made (bound, refilled), not connected yet. */
static int dgram_make(struct restore_ctx *ctx, pid_t pid, uint64_t ino)
{
	const FdEntry *e = restore_unix_conn__entry(ctx, ino);
	struct sockaddr_un a;
	socklen_t alen = 0;
	struct unix_made *m;
	int s, tmp, err = 0;

	if (restore_unix_conn__made(ctx, ino))
		return 0;
	if (!e)
		return restore_ctx__fail(ctx, pid, -EINVAL, "unix socket %lu is not in the image",
				     (unsigned long)ino);
	if (e->unix_sk->has_name) {
		s = restore_unix__bind(ctx, pid, e, &a, &alen);
		if (s < 0)
			return s;
	} else {
		/* Made in a pair, its peer credentials its maker's (restore_unix_cred.c). */
		s = restore_unix_cred__socket(ctx, e->unix_sk, SOCK_DGRAM);
		if (s < 0)
			return s;
		/* Nobody could send to it but its peer, which is named and one way. */
		if (e->unix_sk->n_queue)
			err = -EINVAL;
	}
	if (!err && e->unix_sk->n_queue) {
		tmp = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		err = tmp < 0 ? -errno : restore_fdkinds__refill(ctx, pid, tmp, e->unix_sk, &a, alen);
		if (tmp >= 0)
			close(tmp);
	}
	m = err ? NULL : restore_unix_conn__keep(ctx, ino, s);
	if (!m) {
		close(s);
		err = err ? err : -ENOMEM;
		return restore_ctx__fail(ctx, pid, err, "pid %d fd %u: unix datagram socket %lu: %s",
				     pid, e->fd, (unsigned long)ino, strerror(-err));
	}
	m->a = a;
	m->alen = alen;
	return 0;
}

/* @u's peer is a socket outside the tree, bound to a name (dump_sockets.c). */
static bool outside_peer(struct restore_ctx *ctx, const UnixSkEntry *u)
{
	return u->has_peer_ino && u->has_peer_name &&
	       !restore_unix_conn__entry(ctx, u->peer_ino);
}

/*
 * Connect @s to the peer outside the tree by its name; it must be the
 * socket it was (its inode): a name bound again by another socket since,
 * or gone, fails the restore.
 */
static int connect_outside(int s, const UnixSkEntry *u)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	struct sockdiag_unix d;
	struct stat st;

	if (u->peer_name.len > sizeof(a.sun_path))
		return -EINVAL;
	memcpy(a.sun_path, u->peer_name.data, u->peer_name.len);
	if (connect(s, (struct sockaddr *)&a,
		    offsetof(struct sockaddr_un, sun_path) + u->peer_name.len))
		return -errno;
	if (fstat(s, &st) || sockdiag__unix(st.st_ino, &d))
		return -EIO;
	return d.peer_ino == u->peer_ino ? 0 : -ESTALE;
}

/* The inodes of the datagram sockets linked to @ino by connect(), either way. */
static int dgram_group(struct restore_ctx *ctx, uint64_t ino, uint64_t **out, size_t *n)
{
	uint64_t *g = malloc(sizeof(*g)), *ng;
	size_t done = 0, i, t, f, cap = 1;

	if (!g)
		return -ENOMEM;
	g[0] = ino;
	*n = 1;
	for (; done < *n; done++) {
		for (t = 0; t < ctx->ntasks; t++) {
			const FilesImage *fi = ctx->tasks[t].files;

			for (f = 0; fi && f < fi->n_fds; f++) {
				const FdEntry *e = fi->fds[f];
				const UnixSkEntry *u = e->unix_sk;
				uint64_t other = 0;

				if (e->type != FD_TYPE__FD_UNIX || !u || u->sk_type != SOCK_DGRAM ||
				    !u->connected || !u->has_peer_ino || outside_peer(ctx, u))
					continue;
				if (e->ino == g[done])
					other = u->peer_ino;
				else if (u->peer_ino == g[done])
					other = e->ino;
				for (i = 0; other && i < *n; i++)
					if (g[i] == other)
						other = 0;
				if (!other)
					continue;
				if (*n == cap) {
					cap *= 2;
					ng = realloc(g, cap * sizeof(*g));
					if (!ng) {
						free(g);
						return -ENOMEM;
					}
					g = ng;
				}
				g[(*n)++] = other;
			}
		}
	}
	*out = g;
	return 0;
}

/* Connect @m (entry @e) to its peer: by name, itself, or a closed one. */
static int dgram_connect(struct restore_ctx *ctx, struct unix_made *m, const FdEntry *e)
{
	const UnixSkEntry *u = e->unix_sk;
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	socklen_t alen = sizeof(a);
	struct unix_made *p;
	int t, err = 0;

	if (outside_peer(ctx, u))
		return connect_outside(m->fd, u);
	if (u->has_peer_ino) {
		p = restore_unix_conn__made(ctx, u->peer_ino);
		if (!p || !p->alen)
			return -EINVAL;
		return connect(m->fd, (struct sockaddr *)&p->a, p->alen) ? -errno : 0;
	}
	/* Its peer was closed: connected to a socket closed again (sends fail, ECONNREFUSED). */
	t = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (t < 0)
		return -errno;
	if (bind(t, (struct sockaddr *)&a, offsetof(struct sockaddr_un, sun_path)) ||
	    getsockname(t, (struct sockaddr *)&a, &alen) ||
	    connect(m->fd, (struct sockaddr *)&a, alen))
		err = -errno;
	close(t);
	return err;
}

/* Whether a socket of group @g still has to connect to @ino (other than @ino's own peer). */
static bool awaited(struct restore_ctx *ctx, const uint64_t *g,
		    size_t n, uint64_t ino, uint64_t own_peer)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const FdEntry *z = restore_unix_conn__entry(ctx, g[i]);
		struct unix_made *zm = restore_unix_conn__made(ctx, g[i]);

		if (g[i] != ino && g[i] != own_peer && z && z->unix_sk->connected &&
		    z->unix_sk->has_peer_ino && z->unix_sk->peer_ino == ino && zm && !zm->connected)
			return true;
	}
	return false;
}

int restore_unix_dgram__open(struct restore_ctx *ctx, pid_t pid, const FdEntry *e)
{
	uint64_t *g = NULL;
	size_t n = 0, i, left;
	bool progress = true;
	int err;

	err = dgram_group(ctx, e->ino, &g, &n);
	for (i = 0; !err && i < n; i++)
		err = dgram_make(ctx, pid, g[i]);
	if (err)
		goto out;
	for (i = 0; i < n; i++) {
		const FdEntry *x = restore_unix_conn__entry(ctx, g[i]);

		restore_unix_conn__made(ctx, g[i])->connected = !x->unix_sk->connected;
	}
	/* Those nobody waits for connect first, until all have. */
	for (left = n; left && progress;) {
		progress = false;
		for (i = 0; i < n; i++) {
			const FdEntry *x = restore_unix_conn__entry(ctx, g[i]);
			struct unix_made *m = restore_unix_conn__made(ctx, g[i]);

			if (m->connected ||
			    awaited(ctx, g, n, g[i], x->unix_sk->has_peer_ino ? x->unix_sk->peer_ino : 0))
				continue;
			err = dgram_connect(ctx, m, x);
			if (err == -ESTALE) {
				err = restore_ctx__fail(ctx, pid, err,
						    "pid %d fd %u: unix datagram socket %lu: its peer outside the tree (socket %lu) is no longer the socket bound to that name",
						    pid, x->fd, (unsigned long)g[i],
						    (unsigned long)x->unix_sk->peer_ino);
				goto out;
			}
			if (err) {
				err = restore_ctx__fail(ctx, pid, err,
						    "pid %d fd %u: unix datagram socket %lu: connect: %s",
						    pid, x->fd, (unsigned long)g[i], strerror(-err));
				goto out;
			}
			m->connected = progress = true;
		}
		for (left = 0, i = 0; i < n; i++)
			left += !restore_unix_conn__made(ctx, g[i])->connected;
	}
	if (left) {
		err = restore_ctx__fail(ctx, pid, -EDEADLK,
				    "pid %d fd %u: unix datagram sockets connected in a ring, in no order connect() allows",
				    pid, e->fd);
		goto out;
	}
	for (i = 0; !err && i < n; i++) {
		const FdEntry *x = restore_unix_conn__entry(ctx, g[i]);

		err = restore_fdkinds__sk_options(restore_unix_conn__made(ctx, g[i])->fd, x);
		if (err)
			err = restore_ctx__fail(ctx, pid, err, "pid %d fd %u: unix datagram socket %lu: %s",
					    pid, x->fd, (unsigned long)g[i], strerror(-err));
	}
out:
	free(g);
	return err;
}
