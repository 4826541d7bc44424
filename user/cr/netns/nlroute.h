/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nlroute.h - a small rtnetlink (and nfnetlink, xfrm) client for the net
 * namespace the calling thread is in: dumps read message by message, and
 * requests answered by an acknowledgement.
 */
#ifndef PT_NLROUTE_H
#define PT_NLROUTE_H

#include <stddef.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

struct nl_req {
	struct nlmsghdr h;
	char buf[1024];
};

/* A request of @type with @flags (NLM_F_REQUEST added) and @len bytes of
 * fixed header (ifinfomsg...) zeroed after the netlink header. */
void *nlroute__start(struct nl_req *r, int type, int flags, size_t len);
/* Append attribute @type of @len bytes at @data. Return 0 or -ENOSPC. */
int nlroute__put(struct nl_req *r, int type, const void *data, size_t len);
/* Begin a nested attribute (end it with nlroute__nest_end), NULL: no room. */
struct rtattr *nlroute__nest(struct nl_req *r, int type);
void nlroute__nest_end(struct nl_req *r, struct rtattr *a);

/* Send @r on a new socket of @proto; call @fn on each answer until the
 * dump ends or the acknowledgement. Return: 0, -errno of the kernel, or
 * the first nonzero return of @fn. */
int nlroute__talk(int proto, struct nl_req *r, int (*fn)(const struct nlmsghdr *h, void *arg),
		  void *arg);

/* The attributes of @len bytes at @a into @tb[0..@max] (NULL: absent). */
void nlroute__parse(struct rtattr **tb, int max, struct rtattr *a, size_t len);

#endif
