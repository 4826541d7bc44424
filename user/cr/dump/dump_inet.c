// SPDX-License-Identifier: GPL-2.0
/*
 * dump_inet.c - inet sockets: a TCP socket in LISTEN whose accept queue
 * is empty, a TCP socket closed or never connected, and a UDP socket
 * (bound or not, connected or not) with no datagram queued either way.
 * They carry no data and no peer state, so a new socket with the same
 * address and options is the same socket to the program. A TCP
 * connection, established or half or fully closed but still connected
 * (tcp_fin.h), is that plus its state read in TCP repair mode
 * (dump_tcp.c), and so is one connecting (SYN_SENT, its peer from
 * SO_PEERNAME). UDP-lite sockets are kept as UDP ones, and so are raw
 * sockets (SOCK_RAW, any protocol; their local "port" is the protocol)
 * and ICMP ping sockets (SOCK_DGRAM, IPPROTO_ICMP/ICMPV6: the port is the
 * echo identifier), with nothing queued. A classic socket filter is kept
 * (sk_filter.c). Everything else is refused in one line: a listener with
 * connections pending, other
 * protocols, an eBPF socket filter, and sockets of another network
 * namespace than pidtrace's (restore binds in pidtrace's).
 *
 * Addresses come from getsockname()/getpeername() on a copy of the
 * socket (pidfd_getfd), the state, queues and backlog from inet_diag
 * (raw and ping sockets: /proc/net/raw, icmp), the options from
 * getsockopt().
 */
#include <errno.h>
#include <poll.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <net/if.h>
#include <linux/sockios.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dump_ctx.h"
#include "dump_inet.h"
#include "dump_tcp.h"
#include "inet_opts.h"
#include "inet_sk.h"
#include "kinds.h"
#include "log.h"
#include "sk_filter.h"
#include "sockdiag.h"
#include "sockopt.h"
#include "tcp_fin.h"

#define TCP_LISTEN_STATE 10

#ifndef SO_BUF_LOCK
#define SO_BUF_LOCK 72
#endif

struct inet_names {
	struct sockaddr_storage local, peer;
	bool connected;
	bool closed;	/* a connection dump --tcp-close turned into a closed socket */
	uint32_t lport;
	char lstr[64], pstr[64];
};

static int refuse(pid_t pid, int fd, const char *what)
{
	pr_err("pid %d fd %d: %s is not supported", pid, fd, what);
	return -EOPNOTSUPP;
}

static const uint8_t *sa_addr(const struct sockaddr_storage *a, size_t *len, uint32_t *port,
			      uint32_t *scope)
{
	const struct sockaddr_in6 *in6;

	if (a->ss_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)a;

		*len = 4;
		*port = ntohs(in->sin_port);
		*scope = 0;
		return (const uint8_t *)&in->sin_addr;
	}
	in6 = (const struct sockaddr_in6 *)a;
	*len = 16;
	*port = ntohs(in6->sin6_port);
	*scope = in6->sin6_scope_id;
	return (const uint8_t *)&in6->sin6_addr;
}

static void names(int s, int family, struct inet_names *n)
{
	socklen_t l = sizeof(n->local);
	uint32_t port, scope;
	const uint8_t *a;
	size_t al;

	memset(n, 0, sizeof(*n));
	n->local.ss_family = family;
	n->peer.ss_family = family;
	getsockname(s, (struct sockaddr *)&n->local, &l);
	l = sizeof(n->peer);
	n->connected = !getpeername(s, (struct sockaddr *)&n->peer, &l);
	a = sa_addr(&n->local, &al, &port, &scope);
	n->lport = port;
	inet_sk__addr_str(family, a, al, port, n->lstr, sizeof(n->lstr));
	a = sa_addr(&n->peer, &al, &port, &scope);
	inet_sk__addr_str(family, a, al, port, n->pstr, sizeof(n->pstr));
}

