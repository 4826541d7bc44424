// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_inet_raw: the inet sockets beside TCP and UDP, and socket filters
 * (kind_inet.c, sk_filter.c). A raw ICMP socket bound to 127.0.0.7 with
 * an ICMP type filter, a classic BPF filter and SO_LOCK_FILTER; a raw
 * ICMPv6 socket with its type filter; a raw socket of protocol UDP with
 * IP_HDRINCL, IP_TTL and IP_FREEBIND; a raw socket of protocol 6 (not
 * TCP); an ICMP ping socket bound to 127.0.0.1 (the kernel picks its echo
 * identifier) and an IPv6 one never bound; two UDP-lite sockets, one
 * connected to the other with a checksum coverage; a UDP socket
 * connected to port 0 (getpeername() cannot name it); a UDP socket whose
 * filter drops everything.
 *
 * After the restore each socket must have its address, protocol and
 * options back; the ping socket gets its echo answered under the same
 * identifier, UDP-lite sends, the port-0 socket is still connected (send()
 * works), the dropping filter still drops.
 *
 * Argument "queued": only a raw ICMP socket that has seen the echo of a
 * ping (packets queued, which dump refuses).
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <netinet/in.h>
#include <netinet/ip_icmp.h>
#include <netinet/icmp6.h>
#include <poll.h>
#include <sys/socket.h>

#include "zdtm.h"

#ifndef IPPROTO_UDPLITE
#define IPPROTO_UDPLITE 136
#endif
#define UDPLITE_SEND_CSCOV 10
#define ICMP_FILTER_OPT 1
#define SOL_RAW_ 255
#ifndef SO_LOCK_FILTER
#define SO_LOCK_FILTER 44
#endif

static int sock(int family, int type, int proto)
{
	int s = socket(family, type, proto);

	if (s < 0)
		zdtm_fail("socket(%d, %d, %d)", family, type, proto);
	return s;
}

static void set(int s, int level, int opt, const void *v, socklen_t l)
{
	if (setsockopt(s, level, opt, v, l))
		zdtm_fail("setsockopt(%d, %d)", level, opt);
}

static void seti(int s, int level, int opt, int v)
{
	set(s, level, opt, &v, sizeof(v));
}

static int geti(int s, int level, int opt)
{
	socklen_t l = sizeof(int);
	int v = -1;

	if (getsockopt(s, level, opt, &v, &l))
		zdtm_fail("getsockopt(%d, %d)", level, opt);
	return v;
}

static struct sockaddr_in in4(const char *a, int port)
{
	struct sockaddr_in s = { .sin_family = AF_INET, .sin_port = htons(port) };

	inet_pton(AF_INET, a, &s.sin_addr);
	return s;
}

static void bind4(int s, const char *a, int port)
{
	struct sockaddr_in sa = in4(a, port);

	if (bind(s, (struct sockaddr *)&sa, sizeof(sa)))
		zdtm_fail("bind %s:%d", a, port);
}

static struct sockaddr_in name4(int s)
{
	struct sockaddr_in sa;
	socklen_t l = sizeof(sa);

	memset(&sa, 0, sizeof(sa));
	if (getsockname(s, (struct sockaddr *)&sa, &l))
		zdtm_fail("getsockname");
	return sa;
}

/* An echo request from ping socket @p to 127.0.0.1 and its reply. */
static void ping(int p, int seq)
{
	struct icmphdr h = { .type = ICMP_ECHO }, r;
	struct sockaddr_in to = in4("127.0.0.1", 0);
	struct pollfd pf = { .fd = p, .events = POLLIN };

	h.un.echo.sequence = htons(seq);
	if (sendto(p, &h, sizeof(h), 0, (struct sockaddr *)&to, sizeof(to)) != sizeof(h))
		zdtm_fail("ping sendto");
	if (poll(&pf, 1, 5000) != 1 || recv(p, &r, sizeof(r), 0) != sizeof(r))
		zdtm_fail("no echo reply");
	if (r.type != ICMP_ECHOREPLY || ntohs(r.un.echo.sequence) != seq)
		zdtm_fail("echo reply type %d seq %d", r.type, ntohs(r.un.echo.sequence));
}

