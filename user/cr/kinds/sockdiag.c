// SPDX-License-Identifier: GPL-2.0
/*
 * sockdiag.c - NETLINK_SOCK_DIAG requests: unix_diag for one socket
 * inode (the only interface that tells which socket is a unix socket's
 * peer: a socketpair's two ends have nothing else in common that /proc
 * shows) or for the socket bound to a file, inet_diag for the state and
 * queues of a TCP or UDP socket.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/sysmacros.h>
#include <netinet/in.h>
#include <unistd.h>

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/inet_diag.h>
#include <linux/unix_diag.h>

#include "sockdiag.h"

static void parse_attrs(const struct unix_diag_msg *m, size_t len, struct sockdiag_unix *out)
{
	const struct rtattr *a = (const struct rtattr *)(m + 1);
	size_t left = len - NLMSG_ALIGN(sizeof(*m)), n;

	for (; RTA_OK(a, left); a = RTA_NEXT(a, left)) {
		const char *data = RTA_DATA(a);

		n = RTA_PAYLOAD(a);
		switch (a->rta_type) {
		case UNIX_DIAG_NAME:
			if (!n)
				break;
			out->named = true;
			if (n > sizeof(out->raw_name))
				n = sizeof(out->raw_name);
			memcpy(out->raw_name, data, n);
			out->raw_len = n;
			/* An abstract name starts with a NUL byte. */
			if (data[0] == '\0') {
				out->name[0] = '@';
				memcpy(out->name + 1, data + 1, n - 1);
				out->name[n] = '\0';
			} else {
				memcpy(out->name, data, n);
				out->name[n] = '\0';
			}
			break;
		case UNIX_DIAG_PEER:
			if (n >= 4)
				out->peer_ino = *(const uint32_t *)data;
			break;
		case UNIX_DIAG_RQLEN:
			if (n >= sizeof(struct unix_diag_rqlen)) {
				const struct unix_diag_rqlen *q = (const void *)data;

				out->rqueue = q->udiag_rqueue;
				out->wqueue = q->udiag_wqueue;
			}
			break;
		case UNIX_DIAG_VFS:
			if (n >= sizeof(struct unix_diag_vfs)) {
				const struct unix_diag_vfs *v = (const void *)data;

				out->has_vfs = true;
				out->vfs_ino = v->udiag_vfs_ino;
				out->vfs_dev = v->udiag_vfs_dev;
			}
			break;
		case UNIX_DIAG_SHUTDOWN:
			if (n >= 1)
				out->shutdown = *(const uint8_t *)data;
			break;
		default:
			break;
		}
	}
}

/*
 * One NETLINK_SOCK_DIAG request @rq, its replies handed to @fn one by one
 * until @fn returns non-zero. A dump (NLM_F_DUMP) is read to NLMSG_DONE,
 * any other request's one batch of replies only.
 * Return: 1 when @fn stopped the walk (found), 0 when the replies ran
 * out, -errno (the kernel's error for the request, too).
 */
static int diag_query(const struct nlmsghdr *rq, int (*fn)(const struct nlmsghdr *h, void *arg),
		      void *arg)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	union {
		struct nlmsghdr nlh;
		char buf[32768];
	} rsp;
	bool dump = rq->nlmsg_flags & NLM_F_DUMP;
	const struct nlmsghdr *h;
	int fd, err = 0;
	ssize_t n;

	fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (fd < 0)
		return -errno;
	if (sendto(fd, rq, rq->nlmsg_len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		err = -errno;
		goto out;
	}
	do {
		n = recv(fd, &rsp, sizeof(rsp), 0);
		if (n < 0) {
			err = -errno;
			goto out;
		}
		if (n == 0)
			goto out;
		for (h = &rsp.nlh; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type == NLMSG_DONE)
				goto out;
			if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(h);

				err = e->error ? e->error : -EIO;
				goto out;
			}
			if (h->nlmsg_type == SOCK_DIAG_BY_FAMILY && fn(h, arg)) {
				err = 1;
				goto out;
			}
		}
	} while (dump);
out:
	close(fd);
	return err;
}

struct unix_want {
	uint32_t ino;		/* sockdiag__unix: this socket */
	uint32_t vfs_ino, vfs_dev;	/* sockdiag__unix_file_held: bound to this file */
	struct sockdiag_unix *out;
};

static int unix_by_ino(const struct nlmsghdr *h, void *arg)
{
	struct unix_want *w = arg;
	const struct unix_diag_msg *m = NLMSG_DATA(h);

	if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*m)) || m->udiag_ino != w->ino)
		return 0;
	w->out->ino = m->udiag_ino;
	w->out->type = m->udiag_type;
	w->out->state = m->udiag_state;
	parse_attrs(m, h->nlmsg_len - NLMSG_LENGTH(0), w->out);
	return 1;
}