/* TCP: listening, connected (dump_tcp.c, tcp_fin.h), or closed and never connected. */
static bool dump_inet_tcp_ok(const struct inet_names *n, uint32_t st)
{
	if (n->connected)
		return tcp_fin__state_ok(st);
	return st == TCP_LISTEN_STATE || st == 7 || st == 13 /* TCP_BOUND_INACTIVE */ ||
	       st == TCP_FIN_ST_SYN_SENT;
}

/*
 * A TCP socket closed after a connection: the peer it had (SO_PEERNAME
 * still names it, getpeername() no more) into @n. -ENOTCONN: no peer known.
 */
static int closed_peer(int s, int family, struct inet_names *n)
{
	/* The kernel takes no longer a buffer than the family's address. */
	socklen_t l = family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
	uint32_t port, scope;
	const uint8_t *a;
	size_t al;

	memset(&n->peer, 0, sizeof(n->peer));
	if (getsockopt(s, SOL_SOCKET, SO_PEERNAME, &n->peer, &l) || n->peer.ss_family != family)
		return -ENOTCONN;
	a = sa_addr(&n->peer, &al, &port, &scope);
	if (!port || !n->lport)
		return -ENOTCONN;
	inet_sk__addr_str(family, a, al, port, n->pstr, sizeof(n->pstr));
	n->connected = true;
	return 0;
}

/* Whether socket @s lives in pidtrace's network namespace: 1, 0, -errno. */
static int same_netns(pid_t pid, int s)
{
	struct stat mine, its;
	char path[64];
	int r = kinds__sock_same_netns(s);

	/* The socket's own namespace; a task may have moved since it made it. */
	if (r >= 0 || stat("/proc/self/ns/net", &mine))
		return r >= 0 ? r : -errno;
	snprintf(path, sizeof(path), "/proc/%d/ns/net", pid);
	if (stat(path, &its))
		return -errno;
	return its.st_dev == mine.st_dev && its.st_ino == mine.st_ino;
}

static int set_bytes(ProtobufCBinaryData *b, const uint8_t *a, size_t len)
{
	b->data = malloc(len);
	if (!b->data)
		return -ENOMEM;
	memcpy(b->data, a, len);
	b->len = len;
	return 0;
}

/*
 * The listed options whose value differs from a new socket's of the same
 * kind: those the program set (a value equal to the default needs no call).
 */
/*
 * @conn: a TCP connection, whose MSS and window clamp were negotiated:
 * TCP repair saves and sets the MSS and the window (dump_tcp.c), and
 * setsockopt(TCP_MAXSEG) would refuse the value (above 32767 on
 * loopback); neither is kept as an option (a window clamp the program set
 * on a connection is lost: docs/restore.md).
 */
static int record_opts(int s, int family, int type, int proto, InetSkEntry *k, bool conn)
{
	const struct inet_opt *all;
	uint8_t v[INET_OPTS_MAX], dv[INET_OPTS_MAX];
	socklen_t l, dl;
	size_t n, i;
	int fresh, err = 0;

	fresh = socket(family, type | SOCK_CLOEXEC, proto);
	if (fresh < 0)
		return -errno;
	all = inet_opts__all(&n);
	k->opts = calloc(n, sizeof(*k->opts));
	if (!k->opts)
		err = -ENOMEM;
	for (i = 0; !err && i < n; i++) {
		InetSockopt *o;

		if (!inet_opts__applies(&all[i], family, proto))
			continue;
		if (conn && all[i].level == IPPROTO_TCP &&
		    (all[i].name == TCP_MAXSEG || all[i].name == TCP_WINDOW_CLAMP))
			continue;
		l = dl = sizeof(v);
		memset(v, 0, sizeof(v));
		memset(dv, 0, sizeof(dv));
		/* Not known to this kernel (or not to this kind of socket): never set either. */
		if (getsockopt(s, all[i].level, all[i].name, v, &l))
			continue;
		if (!getsockopt(fresh, all[i].level, all[i].name, dv, &dl) && dl == l &&
		    !memcmp(v, dv, l))
			continue;
		if (!l)
			continue;
		o = PB_NEW(InetSockopt, inet_sockopt);
		if (!o || set_bytes(&o->value, v, l)) {
			free(o);
			err = -ENOMEM;
			break;
		}
		o->level = all[i].level;
		o->name = all[i].name;
		k->opts[k->n_opts++] = o;
	}
	close(fresh);
	return err;
}

