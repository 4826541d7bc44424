// SPDX-License-Identifier: GPL-2.0
/*
 * netns_state.c - see netns_state.h: the links (RTM_GETLINK) and the
 * addresses (RTM_GETADDR) of the calling thread's net namespace, as what
 * restore makes (NetnsLink, NetnsAddr) and as state lines.
 *
 * Links restore makes: lo, and tun/tap devices (made again by TUNSETIFF,
 * with their tun attributes of IFLA_INFO_DATA). Every other kind is
 * named in @why. A link's line holds what restore sets and what it does
 * not (its type, qdisc, GSO sizes, queue counts...): a namespace made
 * again that differs in it is refused by the comparison, not guessed.
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <arpa/inet.h>
#include <linux/if_link.h>
#include <linux/if_tun.h>
#include <linux/if_arp.h>
#include <linux/if_addr.h>
#include <sys/socket.h>

#include "escape.h"
#include "netns_state.h"
#include "netns_xt.h"
#include "nlroute.h"

int netns_state__add(NetnsMade *m, const char *fmt, ...)
{
	char **v, *s;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -ENOMEM;
	v = realloc(m->state, (m->n_state + 1) * sizeof(*v));
	if (!v) {
		free(s);
		return -ENOMEM;
	}
	m->state = v;
	m->state[m->n_state++] = s;
	return 0;
}

/* @len bytes at @p as hex into @out (at least 2 * @len + 1). */
static char *hex(const void *p, size_t len, char *out)
{
	size_t i;

	out[0] = 0;
	for (i = 0; i < len && i < 64; i++)
		sprintf(out + 2 * i, "%02x", ((const unsigned char *)p)[i]);
	return out;
}

static uint32_t u32(const struct rtattr *a)
{
	return a ? *(const uint32_t *)RTA_DATA(a) : 0;
}

static uint8_t u8(const struct rtattr *a)
{
	return a ? *(const uint8_t *)RTA_DATA(a) : 0;
}

struct reading {
	NetnsMade *m;
	char *why;
	size_t len;
};

static void *grow(void *v, size_t n, size_t size)
{
	return realloc(v, (n + 1) * size);
}

static int tun_info(NetnsLink *l, struct rtattr *data)
{
	struct rtattr *tb[IFLA_TUN_MAX + 1];

	nlroute__parse(tb, IFLA_TUN_MAX, RTA_DATA(data), RTA_PAYLOAD(data));
	l->has_tun_flags = l->has_persist = l->has_owner = l->has_owner_group = true;
	l->has_queues = l->has_disabled = true;
	l->tun_flags = u8(tb[IFLA_TUN_TYPE]) == 2 ? IFF_TAP : IFF_TUN;
	if (!u8(tb[IFLA_TUN_PI]))
		l->tun_flags |= IFF_NO_PI;
	if (u8(tb[IFLA_TUN_VNET_HDR]))
		l->tun_flags |= IFF_VNET_HDR;
	if (u8(tb[IFLA_TUN_MULTI_QUEUE]))
		l->tun_flags |= IFF_MULTI_QUEUE;
	l->persist = u8(tb[IFLA_TUN_PERSIST]);
	l->owner = tb[IFLA_TUN_OWNER] ? (int64_t)u32(tb[IFLA_TUN_OWNER]) : -1;
	l->owner_group = tb[IFLA_TUN_GROUP] ? (int64_t)u32(tb[IFLA_TUN_GROUP]) : -1;
	l->queues = u32(tb[IFLA_TUN_NUM_QUEUES]);
	l->disabled = u32(tb[IFLA_TUN_NUM_DISABLED_QUEUES]);
	return 0;
}

/* The link's IPv6 stable_secret, if one is set (unset: reading fails). */
static int read_secret(NetnsLink *l)
{
	char path[128], buf[128];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/stable_secret", l->name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	buf[strcspn(buf, "\n")] = 0;
	l->stable_secret = strdup(buf);
	if (!l->stable_secret)
		return -ENOMEM;
	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/addr_gen_mode", l->name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	if (fd >= 0)
		close(fd);
	if (n > 0) {
		buf[n] = 0;
		l->has_addr_gen_mode = true;
		l->addr_gen_mode = atoi(buf);
	}
	return 0;
}

