// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_netnf MODE - a task in a net namespace it made itself (unshare,
 * lo up) with firewall rules and an established TCP connection over
 * 127.0.0.1 that only its conntrack entry lets through, as CRIU's
 * socket-tcp with ZDTM_IPT_CONNTRACK / ZDTM_NFT_CONNTRACK does (but
 * ESTABLISHED only: a connection picked up again without its entry is
 * NEW, and dropped).
 *
 * Before READY: the rules (MODE "ipt": iptables-legacy "-A INPUT -i lo -p
 * tcp -m state --state ESTABLISHED -j ACCEPT", one for NEW, "-A INPUT -j
 * DROP", an ip6tables-legacy rule, a mangle rule marking the connection
 * (its conntrack entry's mark 7), the raw table instantiated at its
 * default; "nft": the same in nftables with counters, NEW from the
 * client's port only (bound first: no rule deleted, no gap in the
 * handles); "nat": "ipt" and
 * the connection made to 127.0.0.2, DNATed to 127.0.0.1 (a NAT binding);
 * "limit": "ipt" and a "-m limit" rule), a listener, a client connected,
 * one byte each way; then the NEW rule deleted, one byte more each way
 * (conntrack follows connections from the first rule that uses it, so
 * rules first). After SIGTERM:
 * a byte each way again, within 5 s, and the listener's port still
 * refuses a new connection (the DROP rule).
 */
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "zdtm.h"

static void run(const char *cmd)
{
	if (system(cmd))
		zdtm_fail("%s", cmd);
}

/* One byte from @a to @b within 5 s. */
static void pass_byte(int a, int b, char c)
{
	struct pollfd p = { .fd = b, .events = POLLIN };
	char got;

	if (write(a, &c, 1) != 1)
		zdtm_fail("write");
	if (poll(&p, 1, 5000) != 1 || read(b, &got, 1) != 1 || got != c)
		zdtm_fail("byte %c did not come through", c);
}

int main(int argc, char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET }, to;
	const char *mode = argc > 1 ? argv[1] : "ipt";
	struct ifreq ifr = { .ifr_name = "lo" };
	socklen_t l = sizeof(a);
	int ls, clt, fd, s, i, nft = !strcmp(mode, "nft");

	zdtm_init();
	if (unshare(CLONE_NEWNET))
		zdtm_fail("unshare");
	s = socket(AF_INET, SOCK_DGRAM, 0);
	ifr.ifr_flags = IFF_UP;
	if (s < 0 || ioctl(s, SIOCSIFFLAGS, &ifr))
		zdtm_fail("lo up");
	close(s);
	if (!strcmp(mode, "nat"))
		run("iptables-legacy -w -t nat -A OUTPUT -p tcp -d 127.0.0.2 -j DNAT --to-destination 127.0.0.1");
	/*
	 * Conntrack follows connections from the first rule that asks: rules
	 * first. nft: NEW from the client's port only, its port bound first
	 * (a rule deleted or inserted would give handles a ruleset loaded
	 * again has not: refused).
	 */
	clt = socket(AF_INET, SOCK_STREAM, 0);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (clt < 0 || bind(clt, (struct sockaddr *)&a, sizeof(a)) ||
	    getsockname(clt, (struct sockaddr *)&a, &l))
		zdtm_fail("bind the client");
	if (nft) {
		char cmd[200];

		run("nft add table ip filter");
		run("nft 'add chain ip filter INPUT { type filter hook input priority 0 ; }'");
		run("nft add rule ip filter INPUT iifname lo ip protocol tcp ct state established counter accept");
		snprintf(cmd, sizeof(cmd), "nft add rule ip filter INPUT tcp sport %d ct state new counter accept",
			 ntohs(a.sin_port));
		run(cmd);
		run("nft add rule ip filter INPUT counter drop");
	} else {
		run("iptables-legacy -w -A INPUT -i lo -p tcp -m state --state ESTABLISHED -j ACCEPT");
		run("iptables-legacy -w -A INPUT -p tcp -m state --state NEW -j ACCEPT");
		if (!strcmp(mode, "limit"))
			run("iptables-legacy -w -A INPUT -p udp -m limit --limit 1/s -j ACCEPT");
		run("iptables-legacy -w -A INPUT -j DROP");
		run("ip6tables-legacy -w -A INPUT -p udp --dport 9 -j DROP");
		run("iptables-legacy -w -t mangle -A OUTPUT -p tcp -j CONNMARK --set-mark 7");
		run("iptables-legacy -w -t raw -L -n >/dev/null");
	}
	a.sin_port = 0;
	l = sizeof(a);
	ls = socket(AF_INET, SOCK_STREAM, 0);
	if (ls < 0 || bind(ls, (struct sockaddr *)&a, sizeof(a)) || listen(ls, 1) ||
	    getsockname(ls, (struct sockaddr *)&a, &l))
		zdtm_fail("listen");
	to = a;
	if (!strcmp(mode, "nat"))
		to.sin_addr.s_addr = htonl(0x7f000002);
	if (connect(clt, (struct sockaddr *)&to, sizeof(to)))
		zdtm_fail("connect");
	fd = accept(ls, NULL, NULL);
	if (fd < 0)
		zdtm_fail("accept");
	pass_byte(clt, fd, 'a');
	pass_byte(fd, clt, 'b');
	/* From now on ESTABLISHED only (nft: the client's port was the only NEW). */
	if (!nft)
		run("iptables-legacy -w -D INPUT -p tcp -m state --state NEW -j ACCEPT");
	/* Counters well above what the restore's own segments add. */
	for (i = 0; i < 20; i++) {
		pass_byte(clt, fd, 'c');
		pass_byte(fd, clt, 'd');
	}
	zdtm_ready();
	zdtm_wait_term();
	pass_byte(clt, fd, 'e');
	pass_byte(fd, clt, 'f');
	/* A new connection is NEW: dropped (its SYN, again and again). */
	s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (s < 0 || (connect(s, (struct sockaddr *)&a, sizeof(a)) && errno != EINPROGRESS))
		zdtm_fail("connect again");
	{
		struct pollfd p = { .fd = s, .events = POLLOUT };

		if (poll(&p, 1, 300) != 0)
			zdtm_fail("a new connection was not dropped");
	}
	return zdtm_pass();
}
