// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_sk_filter: classic socket filters on the socket kinds beside inet
 * and packet (sk_filter.c): a netlink route socket whose filter drops
 * every message, locked (SO_LOCK_FILTER), and one with a filter that
 * passes them. After the restore the filters must read back the same
 * (SO_GET_FILTER), the lock must hold (a new filter is refused), and
 * the kernel's answer to an RTM_GETLINK request must be dropped on the
 * first socket and delivered on the second.
 *
 * Argument "unix": a unix socketpair end with a filter (which dump
 * refuses), checked still there after.
 */
#include <linux/filter.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <poll.h>
#include <sys/socket.h>

#include "zdtm.h"

#ifndef SO_LOCK_FILTER
#define SO_LOCK_FILTER 44
#endif

static struct sock_filter drop[] = { { BPF_RET | BPF_K, 0, 0, 0 } };
static struct sock_filter pass[] = {
	{ BPF_LD | BPF_W | BPF_LEN, 0, 0, 0 },
	{ BPF_RET | BPF_A, 0, 0, 0 },
};

static void attach(int s, struct sock_filter *f, unsigned short n)
{
	struct sock_fprog p = { n, f };

	if (setsockopt(s, SOL_SOCKET, SO_ATTACH_FILTER, &p, sizeof(p)))
		zdtm_fail("SO_ATTACH_FILTER");
}

static void same(int s, const struct sock_filter *f, unsigned short n, const char *what)
{
	struct sock_filter got[4];
	socklen_t l = 4;

	memset(got, 0, sizeof(got));
	if (getsockopt(s, SOL_SOCKET, SO_GET_FILTER, got, &l) || l != n ||
	    memcmp(got, f, n * sizeof(*f)))
		zdtm_fail("%s: filter of %u instructions, not the one attached", what, l);
}

/* Whether an RTM_GETLINK request on @s gets an answer within 300 ms. */
static int answered(int s)
{
	struct {
		struct nlmsghdr h;
		struct ifinfomsg i;
	} req = { { sizeof(req), RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 1, 0 }, { 0 } };
	struct pollfd p = { .fd = s, .events = POLLIN };

	if (send(s, &req, sizeof(req), 0) != sizeof(req))
		zdtm_fail("send RTM_GETLINK");
	return poll(&p, 1, 300) == 1;
}

int main(int argc, char **argv)
{
	int a, b, one = 1, sv[2];

	zdtm_init();
	if (argc > 1 && !strcmp(argv[1], "unix")) {
		if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv))
			zdtm_fail("socketpair");
		attach(sv[0], drop, 1);
		zdtm_ready();
		zdtm_wait_term();
		same(sv[0], drop, 1, "unix socket");
		return zdtm_pass();
	}
	a = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
	b = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
	if (a < 0 || b < 0)
		zdtm_fail("socket");
	attach(a, drop, 1);
	if (setsockopt(a, SOL_SOCKET, SO_LOCK_FILTER, &one, sizeof(one)))
		zdtm_fail("SO_LOCK_FILTER");
	attach(b, pass, 2);
	zdtm_ready();
	zdtm_wait_term();
	same(a, drop, 1, "netlink socket a");
	same(b, pass, 2, "netlink socket b");
	{
		struct sock_fprog p = { 2, pass };

		if (!setsockopt(a, SOL_SOCKET, SO_ATTACH_FILTER, &p, sizeof(p)))
			zdtm_fail("netlink socket a: the filter is not locked");
	}
	if (answered(a))
		zdtm_fail("netlink socket a: its filter let the answer through");
	if (!answered(b))
		zdtm_fail("netlink socket b: no answer");
	return zdtm_pass();
}