static int on_link(const struct nlmsghdr *h, void *arg)
{
	struct reading *r = arg;
	const struct ifinfomsg *ifi = NLMSG_DATA(h);
	struct rtattr *tb[IFLA_MAX + 1], *li[IFLA_INFO_MAX + 1];
	char a[160] = "", b[160] = "";
	const char *kind = NULL, *name;
	NetnsLink *l, **v;

	if (h->nlmsg_type != RTM_NEWLINK)
		return 0;
	nlroute__parse(tb, IFLA_MAX, IFLA_RTA(ifi), IFLA_PAYLOAD(h));
	name = tb[IFLA_IFNAME] ? RTA_DATA(tb[IFLA_IFNAME]) : "?";
	memset(li, 0, sizeof(li));
	if (tb[IFLA_LINKINFO]) {
		nlroute__parse(li, IFLA_INFO_MAX, RTA_DATA(tb[IFLA_LINKINFO]),
			       RTA_PAYLOAD(tb[IFLA_LINKINFO]));
		if (li[IFLA_INFO_KIND])
			kind = RTA_DATA(li[IFLA_INFO_KIND]);
	}
	if (!kind && ifi->ifi_type == ARPHRD_LOOPBACK && !strcmp(name, "lo"))
		kind = "lo";
	if (!*r->why && (!kind || (strcmp(kind, "lo") && strcmp(kind, "tun"))))
		snprintf(r->why, r->len,
			 "link %s (%s): restore makes it again with lo and tun/tap devices only",
			 escape__str(name), kind ? escape__str(kind) : "of no kind rtnetlink names");
	l = calloc(1, sizeof(*l));
	v = grow(r->m->links, r->m->n_links, sizeof(*v));
	if (!l || !v) {
		free(l);
		if (v)
			r->m->links = v;
		return -ENOMEM;
	}
	r->m->links = v;
	netns_link__init(l);
	v[r->m->n_links++] = l;
	l->ifindex = ifi->ifi_index;
	l->name = strdup(name);
	l->kind = strdup(kind ? kind : "?");
	if (!l->name || !l->kind)
		return -ENOMEM;
	l->flags = ifi->ifi_flags;
	l->mtu = u32(tb[IFLA_MTU]);
	l->has_txqlen = true;
	l->txqlen = u32(tb[IFLA_TXQLEN]);
	l->has_group = true;
	l->group = u32(tb[IFLA_GROUP]);
	if (tb[IFLA_IFALIAS] && !(l->alias = strdup(RTA_DATA(tb[IFLA_IFALIAS]))))
		return -ENOMEM;
	if (tb[IFLA_ADDRESS] && ifi->ifi_type == ARPHRD_ETHER) {
		l->has_address = true;
		l->address.len = RTA_PAYLOAD(tb[IFLA_ADDRESS]);
		l->address.data = malloc(l->address.len);
		if (!l->address.data)
			return -ENOMEM;
		memcpy(l->address.data, RTA_DATA(tb[IFLA_ADDRESS]), l->address.len);
	}
	if (read_secret(l))
		return -ENOMEM;
	if (kind && !strcmp(kind, "tun") && li[IFLA_INFO_DATA])
		tun_info(l, li[IFLA_INFO_DATA]);
	if (tb[IFLA_ADDRESS])
		hex(RTA_DATA(tb[IFLA_ADDRESS]), RTA_PAYLOAD(tb[IFLA_ADDRESS]), a);
	if (tb[IFLA_BROADCAST])
		hex(RTA_DATA(tb[IFLA_BROADCAST]), RTA_PAYLOAD(tb[IFLA_BROADCAST]), b);
	return netns_state__add(r->m,
		"link %d %s kind=%s type=%u flags=%#x mtu=%u txqlen=%u addr=%s brd=%s qdisc=%s group=%u promisc=%u allmulti=%u alias=%s txq=%u rxq=%u gso=%u/%u gro=%u min/max_mtu=%u/%u tun=%#x/%u/%ld/%ld/%u/%u",
		ifi->ifi_index, escape__str(name), kind ? escape__str(kind) : "-", ifi->ifi_type,
		ifi->ifi_flags, l->mtu, l->txqlen, a, b,
		tb[IFLA_QDISC] ? escape__str(RTA_DATA(tb[IFLA_QDISC])) : "-", l->group,
		u32(tb[IFLA_PROMISCUITY]), u32(tb[IFLA_ALLMULTI]),
		l->alias ? escape__str(l->alias) : "-", u32(tb[IFLA_NUM_TX_QUEUES]),
		u32(tb[IFLA_NUM_RX_QUEUES]), u32(tb[IFLA_GSO_MAX_SIZE]), u32(tb[IFLA_GSO_MAX_SEGS]),
		u32(tb[IFLA_GRO_MAX_SIZE]), u32(tb[IFLA_MIN_MTU]), u32(tb[IFLA_MAX_MTU]),
		l->tun_flags, l->persist, (long)(l->has_owner ? l->owner : -1),
		(long)(l->has_owner_group ? l->owner_group : -1), l->queues, l->disabled);
}

