// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_inet [pending|established] - inet sockets a server holds:
 *  - t4: TCP listener on 127.0.0.1, kernel-chosen port, SO_REUSEADDR,
 *    SO_KEEPALIVE, backlog 5, blocking;
 *  - t6: TCP listener on [::1], IPV6_V6ONLY, TCP_NODELAY, O_NONBLOCK,
 *    backlog 9;
 *  - u4: UDP socket bound to 127.0.0.1, O_NONBLOCK, SO_RCVBUF set;
 *  - uc: UDP socket connected to u4 (bound implicitly by connect);
 *  - u0: UDP socket never bound.
 * Prints "PORTS tcp=P tcp6=P udp=P" before READY. After SIGTERM: names,
 * options and flags are as before; each listener accepts a connection
 * and data goes both ways; uc and u4 exchange datagrams; u0 sends to u4.
 * "pending": a connection waits in t4's accept queue (dump must refuse);
 * "established": an accepted connection on t4 is held (dump must refuse).
 * Either is used after SIGTERM.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>

#include "zdtm.h"

struct sk {
	const char *name;
	int fd;
	struct sockaddr_storage a;
	socklen_t al;
	int opts[6];
};

/* SO_REUSEADDR, SO_KEEPALIVE, SO_RCVBUF, SO_ACCEPTCONN, O_NONBLOCK, IPV6_V6ONLY/TCP_NODELAY */
static void snap(struct sk *s, int *o)
{
	socklen_t l = sizeof(int);
	int v;

	memset(o, 0, 6 * sizeof(int));
	getsockopt(s->fd, SOL_SOCKET, SO_REUSEADDR, &o[0], &l);
	getsockopt(s->fd, SOL_SOCKET, SO_KEEPALIVE, &o[1], &l);
	getsockopt(s->fd, SOL_SOCKET, SO_RCVBUF, &o[2], &l);
	getsockopt(s->fd, SOL_SOCKET, SO_ACCEPTCONN, &o[3], &l);
	o[4] = !!(fcntl(s->fd, F_GETFL) & O_NONBLOCK);
	if (!getsockopt(s->fd, IPPROTO_IPV6, IPV6_V6ONLY, &v, &l))
		o[5] |= v;
	if (!getsockopt(s->fd, IPPROTO_TCP, TCP_NODELAY, &v, &l))
		o[5] |= v << 1;
}

static void remember(struct sk *s)
{
	s->al = sizeof(s->a);
	if (getsockname(s->fd, (struct sockaddr *)&s->a, &s->al))
		zdtm_fail("%s: getsockname", s->name);
	snap(s, s->opts);
}

static void same(struct sk *s)
{
	struct sockaddr_storage a;
	socklen_t al = sizeof(a);
	int o[6], i;

	if (getsockname(s->fd, (struct sockaddr *)&a, &al) || al != s->al || memcmp(&a, &s->a, al))
		zdtm_fail("%s: getsockname differs", s->name);
	snap(s, o);
	for (i = 0; i < 6; i++)
		if (o[i] != s->opts[i])
			zdtm_fail("%s: option %d is %d, was %d", s->name, i, o[i], s->opts[i]);
}

static int port_of(const struct sk *s)
{
	return ntohs(((const struct sockaddr_in *)&s->a)->sin_port);
}

static void wait_in(int fd, const char *what)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	if (poll(&p, 1, 10000) != 1)
		zdtm_fail("%s: nothing arrives", what);
}

static void talk(int a, int b, const char *what)
{
	char buf[8];

	if (send(a, "ping", 4, MSG_NOSIGNAL) != 4)
		zdtm_fail("%s: send", what);
	wait_in(b, what);
	if (recv(b, buf, sizeof(buf), 0) != 4 || memcmp(buf, "ping", 4))
		zdtm_fail("%s: ping", what);
	if (send(b, "pong", 4, MSG_NOSIGNAL) != 4)
		zdtm_fail("%s: send back", what);
	wait_in(a, what);
	if (recv(a, buf, sizeof(buf), 0) != 4 || memcmp(buf, "pong", 4))
		zdtm_fail("%s: pong", what);
}

/* A client connects to listener @l (unless @c is connected already), accept, talk. */
static void use_listener(struct sk *l, int c)
{
	int s;

	if (c < 0) {
		c = socket(l->a.ss_family, SOCK_STREAM, 0);
		if (c < 0 || connect(c, (struct sockaddr *)&l->a, l->al))
			zdtm_fail("%s: connect", l->name);
	}
	wait_in(l->fd, l->name);
	s = accept(l->fd, NULL, NULL);
	if (s < 0)
		zdtm_fail("%s: accept", l->name);
	talk(c, s, l->name);
	close(s);
	close(c);
}