static int record(int s, int family, int type, int proto, const struct inet_names *n,
		  const struct sockdiag_inet *d, InetSkEntry *k)
{
	char dev[IFNAMSIZ + 1] = "";
	socklen_t dl = sizeof(dev) - 1;
	int lv = family == AF_INET6 ? IPPROTO_IPV6 : IPPROTO_IP;
	uint32_t port, scope;
	const uint8_t *a;
	int v, err = 0;
	size_t al;

	k->family = family;
	k->sk_type = type;
	k->protocol = proto;
	a = sa_addr(&n->local, &al, &port, &scope);
	err = set_bytes(&k->src_addr, a, al);
	if (err)
		return err;
	k->src_port = port;
	if (family == AF_INET6) {
		k->has_scope_id = true;
		k->scope_id = scope;
	}
	if (n->connected) {
		a = sa_addr(&n->peer, &al, &port, &scope);
		err = set_bytes(&k->dst_addr, a, al);
		if (err)
			return err;
		k->has_dst_addr = k->has_dst_port = true;
		k->dst_port = port;
		if (family == AF_INET6) {
			k->has_dst_scope_id = true;
			k->dst_scope_id = scope;
		}
	}
	k->listening = d->state == TCP_LISTEN_STATE;
	if (k->listening) {
		k->has_backlog = true;
		k->backlog = d->wqueue;
	}
	err = sockopt__get_int(s, SOL_SOCKET, SO_REUSEADDR, &v);
	k->reuseaddr = v;
	if (!err)
		err = sockopt__get_int(s, SOL_SOCKET, SO_REUSEPORT, &v);
	k->reuseport = v;
	if (!err)
		err = sockopt__get_int(s, SOL_SOCKET, SO_KEEPALIVE, &v);
	k->keepalive = v;
	if (!err)
		err = sockopt__get_int(s, SOL_SOCKET, SO_SNDBUF, &v);
	k->sndbuf = v;
	if (!err)
		err = sockopt__get_int(s, SOL_SOCKET, SO_RCVBUF, &v);
	k->rcvbuf = v;
	if (!err && family == AF_INET6) {
		err = sockopt__get_int(s, IPPROTO_IPV6, IPV6_V6ONLY, &v);
		k->has_v6only = true;
		k->v6only = v;
	}
	if (!err && type == SOCK_STREAM) {
		err = sockopt__get_int(s, IPPROTO_TCP, TCP_NODELAY, &v);
		k->has_nodelay = true;
		k->nodelay = v;
	}
	if (err)
		return err;
	/* Which sizes the program set: the others are the kernel's to tune. */
	if (!sockopt__get_int(s, SOL_SOCKET, SO_BUF_LOCK, &v)) {
		k->has_buf_lock = true;
		k->buf_lock = v & 3;
	}
	/* At the family's level: a raw IPv6 socket does not answer the IPv4 one. */
	if (!sockopt__get_int(s, lv, family == AF_INET6 ? IPV6_FREEBIND : IP_FREEBIND, &v) && v)
		k->has_freebind = k->freebind = true;
	if (!sockopt__get_int(s, lv, family == AF_INET6 ? IPV6_TRANSPARENT : IP_TRANSPARENT, &v) && v)
		k->has_transparent = k->transparent = true;
	if (getsockopt(s, SOL_SOCKET, SO_BINDTODEVICE, dev, &dl))
		return -errno;
	dev[dl < sizeof(dev) ? dl : sizeof(dev) - 1] = '\0';
	if (dev[0]) {
		k->bind_dev = strdup(dev);
		if (!k->bind_dev)
			return -ENOMEM;
	}
	if (d->shutdown) {
		k->has_shutdown = true;
		k->shutdown = d->shutdown & 3;
	}
	return record_opts(s, family, type, proto, k,
			   type == SOCK_STREAM && (n->connected || n->closed));
}

