// SPDX-License-Identifier: GPL-2.0
/*
 * restore_inet.c - a TCP listener, a closed TCP socket, a TCP connection
 * (its connection state by restore_tcp.c), a UDP, UDP-lite, ICMP ping or
 * raw IP socket made again: socket(),
 * the saved options (those that must precede bind() first: SO_REUSEADDR,
 * SO_REUSEPORT, IPV6_V6ONLY, SO_BINDTODEVICE, IP_FREEBIND,
 * IP_TRANSPARENT), bind() to the saved address and port, the other
 * options kept (inet_opts.c), then listen() with the saved backlog or
 * connect() to the saved peer, shutdown() as it was, and its socket filter
 * (sk_filter.c) last. The socket is
 * pidtrace's until restore_files.c hands it over, which closes it here if
 * the restore fails: a port taken is given back with the rollback.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "inet_opts.h"
#include "inet_sk.h"
#include "log.h"
#include "restore_ctx.h"
#include "restore_inet.h"
#include "restore_reuseport.h"
#include "restore_tcp.h"
#include "sk_filter.h"
#include "sockopt.h"

#ifndef SO_BUF_LOCK
#define SO_BUF_LOCK 72
#endif

static socklen_t sockaddr_of(const InetSkEntry *k, const ProtobufCBinaryData *addr,
			     uint32_t port, uint32_t scope, struct sockaddr_storage *sa)
{
	struct sockaddr_in6 *in6;

	memset(sa, 0, sizeof(*sa));
	if (k->family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)sa;

		in->sin_family = AF_INET;
		in->sin_port = htons(port);
		memcpy(&in->sin_addr, addr->data, 4);
		return sizeof(*in);
	}
	in6 = (struct sockaddr_in6 *)sa;
	in6->sin6_family = AF_INET6;
	in6->sin6_port = htons(port);
	in6->sin6_scope_id = scope;
	memcpy(&in6->sin6_addr, addr->data, 16);
	return sizeof(*in6);
}

/* The local address is the wildcard one (0.0.0.0, ::). */
static bool addr_any(const InetSkEntry *k)
{
	size_t i;

	for (i = 0; i < k->src_addr.len; i++)
		if (k->src_addr.data[i])
			return false;
	return true;
}

/* The options bind() depends on, and the rest. 0 or -errno, @what said. */
static int set_options(int s, const InetSkEntry *k, const char **what)
{
	bool v6 = k->family == AF_INET6;
	int err = 0, lv = v6 ? IPPROTO_IPV6 : IPPROTO_IP;

	if (k->reuseaddr && (err = sockopt__set_int(s, SOL_SOCKET, SO_REUSEADDR, 1)))
		*what = "SO_REUSEADDR";
	else if (k->reuseport && (err = sockopt__set_int(s, SOL_SOCKET, SO_REUSEPORT, 1)))
		*what = "SO_REUSEPORT";
	/* A raw socket has its protocol for a port from socket(): V6ONLY is fixed by then. */
	else if (k->family == AF_INET6 && !INET_SK_RAW(k) &&
		 (err = sockopt__set_int(s, IPPROTO_IPV6, IPV6_V6ONLY, k->has_v6only && k->v6only)))
		*what = "IPV6_V6ONLY";
	else if (k->bind_dev && setsockopt(s, SOL_SOCKET, SO_BINDTODEVICE, k->bind_dev,
					   strlen(k->bind_dev)) && (err = -errno))
		*what = "SO_BINDTODEVICE";
	else if (k->freebind && (err = sockopt__set_int(s, lv, v6 ? IPV6_FREEBIND : IP_FREEBIND, 1)))
		*what = "IP_FREEBIND";
	else if (k->transparent &&
		 (err = sockopt__set_int(s, lv, v6 ? IPV6_TRANSPARENT : IP_TRANSPARENT, 1)))
		*what = "IP_TRANSPARENT";
	else if (k->keepalive && (err = sockopt__set_int(s, SOL_SOCKET, SO_KEEPALIVE, 1)))
		*what = "SO_KEEPALIVE";
	else if (k->nodelay && (err = sockopt__set_int(s, IPPROTO_TCP, TCP_NODELAY, 1)))
		*what = "TCP_NODELAY";
	if (err)
		return err;
	/* getsockopt gives twice what setsockopt was given; FORCE passes rmem_max. */
	sockopt__set_buf(s, SO_SNDBUF, k->sndbuf / 2);
	sockopt__set_buf(s, SO_RCVBUF, k->rcvbuf / 2);
	return restore_inet__buf_lock(s, k, what);
}

