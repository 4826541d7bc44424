// SPDX-License-Identifier: GPL-2.0
/*
 * kind_unix.c - unix sockets: socketpair ends with their queues, named
 * listeners, bound datagram sockets, and the files in flight in their
 * queues (SCM_RIGHTS). Dump is dump_sockets.c's (and dump_scm.c's for the
 * files in flight); restore opens each socket once in pidtrace
 * (restore_fdkinds.c, restore_unix.c, restore_scm.c). This module is the
 * kind's entry in the table, its image check, its verification and how
 * show prints it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "dump_ctx.h"
#include "dump_scm.h"
#include "dump_sockets.h"
#include "dump_unix_cred.h"
#include "escape.h"
#include "image_check.h"
#include "kind_scm.h"
#include "kinds.h"
#include "kinds_show.h"
#include "restore_fdkinds.h"
#include "restore_scm.h"
#include "restore_unix.h"
#include "restore_unix_cred.h"
#include "restore_verify.h"
#include "restore_verify_unix.h"
#include "unix_opts.h"

#ifndef SO_PEEK_OFF
#define SO_PEEK_OFF 42
#endif

/* Every fd in place: listeners listen as their image says, queues with sockets in flight. */
static int restore_tree(struct restore_ctx *ctx)
{
	int err = restore_unix_cred__relisten(ctx);

	return err ? err : restore_scm__late(ctx);
}

static bool claims(const struct fd_live *l)
{
	return S_ISSOCK(l->st->st_mode) && l->family == AF_UNIX;
}

static int dump(struct dump_ctx *ctx, const struct fd_live *l, FdEntry *e)
{
	int err = dump_sockets__fd(&ctx->sockets, l->pid, l->fd, l->st, l->info, e);

	/* Who it names as its peer (SO_PEERCRED: dump_unix_cred.c). */
	if (!err && e->type == FD_TYPE__FD_UNIX)
		err = dump_unix_cred__fd(ctx, l->pid, l->fd, e);
	/* The files in flight in its queue (dump_scm.c). */
	if (!err && e->type == FD_TYPE__FD_UNIX)
		err = dump_scm__fd(ctx, l->pid, l->fd, l->info, e);
	return err;
}

static int dump_tree(struct dump_ctx *ctx)
{
	int err = dump_sockets__check_peers(ctx->sockets);

	/* Then who made them (dump_unix_cred.c), and the files in flight (dump_scm.c). */
	if (!err)
		err = dump_unix_cred__check(ctx);
	return err ? err : dump_scm__check(ctx);
}

static void dump_free(struct dump_ctx *ctx)
{
	dump_sockets__free(ctx->sockets);
	ctx->sockets = NULL;
	dump_scm__free(ctx);
	dump_unix_cred__free(ctx);
}

/*
 * A unix socket's name: a listener has one, others may; it fits sun_path
 * (108 bytes with the leading NUL of an abstract name or a path's final
 * NUL), a path absolute (or relative with the absolute directory it was
 * bound in) and without NUL bytes; only a stream or seqpacket socket
 * listens.
 */
