// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_inet_opts - inet socket options and shutdown state survive (zdtm
 * socket_udp-broadcast, socket_udp_shutdown, and the options around them):
 *  - ub: UDP on 127.0.0.1 with SO_BROADCAST, IP_TOS, SO_PRIORITY, IP_TTL,
 *    IP_RECVERR, IP_PKTINFO, IP_MULTICAST_TTL, SO_RCVTIMEO;
 *  - s1, s2: UDP sockets bound on 127.0.0.1 and connected to each other,
 *    s1 shut down for writing, s2 for reading (after one datagram went
 *    s2 -> s1 and was read);
 *  - u0: UDP never bound, shut down for reading;
 *  - u6: UDP on [::1] with IPV6_TCLASS, IPV6_UNICAST_HOPS, IPV6_RECVPKTINFO;
 *  - t4: TCP listener on 127.0.0.1 with TCP_KEEPIDLE, TCP_DEFER_ACCEPT,
 *    TCP_USER_TIMEOUT, TCP_CONGESTION reno, SO_LINGER, TCP_FASTOPEN;
 *  - fb: UDP bound to [2001:db8::ff00:42:8329], not a local address, with
 *    IP_FREEBIND, which is then cleared (zdtm sk-freebind-false).
 * After SIGTERM: every option reads back the same bytes, poll() gives
 * each socket the same events as before; s2 -> s1 still carries a
 * datagram, and sending on s1 fails with EPIPE. PASS or FAIL: why.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "zdtm.h"

enum { UB, S1, S2, U0, U6, T4, FB, NSK };
static const char *const names[NSK] = { "ub", "s1", "s2", "u0", "u6", "t4", "fb" };
static int fd[NSK];

struct opt {
	int sk, level, name;
	const char *what;
	socklen_t len;
	unsigned char before[64];
};

#define OPT(sk, level, name) { sk, level, name, #name, 0, { 0 } }
static struct opt opts[] = {
	OPT(UB, SOL_SOCKET, SO_BROADCAST),	OPT(UB, IPPROTO_IP, IP_TOS),
	OPT(UB, SOL_SOCKET, SO_PRIORITY),	OPT(UB, IPPROTO_IP, IP_TTL),
	OPT(UB, IPPROTO_IP, IP_RECVERR),	OPT(UB, IPPROTO_IP, IP_PKTINFO),
	OPT(UB, IPPROTO_IP, IP_MULTICAST_TTL),	OPT(UB, SOL_SOCKET, SO_RCVTIMEO),
	OPT(U6, IPPROTO_IPV6, IPV6_TCLASS),	OPT(U6, IPPROTO_IPV6, IPV6_UNICAST_HOPS),
	OPT(U6, IPPROTO_IPV6, IPV6_RECVPKTINFO), OPT(T4, IPPROTO_TCP, TCP_KEEPIDLE),
	OPT(T4, IPPROTO_TCP, TCP_DEFER_ACCEPT),	OPT(T4, IPPROTO_TCP, TCP_USER_TIMEOUT),
	OPT(T4, IPPROTO_TCP, TCP_CONGESTION),	OPT(T4, SOL_SOCKET, SO_LINGER),
	OPT(T4, IPPROTO_TCP, TCP_FASTOPEN),	OPT(FB, IPPROTO_IP, IP_FREEBIND),
};
#define NOPTS (int)(sizeof(opts) / sizeof(opts[0]))

static short revents[NSK];

static void set(int sk, int level, int name, const void *v, socklen_t len)
{
	if (setsockopt(fd[sk], level, name, v, len))
		zdtm_fail("%s: setsockopt(%d, %d)", names[sk], level, name);
}

static void seti(int sk, int level, int name, int v)
{
	set(sk, level, name, &v, sizeof(v));
}

static int sock(int family, int type)
{
	int s = socket(family, type, 0);

	if (s < 0)
		zdtm_fail("socket");
	return s;
}

static void bind_lo(int s, struct sockaddr_in *a)
{
	socklen_t l = sizeof(*a);

	memset(a, 0, sizeof(*a));
	a->sin_family = AF_INET;
	a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(s, (struct sockaddr *)a, l) || getsockname(s, (struct sockaddr *)a, &l))
		zdtm_fail("bind");
}

static void events(short *ev)
{
	struct pollfd p[NSK];
	int i;

	for (i = 0; i < NSK; i++) {
		p[i].fd = fd[i];
		p[i].events = POLLIN | POLLOUT | POLLRDHUP;
		p[i].revents = 0;
	}
	poll(p, NSK, 0);
	for (i = 0; i < NSK; i++)
		ev[i] = p[i].revents;
}