static void listener(struct sk *s, const char *name, int family, int backlog, int flags)
{
	struct sockaddr_storage a = { .ss_family = family };
	int one = 1;

	s->name = name;
	s->fd = socket(family, SOCK_STREAM | flags, 0);
	if (s->fd < 0)
		zdtm_fail("%s: socket", name);
	if (family == AF_INET) {
		((struct sockaddr_in *)&a)->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		if (setsockopt(s->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
		    setsockopt(s->fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one)))
			zdtm_fail("%s: options", name);
	} else {
		((struct sockaddr_in6 *)&a)->sin6_addr = in6addr_loopback;
		if (setsockopt(s->fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) ||
		    setsockopt(s->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)))
			zdtm_fail("%s: options", name);
	}
	if (bind(s->fd, (struct sockaddr *)&a, sizeof(a)) || listen(s->fd, backlog))
		zdtm_fail("%s: bind/listen", name);
	remember(s);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	struct sockaddr_in a = { .sin_family = AF_INET };
	struct sockaddr_storage from;
	struct sk t4, t6, u4, uc, u0;
	int rcv = 100000, held = -1, acc = -1;
	socklen_t fl;
	char buf[8];

	zdtm_init();
	listener(&t4, "tcp", AF_INET, 5, 0);
	listener(&t6, "tcp6", AF_INET6, 9, SOCK_NONBLOCK);
	u4.name = "udp";
	u4.fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (u4.fd < 0 || setsockopt(u4.fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv)) ||
	    bind(u4.fd, (struct sockaddr *)&a, sizeof(a)))
		zdtm_fail("udp: bind");
	remember(&u4);
	uc.name = "udp connected";
	uc.fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (uc.fd < 0 || connect(uc.fd, (struct sockaddr *)&u4.a, u4.al))
		zdtm_fail("udp connected: connect");
	remember(&uc);
	u0.name = "udp unbound";
	u0.fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (u0.fd < 0)
		zdtm_fail("udp unbound: socket");
	remember(&u0);
	if (!strcmp(mode, "pending") || !strcmp(mode, "established")) {
		held = socket(AF_INET, SOCK_STREAM, 0);
		if (held < 0 || connect(held, (struct sockaddr *)&t4.a, t4.al))
			zdtm_fail("connect");
		/* In the accept queue for sure before READY. */
		wait_in(t4.fd, "pending connection");
		if (!strcmp(mode, "established")) {
			acc = accept(t4.fd, NULL, NULL);
			if (acc < 0)
				zdtm_fail("accept");
		}
	}
	printf("PORTS tcp=%d tcp6=%d udp=%d\n", port_of(&t4),
	       ntohs(((struct sockaddr_in6 *)&t6.a)->sin6_port), port_of(&u4));
	zdtm_ready();
	zdtm_wait_term();

	same(&t4);
	same(&t6);
	same(&u4);
	same(&uc);
	same(&u0);
	if (acc >= 0) {
		talk(held, acc, "established connection");
		close(acc);
		close(held);
	} else if (held >= 0) {
		use_listener(&t4, held);
	}
	use_listener(&t4, -1);
	use_listener(&t6, -1);
	/* Nothing else waits: the accept queues were empty. */
	if (accept(t6.fd, NULL, NULL) != -1 || errno != EAGAIN)
		zdtm_fail("tcp6: a connection nobody made");
	/* The connected UDP socket and its peer, both ways. */
	if (send(uc.fd, "ping", 4, 0) != 4)
		zdtm_fail("udp connected: send");
	wait_in(u4.fd, "udp");
	fl = sizeof(from);
	if (recvfrom(u4.fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl) != 4 ||
	    memcmp(buf, "ping", 4) || fl != uc.al || memcmp(&from, &uc.a, fl))
		zdtm_fail("udp: datagram from the connected socket");
	if (sendto(u4.fd, "pong", 4, 0, (struct sockaddr *)&from, fl) != 4)
		zdtm_fail("udp: sendto");
	wait_in(uc.fd, "udp connected");
	if (recv(uc.fd, buf, sizeof(buf), 0) != 4 || memcmp(buf, "pong", 4))
		zdtm_fail("udp connected: reply");
	/* The unbound one binds at first use, like any new socket. */
	if (sendto(u0.fd, "hi", 2, 0, (struct sockaddr *)&u4.a, u4.al) != 2)
		zdtm_fail("udp unbound: sendto");
	wait_in(u4.fd, "udp from the unbound socket");
	if (recv(u4.fd, buf, sizeof(buf), 0) != 2 || memcmp(buf, "hi", 2))
		zdtm_fail("udp: datagram from the unbound socket");
	return zdtm_pass();
}
