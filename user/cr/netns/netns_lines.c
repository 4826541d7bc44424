// SPDX-License-Identifier: GPL-2.0
/*
 * netns_lines.c - the rest of a net namespace as state lines (see
 * netns_state.h): routes and rules, permanent neighbours, nftables
 * tables, xfrm states and policies, and every readable sysctl under
 * /proc/sys/net (the iptables-legacy tables and the conntrack entries,
 * which restore makes, are netns_xt.c's and netns_ct.c's). Restore makes
 * none of these itself: a namespace made again from the links and
 * addresses must show the same lines (the routes the kernel adds for an
 * address or a link, the sysctls' defaults, per device too), or the dump
 * is refused naming the first line that differs.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/fib_rules.h>
#include <linux/neighbour.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/xfrm.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "escape.h"
#include "netns_state.h"
#include "nlroute.h"

static const char *fam(int f)
{
	return f == AF_INET ? "inet" : f == AF_INET6 ? "inet6" : "other";
}

static uint32_t u32(const struct rtattr *a)
{
	return a ? *(const uint32_t *)RTA_DATA(a) : 0;
}

static void addr(int family, const struct rtattr *a, char *out, size_t len)
{
	snprintf(out, len, "-");
	if (a)
		inet_ntop(family, RTA_DATA(a), out, len);
}

static int on_route(const struct nlmsghdr *h, void *arg)
{
	const struct rtmsg *rt = NLMSG_DATA(h);
	struct rtattr *tb[RTA_MAX + 1];
	char dst[64], gw[64], src[64], pref[64];

	if (h->nlmsg_type != RTM_NEWROUTE || (rt->rtm_flags & RTM_F_CLONED))
		return 0;
	nlroute__parse(tb, RTA_MAX, RTM_RTA(rt), RTM_PAYLOAD(h));
	addr(rt->rtm_family, tb[RTA_DST], dst, sizeof(dst));
	addr(rt->rtm_family, tb[RTA_GATEWAY], gw, sizeof(gw));
	addr(rt->rtm_family, tb[RTA_SRC], src, sizeof(src));
	addr(rt->rtm_family, tb[RTA_PREFSRC], pref, sizeof(pref));
	return netns_state__add(arg,
		"route %s table=%u %s/%u type=%u proto=%u scope=%u dev=%u gw=%s src=%s/%u prefsrc=%s metric=%u tos=%u flags=%#x multipath=%d",
		fam(rt->rtm_family), tb[RTA_TABLE] ? u32(tb[RTA_TABLE]) : rt->rtm_table, dst,
		rt->rtm_dst_len, rt->rtm_type, rt->rtm_protocol, rt->rtm_scope, u32(tb[RTA_OIF]),
		gw, src, rt->rtm_src_len, pref, u32(tb[RTA_PRIORITY]), rt->rtm_tos, rt->rtm_flags,
		tb[RTA_MULTIPATH] != NULL);
}

static int on_rule(const struct nlmsghdr *h, void *arg)
{
	const struct fib_rule_hdr *r = NLMSG_DATA(h);
	struct rtattr *tb[FRA_MAX + 1];
	unsigned long attrs = 0;
	int i;

	if (h->nlmsg_type != RTM_NEWRULE)
		return 0;
	nlroute__parse(tb, FRA_MAX, (struct rtattr *)((char *)r + NLMSG_ALIGN(sizeof(*r))),
		       h->nlmsg_len - NLMSG_LENGTH(sizeof(*r)));
	for (i = 0; i <= FRA_MAX && i < 64; i++)
		if (tb[i])
			attrs |= 1UL << i;
	return netns_state__add(arg, "rule %s prio=%u table=%u action=%u src/dst=%u/%u tos=%u flags=%#x attrs=%#lx",
				fam(r->family), u32(tb[FRA_PRIORITY]),
				tb[FRA_TABLE] ? u32(tb[FRA_TABLE]) : r->table, r->action, r->src_len,
				r->dst_len, r->tos, r->flags, attrs);
}

static int on_neigh(const struct nlmsghdr *h, void *arg)
{
	const struct ndmsg *n = NLMSG_DATA(h);
	struct rtattr *tb[NDA_MAX + 1];
	char dst[64];

	if (h->nlmsg_type != RTM_NEWNEIGH || !(n->ndm_state & NUD_PERMANENT))
		return 0;
	nlroute__parse(tb, NDA_MAX, (struct rtattr *)((char *)n + NLMSG_ALIGN(sizeof(*n))),
		       h->nlmsg_len - NLMSG_LENGTH(sizeof(*n)));
	addr(n->ndm_family, tb[NDA_DST], dst, sizeof(dst));
	return netns_state__add(arg, "neigh %s dev=%d %s permanent", fam(n->ndm_family),
				n->ndm_ifindex, dst);
}

static int on_nft(const struct nlmsghdr *h, void *arg)
{
	const struct nfgenmsg *g = NLMSG_DATA(h);
	struct rtattr *tb[NFTA_TABLE_MAX + 1];

	nlroute__parse(tb, NFTA_TABLE_MAX, (struct rtattr *)((char *)g + NLMSG_ALIGN(sizeof(*g))),
		       h->nlmsg_len - NLMSG_LENGTH(sizeof(*g)));
	return netns_state__add(arg, "nftables table family %u %s", g->nfgen_family,
				tb[NFTA_TABLE_NAME] ? escape__str(RTA_DATA(tb[NFTA_TABLE_NAME])) : "?");
}

static int on_xfrm(const struct nlmsghdr *h, void *arg)
{
	return netns_state__add(arg, "xfrm %s", h->nlmsg_type == XFRM_MSG_NEWSA ? "state" : "policy");
}

/* A dump request of @type with a zeroed header of @len; errors of a kernel
 * without the protocol (xfrm_user, nf_tables not loaded) say nothing. */
