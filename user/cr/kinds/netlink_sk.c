// SPDX-License-Identifier: GPL-2.0
/*
 * netlink_sk.c - what the kernel tells of a netlink socket beyond
 * getsockname and the plain options (netlink_sk.h): every group it joined
 * (NETLINK_LIST_MEMBERSHIPS) and netlink_diag's view (sock_diag) of its
 * state, receive queue and running dump.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/netlink.h>
#include <linux/netlink_diag.h>
#include <linux/sock_diag.h>

#include "netlink_sk.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif
#ifndef SK_MEMINFO_RMEM_ALLOC
#define SK_MEMINFO_RMEM_ALLOC 0
#endif

int netlink_sk__groups(int s, uint32_t **out)
{
	uint32_t *map = NULL, *g = NULL, *m;
	socklen_t len = 64, want;
	size_t i, n = 0;
	int b;

	*out = NULL;
	for (;;) {
		m = realloc(map, len);
		if (!m) {
			free(map);
			return -ENOMEM;
		}
		map = m;
		memset(map, 0, len);
		want = len;
		if (getsockopt(s, SOL_NETLINK, NETLINK_LIST_MEMBERSHIPS, map, &want)) {
			free(map);
			return -errno;
		}
		/* The kernel says how long the whole bitmap is. */
		if (want <= len)
			break;
		if (want > NL_GROUP_MAX / 8) {
			free(map);
			return -E2BIG;
		}
		len = want;
	}
	for (i = 0; i < want / 4; i++)
		for (b = 0; b < 32; b++) {
			if (!(map[i] & (1U << b)))
				continue;
			if (n == NL_GROUPS_MAX) {
				free(map);
				free(g);
				return -E2BIG;
			}
			m = realloc(g, (n + 1) * sizeof(*g));
			if (!m) {
				free(map);
				free(g);
				return -ENOMEM;
			}
			g = m;
			g[n++] = i * 32 + b + 1;
		}
	free(map);
	*out = g;
	return n;
}

static void diag_parse(const struct netlink_diag_msg *m, size_t len, struct netlink_sk_diag *d)
{
	const struct nlattr *a = (const void *)((const char *)m + NLMSG_ALIGN(sizeof(*m)));
	size_t left = len - NLMSG_ALIGN(sizeof(*m));

	d->found = true;
	d->connected = m->ndiag_state == 1;
	while (left >= sizeof(*a) && a->nla_len >= sizeof(*a) && a->nla_len <= left) {
		const uint32_t *v = (const uint32_t *)((const char *)a + NLA_HDRLEN);
		size_t n = a->nla_len - NLA_HDRLEN;

		if (a->nla_type == NETLINK_DIAG_MEMINFO && n >= (SK_MEMINFO_RMEM_ALLOC + 1) * 4)
			d->rmem = v[SK_MEMINFO_RMEM_ALLOC];
		else if (a->nla_type == NETLINK_DIAG_FLAGS && n >= 4)
			d->dumping = v[0] & NDIAG_FLAG_CB_RUNNING;
		if ((size_t)NLA_ALIGN(a->nla_len) >= left)
			break;
		left -= NLA_ALIGN(a->nla_len);
		a = (const void *)((const char *)a + NLA_ALIGN(a->nla_len));
	}
}

int netlink_sk__diag(uint32_t protocol, uint64_t ino, struct netlink_sk_diag *d)
{
	struct {
		struct nlmsghdr h;
		struct netlink_diag_req r;
	} req = {
		.h = { .nlmsg_len = sizeof(req), .nlmsg_type = SOCK_DIAG_BY_FAMILY,
		       .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP, .nlmsg_seq = 1 },
		.r = { .sdiag_family = AF_NETLINK, .sdiag_protocol = protocol,
		       .ndiag_show = NDIAG_SHOW_MEMINFO | NDIAG_SHOW_FLAGS },
	};
	static char buf[32768] __attribute__((aligned(4)));
	struct nlmsghdr *h;
	int s, err = 0;
	ssize_t n;

	memset(d, 0, sizeof(*d));
	s = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (s < 0)
		return -errno;
	if (send(s, &req, sizeof(req), 0) != sizeof(req)) {
		err = -errno;
		goto out;
	}
	for (;;) {
		n = recv(s, buf, sizeof(buf), 0);
		if (n < 0) {
			err = -errno;
			goto out;
		}
		for (h = (void *)buf; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type == NLMSG_DONE)
				goto out;
			if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(h);

				err = h->nlmsg_len >= NLMSG_LENGTH(sizeof(*e)) && e->error ? e->error
											 : -EIO;
				goto out;
			}
			if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY ||
			    h->nlmsg_len < NLMSG_LENGTH(sizeof(struct netlink_diag_msg)))
				continue;
			if (((struct netlink_diag_msg *)NLMSG_DATA(h))->ndiag_ino == ino)
				diag_parse(NLMSG_DATA(h), h->nlmsg_len - NLMSG_HDRLEN, d);
		}
	}
out:
	close(s);
	return err;
}