/*
 * A UDP socket in no table inet_diag walks (never bound): poll() still
 * tells a receive shutdown (EPOLLRDHUP), and both (EPOLLHUP). A send
 * shutdown alone of such a socket cannot be seen.
 */
static uint32_t unhashed_shutdown(int s)
{
	struct pollfd p = { .fd = s, .events = POLLIN | POLLRDHUP };

	if (poll(&p, 1, 0) != 1)
		return 0;
	if (p.revents & POLLHUP)
		return 3;
	return p.revents & POLLRDHUP ? 1 : 0;
}

/*
 * /proc/net/FILE's line for socket @ino (the tables of pidtrace's network
 * namespace): its state, queues and peer. For what sock_diag does not
 * show: ping sockets (in no table it walks), raw ones (raw_diag is not
 * always built), and the peer of a datagram socket connected to port 0,
 * which getpeername() will not name. -ENOENT: not there (not bound).
 */
static int procnet_state(const char *file, int family, uint64_t ino, struct sockdiag_inet *d,
			 struct sockaddr_storage *peer)
{
	char path[64], line[512], rem[40];
	unsigned long long i;
	unsigned int st, tx, rx, rport;
	uint32_t w[4];
	int r = -ENOENT;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/net/%s%s", file, family == AF_INET6 ? "6" : "");
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (r == -ENOENT && fgets(line, sizeof(line), f)) {
		if (sscanf(line, " %*u: %*s %39[0-9A-Fa-f]:%x %x %x:%x %*s %*s %*s %*s %llu", rem,
			   &rport, &st, &tx, &rx, &i) != 6 || i != ino)
			continue;
		d->state = st;
		d->wqueue = tx;
		d->rqueue = rx;
		r = 0;
		memset(peer, 0, sizeof(*peer));
		peer->ss_family = family;
		/* Each 32-bit word as the kernel holds it (network order), printed as a number. */
		if (family == AF_INET && sscanf(rem, "%8x", &w[0]) == 1) {
			memcpy(&((struct sockaddr_in *)peer)->sin_addr, w, 4);
			((struct sockaddr_in *)peer)->sin_port = htons(rport);
		} else if (family == AF_INET6 &&
			   sscanf(rem, "%8x%8x%8x%8x", &w[0], &w[1], &w[2], &w[3]) == 4) {
			memcpy(&((struct sockaddr_in6 *)peer)->sin6_addr, w, 16);
			((struct sockaddr_in6 *)peer)->sin6_port = htons(rport);
		}
	}
	fclose(f);
	return r;
}

/* A datagram socket connected to port 0: its peer from /proc/net into @n. */
static int peer_port0(int family, int type, int proto, uint64_t ino, struct inet_names *n)
{
	const char *file = type == SOCK_RAW ? "raw" : proto == IPPROTO_UDP ? "udp" :
			   proto == IPPROTO_UDPLITE ? "udplite" : "icmp";
	struct sockdiag_inet d;
	uint32_t port, scope;
	const uint8_t *a;
	size_t al;
	int err;

	memset(&d, 0, sizeof(d));
	err = procnet_state(file, family, ino, &d, &n->peer);
	if (err)
		return err;
	if (d.state != 1)
		return -ENOTCONN;
	a = sa_addr(&n->peer, &al, &port, &scope);
	inet_sk__addr_str(family, a, al, port, n->pstr, sizeof(n->pstr));
	n->connected = true;
	return 0;
}