static int check(struct image *img, const char *n, const FilesImage *fi, const FdEntry *e)
{
	const UnixSkEntry *u = e->unix_sk;
	const char *kind = u && u->listening ? "listening unix socket" : "unix socket";
	size_t i;

	if (!u)
		return bad(img, n, "unix socket fd %u has no state", e->fd);
	if (kind_scm__check(img, n, e))
		return -EINVAL;
	/* Peer credentials: all three, a pid only with ids (restore_unix_cred.c). */
	if ((u->has_peer_pid || u->has_peer_uid || u->has_peer_gid) &&
	    (!u->has_peer_pid || !u->has_peer_uid || !u->has_peer_gid ||
	     (!u->peer_pid && (u->peer_uid != UINT32_MAX || u->peer_gid != UINT32_MAX))))
		return bad(img, n, "unix socket fd %u: damaged peer credentials", e->fd);
	if (u->has_pending_on && (u->listening || u->sk_type == SOCK_DGRAM || !u->connected))
		return bad(img, n, "unix socket fd %u waits in a backlog but is no connected client",
			   e->fd);
	for (i = 0; i < u->n_opts; i++)
		if (!unix_opts__known(u->opts[i]->level, u->opts[i]->name) ||
		    u->opts[i]->value.len > 32)
			return bad(img, n, "unix socket fd %u: socket option %u/%u not one kept",
				   e->fd, u->opts[i]->level, u->opts[i]->name);
	if (!u->listening && !u->has_name)
		return 0;
	if (u->listening && u->sk_type != SOCK_STREAM && u->sk_type != SOCK_SEQPACKET)
		return bad(img, n, "unix socket fd %u of type %u listens", e->fd, u->sk_type);
	if (!u->has_name || !u->name.len || u->name.len > 107)
		return bad(img, n, "%s fd %u: a name of %zu bytes", kind, e->fd,
			   u->has_name ? u->name.len : 0);
	if (!u->abstract && ((u->name.data[0] != '/' && !u->has_bind_dir) ||
			     memchr(u->name.data, 0, u->name.len)))
		return bad(img, n, "%s fd %u: path is not absolute or holds a NUL byte", kind, e->fd);
	/* A relative path: the absolute directory it was bound in (restore_unix.c). */
	if (u->has_bind_dir && (u->abstract || !u->bind_dir.len || u->bind_dir.data[0] != '/' ||
				memchr(u->bind_dir.data, 0, u->bind_dir.len) ||
				u->bind_dir.len + u->name.len + 2 > 108))
		return bad(img, n, "%s fd %u: bad directory of a relative path", kind, e->fd);
	if (u->listening && (u->connected || u->has_peer_ino || u->n_queue))
		return bad(img, n, "listening unix socket fd %u is damaged", e->fd);
	if (u->has_file_mode && u->abstract)
		return bad(img, n, "%s fd %u is damaged", kind, e->fd);
	return 0;
}

/* The options the image holds, on a copy of the restored socket. */
static int verify(struct verify *v, const FdEntry *e, const struct fd_live *l)
{
	const UnixSkEntry *u = e->unix_sk;
	int s = l->sock, err = 0;

	if (!u || s < 0)
		return 0;
	err = restore_verify__sockopt(v, e, s, SOL_SOCKET, SO_TYPE, "socket type", u->sk_type);
	if (!err)
		err = restore_verify__sockopt(v, e, s, SOL_SOCKET, SO_SNDBUF, "SO_SNDBUF", u->sndbuf);
	if (!err)
		err = restore_verify__sockopt(v, e, s, SOL_SOCKET, SO_RCVBUF, "SO_RCVBUF", u->rcvbuf);
	if (!err)
		err = restore_verify__sockopt(v, e, s, SOL_SOCKET, SO_PASSCRED, "SO_PASSCRED",
					      u->passcred);
	if (!err)
		err = restore_verify__sockopt(v, e, s, SOL_SOCKET, SO_PEEK_OFF, "SO_PEEK_OFF",
					      u->peek_off);
	if (!err && u->sk_type != SOCK_DGRAM)
		err = restore_verify__sockopt(v, e, s, SOL_SOCKET, SO_ACCEPTCONN, "listening",
					      u->has_listening && u->listening);
	/* Its peer credentials (SO_PEERCRED), as the image's task made them. */
	if (!err)
		err = restore_verify_unix__peercred(v, e, s);
	/* Its name, its peer's, and that the peer is the right restored socket. */
	return err ? err : restore_verify_unix__names(v, e, s);
}

static const char *sk_type(uint32_t t)
{
	return t == SOCK_STREAM ? "stream" : t == SOCK_DGRAM ? "dgram" :
	       t == SOCK_SEQPACKET ? "seqpacket" : "?";
}

static uint64_t queued(const UnixSkEntry *u)
{
	uint64_t n = 0;
	size_t i;

	for (i = 0; i < u->n_queue; i++)
		n += u->queue[i].len;
	return n;
}

/* A socket's name, printable: other bytes (an abstract name may hold any) as \xNN. */
static void sk_name(const UnixSkEntry *u, char *buf, size_t len)
{
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < u->name.len && n + 5 < len; i++) {
		uint8_t c = u->name.data[i];

		if (c < 0x20 || c >= 0x7f || c == '\\')
			n += snprintf(buf + n, len - n, "\\x%02x", c);
		else
			buf[n++] = c;
	}
	buf[n] = '\0';
}

