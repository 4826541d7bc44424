// SPDX-License-Identifier: GPL-2.0
/*
 * kind_inet.c - TCP and UDP sockets, IPv4 and IPv6: listeners with their
 * accept queues, UDP sockets, and established connections in TCP repair
 * mode; UDP-lite, ICMP ping and raw IP sockets too, and any of them with
 * a classic socket filter (sk_filter.c). Dump is dump_inet.c's and dump_tcp.c's (reached through
 * dump_sockets.c, which reads every socket), restore restore_inet.c's and
 * restore_tcp.c's; the options kept are inet_opts.c's and the text of a
 * saved socket inet_sk.c's. This module is the kind's entry in the table,
 * its image check and its verification.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "dump_ctx.h"
#include "dump_sockets.h"
#include "image_check.h"
#include "inet_sk.h"
#include "kinds.h"
#include "restore_inet.h"
#include "restore_tcp.h"
#include "restore_verify.h"
#include "restore_verify_tcp.h"
#include "sk_filter.h"

static bool claims(const struct fd_live *l)
{
	return S_ISSOCK(l->st->st_mode) && (l->family == AF_INET || l->family == AF_INET6);
}

static int dump(struct dump_ctx *ctx, const struct fd_live *l, FdEntry *e)
{
	return dump_sockets__fd(&ctx->sockets, l->pid, l->fd, l->st, l->info, e);
}

/* A family, type, address and ports restore can use. */
static int check(struct image *img, const char *n, const FilesImage *fi, const FdEntry *e)
{
	char why[96];

	if (!e->inet_sk)
		return bad(img, n, "inet socket fd %u has no state", e->fd);
	if (inet_sk__check(e->inet_sk, why, sizeof(why)) || sk_filter__check(e, why, sizeof(why)))
		return bad(img, n, "fd %u: %s", e->fd, why);
	return 0;
}

static void restore_end(struct restore_ctx *ctx, bool failed)
{
	restore_tcp__drop(failed);
	if (!failed)
		restore_tcp__unlock(ctx);
}

/* Every connection's peer in the tree exists now: out of repair mode. */
static int restore_tree(struct restore_ctx *ctx)
{
	return restore_tcp__finish(ctx);
}

#define OPT(level, opt, what, img)                                                         \
	do {                                                                               \
		if (!err)                                                                  \
			err = restore_verify__sockopt(v, e, s, level, opt, what, (int64_t)(img)); \
	} while (0)

