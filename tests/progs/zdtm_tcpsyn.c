// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_tcpsyn TABLE - a TCP socket still connecting (SYN_SENT) across a
 * checkpoint/restore.
 *
 * A listener on 127.0.0.1 (a port the kernel picks), an nftables table
 * TABLE (the test's own name) that drops what reaches that port, and a
 * non-blocking connect() to it: its SYNs are dropped, it stays
 * connecting. After SIGTERM: still connecting (TCP_INFO SYN_SENT,
 * SO_ERROR 0, getsockname() the same address and port), then the table
 * is deleted and the connection completes within 15 s (a SYN sent
 * again): the listener accepts it and bytes go both ways.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdbool.h>
#include <sys/socket.h>

#include "zdtm.h"

static int nft(const char *fmt, const char *table, int port)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), fmt, table, port);
	return system(cmd);
}

int main(int argc, char **argv)
{
	struct sockaddr_in a, me, me2;
	socklen_t l = sizeof(a), ml = sizeof(me);
	struct tcp_info ti;
	struct pollfd p;
	int ls, c, q, err = -1;
	char b[2];

	zdtm_init();
	if (argc < 2)
		zdtm_fail("usage: zdtm_tcpsyn TABLE");
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ls = socket(AF_INET, SOCK_STREAM, 0);
	if (ls < 0 || bind(ls, (struct sockaddr *)&a, sizeof(a)) || listen(ls, 4) ||
	    getsockname(ls, (struct sockaddr *)&a, &l))
		zdtm_fail("listen");
	if (nft("nft 'add table ip %1$s; add chain ip %1$s in { type filter hook input priority 0; }; "
		"add rule ip %1$s in tcp dport %2$d drop'", argv[1], ntohs(a.sin_port)))
		zdtm_fail("nft add");
	c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (c < 0 || !connect(c, (struct sockaddr *)&a, sizeof(a)) || errno != EINPROGRESS)
		zdtm_fail("connect did not stay in progress");
	if (getsockname(c, (struct sockaddr *)&me, &ml))
		zdtm_fail("getsockname");
	zdtm_ready();
	zdtm_wait_term();
	l = sizeof(ti);
	memset(&ti, 0, sizeof(ti));
	if (getsockopt(c, IPPROTO_TCP, TCP_INFO, &ti, &l) || ti.tcpi_state != 2)
		zdtm_fail("TCP state %u, not connecting", ti.tcpi_state);
	l = sizeof(err);
	if (getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &l) || err)
		zdtm_fail("SO_ERROR %d", err);
	ml = sizeof(me2);
	if (getsockname(c, (struct sockaddr *)&me2, &ml) || me2.sin_port != me.sin_port ||
	    me2.sin_addr.s_addr != me.sin_addr.s_addr)
		zdtm_fail("its address changed");
	if (nft("nft delete table ip %1$s", argv[1], 0))
		zdtm_fail("nft delete");
	p = (struct pollfd){ .fd = c, .events = POLLOUT };
	if (poll(&p, 1, 15000) != 1)
		zdtm_fail("the connection did not complete");
	l = sizeof(err);
	if (getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &l) || err) {
		errno = err;
		zdtm_fail("connect failed");
	}
	q = accept(ls, NULL, NULL);
	if (q < 0 || write(c, "ab", 2) != 2 || read(q, b, 2) != 2 || memcmp(b, "ab", 2) ||
	    write(q, "c", 1) != 1)
		zdtm_fail("exchange");
	p = (struct pollfd){ .fd = c, .events = POLLIN };
	if (poll(&p, 1, 5000) != 1 || read(c, b, 1) != 1 || b[0] != 'c')
		zdtm_fail("exchange back");
	return zdtm_pass();
}
