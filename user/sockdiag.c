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
#include <sys/sysmacros.h>
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
	rq.req.udiag_show = UDIAG_SHOW_NAME | UDIAG_SHOW_PEER | UDIAG_SHOW_RQLEN | UDIAG_SHOW_VFS;
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

int sockdiag__unix_file_held(uint64_t dev, uint64_t ino)
{
	struct {
		struct nlmsghdr nlh;
		struct unix_diag_req req;
	} rq;
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	union {
		struct nlmsghdr nlh;
		char buf[32768];
	} rsp;
	/* The kernel's own dev_t encoding, which unix_diag reports. */
	uint32_t kdev = (uint32_t)(major(dev) << 20 | minor(dev));
	const struct nlmsghdr *h;
	int fd, err = 0;
	ssize_t n;

	fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (fd < 0)
		return -errno;
	memset(&rq, 0, sizeof(rq));
	rq.nlh.nlmsg_len = sizeof(rq);
	rq.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	rq.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	rq.req.sdiag_family = AF_UNIX;
	rq.req.udiag_states = ~0U;
	rq.req.udiag_show = UDIAG_SHOW_VFS;
	if (sendto(fd, &rq, sizeof(rq), 0, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		err = -errno;
		goto out;
	}
	for (;;) {
		n = recv(fd, &rsp, sizeof(rsp), 0);
		if (n < 0) {
			err = -errno;
			goto out;
		}
		for (h = &rsp.nlh; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
			struct sockdiag_unix d;

			if (h->nlmsg_type == NLMSG_DONE)
				goto out;
			if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(h);

				err = e->error ? e->error : -EIO;
				goto out;
			}
			if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY ||
			    h->nlmsg_len < NLMSG_LENGTH(sizeof(struct unix_diag_msg)))
				continue;
			memset(&d, 0, sizeof(d));
			parse_attrs(NLMSG_DATA(h), h->nlmsg_len - NLMSG_LENGTH(0), &d);
			if (d.has_vfs && d.vfs_ino == (uint32_t)ino && d.vfs_dev == kdev) {
				err = 1;
				goto out;
			}
		}
	}
out:
	close(fd);
	return err;
}