/* The state, queues and shutdown bits of a socket that is not TCP's or UDP's own table's. */
static int describe_state(int s, int family, int type, uint64_t ino, struct sockdiag_inet *d)
{
	struct sockaddr_storage peer;
	int err;

	memset(d, 0, sizeof(*d));
	err = procnet_state(type == SOCK_RAW ? "raw" : "icmp", family, ino, d, &peer);
	/* Not there: a ping socket never bound, a raw one of protocol 0 (never hashed). */
	if (err == -ENOENT) {
		d->state = 7;
		err = 0;
	}
	/* The table has no shutdown bits: poll() tells them but a send shutdown alone. */
	d->shutdown = unhashed_shutdown(s);
	return err;
}

/* A new socket of the kind can be made (restore makes one): 0, or -errno. */
static int can_make(int family, int type, int proto)
{
	int fresh = socket(family, type | SOCK_CLOEXEC, proto);

	if (fresh < 0)
		return -errno;
	close(fresh);
	return 0;
}

int dump_inet__fd(pid_t pid, int fd, int s, int family, int type, int proto, uint64_t ino,
		  FdEntry *e)
{
	const char *p = inet_sk__name(family, type, proto);
	/* By the type: a raw socket may be of protocol 6 (zdtm socket-raw makes all 255). */
	bool tcp = type == SOCK_STREAM;
	bool own_table = tcp || proto == IPPROTO_UDP || proto == IPPROTO_UDPLITE;
	struct sockdiag_inet d;
	struct inet_names n;
	char what[256], why[128];
	InetSkEntry *k;
	int err, reset_err = -1;

	names(s, family, &n);
	if (!p) {
		snprintf(what, sizeof(what), "IP socket %s%s%s (type %d, protocol %d)", n.lstr,
			 n.connected ? " -> " : "", n.connected ? n.pstr : "", type, proto);
		return refuse(pid, fd, what);
	}
	if (type == SOCK_RAW)
		own_table = false;
	err = same_netns(pid, s);
	if (err <= 0) {
		if (err < 0)
			pr_err("pid %d fd %d: cannot tell the network namespace of %s socket %s: %s",
			       pid, fd, p, n.lstr, strerror(-err));
		else
			snprintf(what, sizeof(what), "%s socket %s of another network namespace", p,
				 n.lstr);
		return err < 0 ? -EOPNOTSUPP : refuse(pid, fd, what);
	}
	err = can_make(family, type, proto);
	if (err) {
		snprintf(what, sizeof(what), "%s socket %s (protocol %d) that pidtrace cannot make again (%s%s)",
			 p, n.lstr, proto, strerror(-err),
			 type == SOCK_DGRAM && !own_table ? ": net.ipv4.ping_group_range" : "");
		return refuse(pid, fd, what);
	}
	if (own_table) {
		err = sockdiag__inet(family, proto, ino, &d);
		/*
		 * A socket never bound (or a TCP one closed) is in no table inet_diag
		 * walks: UDP then holds nothing; TCP is refused below as not listening.
		 */
		if (err == -ENOENT && !n.connected && (tcp || !n.lport)) {
			memset(&d, 0, sizeof(d));
			d.state = 7;
			/* A TCP socket in CLOSE polls as hung up whether or not shut down. */
			d.shutdown = !tcp ? unhashed_shutdown(s) : 0;
			err = 0;
		}
	} else {
		err = describe_state(s, family, type, ino, &d);
	}
	if (err) {
		pr_err("pid %d fd %d: cannot describe %s socket %s: %s", pid, fd, p, n.lstr,
		       strerror(-err));
		return -EOPNOTSUPP;
	}
	/* dump --tcp-close: a connection, in whatever state, comes back closed (dump_tcp.c). */
	n.closed = tcp && dump_tcp__close_instead(s, &d.state, &d.shutdown, &n.local, &n.connected);
	/* Connected to port 0 (zdtm socket_udplite): getpeername() cannot name the peer. */
	if (!tcp && d.state == 1 && !n.connected &&
	    peer_port0(family, type, proto, ino, &n)) {
		snprintf(what, sizeof(what), "%s socket %s connected to a peer of port 0 not found in /proc/net",
			 p, n.lstr);
		return refuse(pid, fd, what);
	}
	if (tcp && !dump_inet_tcp_ok(&n, d.state)) {
		if (n.connected)
			snprintf(what, sizeof(what), "TCP connection %s -> %s (%s)", n.lstr, n.pstr,
				 tcp_fin__state_name(d.state));
		else
			snprintf(what, sizeof(what), "TCP socket %s (%s, not listening)", n.lstr,
				 tcp_fin__state_name(d.state));
		return refuse(pid, fd, what);
	}
	/* Connecting (dump_tcp.c) or closed after a connection: its peer from SO_PEERNAME. */
	if (tcp && !n.closed && !n.connected && d.state != TCP_LISTEN_STATE &&
	    (d.state == TCP_FIN_ST_SYN_SENT || dump_tcp__ever_connected(s))) {
		/* Closed by FINs or by a reset (dump_tcp.h), its error left where it is. */
		if (d.state != TCP_FIN_ST_SYN_SENT &&
		    dump_tcp__closed_how(s, &reset_err, why, sizeof(why))) {
			snprintf(what, sizeof(what), "TCP socket %s (closed after a connection, %s)",
				 n.lstr, why);
			return refuse(pid, fd, what);
		}
		err = closed_peer(s, family, &n);
		if (err) {
			snprintf(what, sizeof(what), "TCP socket %s (closed after a connection, its peer unknown)",
				 n.lstr);
			return refuse(pid, fd, what);
		}
		/* Both ways shut: read in repair mode like a connection (tcp_fin.h). */
		if (d.state != TCP_FIN_ST_SYN_SENT)
			d.shutdown = 3;
	}
	/* dump --skip-in-flight: its pending connections left out (dump_tcp.h). */
	if (tcp && d.state == TCP_LISTEN_STATE && d.rqueue && !dump_tcp__skip_in_flight()) {
		snprintf(what, sizeof(what), "listening TCP socket %s with %u pending connection%s",
			 n.lstr, d.rqueue, d.rqueue == 1 ? "" : "s");
		return refuse(pid, fd, what);
	}
	if (!tcp && (d.rqueue || d.wqueue)) {
		/* Buffer memory, not payload: the kernel does not count datagrams. */
		snprintf(what, sizeof(what), "%s socket %s with %s queued (%u bytes of %s buffer)",
			 p, n.lstr, type == SOCK_RAW ? "packets" : "datagrams",
			 d.rqueue ? d.rqueue : d.wqueue, d.rqueue ? "receive" : "send");
		return refuse(pid, fd, what);
	}
	err = sk_filter__dump(s, e, why, sizeof(why));
	if (err == -EOPNOTSUPP) {
		snprintf(what, sizeof(what), "%s socket %s with %s", p, n.lstr, why);
		return refuse(pid, fd, what);
	}
	if (err)
		return err;
	e->type = FD_TYPE__FD_INET;
	k = e->inet_sk = PB_NEW(InetSkEntry, inet_sk_entry);
	if (!k)
		return -ENOMEM;
	err = record(s, family, type, proto, &n, &d, k);
	if (!err && tcp && n.connected) {
		snprintf(what, sizeof(what), "TCP connection %s -> %s", n.lstr, n.pstr);
		err = dump_tcp__conn(pid, fd, s, what, k);
		/* Restore makes it ESTABLISHED and replays the reset (tcp_fin.h). */
		if (!err && reset_err >= 0 && k->tcp->state == TCP_FIN_ST_CLOSE) {
			k->tcp->has_reset_err = true;
			k->tcp->reset_err = (uint32_t)reset_err;
		}
	}
	return err;
}