static void unix_request(struct nlmsghdr *nlh, struct unix_diag_req *req, size_t len,
			 uint16_t flags, uint32_t show)
{
	memset(nlh, 0, len);
	nlh->nlmsg_len = len;
	nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	req->sdiag_family = AF_UNIX;
	req->udiag_states = ~0U;
	req->udiag_show = show;
}

int sockdiag__unix(uint64_t ino, struct sockdiag_unix *out)
{
	struct {
		struct nlmsghdr nlh;
		struct unix_diag_req req;
	} rq;
	struct unix_want w = { .ino = (uint32_t)ino, .out = out };
	int r;

	memset(out, 0, sizeof(*out));
	/* Socket inodes are 32-bit numbers: the request cannot name others. */
	if (ino > UINT32_MAX)
		return -ENOENT;
	unix_request(&rq.nlh, &rq.req, sizeof(rq), 0,
		     UDIAG_SHOW_NAME | UDIAG_SHOW_PEER | UDIAG_SHOW_RQLEN | UDIAG_SHOW_VFS);
	rq.req.udiag_ino = (uint32_t)ino;
	rq.req.udiag_cookie[0] = rq.req.udiag_cookie[1] = ~0U;
	r = diag_query(&rq.nlh, unix_by_ino, &w);
	return r == 1 ? 0 : r ? r : -ENOENT;
}

static int unix_by_file(const struct nlmsghdr *h, void *arg)
{
	const struct unix_want *w = arg;
	struct sockdiag_unix d;

	if (h->nlmsg_len < NLMSG_LENGTH(sizeof(struct unix_diag_msg)))
		return 0;
	memset(&d, 0, sizeof(d));
	parse_attrs(NLMSG_DATA(h), h->nlmsg_len - NLMSG_LENGTH(0), &d);
	return d.has_vfs && d.vfs_ino == w->vfs_ino && d.vfs_dev == w->vfs_dev;
}

int sockdiag__unix_file_held(uint64_t dev, uint64_t ino)
{
	struct {
		struct nlmsghdr nlh;
		struct unix_diag_req req;
	} rq;
	/* The kernel's own dev_t encoding, which unix_diag reports. */
	struct unix_want w = { .vfs_ino = (uint32_t)ino,
			       .vfs_dev = (uint32_t)(major(dev) << 20 | minor(dev)) };

	unix_request(&rq.nlh, &rq.req, sizeof(rq), NLM_F_DUMP, UDIAG_SHOW_VFS);
	return diag_query(&rq.nlh, unix_by_file, &w);
}

struct unix_icon_want {
	uint32_t client;	/* a client whose connection is pending */
	uint64_t *listener;	/* out: the listener's inode */
};

static int unix_by_icon(const struct nlmsghdr *h, void *arg)
{
	const struct unix_icon_want *w = arg;
	const struct unix_diag_msg *m = NLMSG_DATA(h);
	const struct rtattr *a;
	size_t left, i;

	if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*m)))
		return 0;
	a = (const struct rtattr *)(m + 1);
	left = h->nlmsg_len - NLMSG_LENGTH(0) - NLMSG_ALIGN(sizeof(*m));
	for (; RTA_OK(a, left); a = RTA_NEXT(a, left)) {
		const uint32_t *icons = RTA_DATA(a);

		if (a->rta_type != UNIX_DIAG_ICONS)
			continue;
		for (i = 0; i < RTA_PAYLOAD(a) / sizeof(*icons); i++)
			if (icons[i] == w->client) {
				*w->listener = m->udiag_ino;
				return 1;
			}
	}
	return 0;
}

int sockdiag__unix_pending_on(uint64_t client, uint64_t *listener)
{
	struct {
		struct nlmsghdr nlh;
		struct unix_diag_req req;
	} rq;
	struct unix_icon_want w = { .client = (uint32_t)client, .listener = listener };

	if (!client || client > UINT32_MAX)
		return 0;
	unix_request(&rq.nlh, &rq.req, sizeof(rq), NLM_F_DUMP, UDIAG_SHOW_ICONS);
	rq.req.udiag_states = 1U << 10;	/* TCP_LISTEN */
	return diag_query(&rq.nlh, unix_by_icon, &w);
}

struct inet_want {
	uint32_t ino;
	struct sockdiag_inet *out;
};

static int inet_by_ino(const struct nlmsghdr *h, void *arg)
{
	struct inet_want *w = arg;
	const struct inet_diag_msg *m = NLMSG_DATA(h);
	const struct rtattr *a;
	int left;

	if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*m)) || m->idiag_inode != w->ino)
		return 0;
	w->out->ino = m->idiag_inode;
	w->out->state = m->idiag_state;
	w->out->rqueue = m->idiag_rqueue;
	w->out->wqueue = m->idiag_wqueue;
	w->out->ifindex = m->id.idiag_if;
	/* The kernel always adds the shutdown bits. */
	a = (const struct rtattr *)((const char *)m + NLMSG_ALIGN(sizeof(*m)));
	left = h->nlmsg_len - NLMSG_LENGTH(sizeof(*m));
	for (; RTA_OK(a, left); a = RTA_NEXT(a, left))
		if (a->rta_type == INET_DIAG_SHUTDOWN && RTA_PAYLOAD(a) >= 1)
			w->out->shutdown = *(const uint8_t *)RTA_DATA(a);
	return 1;
}