int restore_inet__buf_lock(int s, const InetSkEntry *k, const char **what)
{
	/* Setting a size locks it: unlocked again, the kernel tunes it as before. */
	if (k->has_buf_lock && sockopt__set_int(s, SOL_SOCKET, SO_BUF_LOCK, k->buf_lock & 3)) {
		*what = "SO_BUF_LOCK";
		return -errno;
	}
	return 0;
}

/* The listed options, as getsockopt gave them at dump. 0 or -errno, @what said. */
static int set_listed(int s, const InetSkEntry *k, const char **what)
{
	const struct inet_opt *o;
	size_t i;

	for (i = 0; i < k->n_opts; i++) {
		const InetSockopt *v = k->opts[i];

		o = inet_opts__find(v->level, v->name);
		if (setsockopt(s, v->level, v->name, v->value.data, v->value.len)) {
			*what = o ? o->what : "setsockopt";
			return -errno;
		}
	}
	return 0;
}

/*
 * shutdown() as the original had it. An unconnected UDP socket says
 * ENOTCONN but keeps the bits all the same (the kernel does so that
 * poll() wakes up).
 */
static int set_shutdown(int s, const InetSkEntry *k)
{
	static const int how[] = { 0, SHUT_RD, SHUT_WR, SHUT_RDWR };

	if (!k->has_shutdown || !k->shutdown)
		return 0;
	if (!shutdown(s, how[k->shutdown & 3]) || (errno == ENOTCONN && !k->has_dst_addr))
		return 0;
	return -errno;
}