static struct sock_filter accept_all[] = {
	{ BPF_LD | BPF_W | BPF_LEN, 0, 0, 0 },
	{ BPF_JMP | BPF_JGT | BPF_K, 0, 1, 8 },
	{ BPF_RET | BPF_K, 0, 0, 0xffff },
	{ BPF_RET | BPF_K, 0, 0, 0xfffe },
};
static struct sock_filter drop_all[] = {
	{ BPF_RET | BPF_K, 0, 0, 0 },
};

static void attach(int s, struct sock_filter *f, unsigned short n)
{
	struct sock_fprog p = { .len = n, .filter = f };

	set(s, SOL_SOCKET, SO_ATTACH_FILTER, &p, sizeof(p));
}

static void same_filter(int s, const struct sock_filter *f, unsigned short n, const char *what)
{
	struct sock_filter got[8];
	socklen_t l = 8;

	memset(got, 0, sizeof(got));
	if (getsockopt(s, SOL_SOCKET, SO_GET_FILTER, got, &l))
		zdtm_fail("%s: SO_GET_FILTER", what);
	if (l != n || memcmp(got, f, n * sizeof(*f)))
		zdtm_fail("%s: filter of %u instructions, %u expected", what, l, n);
}

static int queued(void)
{
	int r = sock(AF_INET, SOCK_RAW, IPPROTO_ICMP), p = sock(AF_INET, SOCK_DGRAM, IPPROTO_ICMP);
	struct pollfd pf = { .fd = r, .events = POLLIN };

	ping(p, 1);
	if (poll(&pf, 1, 5000) != 1)
		zdtm_fail("the raw socket saw nothing");
	zdtm_ready();
	zdtm_wait_term();
	if (poll(&pf, 1, 0) != 1)
		zdtm_fail("the raw socket's packets are gone");
	return zdtm_pass();
}

