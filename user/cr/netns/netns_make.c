// SPDX-License-Identifier: GPL-2.0
/*
 * netns_make.c - see netns_make.h. rtnetlink for the links' settings and
 * the addresses; the tun character device for tun/tap devices, which
 * rtnetlink cannot make.
 */
#include <errno.h>
#include <stdlib.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/if_tun.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "escape.h"
#include "netns_make.h"
#include "netns_state.h"
#include "netns_xt.h"
#include "nlroute.h"

/* The flags dev_change_flags() lets a user set. */
#define SETTABLE_FLAGS (IFF_UP | IFF_DEBUG | IFF_NOTRAILERS | IFF_NOARP | IFF_DYNAMIC | \
			IFF_MULTICAST | IFF_PORTSEL | IFF_AUTOMEDIA | IFF_PROMISC | IFF_ALLMULTI)

int netns_make__tun(const NetnsLink *l, bool detached, bool nonpersist, char *err, size_t len)
{
	struct ifreq ifr = { 0 };
	const char *step = "open /dev/net/tun";
	int fd, e = 0;

	fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		e = -errno;
		goto fail;
	}
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", l->name);
	ifr.ifr_flags = l->tun_flags;
	step = "TUNSETIFF";
	if (ioctl(fd, TUNSETIFF, &ifr))
		goto fail_errno;
	step = "TUNSETPERSIST 0";
	if (nonpersist && ioctl(fd, TUNSETPERSIST, 0))
		goto fail_errno;
	step = "TUNSETQUEUE IFF_DETACH_QUEUE";
	ifr.ifr_flags = IFF_DETACH_QUEUE;
	if (detached && ioctl(fd, TUNSETQUEUE, &ifr))
		goto fail_errno;
	return fd;
fail_errno:
	e = -errno;
	close(fd);
fail:
	snprintf(err, len, "tun device %s: %s: %s", escape__str(l->name), step, strerror(-e));
	return e;
}

/* Device @l, persistent with no queue (restore's tasks attach theirs). */
static int make_tun(const NetnsLink *l, char *err, size_t len)
{
	const char *step = "TUNSETOWNER";
	int fd, e = 0;

	fd = netns_make__tun(l, false, false, err, len);
	if (fd < 0)
		return fd;
	if (l->owner >= 0 && ioctl(fd, TUNSETOWNER, (unsigned long)l->owner))
		e = -errno;
	if (!e && (step = "TUNSETGROUP", l->owner_group >= 0) &&
	    ioctl(fd, TUNSETGROUP, (unsigned long)l->owner_group))
		e = -errno;
	if (!e && (step = "TUNSETPERSIST 1", ioctl(fd, TUNSETPERSIST, 1)))
		e = -errno;
	close(fd);
	if (e)
		snprintf(err, len, "tun device %s: %s: %s", escape__str(l->name), step, strerror(-e));
	return e;
}

static int write_conf(const NetnsLink *l, const char *name, const char *val, char *err,
		      size_t len)
{
	char path[128];
	int fd, e = 0;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/%s", l->name, name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, val, strlen(val)) < 0)
		e = -errno;
	if (fd >= 0)
		close(fd);
	if (e)
		snprintf(err, len, "link %s: writing its IPv6 %s: %s", escape__str(l->name), name,
			 strerror(-e));
	return e;
}

/* Before the link is up: the kernel makes its IPv6 address from it. */
static int write_secret(const NetnsLink *l, char *err, size_t len)
{
	char mode[16];
	int e;

	if (!l->stable_secret)
		return 0;
	e = write_conf(l, "stable_secret", l->stable_secret, err, len);
	snprintf(mode, sizeof(mode), "%u", l->addr_gen_mode);
	if (!e && l->has_addr_gen_mode)
		e = write_conf(l, "addr_gen_mode", mode, err, len);
	return e;
}

