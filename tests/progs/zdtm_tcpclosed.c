// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_tcpclosed - TCP connections that a checkpoint/restore brings back
 * closed (dump --tcp-close, or restore --tcp-close).
 *
 * Before READY: a listener on 127.0.0.1, a connection to it (client and
 * accepted end, bytes unread both ways), the client of a second one shut
 * down for writing (FIN_WAIT2, its accepted end CLOSE_WAIT), and an IPv6
 * connection over ::1. After SIGTERM every connected end is closed: TCP
 * state CLOSE, recv() gives the end of the stream, poll() says POLLHUP,
 * send() fails with EPIPE, it is bound to no port; and the listener,
 * kept as it was, still accepts a new connection.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdbool.h>
#include <sys/socket.h>

#include "zdtm_net.h"

static int connect_to(int family, const struct sockaddr *a, socklen_t l)
{
	int s = socket(family, SOCK_STREAM, 0);

	if (s < 0 || connect(s, a, l))
		zdtm_fail("connect");
	return s;
}

/* What a connection that came back closed must look like. */
static void check_closed(int s, const char *what)
{
	struct sockaddr_storage a;
	socklen_t l = sizeof(a);
	struct tcp_info ti;
	struct pollfd p = { .fd = s, .events = POLLHUP };
	char c;

	l = sizeof(ti);
	memset(&ti, 0, sizeof(ti));
	if (getsockopt(s, IPPROTO_TCP, TCP_INFO, &ti, &l) || ti.tcpi_state != 7)
		zdtm_fail("%s: TCP state %u, not closed", what, ti.tcpi_state);
	if (recv(s, &c, 1, MSG_DONTWAIT) != 0)
		zdtm_fail("%s: recv does not give the end of the stream", what);
	if (poll(&p, 1, 0) != 1 || p.revents != POLLHUP)
		zdtm_fail("%s: poll revents %#x, not POLLHUP", what, p.revents);
	if (send(s, "x", 1, MSG_DONTWAIT | MSG_NOSIGNAL) != -1 || errno != EPIPE)
		zdtm_fail("%s: send did not fail with EPIPE", what);
	l = sizeof(a);
	if (getsockname(s, (struct sockaddr *)&a, &l))
		zdtm_fail("%s: getsockname", what);
	if ((a.ss_family == AF_INET && ((struct sockaddr_in *)&a)->sin_port) ||
	    (a.ss_family == AF_INET6 && ((struct sockaddr_in6 *)&a)->sin6_port))
		zdtm_fail("%s: still bound to a port", what);
}

int main(void)
{
	struct sockaddr_storage a, a6;
	socklen_t l, l6;
	int ls, ls6, c1, p1, c2, p2, c6, p6, n, q;
	char buf[4];

	zdtm_init();
	ls = zdtm_listen_lo(AF_INET, &a, &l);
	c1 = connect_to(AF_INET, (struct sockaddr *)&a, l);
	p1 = accept(ls, NULL, NULL);
	c2 = connect_to(AF_INET, (struct sockaddr *)&a, l);
	p2 = accept(ls, NULL, NULL);
	ls6 = zdtm_listen_lo(AF_INET6, &a6, &l6);
	c6 = connect_to(AF_INET6, (struct sockaddr *)&a6, l6);
	p6 = accept(ls6, NULL, NULL);
	if (p1 < 0 || p2 < 0 || p6 < 0)
		zdtm_fail("accept");
	close(ls6);
	/* Unread bytes both ways, and one connection half closed. */
	if (write(c1, "abc", 3) != 3 || write(p1, "de", 2) != 2 || write(c6, "f", 1) != 1 ||
	    shutdown(c2, SHUT_WR))
		zdtm_fail("write");
	usleep(100000);
	zdtm_ready();
	zdtm_wait_term();
	check_closed(c1, "client");
	check_closed(p1, "accepted end");
	check_closed(c2, "half-closed client");
	check_closed(p2, "its accepted end");
	check_closed(c6, "IPv6 client");
	check_closed(p6, "IPv6 accepted end");
	/* The listener is no connection: it still accepts. */
	n = connect_to(AF_INET, (struct sockaddr *)&a, l);
	q = accept(ls, NULL, NULL);
	if (q < 0 || write(n, "ok", 2) != 2 || read(q, buf, 2) != 2 || memcmp(buf, "ok", 2))
		zdtm_fail("the listener does not accept any more");
	return zdtm_pass();
}
