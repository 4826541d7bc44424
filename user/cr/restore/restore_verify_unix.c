// SPDX-License-Identifier: GPL-2.0
/*
 * restore_verify_unix.c - a restored unix socket's name and peer against
 * the image: getsockname() gives the name it was bound to (or none), and
 * getpeername() answers exactly when the original was connected, with
 * the name of the peer the image connects it to (an accepted connection:
 * its client's, a client: its listener's, a datagram socket: the one it
 * sends to). The peer is that very socket, too: sock_diag's peer (or the
 * listener whose backlog a connection waits in) is the restored socket
 * of the fd holding the image's. A peer that was closed is not compared.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "restore_verify_unix.h"
#include "sockdiag.h"
#include "unix_opts.h"

/* A name as the image keeps it: "" unnamed, "@name" abstract, else the path; bytes escaped. */
static void shown(const uint8_t *p, size_t n, bool abstract, char *buf, size_t len)
{
	size_t i, o = 0;

	buf[0] = '\0';
	if (abstract)
		o += snprintf(buf, len, "@");
	for (i = 0; i < n && o + 5 < len; i++) {
		if (p[i] < 0x20 || p[i] >= 0x7f || p[i] == '\\')
			o += snprintf(buf + o, len - o, "\\x%02x", p[i]);
		else
			buf[o++] = (char)p[i];
	}
	buf[o] = '\0';
}

static void image_name(const UnixSkEntry *u, char *buf, size_t len)
{
	if (!u->has_name)
		buf[0] = '\0';
	else
		shown(u->name.data, u->name.len, u->abstract, buf, len);
}

/* The kernel's address @a (@alen bytes) in the image's form. */
static void kernel_name(const struct sockaddr_un *a, socklen_t alen, char *buf, size_t len)
{
	size_t n = alen > offsetof(struct sockaddr_un, sun_path) ?
			   alen - offsetof(struct sockaddr_un, sun_path) : 0;

	if (!n)
		buf[0] = '\0';
	else if (a->sun_path[0] == '\0')
		shown((const uint8_t *)a->sun_path + 1, n - 1, true, buf, len);
	else
		shown((const uint8_t *)a->sun_path, strnlen(a->sun_path, n), false, buf, len);
}

/* The entry of socket @ino in the image (any fd holding it). */
static bool has_sk(const FdEntry *e, const void *arg)
{
	return e->unix_sk;
}

static const UnixSkEntry *image_sk(struct restore_ctx *ctx, uint64_t ino)
{
	const FdEntry *e = restore_ctx__find_fd(ctx, FD_TYPE__FD_UNIX, ino, has_sk, NULL, NULL);

	return e ? e->unix_sk : NULL;
}

/* The inode the socket of image inode @ino has now, in the task holding it first. */
static int restored_ino(struct restore_ctx *ctx, uint64_t ino, uint64_t *now)
{
	const struct rtask *t;
	const FdEntry *e = restore_ctx__find_fd(ctx, FD_TYPE__FD_UNIX, ino, NULL, NULL, &t);
	char path[64];
	struct stat st;

	if (!e)
		return -ENOENT;
	snprintf(path, sizeof(path), "/proc/%d/fd/%u", t->opid, e->fd);
	if (stat(path, &st))
		return -errno;
	*now = st.st_ino;
	return 0;
}

/*
 * The socket @s is connected to (sock_diag), or whose backlog its
 * connection waits in, is the one the image says: the restored socket of
 * the fd that holds that one in the image.
 */
static int check_peer(struct verify *v, const FdEntry *e, int s)
{
	const UnixSkEntry *u = e->unix_sk;
	uint64_t want = 0, got = 0, image = u->has_pending_on ? u->pending_on : u->peer_ino;
	struct sockdiag_unix d;
	struct stat st;
	char w[64];

	if (!u->has_pending_on && !u->has_peer_ino)
		return 0;
	if (fstat(s, &st))
		return 0;
	/* A peer outside the tree, connected to by name: that very socket. */
	if (restored_ino(v->ctx, image, &want)) {
		if (u->has_pending_on || !u->has_peer_name)
			return 0;
		want = u->peer_ino;
	}
	if (u->has_pending_on) {
		if (sockdiag__unix_pending_on(st.st_ino, &got) < 0)
			return 0;
		snprintf(w, sizeof(w), "fd %u: unix socket's listener (inode)", e->fd);
	} else {
		if (sockdiag__unix(st.st_ino, &d))
			return 0;
		got = d.peer_ino;
		snprintf(w, sizeof(w), "fd %u: unix socket's peer (inode)", e->fd);
	}
	v->n->sockopts++;
	return restore_verify__num(v, w, VF_DEC, want, got);
}

