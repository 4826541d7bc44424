// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_netlink - netlink sockets:
 *  - a NETLINK_ROUTE socket bound by the kernel (autobind: port = pid),
 *    in groups 21 (through bind's nl_groups), 22 and 34 (above the 32
 *    nl_groups can name), NETLINK_EXT_ACK, NETLINK_GET_STRICT_CHK and
 *    NETLINK_NO_ENOBUFS on, SO_RCVBUF set, O_NONBLOCK;
 *  - a NETLINK_ROUTE socket never bound;
 *  - two NETLINK_KOBJECT_UEVENT sockets: one bound to an explicit port
 *    id in group 32 (NETLINK_PKTINFO on), one connect()ed to that port
 *    and group (bound by the kernel on connect: a negative port id);
 *  - a NETLINK_GENERIC SOCK_DGRAM socket with NETLINK_CAP_ACK.
 * Prints "READY pid=N port=P" and, for `pidtrace show`, nothing else.
 * After SIGTERM it checks that each socket has the port id, groups,
 * destination and options it had, that the route socket answers an
 * RTM_GETLINK dump (loopback in it), that the connected socket's message
 * reaches the bound one, and that the unbound socket is still unbound.
 *
 * "queued": the bound uevent socket has a message from the connected one
 * waiting (dump must refuse it); after SIGTERM it checks the message is
 * still there, unchanged. "audit": a NETLINK_AUDIT socket too (refused:
 * the kernel may keep state for it).
 */
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "zdtm.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

#define MSG "pidtrace netlink"

struct sock_state {
	const char *name;
	int fd;
	uint32_t port;
	uint32_t groups[8];	/* NETLINK_LIST_MEMBERSHIPS */
	socklen_t glen;
	int rcvbuf, fl;
};

static int nl_socket(int type, int proto)
{
	int s = socket(AF_NETLINK, type, proto);

	if (s < 0)
		zdtm_fail("socket(AF_NETLINK, %d, %d)", type, proto);
	return s;
}

static void set_opt(int s, int level, int opt, int v, const char *what)
{
	if (setsockopt(s, level, opt, &v, sizeof(v)))
		zdtm_fail("setsockopt %s", what);
}

static int get_opt(int s, int level, int opt, const char *what)
{
	socklen_t len = sizeof(int);
	int v = 0;

	if (getsockopt(s, level, opt, &v, &len))
		zdtm_fail("getsockopt %s", what);
	return v;
}

static uint32_t port_of(int s)
{
	struct sockaddr_nl sa;
	socklen_t len = sizeof(sa);

	if (getsockname(s, (struct sockaddr *)&sa, &len))
		zdtm_fail("getsockname");
	return sa.nl_pid;
}

static void snap(struct sock_state *st, const char *name, int fd)
{
	st->name = name;
	st->fd = fd;
	st->port = port_of(fd);
	memset(st->groups, 0, sizeof(st->groups));
	st->glen = sizeof(st->groups);
	if (getsockopt(fd, SOL_NETLINK, NETLINK_LIST_MEMBERSHIPS, st->groups, &st->glen))
		zdtm_fail("%s: NETLINK_LIST_MEMBERSHIPS", name);
	st->rcvbuf = get_opt(fd, SOL_SOCKET, SO_RCVBUF, "SO_RCVBUF");
	st->fl = fcntl(fd, F_GETFL);
}

static void same(const struct sock_state *a)
{
	struct sock_state b;

	snap(&b, a->name, a->fd);
	if (b.port != a->port)
		zdtm_fail("%s: port id %u, was %u", a->name, b.port, a->port);
	if (b.glen != a->glen || memcmp(b.groups, a->groups, sizeof(a->groups)))
		zdtm_fail("%s: groups %#x %#x, were %#x %#x", a->name, b.groups[0], b.groups[1],
			  a->groups[0], a->groups[1]);
	if (b.rcvbuf != a->rcvbuf)
		zdtm_fail("%s: SO_RCVBUF %d, was %d", a->name, b.rcvbuf, a->rcvbuf);
	if (b.fl != a->fl)
		zdtm_fail("%s: flags %#x, were %#x", a->name, b.fl, a->fl);
}

/* An RTM_GETLINK dump on @s: loopback (ifindex 1) must be in the answer. */
static void getlink(int s)
{
	struct {
		struct nlmsghdr h;
		struct ifinfomsg i;
	} req = {
		.h = { .nlmsg_len = sizeof(req), .nlmsg_type = RTM_GETLINK,
		       .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP, .nlmsg_seq = 77 },
		.i = { .ifi_family = AF_UNSPEC },
	};
	static char buf[65536] __attribute__((aligned(4)));
	bool lo = false;
	struct nlmsghdr *h;
	ssize_t n;
	int tries = 0;

	if (send(s, &req, sizeof(req), 0) != sizeof(req))
		zdtm_fail("route: send RTM_GETLINK");
	for (;;) {
		n = recv(s, buf, sizeof(buf), 0);
		if (n < 0 && errno == EAGAIN && ++tries < 1000) {
			usleep(1000);
			continue;
		}
		if (n < 0)
			zdtm_fail("route: recv");
		for (h = (void *)buf; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq != 77)
				continue;
			if (h->nlmsg_type == NLMSG_DONE) {
				if (!lo)
					zdtm_fail("route: RTM_GETLINK without loopback");
				return;
			}
			if (h->nlmsg_type == NLMSG_ERROR)
				zdtm_fail("route: RTM_GETLINK answered an error");
			if (h->nlmsg_type == RTM_NEWLINK &&
			    ((struct ifinfomsg *)NLMSG_DATA(h))->ifi_index == 1)
				lo = true;
		}
	}
}