int main(int argc, char **argv)
{
	struct icmp_filter { uint32_t data; } f4 = { ~(1U << ICMP_ECHOREPLY) }, g4;
	struct icmp6_filter f6, g6;
	struct sockaddr_in sa, pa, ula, ulb;
	socklen_t l;
	int r4, r6, ru, rt, p4, p6, ul, ul2, u0, uf, tx;
	char buf[16];

	zdtm_init();
	if (argc > 1 && !strcmp(argv[1], "queued"))
		return queued();
	r4 = sock(AF_INET, SOCK_RAW | SOCK_NONBLOCK, IPPROTO_ICMP);
	bind4(r4, "127.0.0.7", 0);
	set(r4, SOL_RAW_, ICMP_FILTER_OPT, &f4, sizeof(f4));
	attach(r4, accept_all, 4);
	seti(r4, SOL_SOCKET, SO_LOCK_FILTER, 1);

	r6 = sock(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6);
	ICMP6_FILTER_SETBLOCKALL(&f6);
	ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &f6);
	set(r6, IPPROTO_ICMPV6, ICMP6_FILTER, &f6, sizeof(f6));

	ru = sock(AF_INET, SOCK_RAW, IPPROTO_UDP);
	seti(ru, IPPROTO_IP, IP_HDRINCL, 1);
	seti(ru, IPPROTO_IP, IP_TTL, 33);
	seti(ru, IPPROTO_IP, IP_FREEBIND, 1);

	rt = sock(AF_INET6, SOCK_RAW, IPPROTO_TCP);

	p4 = sock(AF_INET, SOCK_DGRAM, IPPROTO_ICMP);
	bind4(p4, "127.0.0.1", 0);
	pa = name4(p4);
	p6 = sock(AF_INET6, SOCK_DGRAM, IPPROTO_ICMPV6);
	seti(p6, IPPROTO_IPV6, IPV6_UNICAST_HOPS, 7);

	ul = sock(AF_INET, SOCK_DGRAM, IPPROTO_UDPLITE);
	ul2 = sock(AF_INET, SOCK_DGRAM, IPPROTO_UDPLITE);
	bind4(ul, "127.0.0.1", 0);
	bind4(ul2, "127.0.0.1", 0);
	ula = name4(ul);
	ulb = name4(ul2);
	seti(ul, IPPROTO_UDPLITE, UDPLITE_SEND_CSCOV, 20);
	if (connect(ul, (struct sockaddr *)&ulb, sizeof(ulb)))
		zdtm_fail("connect udplite");

	u0 = sock(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
	sa = in4("127.0.0.1", 0);
	if (connect(u0, (struct sockaddr *)&sa, sizeof(sa)))
		zdtm_fail("connect to port 0");

	uf = sock(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, IPPROTO_UDP);
	bind4(uf, "127.0.0.1", 0);
	attach(uf, drop_all, 1);
	tx = sock(AF_INET, SOCK_DGRAM, IPPROTO_UDP);

	printf("ping_id=%d udplite_port=%d\n", ntohs(pa.sin_port), ntohs(ula.sin_port));
	zdtm_ready();
	zdtm_wait_term();

	sa = name4(r4);
	if (sa.sin_addr.s_addr != htonl(0x7f000007) || geti(r4, SOL_SOCKET, SO_PROTOCOL) != IPPROTO_ICMP)
		zdtm_fail("raw ICMP socket: %s, protocol %d", inet_ntoa(sa.sin_addr),
			  geti(r4, SOL_SOCKET, SO_PROTOCOL));
	l = sizeof(g4);
	if (getsockopt(r4, SOL_RAW_, ICMP_FILTER_OPT, &g4, &l) || g4.data != f4.data)
		zdtm_fail("ICMP_FILTER %#x, %#x expected", g4.data, f4.data);
	same_filter(r4, accept_all, 4, "raw ICMP socket");
	if (geti(r4, SOL_SOCKET, SO_LOCK_FILTER) != 1 || !(fcntl(r4, F_GETFL) & O_NONBLOCK))
		zdtm_fail("raw ICMP socket: filter not locked, or blocking");
	l = sizeof(g6);
	if (getsockopt(r6, IPPROTO_ICMPV6, ICMP6_FILTER, &g6, &l) || memcmp(&g6, &f6, sizeof(f6)))
		zdtm_fail("ICMP6_FILTER differs");
	if (geti(ru, IPPROTO_IP, IP_HDRINCL) != 1 || geti(ru, IPPROTO_IP, IP_TTL) != 33 ||
	    geti(ru, IPPROTO_IP, IP_FREEBIND) != 1 || geti(ru, SOL_SOCKET, SO_PROTOCOL) != IPPROTO_UDP ||
	    geti(ru, SOL_SOCKET, SO_TYPE) != SOCK_RAW)
		zdtm_fail("raw UDP socket: options or protocol");
	if (geti(rt, SOL_SOCKET, SO_TYPE) != SOCK_RAW || geti(rt, SOL_SOCKET, SO_PROTOCOL) != IPPROTO_TCP ||
	    geti(rt, SOL_SOCKET, SO_DOMAIN) != AF_INET6)
		zdtm_fail("raw IPv6 socket of protocol 6");
	sa = name4(p4);
	if (sa.sin_port != pa.sin_port || sa.sin_addr.s_addr != pa.sin_addr.s_addr)
		zdtm_fail("ping socket: identifier %d, %d expected", ntohs(sa.sin_port), ntohs(pa.sin_port));
	ping(p4, 2);
	if (geti(p6, IPPROTO_IPV6, IPV6_UNICAST_HOPS) != 7 ||
	    geti(p6, SOL_SOCKET, SO_PROTOCOL) != IPPROTO_ICMPV6)
		zdtm_fail("IPv6 ping socket");
	sa = name4(ul);
	if (sa.sin_port != ula.sin_port || geti(ul, IPPROTO_UDPLITE, UDPLITE_SEND_CSCOV) != 20 ||
	    geti(ul, SOL_SOCKET, SO_PROTOCOL) != IPPROTO_UDPLITE)
		zdtm_fail("UDP-lite socket: port %d, coverage %d", ntohs(sa.sin_port),
			  geti(ul, IPPROTO_UDPLITE, UDPLITE_SEND_CSCOV));
	if (send(ul, "lite", 4, 0) != 4 || recv(ul2, buf, sizeof(buf), 0) != 4 || memcmp(buf, "lite", 4))
		zdtm_fail("UDP-lite datagram not delivered");
	if (send(u0, "x", 1, 0) != 1)
		zdtm_fail("the socket connected to port 0 is not connected");
	same_filter(uf, drop_all, 1, "UDP socket");
	sa = name4(uf);
	if (sendto(tx, "drop", 4, 0, (struct sockaddr *)&sa, sizeof(sa)) != 4)
		zdtm_fail("sendto the filtered socket");
	usleep(100000);
	if (recv(uf, buf, sizeof(buf), 0) >= 0 || errno != EAGAIN)
		zdtm_fail("the filter let a datagram through");
	return zdtm_pass();
}