/* The options and local port the image holds, on a copy of the restored socket. */
static int verify(struct verify *v, const FdEntry *e, const struct fd_live *l)
{
	const InetSkEntry *k = e->inet_sk;
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	bool v6 = k && k->family == AF_INET6;
	int lv = v6 ? IPPROTO_IPV6 : IPPROTO_IP, s = l->sock;
	char w[64];
	size_t i;
	int err = 0;

	if (!k || s < 0)
		return 0;
	OPT(SOL_SOCKET, SO_DOMAIN, "address family", k->family);
	OPT(SOL_SOCKET, SO_TYPE, "socket type", k->sk_type);
	OPT(SOL_SOCKET, SO_PROTOCOL, "protocol", k->protocol);
	OPT(SOL_SOCKET, SO_REUSEADDR, "SO_REUSEADDR", k->reuseaddr);
	OPT(SOL_SOCKET, SO_REUSEPORT, "SO_REUSEPORT", k->reuseport);
	OPT(SOL_SOCKET, SO_KEEPALIVE, "SO_KEEPALIVE", k->keepalive);
	/* A connection's sizes the program never set are the kernel's to tune (SO_BUF_LOCK). */
	if (!k->tcp || !k->has_buf_lock || (k->buf_lock & 1))
		OPT(SOL_SOCKET, SO_SNDBUF, "SO_SNDBUF", k->sndbuf);
	if (!k->tcp || !k->has_buf_lock || (k->buf_lock & 2))
		OPT(SOL_SOCKET, SO_RCVBUF, "SO_RCVBUF", k->rcvbuf);
	if (k->has_buf_lock)
		OPT(SOL_SOCKET, 72 /* SO_BUF_LOCK */, "SO_BUF_LOCK", k->buf_lock);
	if (k->sk_type == SOCK_STREAM)
		OPT(SOL_SOCKET, SO_ACCEPTCONN, "listening", k->listening);
	if (k->has_nodelay)
		OPT(IPPROTO_TCP, TCP_NODELAY, "TCP_NODELAY", k->nodelay);
	/*
	 * Not for a TCP connection: TCP repair binds it to its address, and
	 * the kernel then sets IPV6_V6ONLY (a bind to a non-mapped address
	 * does) where the original got its address from connect() and kept
	 * it off; it cannot be cleared once bound, and a connected socket
	 * never binds or accepts again, where the flag would matter.
	 */
	if (v6 && k->has_v6only && !k->tcp)
		OPT(IPPROTO_IPV6, IPV6_V6ONLY, "IPV6_V6ONLY", k->v6only);
	if (k->has_freebind)
		OPT(lv, v6 ? IPV6_FREEBIND : IP_FREEBIND, "freebind", k->freebind);
	if (k->has_transparent)
		OPT(lv, v6 ? IPV6_TRANSPARENT : IP_TRANSPARENT, "transparent", k->transparent);
	/* The other options the image lists (inet_opts.c), byte for byte. */
	for (i = 0; !err && i < k->n_opts; i++) {
		const InetSockopt *o = k->opts[i];
		uint8_t val[256];
		socklen_t vlen = o->value.len <= sizeof(val) ? o->value.len : sizeof(val);

		if (getsockopt(s, o->level, o->name, val, &vlen))
			continue;
		snprintf(w, sizeof(w), "fd %u: socket option %u/%u", e->fd, o->level, o->name);
		if (vlen != o->value.len || memcmp(val, o->value.data, vlen)) {
			uint64_t a = 0, b = 0;

			memcpy(&a, o->value.data, o->value.len < 8 ? o->value.len : 8);
			memcpy(&b, val, vlen < 8 ? vlen : 8);
			err = restore_verify__num(v, w, VF_HEX, a, a == b ? ~b : b);
		}
		v->n->sockopts++;
	}
	/* A connection's state and shutdown bits (restore_verify_tcp.c). */
	if (!err)
		err = restore_verify_tcp__conn(v, e, s);
	if (!err)
		err = sk_filter__verify(v, e, s);
	/* restore --tcp-close: a connection made again unbound (restore_tcp.h). */
	if (err || (k->tcp && restore_tcp__close_mode()) || getsockname(s, (struct sockaddr *)&ss, &len))
		return err;
	if (ss.ss_family == AF_INET || ss.ss_family == AF_INET6) {
		uint16_t port = ss.ss_family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
							: ((struct sockaddr_in6 *)&ss)->sin6_port;

		snprintf(w, sizeof(w), "fd %u: local port", e->fd);
		err = restore_verify__num(v, w, VF_DEC, k->src_port, ntohs(port));
		v->n->sockopts++;
	}
	/* Datagram and raw sockets: the address they are bound to (a raw port says nothing). */
	if (!err && ss.ss_family == k->family && k->sk_type != SOCK_STREAM) {
		const void *a = ss.ss_family == AF_INET ?
					(const void *)&((struct sockaddr_in *)&ss)->sin_addr :
					(const void *)&((struct sockaddr_in6 *)&ss)->sin6_addr;
		char img[64], now[64];

		inet_sk__addr_str(k->family, k->src_addr.data, k->src_addr.len, k->src_port, img,
				  sizeof(img));
		inet_sk__addr_str(k->family, a, k->src_addr.len, ntohs(((struct sockaddr_in *)&ss)->sin_port),
				  now, sizeof(now));
		snprintf(w, sizeof(w), "fd %u: local address", e->fd);
		err = restore_verify__str(v, w, img, now);
		v->n->sockopts++;
	}
	return err;
}

static bool describe(const struct image_tree *s, const FdEntry *e, char *buf, size_t len)
{
	return inet_sk__describe(e, buf, len);
}

static void json(const struct image_tree *s, const FdEntry *e, struct json_object *o)
{
	inet_sk__json(e, o);
}

const struct fd_kind kind_inet = {
	.type = FD_TYPE__FD_INET,
	.name = "inet",
	.noun = "inet socket",
	.test = "inet",
	.claims = claims,
	.dump = dump,
	.check = check,
	.open = restore_inet__open,
	.restore_tree = restore_tree,
	.restore_end = restore_end,
	.verify = verify,
	.describe = describe,
	.json = json,
};