static int set_link(const NetnsLink *l, uint32_t ifindex, char *err, size_t len)
{
	struct nl_req q;
	struct ifinfomsg *ifi = nlroute__start(&q, RTM_NEWLINK, NLM_F_ACK, sizeof(*ifi));
	int e;

	ifi->ifi_index = ifindex;
	ifi->ifi_flags = l->flags & SETTABLE_FLAGS;
	ifi->ifi_change = SETTABLE_FLAGS;
	e = nlroute__put(&q, IFLA_MTU, &l->mtu, 4);
	if (!e && l->has_txqlen)
		e = nlroute__put(&q, IFLA_TXQLEN, &l->txqlen, 4);
	if (!e && l->has_group)
		e = nlroute__put(&q, IFLA_GROUP, &l->group, 4);
	if (!e && l->has_address)
		e = nlroute__put(&q, IFLA_ADDRESS, l->address.data, l->address.len);
	if (!e && l->alias)
		e = nlroute__put(&q, IFLA_IFALIAS, l->alias, strlen(l->alias));
	if (!e)
		e = nlroute__talk(NETLINK_ROUTE, &q, NULL, NULL);
	if (e)
		snprintf(err, len, "link %s: setting its MTU, queue length, address, flags: %s",
			 escape__str(l->name), strerror(-e));
	return e;
}

static int add_addr(const NetnsAddr *a, char *err, size_t len)
{
	struct nl_req q;
	struct ifaddrmsg *ifa = nlroute__start(&q, RTM_NEWADDR, NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL,
					       sizeof(*ifa));
	uint32_t flags = a->flags;
	int e = 0;

	ifa->ifa_family = a->family;
	ifa->ifa_prefixlen = a->prefixlen;
	ifa->ifa_scope = a->scope;
	ifa->ifa_index = a->ifindex;
	ifa->ifa_flags = flags & 0xff;
	if (a->has_local)
		e = nlroute__put(&q, IFA_LOCAL, a->local.data, a->local.len);
	if (!e && a->has_address)
		e = nlroute__put(&q, IFA_ADDRESS, a->address.data, a->address.len);
	if (!e && a->has_broadcast)
		e = nlroute__put(&q, IFA_BROADCAST, a->broadcast.data, a->broadcast.len);
	if (!e && a->label)
		e = nlroute__put(&q, IFA_LABEL, a->label, strlen(a->label) + 1);
	if (!e)
		e = nlroute__put(&q, IFA_FLAGS, &flags, 4);
	if (!e)
		e = nlroute__talk(NETLINK_ROUTE, &q, NULL, NULL);
	/* The kernel's own (127.0.0.1 once lo is up, an IPv6 link-local one). */
	if (e == -EEXIST)
		e = 0;
	if (e)
		snprintf(err, len, "adding an address /%u (family %u) on link %u: %s", a->prefixlen,
			 a->family, a->ifindex, strerror(-e));
	return e;
}

/*
 * The queues made with the devices, until the tree's fds take them: a
 * device with its queues attached before it is up gets its carrier and
 * its IPv6 link-local address then, as the tree's did.
 */
static struct held {
	const char *dev;
	bool detached;
	int fd;		/* -1: taken */
} *held;
static size_t nheld;

static int attach_queues(const NetnsLink *l, char *err, size_t len)
{
	uint32_t i, n = l->queues + l->disabled;
	struct held *h;
	int fd;

	for (i = 0; i < n; i++) {
		/* The first gives up the persistence while it holds a queue. */
		fd = netns_make__tun(l, i >= l->queues, !i && !l->persist, err, len);
		if (fd < 0)
			return fd;
		h = realloc(held, (nheld + 1) * sizeof(*h));
		if (!h) {
			close(fd);
			return -ENOMEM;
		}
		held = h;
		held[nheld++] = (struct held){ l->name, i >= l->queues, fd };
	}
	return 0;
}

int netns_make__take(const char *dev, bool detached)
{
	size_t i;
	int fd;

	for (i = 0; i < nheld; i++) {
		if (held[i].fd < 0 || held[i].detached != detached || strcmp(held[i].dev, dev))
			continue;
		fd = held[i].fd;
		held[i].fd = -1;
		return fd;
	}
	return -ENOENT;
}

int netns_make__untaken(const char **dev)
{
	size_t i;

	for (i = 0; i < nheld; i++)
		if (held[i].fd >= 0) {
			*dev = held[i].dev;
			return 1;
		}
	return 0;
}

void netns_make__release(void)
{
	size_t i;

	for (i = 0; i < nheld; i++)
		if (held[i].fd >= 0)
			close(held[i].fd);
	free(held);
	held = NULL;
	nheld = 0;
}

