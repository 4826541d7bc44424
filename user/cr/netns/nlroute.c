// SPDX-License-Identifier: GPL-2.0
/*
 * nlroute.c - see nlroute.h. A socket a conversation: the namespace is the
 * calling thread's when the socket is made.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "nlroute.h"

void *nlroute__start(struct nl_req *r, int type, int flags, size_t len)
{
	memset(r, 0, sizeof(*r));
	r->h.nlmsg_len = NLMSG_LENGTH(len);
	r->h.nlmsg_type = type;
	r->h.nlmsg_flags = NLM_F_REQUEST | flags;
	r->h.nlmsg_seq = 1;
	return NLMSG_DATA(&r->h);
}

int nlroute__put(struct nl_req *r, int type, const void *data, size_t len)
{
	size_t at = NLMSG_ALIGN(r->h.nlmsg_len);
	struct rtattr *a = (struct rtattr *)((char *)&r->h + at);

	if (at + RTA_SPACE(len) > sizeof(*r))
		return -ENOSPC;
	a->rta_type = type;
	a->rta_len = RTA_LENGTH(len);
	if (len)
		memcpy(RTA_DATA(a), data, len);
	r->h.nlmsg_len = at + RTA_ALIGN(a->rta_len);
	return 0;
}

struct rtattr *nlroute__nest(struct nl_req *r, int type)
{
	struct rtattr *a = (struct rtattr *)((char *)&r->h + NLMSG_ALIGN(r->h.nlmsg_len));

	return nlroute__put(r, type, NULL, 0) ? NULL : a;
}

void nlroute__nest_end(struct nl_req *r, struct rtattr *a)
{
	a->rta_len = (char *)&r->h + r->h.nlmsg_len - (char *)a;
}

void nlroute__parse(struct rtattr **tb, int max, struct rtattr *a, size_t len)
{
	unsigned int l = len;

	memset(tb, 0, sizeof(*tb) * (max + 1));
	for (; RTA_OK(a, l); a = RTA_NEXT(a, l))
		if ((a->rta_type & NLA_TYPE_MASK) <= max)
			tb[a->rta_type & NLA_TYPE_MASK] = a;
}

int nlroute__talk(int proto, struct nl_req *r, int (*fn)(const struct nlmsghdr *h, void *arg),
		  void *arg)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	size_t size = 65536;
	char *buf = malloc(size);
	int s, err = 0, done = 0;
	ssize_t n;

	if (!buf)
		return -ENOMEM;
	s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, proto);
	if (s < 0) {
		err = -errno;
		goto out;
	}
	if (sendto(s, r, r->h.nlmsg_len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		err = -errno;
		goto out;
	}
	while (!done) {
		struct nlmsghdr *h;
		unsigned int len;

		n = recv(s, buf, size, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			break;
		}
		len = n;
		for (h = (struct nlmsghdr *)buf; !done && NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
			if (h->nlmsg_type == NLMSG_DONE) {
				done = 1;
			} else if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(h);

				if (e->error && !err)
					err = e->error;
				done = 1;
			} else if (!err && fn) {
				err = fn(h, arg);
			}
		}
		if (!n)
			break;
	}
out:
	if (s >= 0)
		close(s);
	free(buf);
	return err;
}