int sockdiag__inet(int family, int protocol, uint64_t ino, struct sockdiag_inet *out)
{
	struct {
		struct nlmsghdr nlh;
		struct inet_diag_req_v2 req;
	} rq;
	struct inet_want w = { .ino = (uint32_t)ino, .out = out };
	int r;

	memset(out, 0, sizeof(*out));
	if (ino > UINT32_MAX)
		return -ENOENT;
	/* No request names a socket by inode: every one of the kind, then ours. */
	memset(&rq, 0, sizeof(rq));
	rq.nlh.nlmsg_len = sizeof(rq);
	rq.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	rq.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	rq.req.sdiag_family = family;
	rq.req.sdiag_protocol = protocol;
	rq.req.idiag_states = ~0U;
	r = diag_query(&rq.nlh, inet_by_ino, &w);
	return r == 1 ? 0 : r ? r : -ENOENT;
}

struct tuple_want {
	int family;
	uint8_t src[16], dst[16];	/* network order, as inet_diag's id holds them */
	uint16_t sport, dport;		/* network order */
	struct sockdiag_inet *out;
};

static int inet_by_tuple(const struct nlmsghdr *h, void *arg)
{
	struct tuple_want *w = arg;
	const struct inet_diag_msg *m = NLMSG_DATA(h);
	size_t alen = w->family == AF_INET ? 4 : 16;

	if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*m)) || m->idiag_family != w->family ||
	    m->id.idiag_sport != w->sport || m->id.idiag_dport != w->dport ||
	    memcmp(m->id.idiag_src, w->src, alen) || memcmp(m->id.idiag_dst, w->dst, alen))
		return 0;
	w->out->ino = m->idiag_inode;
	w->out->state = m->idiag_state;
	w->out->rqueue = m->idiag_rqueue;
	w->out->wqueue = m->idiag_wqueue;
	w->out->ifindex = m->id.idiag_if;
	return 1;
}

/* @a's address and port as inet_diag holds them; an IPv4-mapped one as IPv4 too (@v4). */
static void tuple_addr(const struct sockaddr_storage *a, uint8_t *addr, uint16_t *port,
		       uint8_t *v4)
{
	if (a->ss_family == AF_INET) {
		const struct sockaddr_in *in = (const void *)a;

		memcpy(addr, &in->sin_addr, 4);
		memcpy(v4, &in->sin_addr, 4);
		*port = in->sin_port;
		return;
	}
	const struct sockaddr_in6 *in6 = (const void *)a;

	memcpy(addr, &in6->sin6_addr, 16);
	memcpy(v4, &in6->sin6_addr.s6_addr[12], 4);
	*port = in6->sin6_port;
}

int sockdiag__tcp_peer(const struct sockaddr_storage *local, const struct sockaddr_storage *peer,
		       struct sockdiag_inet *out)
{
	struct {
		struct nlmsghdr nlh;
		struct inet_diag_req_v2 req;
	} rq;
	struct tuple_want w = { .out = out };
	uint8_t l4[4], p4[4];
	bool mapped = false;
	int r, pass;

	memset(out, 0, sizeof(*out));
	if (local->ss_family != peer->ss_family ||
	    (local->ss_family != AF_INET && local->ss_family != AF_INET6))
		return -ENOENT;
	/* The other end's local address is our peer's, its remote one ours. */
	tuple_addr(peer, w.src, &w.sport, p4);
	tuple_addr(local, w.dst, &w.dport, l4);
	if (local->ss_family == AF_INET6)
		mapped = IN6_IS_ADDR_V4MAPPED(&((const struct sockaddr_in6 *)peer)->sin6_addr);
	/* An IPv4-mapped connection's other end may be an IPv4 socket, or a mapped one. */
	for (pass = 0; pass < (mapped ? 2 : 1); pass++) {
		w.family = local->ss_family;
		if (pass) {
			w.family = AF_INET;
			memset(w.src, 0, 16);
			memset(w.dst, 0, 16);
			memcpy(w.src, p4, 4);
			memcpy(w.dst, l4, 4);
		}
		memset(&rq, 0, sizeof(rq));
		rq.nlh.nlmsg_len = sizeof(rq);
		rq.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
		rq.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
		rq.req.sdiag_family = w.family;
		rq.req.sdiag_protocol = IPPROTO_TCP;
		rq.req.idiag_states = ~0U;
		r = diag_query(&rq.nlh, inet_by_tuple, &w);
		if (r)
			return r == 1 ? 0 : r;
	}
	return -ENOENT;
}