int restore_inet__open(struct restore_ctx *ctx, pid_t pid, const FdEntry *e)
{
	const InetSkEntry *k = e->inet_sk;
	struct sockaddr_storage sa;
	char local[64], why[96];
	const char *what = NULL, *name;
	int lv = k && k->family == AF_INET6 ? IPPROTO_IPV6 : IPPROTO_IP;
	int fb = lv == IPPROTO_IPV6 ? IPV6_FREEBIND : IP_FREEBIND;
	bool reuseport;
	int s = -1, err;
	socklen_t l;

	/* image_check_files.c checked it; a hand-made image may still lack it. */
	if (!k || inet_sk__check(k, why, sizeof(why)))
		return restore_ctx__fail(ctx, pid, -EINVAL, "pid %d fd %u: damaged inet socket", pid,
				     e->fd);
	inet_sk__addr_str(k->family, k->src_addr.data, k->src_addr.len, k->src_port, local,
			  sizeof(local));
	s = socket(k->family, k->sk_type | SOCK_CLOEXEC, k->protocol);
	if (s < 0) {
		err = -errno;
		what = "socket";
		goto fail;
	}
	err = set_options(s, k, &what);
	if (err)
		goto fail;
	/* Its port shared through SO_REUSEPORT, which it cleared after binding. */
	reuseport = restore_reuseport__needed(ctx, e);
	if (reuseport && (err = sockopt__set_int(s, SOL_SOCKET, SO_REUSEPORT, 1))) {
		what = "SO_REUSEPORT";
		goto fail;
	}
	/*
	 * A connection: bound and connected by restore_tcp.c once every fd is
	 * made; its other options (keepalive times, SO_LINGER...) now.
	 */
	/* restore --tcp-close: the connection comes back closed (restore_tcp.c). */
	if (k->tcp && restore_tcp__close_mode()) {
		err = set_listed(s, k, &what);
		if (!err)
			err = restore_tcp__open_closed(s, &what);
		if (err)
			goto fail;
		goto flags;
	}
	if (k->tcp) {
		struct sockaddr_storage peer;
		socklen_t pl;

		err = set_listed(s, k, &what);
		if (err)
			goto fail;
		l = sockaddr_of(k, &k->src_addr, k->src_port, k->has_scope_id ? k->scope_id : 0, &sa);
		pl = sockaddr_of(k, &k->dst_addr, k->dst_port,
				 k->has_dst_scope_id ? k->dst_scope_id : 0, &peer);
		err = restore_tcp__open(pid, e->fd, s, k, (struct sockaddr *)&sa, l,
					(struct sockaddr *)&peer, pl);
		what = "TCP_REPAIR";
		if (err)
			goto fail;
		goto flags;
	}
	/*
	 * Port 0: never bound (an unconnected UDP socket); the kernel picks at
	 * first use. A raw socket has its protocol for a port from socket():
	 * bound only when bound to an address.
	 */
	if (INET_SK_RAW(k) ? !addr_any(k) : k->src_port != 0) {
		l = sockaddr_of(k, &k->src_addr, k->src_port, k->has_scope_id ? k->scope_id : 0, &sa);
		err = bind(s, (struct sockaddr *)&sa, l) ? -errno : 0;
		/*
		 * Bound to an address that is not (or no longer) local, with
		 * IP_FREEBIND cleared since (zdtm sk-freebind-false): the
		 * original is bound there all the same; so is the copy, with
		 * IP_FREEBIND only for the bind.
		 */
		if (err == -EADDRNOTAVAIL && !k->freebind && !k->transparent &&
		    !sockopt__set_int(s, lv, fb, 1)) {
			err = bind(s, (struct sockaddr *)&sa, l) ? -errno : 0;
			if (!err)
				err = sockopt__set_int(s, lv, fb, 0);
		}
		if (err)
			goto fail;
	}
	/* After bind (IP_BIND_ADDRESS_NO_PORT...), before connect (SO_BROADCAST...). */
	err = set_listed(s, k, &what);
	if (err)
		goto fail;
	if (k->listening && listen(s, k->has_backlog ? (int)k->backlog : 0)) {
		err = -errno;
		what = "listen";
		goto fail;
	}
	if (reuseport && (err = restore_reuseport__defer(s)))
		goto fail;
	if (k->has_dst_addr) {
		l = sockaddr_of(k, &k->dst_addr, k->dst_port,
				k->has_dst_scope_id ? k->dst_scope_id : 0, &sa);
		if (connect(s, (struct sockaddr *)&sa, l)) {
			err = -errno;
			what = "connect";
			goto fail;
		}
	}
	err = set_shutdown(s, k);
	if (err) {
		what = "shutdown";
		goto fail;
	}

	/* (A connection's shutdown comes with its FINs: restore_tcp.c, tcp_fin.c.) */
flags:
	err = sk_filter__restore(s, e, &what);
	if (err)
		goto fail;
	if (fcntl(s, F_SETFL, e->flags & O_NONBLOCK)) {
		err = -errno;
		what = "fcntl";
		goto fail;
	}
	return s;
fail:
	if (s >= 0)
		close(s);
	name = inet_sk__name(k->family, k->sk_type, k->protocol);
	if (what)
		return restore_ctx__fail(ctx, pid, err, "pid %d fd %u: %s %s: %s: %s", pid, e->fd,
				     name ? name : "IP", local, what, strerror(-err));
	return restore_ctx__fail(ctx, pid, err, "pid %d fd %u: %s %s: %s", pid, e->fd,
			     name ? name : "IP", local, strerror(-err));
}