/*
 * The link's IPv6 duplicate address detection, off while its addresses
 * are made (@restore false: read the value into @saved, write 0), then as
 * it was (@restore true). The addresses are then usable at once, not
 * tentative for a second or two (binding one fails meanwhile), as the
 * tree's were at dump: dump compared them after their detection ended,
 * and the value left is the link's own (the sysctl lines compare it).
 */
static void dad_off(const NetnsLink *l, bool restore, char *saved, size_t n)
{
	char path[128];
	ssize_t r;
	int fd;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/accept_dad", l->name);
	if (restore) {
		fd = *saved ? open(path, O_WRONLY | O_CLOEXEC) : -1;
		if (fd >= 0 && write(fd, saved, strlen(saved)) < 0)
			*saved = 0;
	} else {
		*saved = 0;
		fd = open(path, O_RDWR | O_CLOEXEC);
		r = fd < 0 ? -1 : read(fd, saved, n - 1);
		saved[r > 0 ? r : 0] = 0;
		if (r > 0 && (lseek(fd, 0, SEEK_SET) || write(fd, "0", 1) != 1))
			*saved = 0;
	}
	if (fd >= 0)
		close(fd);
}

/*
 * Until every link that was running at dump runs (its carrier seen by
 * linkwatch, which may wait up to a second): IPv6 configures a link's
 * addresses only then, and they must be made while detection is off.
 */
static void wait_running(const NetnsMade *m)
{
	struct ifreq ifr;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), tries, waiting;
	size_t i;

	for (tries = 0; s >= 0 && tries < 150; tries++) {
		waiting = 0;
		for (i = 0; i < m->n_links; i++) {
			if (!(m->links[i]->flags & IFF_RUNNING))
				continue;
			memset(&ifr, 0, sizeof(ifr));
			snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", m->links[i]->name);
			if (!ioctl(s, SIOCGIFFLAGS, &ifr) && !(ifr.ifr_flags & IFF_RUNNING))
				waiting++;
		}
		if (!waiting)
			break;
		usleep(20000);
	}
	if (s >= 0)
		close(s);
	netns_state__settle();
}

int netns_make__apply(const NetnsMade *m, char *err, size_t len)
{
	char (*dad)[16] = calloc(m->n_links + 1, sizeof(*dad));
	size_t i;
	int e = 0;

	for (i = 0; !e && i < m->n_links; i++) {
		const NetnsLink *l = m->links[i];

		if (!strcmp(l->kind, "tun"))
			e = make_tun(l, err, len);
		else if (strcmp(l->kind, "lo")) {
			snprintf(err, len, "link %s of kind %s: not made again", escape__str(l->name),
				 escape__str(l->kind));
			e = -EOPNOTSUPP;
		}
		if (!e && if_nametoindex(l->name) != l->ifindex) {
			snprintf(err, len, "link %s is made with ifindex %u, not %u",
				 escape__str(l->name), if_nametoindex(l->name), l->ifindex);
			e = -EEXIST;
		}
	}
	for (i = 0; !e && i < m->n_links; i++)
		if (!strcmp(m->links[i]->kind, "tun"))
			e = attach_queues(m->links[i], err, len);
	for (i = 0; !e && i < m->n_links; i++)
		e = write_secret(m->links[i], err, len);
	if (!e && !dad)
		e = -ENOMEM;
	for (i = 0; !e && i < m->n_links; i++)
		dad_off(m->links[i], false, dad[i], sizeof(dad[i]));
	for (i = 0; !e && i < m->n_links; i++)
		e = set_link(m->links[i], m->links[i]->ifindex, err, len);
	for (i = 0; !e && i < m->n_addrs; i++)
		e = add_addr(m->addrs[i], err, len);
	if (!e)
		wait_running(m);
	/* Rules before the entries: a rule that tracks connections enables conntrack. */
	if (!e)
		e = netns_xt__apply(m, err, len);
	if (!e)
		e = netns_nft__apply(m, err, len);
	if (!e)
		e = netns_ct__apply(m, err, len);
	for (i = 0; dad && i < m->n_links; i++)
		dad_off(m->links[i], true, dad[i], sizeof(dad[i]));
	free(dad);
	return e;
}
