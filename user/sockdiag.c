// SPDX-License-Identifier: GPL-2.0
/*
 * sockdiag.c - one NETLINK_SOCK_DIAG request (unix_diag) for one socket
 * inode: the only interface that tells which socket is a unix socket's
 * peer (a socketpair's two ends have nothing else in common that /proc
 * shows).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
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
			if (n > sizeof(out->name) - 2)
				n = sizeof(out->name) - 2;
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
		case UNIX_DIAG_SHUTDOWN:
			if (n >= 1)
				out->shutdown = *(const uint8_t *)data;
			break;
		default:
			break;
		}
	}
}

int sockdiag__unix(uint64_t ino, struct sockdiag_unix *out)
{
	struct {
		struct nlmsghdr nlh;
		struct unix_diag_req req;
	} rq;
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	union {
		struct nlmsghdr nlh;
		char buf[8192];
	} rsp;
	const struct nlmsghdr *h;
	ssize_t n;
	int fd, err = -ENOENT;

	memset(out, 0, sizeof(*out));
	/* Socket inodes are 32-bit numbers: the request cannot name others. */
	if (ino > UINT32_MAX)
		return -ENOENT;
	fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (fd < 0)
		return -errno;
	memset(&rq, 0, sizeof(rq));
	rq.nlh.nlmsg_len = sizeof(rq);
	rq.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	rq.nlh.nlmsg_flags = NLM_F_REQUEST;
	rq.req.sdiag_family = AF_UNIX;
	rq.req.udiag_states = ~0U;
	rq.req.udiag_ino = (uint32_t)ino;
	rq.req.udiag_show = UDIAG_SHOW_NAME | UDIAG_SHOW_PEER;
	rq.req.udiag_cookie[0] = rq.req.udiag_cookie[1] = ~0U;
	if (sendto(fd, &rq, sizeof(rq), 0, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		err = -errno;
		goto out;
	}
	n = recv(fd, &rsp, sizeof(rsp), 0);
	if (n < 0) {
		err = -errno;
		goto out;
	}
	for (h = &rsp.nlh; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
		if (h->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *e = NLMSG_DATA(h);

			err = e->error ? e->error : -ENOENT;
			break;
		}
		if (h->nlmsg_type == SOCK_DIAG_BY_FAMILY &&
		    h->nlmsg_len >= NLMSG_LENGTH(sizeof(struct unix_diag_msg))) {
			const struct unix_diag_msg *m = NLMSG_DATA(h);

			if (m->udiag_ino != (uint32_t)ino)
				continue;
			out->ino = m->udiag_ino;
			out->type = m->udiag_type;
			out->state = m->udiag_state;
			parse_attrs(m, h->nlmsg_len - NLMSG_LENGTH(0), out);
			err = 0;
			break;
		}
	}
out:
	close(fd);
	return err;
}