struct msg {
	struct nlmsghdr h;
	char text[sizeof(MSG)];
};

static void send_msg(int s)
{
	struct msg m = { .h = { .nlmsg_len = sizeof(m), .nlmsg_type = 0x1234 }, .text = MSG };

	if (send(s, &m, sizeof(m), 0) != sizeof(m))
		zdtm_fail("connected: send");
}

/* A message from the connected socket, on @s (without waiting). */
static void recv_msg(int s, const char *what)
{
	char buf[256];
	ssize_t n = recv(s, buf, sizeof(buf), MSG_DONTWAIT);

	if (n != (ssize_t)sizeof(struct msg) ||
	    memcmp(buf + NLMSG_HDRLEN, MSG, sizeof(MSG)))
		zdtm_fail("%s: no message from the connected socket (%zd bytes)", what, n);
}

int main(int argc, char **argv)
{
	bool queued = argc > 1 && !strcmp(argv[1], "queued");
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct sock_state rt, un, ub, uc, gn;
	int route, unbound, ubound, uconn, gen;
	uint32_t port;

	zdtm_init();
	route = nl_socket(SOCK_RAW | SOCK_NONBLOCK, NETLINK_ROUTE);
	set_opt(route, SOL_SOCKET, SO_RCVBUF, 300000, "SO_RCVBUF");
	set_opt(route, SOL_NETLINK, NETLINK_EXT_ACK, 1, "NETLINK_EXT_ACK");
	set_opt(route, SOL_NETLINK, NETLINK_GET_STRICT_CHK, 1, "NETLINK_GET_STRICT_CHK");
	set_opt(route, SOL_NETLINK, NETLINK_NO_ENOBUFS, 1, "NETLINK_NO_ENOBUFS");
	/* Phonet and MCTP groups: no event comes on them here while the test runs. */
	sa.nl_groups = 1U << (RTNLGRP_PHONET_IFADDR - 1);
	if (bind(route, (struct sockaddr *)&sa, sizeof(sa)))
		zdtm_fail("route: bind");
	set_opt(route, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, RTNLGRP_PHONET_ROUTE, "join 22");
	set_opt(route, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, RTNLGRP_MCTP_IFADDR, "join 34");
	unbound = nl_socket(SOCK_RAW, NETLINK_ROUTE);

	/* An explicit port id no autobind gives (those are the pid or negative). */
	port = 0x40000000u + getpid();
	ubound = nl_socket(SOCK_RAW, NETLINK_KOBJECT_UEVENT);
	set_opt(ubound, SOL_NETLINK, NETLINK_PKTINFO, 1, "NETLINK_PKTINFO");
	sa.nl_pid = port;
	sa.nl_groups = 1U << 31;
	if (bind(ubound, (struct sockaddr *)&sa, sizeof(sa)))
		zdtm_fail("uevent: bind %u", port);
	uconn = nl_socket(SOCK_RAW, NETLINK_KOBJECT_UEVENT);
	if (connect(uconn, (struct sockaddr *)&sa, sizeof(sa)))
		zdtm_fail("uevent: connect");
	gen = nl_socket(SOCK_DGRAM, NETLINK_GENERIC);
	set_opt(gen, SOL_NETLINK, NETLINK_CAP_ACK, 1, "NETLINK_CAP_ACK");

	snap(&rt, "route", route);
	snap(&un, "unbound", unbound);
	snap(&ub, "uevent bound", ubound);
	snap(&uc, "uevent connected", uconn);
	snap(&gn, "generic", gen);
	if (rt.port != (uint32_t)getpid() || un.port || ub.port != port || !uc.port)
		zdtm_fail("ports %u %u %u %u", rt.port, un.port, ub.port, uc.port);
	if (rt.groups[0] != (3U << 20) || rt.groups[1] != 2)
		zdtm_fail("route groups %#x %#x", rt.groups[0], rt.groups[1]);
	if (queued)
		send_msg(uconn);
	if (argc > 1 && !strcmp(argv[1], "audit"))
		nl_socket(SOCK_RAW, NETLINK_AUDIT);
	printf("READY pid=%d port=%u uconn_port=%u\n", getpid(), port, uc.port);
	fflush(stdout);
	zdtm_wait_term();

	same(&rt);
	same(&un);
	same(&ub);
	same(&uc);
	same(&gn);
	if (queued) {
		/* Refused at dump: the message waits as it was. */
		recv_msg(ubound, "queued");
		return zdtm_pass();
	}
	if (!get_opt(route, SOL_NETLINK, NETLINK_EXT_ACK, "EXT_ACK") ||
	    !get_opt(route, SOL_NETLINK, NETLINK_GET_STRICT_CHK, "STRICT_CHK") ||
	    !get_opt(route, SOL_NETLINK, NETLINK_NO_ENOBUFS, "NO_ENOBUFS") ||
	    get_opt(route, SOL_NETLINK, NETLINK_PKTINFO, "PKTINFO") ||
	    !get_opt(ubound, SOL_NETLINK, NETLINK_PKTINFO, "PKTINFO") ||
	    !get_opt(gen, SOL_NETLINK, NETLINK_CAP_ACK, "CAP_ACK") ||
	    get_opt(gen, SOL_SOCKET, SO_TYPE, "SO_TYPE") != SOCK_DGRAM ||
	    get_opt(gen, SOL_SOCKET, SO_PROTOCOL, "SO_PROTOCOL") != NETLINK_GENERIC)
		zdtm_fail("options not as set");
	getlink(route);
	/* To the bound socket's port (and group 32, which skips the unicast's receiver). */
	send_msg(uconn);
	recv_msg(ubound, "uevent bound");
	if (port_of(unbound))
		zdtm_fail("unbound: bound after restore");
	return zdtm_pass();
}
