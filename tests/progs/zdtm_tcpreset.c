// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_tcpreset - TCP connections closed by a reset (zdtm
 * socket-tcp-reseted, without iptables: the peer closes with SO_LINGER 0,
 * which sends a reset).
 *
 * Before READY, each accepted end has bytes unread when its client goes:
 *  - IPv4 and IPv6 (::1): the reset's error still pending (ECONNRESET);
 *  - IPv4: the program read the error already (SO_ERROR), none pending.
 * After SIGTERM each is closed as the kernel left it: TCP state CLOSE,
 * poll() says POLLERR only while an error is pending, read() gives the
 * bytes, then the error once (ECONNRESET), then the end of the stream,
 * and send() fails with EPIPE. An engine that brought them back closed
 * by FINs fails: no POLLERR, no error, the end of the stream at once.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdbool.h>
#include <sys/socket.h>

#include "zdtm_net.h"

/* An accepted end with @data unread, its client gone with a reset. */
static int reset_conn(int ls, int family, const struct sockaddr_storage *a, socklen_t l,
		      const char *data)
{
	struct linger lg = { 1, 0 };
	int c = socket(family, SOCK_STREAM, 0), p;

	if (c < 0 || connect(c, (const struct sockaddr *)a, l))
		zdtm_fail("connect");
	p = accept(ls, NULL, NULL);
	if (p < 0 || write(c, data, strlen(data)) != (ssize_t)strlen(data))
		zdtm_fail("accept, write");
	usleep(20000);
	if (setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)))
		zdtm_fail("SO_LINGER");
	close(c);
	usleep(20000);
	return p;
}

static void check(int s, const char *what, const char *data, bool pending)
{
	struct pollfd p = { .fd = s, .events = POLLIN };
	struct tcp_info ti;
	socklen_t l = sizeof(ti);
	size_t n = strlen(data);
	char buf[16];
	short want = POLLIN | POLLHUP | POLLRDHUP | (pending ? POLLERR : 0);

	p.events |= POLLRDHUP;
	memset(&ti, 0, sizeof(ti));
	if (getsockopt(s, IPPROTO_TCP, TCP_INFO, &ti, &l) || ti.tcpi_state != 7)
		zdtm_fail("%s: TCP state %u, not closed", what, ti.tcpi_state);
	if (poll(&p, 1, 0) != 1 || p.revents != want)
		zdtm_fail("%s: poll revents %#x, not %#x", what, p.revents, want);
	if (read(s, buf, sizeof(buf)) != (ssize_t)n || memcmp(buf, data, n))
		zdtm_fail("%s: its %zu unread bytes", what, n);
	if (pending && (read(s, buf, sizeof(buf)) != -1 || errno != ECONNRESET))
		zdtm_fail("%s: read after the bytes: no ECONNRESET", what);
	if (read(s, buf, sizeof(buf)) != 0)
		zdtm_fail("%s: no end of stream after the %s", what, pending ? "error" : "bytes");
	if (send(s, "x", 1, MSG_DONTWAIT | MSG_NOSIGNAL) != -1 || errno != EPIPE)
		zdtm_fail("%s: send did not fail with EPIPE", what);
}

int main(void)
{
	struct sockaddr_storage a, a6;
	socklen_t l, l6, el = sizeof(int);
	int ls, ls6, p1, p2, p6, e = 0;

	zdtm_init();
	ls = zdtm_listen_lo(AF_INET, &a, &l);
	ls6 = zdtm_listen_lo(AF_INET6, &a6, &l6);
	p1 = reset_conn(ls, AF_INET, &a, l, "asd");
	p2 = reset_conn(ls, AF_INET, &a, l, "xy");
	p6 = reset_conn(ls6, AF_INET6, &a6, l6, "v6data");
	/* The program takes p2's error before the dump. */
	if (getsockopt(p2, SOL_SOCKET, SO_ERROR, &e, &el) || e != ECONNRESET)
		zdtm_fail("SO_ERROR of the reset connection: %d", e);
	zdtm_ready();
	zdtm_wait_term();
	check(p1, "reset, error pending", "asd", true);
	check(p2, "reset, error read", "xy", false);
	check(p6, "IPv6 reset, error pending", "v6data", true);
	return zdtm_pass();
}