static int dump(NetnsMade *m, int proto, int type, size_t len, int family,
		int (*fn)(const struct nlmsghdr *h, void *arg))
{
	struct nl_req q;
	unsigned char *p = nlroute__start(&q, type, NLM_F_DUMP, len);
	int err;

	if (len)
		p[0] = family;
	if (proto == NETLINK_NETFILTER)
		((struct nfgenmsg *)p)->version = NFNETLINK_V0;
	err = nlroute__talk(proto, &q, fn, m);
	if (proto != NETLINK_ROUTE && (err == -EPROTONOSUPPORT || err == -EOPNOTSUPP ||
				       err == -ENOENT || err == -EINVAL))
		return 0;
	return err;
}

/* Sysctls that differ between two namespaces made alike: not the tree's doing. */
static const char *const volatile_sysctls[] = {
	"netfilter/nf_conntrack_buckets", /* sized at first use */
	NULL,
};

static int sysctl_walk(NetnsMade *m, int dir, const char *path)
{
	DIR *d = fdopendir(dir);
	struct dirent *de;
	char sub[512], val[256];
	struct stat st;
	int fd, err = 0, i;
	ssize_t n;

	if (!d) {
		close(dir);
		return -errno;
	}
	while (!err && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s%s%s", path, *path ? "/" : "", de->d_name);
		for (i = 0; volatile_sysctls[i] && strcmp(volatile_sysctls[i], sub); i++)
			;
		if (volatile_sysctls[i] || fstatat(dirfd(d), de->d_name, &st, 0))
			continue;
		if (S_ISDIR(st.st_mode)) {
			fd = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (fd >= 0)
				err = sysctl_walk(m, fd, sub);
			continue;
		}
		if (!(st.st_mode & S_IRUSR))
			continue;
		fd = openat(dirfd(d), de->d_name, O_RDONLY | O_CLOEXEC);
		n = fd < 0 ? -1 : read(fd, val, sizeof(val) - 1);
		if (n < 0)
			snprintf(val, sizeof(val), "(%s)", strerror(errno));
		else
			val[n] = 0;
		if (fd >= 0)
			close(fd);
		val[strcspn(val, "\n")] = 0;
		err = netns_state__add(m, "sysctl net/%s = %s", sub, escape__str(val));
	}
	closedir(d);
	return err;
}

int netns_lines__read(NetnsMade *m)
{
	int err, fd;

	err = dump(m, NETLINK_ROUTE, RTM_GETROUTE, sizeof(struct rtmsg), AF_INET, on_route);
	if (!err)
		err = dump(m, NETLINK_ROUTE, RTM_GETROUTE, sizeof(struct rtmsg), AF_INET6, on_route);
	if (!err)
		err = dump(m, NETLINK_ROUTE, RTM_GETRULE, sizeof(struct fib_rule_hdr), AF_INET, on_rule);
	if (!err)
		err = dump(m, NETLINK_ROUTE, RTM_GETRULE, sizeof(struct fib_rule_hdr), AF_INET6, on_rule);
	if (!err)
		err = dump(m, NETLINK_ROUTE, RTM_GETNEIGH, sizeof(struct ndmsg), AF_UNSPEC, on_neigh);
	if (!err)
		err = dump(m, NETLINK_NETFILTER, (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_GETTABLE,
			   sizeof(struct nfgenmsg), AF_UNSPEC, on_nft);
	if (!err)
		err = dump(m, NETLINK_XFRM, XFRM_MSG_GETSA, sizeof(struct xfrm_usersa_id), 0, on_xfrm);
	if (!err)
		err = dump(m, NETLINK_XFRM, XFRM_MSG_GETPOLICY, sizeof(struct xfrm_userpolicy_id), 0,
			   on_xfrm);
	if (err)
		return err;
	fd = open("/proc/sys/net", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return fd < 0 ? -errno : sysctl_walk(m, fd, "");
}