int restore_verify_unix__names(struct verify *v, const FdEntry *e, int s)
{
	const UnixSkEntry *u = e->unix_sk, *p;
	char img[600], now[600], w[64];
	struct sockaddr_un a;
	socklen_t alen = sizeof(a);
	int err, r;

	uint64_t iv, cv;
	uint32_t name;

	/* The other options the image lists (unix_opts.c), byte for byte. */
	v->n->sockopts += u->n_opts;
	if (unix_opts__differs(s, u, &name, &iv, &cv)) {
		snprintf(w, sizeof(w), "fd %u: socket option %u/%u", e->fd, SOL_SOCKET, name);
		return restore_verify__num(v, w, VF_HEX, iv, cv);
	}
	if (getsockname(s, (struct sockaddr *)&a, &alen))
		return 0;
	image_name(u, img, sizeof(img));
	kernel_name(&a, alen, now, sizeof(now));
	snprintf(w, sizeof(w), "fd %u: unix socket name", e->fd);
	v->n->sockopts++;
	err = restore_verify__str(v, w, img, now);
	if (err)
		return err;
	alen = sizeof(a);
	r = getpeername(s, (struct sockaddr *)&a, &alen) ? -errno : 0;
	snprintf(w, sizeof(w), "fd %u: unix socket connected", e->fd);
	v->n->sockopts++;
	err = restore_verify__num(v, w, VF_DEC, u->connected, !r);
	if (!err)
		err = check_peer(v, e, s);
	if (err || r || !u->has_peer_ino)
		return err;
	p = image_sk(v->ctx, u->peer_ino);
	if (!p)
		return 0;
	image_name(p, img, sizeof(img));
	kernel_name(&a, alen, now, sizeof(now));
	snprintf(w, sizeof(w), "fd %u: unix socket peer name", e->fd);
	v->n->sockopts++;
	return restore_verify__str(v, w, img, now);
}

/* @opid, a pid as pidtrace sees it, as the tree sees it (--pidns: the image's). */
static uint64_t tree_pid(struct restore_ctx *ctx, pid_t opid)
{
	size_t i;

	for (i = 0; opid > 0 && i < ctx->ntasks; i++)
		if (ctx->tasks[i].opid == opid)
			return (uint64_t)ctx->tasks[i].pid;
	return (uint64_t)opid;
}

int restore_verify_unix__peercred(struct verify *v, const FdEntry *e, int s)
{
	const UnixSkEntry *u = e->unix_sk;
	struct ucred cr = { 0 };
	socklen_t len = sizeof(cr);
	char w[64];
	int err;

	if (!u->has_peer_pid || !u->has_peer_uid || !u->has_peer_gid)
		return 0;
	if (getsockopt(s, SOL_SOCKET, SO_PEERCRED, &cr, &len))
		return restore_verify__cannot(v, "SO_PEERCRED", -errno);
	v->n->sockopts += 3;
	snprintf(w, sizeof(w), "fd %u: unix socket's peer pid (SO_PEERCRED)", e->fd);
	err = restore_verify__num(v, w, VF_DEC, u->peer_pid, tree_pid(v->ctx, cr.pid));
	if (!err) {
		snprintf(w, sizeof(w), "fd %u: unix socket's peer uid (SO_PEERCRED)", e->fd);
		err = restore_verify__num(v, w, VF_DEC, u->peer_uid, cr.uid);
	}
	if (!err) {
		snprintf(w, sizeof(w), "fd %u: unix socket's peer gid (SO_PEERCRED)", e->fd);
		err = restore_verify__num(v, w, VF_DEC, u->peer_gid, cr.gid);
	}
	return err;
}