int main(void)
{
	struct sockaddr_in a1, a2, a4, from;
	struct sockaddr_in6 a6, fb;
	struct timeval tv = { 1, 500000 };
	struct linger lg = { 1, 5 };
	short now[NSK];
	char buf[64];
	socklen_t l;
	int i;

	zdtm_init();
	fd[UB] = sock(AF_INET, SOCK_DGRAM);
	bind_lo(fd[UB], &a4);
	seti(UB, SOL_SOCKET, SO_BROADCAST, 1);
	seti(UB, IPPROTO_IP, IP_TOS, 0x10);
	seti(UB, SOL_SOCKET, SO_PRIORITY, 3);
	seti(UB, IPPROTO_IP, IP_TTL, 33);
	seti(UB, IPPROTO_IP, IP_RECVERR, 1);
	seti(UB, IPPROTO_IP, IP_PKTINFO, 1);
	seti(UB, IPPROTO_IP, IP_MULTICAST_TTL, 5);
	set(UB, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));

	fd[S1] = sock(AF_INET, SOCK_DGRAM);
	fd[S2] = sock(AF_INET, SOCK_DGRAM);
	bind_lo(fd[S1], &a1);
	bind_lo(fd[S2], &a2);
	if (connect(fd[S1], (struct sockaddr *)&a2, sizeof(a2)) ||
	    connect(fd[S2], (struct sockaddr *)&a1, sizeof(a1)))
		zdtm_fail("connect");
	if (shutdown(fd[S1], SHUT_WR) || shutdown(fd[S2], SHUT_RD))
		zdtm_fail("shutdown");
	if (send(fd[S2], "one", 3, 0) != 3 || recv(fd[S1], buf, sizeof(buf), 0) != 3)
		zdtm_fail("s2 -> s1 before");

	fd[U0] = sock(AF_INET, SOCK_DGRAM);
	shutdown(fd[U0], SHUT_RD); /* ENOTCONN, but it is shut down */

	fd[U6] = sock(AF_INET6, SOCK_DGRAM);
	memset(&a6, 0, sizeof(a6));
	a6.sin6_family = AF_INET6;
	a6.sin6_addr = in6addr_loopback;
	if (bind(fd[U6], (struct sockaddr *)&a6, sizeof(a6)))
		zdtm_fail("bind u6");
	seti(U6, IPPROTO_IPV6, IPV6_TCLASS, 0x20);
	seti(U6, IPPROTO_IPV6, IPV6_UNICAST_HOPS, 7);
	seti(U6, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1);

	fd[T4] = sock(AF_INET, SOCK_STREAM);
	bind_lo(fd[T4], &a4);
	seti(T4, IPPROTO_TCP, TCP_KEEPIDLE, 77);
	seti(T4, IPPROTO_TCP, TCP_DEFER_ACCEPT, 5);
	seti(T4, IPPROTO_TCP, TCP_USER_TIMEOUT, 12345);
	set(T4, IPPROTO_TCP, TCP_CONGESTION, "reno", 4);
	set(T4, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	seti(T4, IPPROTO_TCP, TCP_FASTOPEN, 5);
	if (listen(fd[T4], 4))
		zdtm_fail("listen");

	fd[FB] = sock(AF_INET6, SOCK_DGRAM);
	memset(&fb, 0, sizeof(fb));
	fb.sin6_family = AF_INET6;
	inet_pton(AF_INET6, "2001:db8::ff00:42:8329", &fb.sin6_addr);
	seti(FB, IPPROTO_IP, IP_FREEBIND, 1);
	l = sizeof(fb);
	if (bind(fd[FB], (struct sockaddr *)&fb, sizeof(fb)) ||
	    getsockname(fd[FB], (struct sockaddr *)&fb, &l))
		zdtm_fail("bind fb");
	seti(FB, IPPROTO_IP, IP_FREEBIND, 0);

	for (i = 0; i < NOPTS; i++) {
		opts[i].len = sizeof(opts[i].before);
		if (getsockopt(fd[opts[i].sk], opts[i].level, opts[i].name, opts[i].before,
			       &opts[i].len))
			zdtm_fail("%s: getsockopt %s", names[opts[i].sk], opts[i].what);
	}
	events(revents);
	zdtm_ready();
	zdtm_wait_term();

	for (i = 0; i < NOPTS; i++) {
		unsigned char v[64];

		l = sizeof(v);
		memset(v, 0, sizeof(v));
		if (getsockopt(fd[opts[i].sk], opts[i].level, opts[i].name, v, &l))
			zdtm_fail("%s: getsockopt %s after", names[opts[i].sk], opts[i].what);
		if (l != opts[i].len || memcmp(v, opts[i].before, l))
			zdtm_fail("%s: %s differs (%d, was %d)", names[opts[i].sk], opts[i].what,
				  *(int *)v, *(int *)opts[i].before);
	}
	l = sizeof(a6);
	if (getsockname(fd[FB], (struct sockaddr *)&a6, &l) || memcmp(&a6, &fb, sizeof(fb)))
		zdtm_fail("fb: not bound where it was");
	events(now);
	for (i = 0; i < NSK; i++)
		if (now[i] != revents[i])
			zdtm_fail("%s: poll events 0x%x, were 0x%x", names[i], now[i], revents[i]);
	if (send(fd[S2], "two", 3, 0) != 3)
		zdtm_fail("s2 -> s1: send");
	l = sizeof(from);
	if (recvfrom(fd[S1], buf, sizeof(buf), 0, (struct sockaddr *)&from, &l) != 3 ||
	    memcmp(buf, "two", 3) || from.sin_port != a2.sin_port)
		zdtm_fail("s2 -> s1: recv");
	if (send(fd[S1], "three", 5, MSG_NOSIGNAL) >= 0 || errno != EPIPE)
		zdtm_fail("s1 sends though shut down for writing");
	return zdtm_pass();
}