static const char *link_name(const NetnsMade *m, uint32_t ifindex)
{
	size_t i;

	for (i = 0; i < m->n_links; i++)
		if (m->links[i]->ifindex == ifindex)
			return m->links[i]->name;
	return "?";
}

static int bytes(ProtobufCBinaryData *d, const struct rtattr *a)
{
	d->len = RTA_PAYLOAD(a);
	d->data = malloc(d->len ? d->len : 1);
	if (!d->data)
		return -ENOMEM;
	memcpy(d->data, RTA_DATA(a), d->len);
	return 0;
}

/* IPv6 flags DAD sets and clears: not the address's. */
#define ADDR_PASSING (IFA_F_TENTATIVE | IFA_F_OPTIMISTIC | IFA_F_DADFAILED)

static int on_addr(const struct nlmsghdr *h, void *arg)
{
	struct reading *r = arg;
	const struct ifaddrmsg *ifa = NLMSG_DATA(h);
	struct rtattr *tb[IFA_MAX + 1];
	char loc[INET6_ADDRSTRLEN] = "-", peer[INET6_ADDRSTRLEN] = "-", brd[INET6_ADDRSTRLEN] = "-";
	const struct ifa_cacheinfo *ci;
	NetnsAddr *a, **v;
	uint32_t flags;

	if (h->nlmsg_type != RTM_NEWADDR)
		return 0;
	nlroute__parse(tb, IFA_MAX, IFA_RTA(ifa), IFA_PAYLOAD(h));
	flags = tb[IFA_FLAGS] ? u32(tb[IFA_FLAGS]) : ifa->ifa_flags;
	ci = tb[IFA_CACHEINFO] ? RTA_DATA(tb[IFA_CACHEINFO]) : NULL;
	if (tb[IFA_LOCAL])
		inet_ntop(ifa->ifa_family, RTA_DATA(tb[IFA_LOCAL]), loc, sizeof(loc));
	if (tb[IFA_ADDRESS])
		inet_ntop(ifa->ifa_family, RTA_DATA(tb[IFA_ADDRESS]), peer, sizeof(peer));
	if (tb[IFA_BROADCAST])
		inet_ntop(ifa->ifa_family, RTA_DATA(tb[IFA_BROADCAST]), brd, sizeof(brd));
	if (!*r->why && ci && ci->ifa_valid != 0xffffffffu)
		snprintf(r->why, r->len, "address %s/%u on %s with a lifetime (from autoconfiguration or DHCP), which restore would make without one",
			 ifa->ifa_family == AF_INET ? loc : peer, ifa->ifa_prefixlen,
			 escape__str(link_name(r->m, ifa->ifa_index)));
	a = calloc(1, sizeof(*a));
	v = grow(r->m->addrs, r->m->n_addrs, sizeof(*v));
	if (!a || !v) {
		free(a);
		if (v)
			r->m->addrs = v;
		return -ENOMEM;
	}
	r->m->addrs = v;
	netns_addr__init(a);
	v[r->m->n_addrs++] = a;
	a->ifindex = ifa->ifa_index;
	a->family = ifa->ifa_family;
	a->prefixlen = ifa->ifa_prefixlen;
	a->scope = ifa->ifa_scope;
	a->flags = flags & ~ADDR_PASSING;
	if ((tb[IFA_LOCAL] && (a->has_local = true, bytes(&a->local, tb[IFA_LOCAL]))) ||
	    (tb[IFA_ADDRESS] && (a->has_address = true, bytes(&a->address, tb[IFA_ADDRESS]))) ||
	    (tb[IFA_BROADCAST] && (a->has_broadcast = true, bytes(&a->broadcast, tb[IFA_BROADCAST]))) ||
	    (tb[IFA_LABEL] && !(a->label = strdup(RTA_DATA(tb[IFA_LABEL])))))
		return -ENOMEM;
	return netns_state__add(r->m, "addr %s %s/%u local=%s brd=%s scope=%u flags=%#x label=%s",
				escape__str(link_name(r->m, a->ifindex)), peer, a->prefixlen, loc,
				brd, a->scope, a->flags, a->label ? escape__str(a->label) : "-");
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int on_tentative(const struct nlmsghdr *h, void *arg)
{
	const struct ifaddrmsg *ifa = NLMSG_DATA(h);
	struct rtattr *tb[IFA_MAX + 1];
	uint32_t flags;

	if (h->nlmsg_type != RTM_NEWADDR)
		return 0;
	nlroute__parse(tb, IFA_MAX, IFA_RTA(ifa), IFA_PAYLOAD(h));
	flags = tb[IFA_FLAGS] ? u32(tb[IFA_FLAGS]) : ifa->ifa_flags;
	if ((flags & IFA_F_TENTATIVE) && !(flags & IFA_F_DADFAILED))
		(*(int *)arg)++;
	return 0;
}

/*
 * Until duplicate address detection ends (a second or two on an Ethernet
 * link, at most 5 s here): the local route of an IPv6 address is in the
 * table only then, and the address's flags change.
 */
void netns_state__settle(void)
{
	struct nl_req q;
	struct ifaddrmsg *ifa;
	int tries, n;

	for (tries = 0; tries < 100; tries++) {
		n = 0;
		ifa = nlroute__start(&q, RTM_GETADDR, NLM_F_DUMP, sizeof(*ifa));
		ifa->ifa_family = AF_INET6;
		if (nlroute__talk(NETLINK_ROUTE, &q, on_tentative, &n) || !n)
			return;
		usleep(50000);
	}
}

int netns_state__read(NetnsMade *m, char *why, size_t len)
{
	struct reading r = { m, why, len };
	struct nl_req q;
	struct ifinfomsg *ifi;
	struct ifaddrmsg *ifa;
	uint32_t ext = RTEXT_FILTER_VF;
	int err;

	why[0] = 0;
	netns_state__settle();
	ifi = nlroute__start(&q, RTM_GETLINK, NLM_F_DUMP, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	nlroute__put(&q, IFLA_EXT_MASK, &ext, sizeof(ext));
	err = nlroute__talk(NETLINK_ROUTE, &q, on_link, &r);
	if (!err) {
		ifa = nlroute__start(&q, RTM_GETADDR, NLM_F_DUMP, sizeof(*ifa));
		ifa->ifa_family = AF_UNSPEC;
		err = nlroute__talk(NETLINK_ROUTE, &q, on_addr, &r);
	}
	if (!err)
		err = netns_lines__read(m);
	if (!err)
		err = netns_xt__read(m, why, len);
	if (!err)
		err = netns_nft__read(m, why, len);
	if (!err)
		err = netns_ct__read(m, why, len);
	if (!err)
		qsort(m->state, m->n_state, sizeof(*m->state), cmp_str);
	return err;
}

void netns_state__free(NetnsMade *m)
{
	size_t i;

	for (i = 0; i < m->n_links; i++) {
		free(m->links[i]->name);
		free(m->links[i]->kind);
		free(m->links[i]->alias);
		free(m->links[i]->stable_secret);
		free(m->links[i]->address.data);
		free(m->links[i]);
	}
	for (i = 0; i < m->n_addrs; i++) {
		free(m->addrs[i]->local.data);
		free(m->addrs[i]->address.data);
		free(m->addrs[i]->broadcast.data);
		free(m->addrs[i]->label);
		free(m->addrs[i]);
	}
	netns_xt__free(m);
	netns_nft__free(m);
	netns_ct__free(m);
	for (i = 0; i < m->n_state; i++)
		free(m->state[i]);
	free(m->links);
	free(m->addrs);
	free(m->state);
	m->links = NULL;
	m->addrs = NULL;
	m->state = NULL;
	m->n_links = m->n_addrs = m->n_state = 0;
}

/* A line that goes on moving once the tree runs (or its sockets are made). */
static bool moving(const char *line)
{
	return !strncmp(line, NETNS_MOVING, strlen(NETNS_MOVING));
}

bool netns_state__diff(const NetnsMade *a, const NetnsMade *b, bool all, const char **only_a,
		       const char **only_b)
{
	size_t i = 0, j = 0;
	int c;

	*only_a = *only_b = NULL;
	while ((i < a->n_state || j < b->n_state) && (!*only_a || !*only_b)) {
		if (!all && i < a->n_state && moving(a->state[i])) {
			i++;
			continue;
		}
		if (!all && j < b->n_state && moving(b->state[j])) {
			j++;
			continue;
		}
		c = i >= a->n_state ? 1 : j >= b->n_state ? -1 : strcmp(a->state[i], b->state[j]);
		if (c < 0 && !*only_a)
			*only_a = a->state[i];
		if (c > 0 && !*only_b)
			*only_b = b->state[j];
		i += c <= 0;
		j += c >= 0;
	}
	return *only_a || *only_b;
}

const NetnsLink *netns_state__link(const NetnsMade *m, const char *name)
{
	size_t i;

	for (i = 0; i < m->n_links; i++)
		if (!strcmp(m->links[i]->name, name))
			return m->links[i];
	return NULL;
}