static bool describe(const struct image_tree *s, const FdEntry *e, char *buf, size_t len)
{
	const UnixSkEntry *u = e->unix_sk;
	char name[400];
	int n;

	if (!u)
		return false;
	n = snprintf(buf, len, "socket:[%lu] unix %s", (unsigned long)e->ino, sk_type(u->sk_type));
	if (u->listening) {
		sk_name(u, name, sizeof(name));
		snprintf(buf + n, len - n, ", listening on %s%s, backlog %u", u->abstract ? "@" : "",
			 name, u->backlog);
		return true;
	}
	if (u->has_name) {
		sk_name(u, name, sizeof(name));
		n += snprintf(buf + n, len - n, ", bound to %s%s", u->abstract ? "@" : "", name);
	}
	if (u->connected && u->has_peer_ino)
		n += snprintf(buf + n, len - n, ", peer %lu", (unsigned long)u->peer_ino);
	else
		n += snprintf(buf + n, len - n, "%s", u->connected ? ", peer closed" : ", unconnected");
	if (u->queue_here)
		snprintf(buf + n, len - n, ", %lu bytes queued%s", (unsigned long)queued(u),
			 u->shutdown ? ", shut down" : "");
	return true;
}

static void json(const struct image_tree *s, const FdEntry *e, struct json_object *o)
{
	const UnixSkEntry *u = e->unix_sk;
	struct json_object *k;
	char name[400];

	if (!u)
		return;
	k = json_object_new_object();
	kinds_show__add(k, "sk_type", escape__json_string(sk_type(u->sk_type)));
	kinds_show__add(k, "ino", kinds_show__u64(e->ino));
	kinds_show__add(k, "connected", json_object_new_boolean(u->connected));
	if (u->has_peer_ino)
		kinds_show__add(k, "peer_ino", kinds_show__u64(u->peer_ino));
	if (u->has_pending_on)
		kinds_show__add(k, "pending_on", kinds_show__u64(u->pending_on));
	kinds_show__add(k, "shutdown", json_object_new_int(u->shutdown));
	kinds_show__add(k, "sndbuf", json_object_new_int64(u->sndbuf));
	kinds_show__add(k, "rcvbuf", json_object_new_int64(u->rcvbuf));
	kinds_show__add(k, "peek_off", json_object_new_int(u->peek_off));
	kinds_show__add(k, "passcred", json_object_new_boolean(u->passcred));
	kinds_show__add(k, "queue_here", json_object_new_boolean(u->queue_here));
	kinds_show__add(k, "listening", json_object_new_boolean(u->listening));
	if (u->has_name) {
		sk_name(u, name, sizeof(name));
		kinds_show__add(k, "name", escape__json_string(name));
		kinds_show__add(k, "abstract", json_object_new_boolean(u->abstract));
		if (u->has_backlog)
			kinds_show__add(k, "backlog", json_object_new_int64(u->backlog));
		/* A relative name: where it was bound (restore_unix.c). */
		if (u->has_bind_dir) {
			snprintf(name, sizeof(name), "%.*s", (int)u->bind_dir.len,
				 (const char *)u->bind_dir.data);
			kinds_show__add(k, "bind_dir", escape__json_string(name));
		}
		if (u->file_gone)
			kinds_show__add(k, "file_gone", json_object_new_boolean(true));
	}
	if (u->has_file_mode) {
		char mode[8];

		snprintf(mode, sizeof(mode), "%04o", u->file_mode & 07777);
		kinds_show__add(k, "file_mode", escape__json_string(mode));
		kinds_show__add(k, "file_uid", json_object_new_int64(u->file_uid));
		kinds_show__add(k, "file_gid", json_object_new_int64(u->file_gid));
	}
	if (u->queue_here) {
		kinds_show__add(k, "queued_bytes", kinds_show__u64(queued(u)));
		kinds_show__add(k, "queued_messages", kinds_show__u64(u->n_queue));
	}
	/* SO_PEERCRED: who made it (restore_unix_cred.c). */
	if (u->has_peer_pid && u->has_peer_uid && u->has_peer_gid) {
		kinds_show__add(k, "peer_pid", json_object_new_int64(u->peer_pid));
		kinds_show__add(k, "peer_uid", json_object_new_int64(u->peer_uid));
		kinds_show__add(k, "peer_gid", json_object_new_int64(u->peer_gid));
	}
	kind_scm__json(e, k);
	kinds_show__add(o, "unix", k);
}

const struct fd_kind kind_unix = {
	.type = FD_TYPE__FD_UNIX,
	.name = "unix",
	.noun = "unix socket",
	.test = "unix",
	.claims = claims,
	.dump = dump,
	.dump_tree = dump_tree,
	.dump_free = dump_free,
	.check = check,
	.open = restore_fdkinds__open_unix,
	.restore_tree = restore_tree,
	.restore_end = restore_unix__end,
	.verify = verify,
	.describe = describe,
	.print = kind_scm__print,
	.json = json,
};
