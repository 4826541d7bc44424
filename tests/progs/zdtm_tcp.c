// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_tcp MODE - TCP sockets across a checkpoint/restore.
 *
 * closed: three TCP sockets that never connected: one never bound, one
 *   bound to 127.0.0.1 (SO_REUSEADDR, TCP_NODELAY), one bound to [::1]
 *   (IPV6_V6ONLY). After SIGTERM: same names and options, and they work:
 *   the bound ones listen, the unbound one connects to one of them.
 * ext PORT: a client of a server outside the tree (zdtm_tcp server) on
 *   127.0.0.1:PORT. Before READY the server's IN_LEN bytes wait unread in
 *   the client's receive queue, and the client has written until its
 *   send queue is full (the server does not read). After SIGTERM: the
 *   client reads the server's bytes, writes TAIL_LEN more, shuts its
 *   sending side and expects "OK <all it wrote>" back.
 * pair: the same with both ends in this process (a listener, the client
 *   end, the accepted end); afterwards the listener still accepts.
 * pairhigh: pair with the listener moved to fd 100, after the accepted
 *   connection on its port.
 * closewait: a connection whose peer closed after sending one byte
 *   (CLOSE_WAIT); SIGTERM then reads the byte and the end of the stream.
 * reset: a connection reset by its peer (a closed socket that was
 *   connected), its error read; SIGTERM then reads the end of stream.
 * resetpending: the same with the error not read (restore brings it
 *   back pending); SIGTERM then reads the error and the end of the stream.
 * server [trickle]: the outside server for "ext": prints "PORT n", accepts
 *   one connection, sends IN_LEN bytes (trickle: from SIGUSR2 500 bytes every 200 us
 *   until SIGUSR1), and on SIGUSR1 reads to the end,
 *   checks every byte, answers "OK <count>" and prints "SERVER PASS n" or
 *   "SERVER FAIL: why" (a RST is a read error).
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/sockios.h>

#include "zdtm.h"

#define IN_LEN 32768
#define TAIL_LEN 5000

static uint8_t pat_a(size_t i)
{
	return (uint8_t)(i % 251);
}

static uint8_t pat_b(size_t i)
{
	return (uint8_t)((i * 7 + 3) % 253);
}

static int set_int(int s, int level, int opt, int v)
{
	return setsockopt(s, level, opt, &v, sizeof(v));
}

static int get_int(int s, int level, int opt)
{
	socklen_t l = sizeof(int);
	int v = -1;

	getsockopt(s, level, opt, &v, &l);
	return v;
}

static void sa_lo(struct sockaddr_in *a, int port)
{
	memset(a, 0, sizeof(*a));
	a->sin_family = AF_INET;
	a->sin_port = htons(port);
	a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
}

static void write_all(int s, const uint8_t *b, size_t len, const char *what)
{
	ssize_t n;

	while (len) {
		n = write(s, b, len);
		if (n <= 0)
			zdtm_fail("%s: write", what);
		b += n;
		len -= n;
	}
}

static void read_exact(int s, size_t len, uint8_t (*pat)(size_t), const char *what)
{
	uint8_t buf[4096];
	size_t got = 0, i;
	ssize_t n;

	while (got < len) {
		n = read(s, buf, len - got < sizeof(buf) ? len - got : sizeof(buf));
		if (n <= 0)
			zdtm_fail("%s: read after %zu of %zu bytes", what, got, len);
		for (i = 0; i < (size_t)n; i++)
			if (buf[i] != pat(got + i))
				zdtm_fail("%s: byte %zu is %u, expected %u", what, got + i, buf[i],
					  pat(got + i));
		got += n;
	}
}

static void set_block(int s, bool block)
{
	int fl = fcntl(s, F_GETFL);

	if (fcntl(s, F_SETFL, block ? fl & ~O_NONBLOCK : fl | O_NONBLOCK))
		zdtm_fail("fcntl");
}

/* Wait until @len bytes are in @s's receive queue, unread. */
static void wait_inq(int s, int len)
{
	int i, q = 0;

	for (i = 0; i < 1000; i++) {
		if (ioctl(s, SIOCINQ, &q))
			zdtm_fail("SIOCINQ");
		if (q >= len)
			return;
		usleep(10000);
	}
	zdtm_fail("only %d of %d bytes arrived", q, len);
}

/* Write pattern B until the send queue is full (the peer does not read). */
static size_t fill(int s)
{
	uint8_t buf[4096];
	size_t sent = 0, i;
	int idle = 0;
	ssize_t n;

	set_block(s, false);
	while (idle < 20) {
		for (i = 0; i < sizeof(buf); i++)
			buf[i] = pat_b(sent + i);
		n = write(s, buf, sizeof(buf));
		if (n > 0) {
			sent += n;
			idle = 0;
			continue;
		}
		if (errno != EAGAIN)
			zdtm_fail("fill: write");
		/* The peer's window may still open a little: until it stays shut. */
		usleep(10000);
		idle++;
	}
	return sent;
}

static void tail(int s, size_t sent)
{
	uint8_t buf[TAIL_LEN];
	size_t i;

	for (i = 0; i < sizeof(buf); i++)
		buf[i] = pat_b(sent + i);
	write_all(s, buf, sizeof(buf), "tail");
}

/* The peer's answer after the client shut its side: "OK <count>". */
static void expect_ok(int s, size_t total)
{
	char buf[64] = "";
	size_t got = 0;
	ssize_t n;
	unsigned long v;

	while (got < sizeof(buf) - 1 && (n = read(s, buf + got, sizeof(buf) - 1 - got)) > 0) {
		got += n;
		/* A trickling server's bytes come first. */
		while (got && buf[0] == 't')
			memmove(buf, buf + 1, --got);
	}
	buf[got] = '\0';
	if (sscanf(buf, "OK %lu", &v) != 1 || v != total)
		zdtm_fail("the peer answered '%s', expected OK %zu", buf, total);
}

/* Read pattern B to the end, then answer with the count. */
static int drain(int s, char *why, size_t len)
{
	uint8_t buf[4096];
	size_t got = 0, i;
	char ok[32];
	ssize_t n;

	for (;;) {
		n = read(s, buf, sizeof(buf));
		if (n < 0) {
			snprintf(why, len, "read after %zu bytes: %s", got, strerror(errno));
			return -1;
		}
		if (!n)
			break;
		for (i = 0; i < (size_t)n; i++)
			if (buf[i] != pat_b(got + i)) {
				snprintf(why, len, "byte %zu is %u", got + i, buf[i]);
				return -1;
			}
		got += n;
	}
	snprintf(ok, sizeof(ok), "OK %zu", got);
	if (write(s, ok, strlen(ok)) != (ssize_t)strlen(ok)) {
		snprintf(why, len, "answer: %s", strerror(errno));
		return -1;
	}
	snprintf(why, len, "%zu", got);
	return 0;
}

static void send_in(int s)
{
	uint8_t buf[IN_LEN];
	size_t i;

	for (i = 0; i < sizeof(buf); i++)
		buf[i] = pat_a(i);
	write_all(s, buf, sizeof(buf), "send");
}

static volatile sig_atomic_t go, start, again;

static void on_usr1(int sig)
{
	if (sig == SIGUSR2)
		start = again = 1;
	else
		go = 1;
}

static int run_server(bool trickle)
{
	struct sockaddr_in a;
	socklen_t l = sizeof(a);
	sigset_t none, usr1;
	char why[128], tbuf[500];
	size_t i;
	int ls, s;

	signal(SIGUSR1, on_usr1);
	signal(SIGUSR2, on_usr1);
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigaddset(&usr1, SIGUSR2);
	sigprocmask(SIG_BLOCK, &usr1, NULL);
	ls = socket(AF_INET, SOCK_STREAM, 0);
	/* Small: the client's bytes soon wait in the client's send queue. */
	set_int(ls, SOL_SOCKET, SO_RCVBUF, 4096);
	sa_lo(&a, 0);
	if (ls < 0 || bind(ls, (struct sockaddr *)&a, sizeof(a)) || listen(ls, 1) ||
	    getsockname(ls, (struct sockaddr *)&a, &l))
		zdtm_fail("server: listen");
	printf("PORT %d\n", ntohs(a.sin_port));
	fflush(stdout);
	s = accept(ls, NULL, NULL);
	if (s < 0)
		zdtm_fail("server: accept");
	send_in(s);
	printf("SENT\n");
	fflush(stdout);
	sigemptyset(&none);
	/*
	 * trickle: from SIGUSR2 (sent just before the dump: the client's
	 * receive buffer is not full by then) 500 bytes every 200 us.
	 */
	if (trickle)
		set_int(s, IPPROTO_TCP, TCP_NODELAY, 1);
	while (trickle && !go && !start)
		sigsuspend(&none);
	memset(tbuf, 't', sizeof(tbuf));
	/* Up to 3 MiB a SIGUSR2: the client's 4 MiB window never shuts. */
	for (i = 0; trickle && !go; i++) {
		/* Each SIGUSR2 starts another 3 MiB; between them, wait. */
		if (again)
			i = again = 0;
		if (i >= (3 << 20) / sizeof(tbuf)) {
			sigsuspend(&none);
			continue;
		}
		/* Not single bytes: their overhead would shut the client's window. */
		if (write(s, tbuf, sizeof(tbuf)) != sizeof(tbuf))
			zdtm_fail("server: trickle");
		sigprocmask(SIG_UNBLOCK, &usr1, NULL);
		usleep(200);
		sigprocmask(SIG_BLOCK, &usr1, NULL);
	}
	while (!go)
		sigsuspend(&none);
	if (drain(s, why, sizeof(why))) {
		printf("SERVER FAIL: %s\n", why);
		return 1;
	}
	printf("SERVER PASS %s\n", why);
	return 0;
}

static int run_ext(int port)
{
	struct sockaddr_in a;
	size_t sent;
	int s;

	s = socket(AF_INET, SOCK_STREAM, 0);
	/* Room (and a window) for a trickling server's bytes however long a dump takes. */
	set_int(s, SOL_SOCKET, SO_RCVBUF, 4 << 20);
	sa_lo(&a, port);
	if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof(a)))
		zdtm_fail("connect to %d", port);
	wait_inq(s, IN_LEN);
	sent = fill(s);
	printf("FILLED %zu\n", sent);
	zdtm_ready();
	zdtm_wait_term();
	set_block(s, true);
	read_exact(s, IN_LEN, pat_a, "client");
	tail(s, sent);
	if (shutdown(s, SHUT_WR))
		zdtm_fail("shutdown");
	expect_ok(s, sent + TAIL_LEN);
	return zdtm_pass();
}

static int run_pair(bool high)
{
	struct sockaddr_in a;
	socklen_t l = sizeof(a);
	int ls, c, p, c2, p2;
	struct pollfd pf;
	char why[128];
	size_t sent;
	pid_t kid;

	ls = socket(AF_INET, SOCK_STREAM, 0);
	set_int(ls, SOL_SOCKET, SO_RCVBUF, 4096);
	sa_lo(&a, 0);
	if (ls < 0 || bind(ls, (struct sockaddr *)&a, sizeof(a)) || listen(ls, 4) ||
	    getsockname(ls, (struct sockaddr *)&a, &l))
		zdtm_fail("listen");
	c = socket(AF_INET, SOCK_STREAM, 0);
	if (c < 0 || connect(c, (struct sockaddr *)&a, sizeof(a)))
		zdtm_fail("connect");
	p = accept(ls, NULL, NULL);
	if (p < 0)
		zdtm_fail("accept");
	/* high: the listener after its accepted connection in the fd table. */
	if (high && (dup2(ls, 100) != 100 || close(ls) || (ls = 100) < 0))
		zdtm_fail("dup2");
	send_in(p);
	wait_inq(c, IN_LEN);
	sent = fill(c);
	printf("FILLED %zu\n", sent);
	zdtm_ready();
	zdtm_wait_term();
	set_block(c, true);
	read_exact(c, IN_LEN, pat_a, "client");
	/* The accepted end reads in a child while the client writes its tail. */
	kid = fork();
	if (kid < 0)
		zdtm_fail("fork");
	if (!kid) {
		close(c);
		_exit(drain(p, why, sizeof(why)) ? (printf("FAIL: server end: %s\n", why), 1) : 0);
	}
	close(p);
	tail(c, sent);
	if (shutdown(c, SHUT_WR))
		zdtm_fail("shutdown");
	expect_ok(c, sent + TAIL_LEN);
	/* The listener still takes connections. */
	c2 = socket(AF_INET, SOCK_STREAM, 0);
	if (c2 < 0 || connect(c2, (struct sockaddr *)&a, sizeof(a)))
		zdtm_fail("connect again");
	pf = (struct pollfd){ .fd = ls, .events = POLLIN };
	if (poll(&pf, 1, 5000) != 1 || (p2 = accept(ls, NULL, NULL)) < 0)
		zdtm_fail("accept again");
	if (write(c2, "x", 1) != 1 || read(p2, why, 1) != 1 || why[0] != 'x')
		zdtm_fail("exchange on the new connection");
	return zdtm_pass();
}

/*
 * An IPv6 connection over ::1, both ends in the tree, a few bytes unread
 * each way: its client got its address from connect() (IPV6_V6ONLY off),
 * which a restore binds explicitly.
 */
static int run_pair6(void)
{
	struct sockaddr_in6 a;
	socklen_t l = sizeof(a);
	char buf[8];
	int ls, c, p;

	memset(&a, 0, sizeof(a));
	a.sin6_family = AF_INET6;
	a.sin6_addr = in6addr_loopback;
	ls = socket(AF_INET6, SOCK_STREAM, 0);
	if (ls < 0 || bind(ls, (struct sockaddr *)&a, sizeof(a)) || listen(ls, 4) ||
	    getsockname(ls, (struct sockaddr *)&a, &l))
		zdtm_fail("listen on ::1");
	c = socket(AF_INET6, SOCK_STREAM, 0);
	if (c < 0 || connect(c, (struct sockaddr *)&a, sizeof(a)))
		zdtm_fail("connect to ::1");
	p = accept(ls, NULL, NULL);
	if (p < 0 || write(c, "ping", 4) != 4 || write(p, "pong", 4) != 4)
		zdtm_fail("accept or write");
	zdtm_ready();
	zdtm_wait_term();
	set_block(c, true);
	set_block(p, true);
	if (read(p, buf, 4) != 4 || memcmp(buf, "ping", 4) || read(c, buf, 4) != 4 ||
	    memcmp(buf, "pong", 4))
		zdtm_fail("the bytes queued before the dump");
	if (write(c, "more", 4) != 4 || read(p, buf, 4) != 4 || memcmp(buf, "more", 4))
		zdtm_fail("an exchange after restore");
	return zdtm_pass();
}

/*
 * A connection reset by its peer: a closed socket that was connected.
 * @pending: its error (ECONNRESET) not read before the dump.
 */
static int run_reset(bool pending)
{
	struct linger lg = { 1, 0 };
	struct sockaddr_in a;
	socklen_t l = sizeof(a);
	int ls, c, p;
	char b;

	ls = socket(AF_INET, SOCK_STREAM, 0);
	sa_lo(&a, 0);
	if (ls < 0 || bind(ls, (struct sockaddr *)&a, sizeof(a)) || listen(ls, 1) ||
	    getsockname(ls, (struct sockaddr *)&a, &l))
		zdtm_fail("listen");
	c = socket(AF_INET, SOCK_STREAM, 0);
	if (c < 0 || connect(c, (struct sockaddr *)&a, sizeof(a)))
		zdtm_fail("connect");
	p = accept(ls, NULL, NULL);
	if (p < 0 || setsockopt(p, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)))
		zdtm_fail("accept");
	close(p);
	usleep(100000);
	if (!pending && (read(c, &b, 1) != -1 || errno != ECONNRESET))
		zdtm_fail("no reset");
	zdtm_ready();
	zdtm_wait_term();
	if (pending && (read(c, &b, 1) != -1 || errno != ECONNRESET))
		zdtm_fail("no reset");
	if (read(c, &b, 1) != 0)
		zdtm_fail("the reset socket reads something");
	return zdtm_pass();
}

/* A connection whose peer closed (CLOSE_WAIT). */
static int run_closewait(void)
{
	struct sockaddr_in a;
	socklen_t l = sizeof(a);
	int ls, c, p;
	char b;

	ls = socket(AF_INET, SOCK_STREAM, 0);
	sa_lo(&a, 0);
	if (ls < 0 || bind(ls, (struct sockaddr *)&a, sizeof(a)) || listen(ls, 1) ||
	    getsockname(ls, (struct sockaddr *)&a, &l))
		zdtm_fail("listen");
	c = socket(AF_INET, SOCK_STREAM, 0);
	if (c < 0 || connect(c, (struct sockaddr *)&a, sizeof(a)))
		zdtm_fail("connect");
	p = accept(ls, NULL, NULL);
	if (p < 0 || write(p, "z", 1) != 1)
		zdtm_fail("accept");
	/*
	 * The closed end lingers in the kernel (FIN_WAIT2) past the dump,
	 * holding the listener's port: a listener restored there would
	 * collide with it; this test is about the other end.
	 */
	close(p);
	close(ls);
	usleep(100000);
	printf("PORTS tcp=%d\n", ntohs(a.sin_port));
	zdtm_ready();
	zdtm_wait_term();
	if (read(c, &b, 1) != 1 || b != 'z' || read(c, &b, 1) != 0)
		zdtm_fail("the byte and the end of the stream");
	return zdtm_pass();
}

struct closed_sk {
	int fd;
	struct sockaddr_storage a;
	socklen_t al;
	int opt[3];	/* SO_REUSEADDR, TCP_NODELAY, IPV6_V6ONLY */
};

static void closed_snap(struct closed_sk *k, struct closed_sk *out)
{
	out->al = sizeof(out->a);
	memset(&out->a, 0, sizeof(out->a));
	if (getsockname(k->fd, (struct sockaddr *)&out->a, &out->al))
		zdtm_fail("getsockname");
	out->opt[0] = get_int(k->fd, SOL_SOCKET, SO_REUSEADDR);
	out->opt[1] = get_int(k->fd, IPPROTO_TCP, TCP_NODELAY);
	out->opt[2] = get_int(k->fd, IPPROTO_IPV6, IPV6_V6ONLY);
}

static int run_closed(void)
{
	struct closed_sk k[3], now;
	struct sockaddr_in6 a6;
	struct sockaddr_in a;
	int i, p;

	k[0].fd = socket(AF_INET, SOCK_STREAM, 0);
	k[1].fd = socket(AF_INET, SOCK_STREAM, 0);
	k[2].fd = socket(AF_INET6, SOCK_STREAM, 0);
	if (k[0].fd < 0 || k[1].fd < 0 || k[2].fd < 0)
		zdtm_fail("socket");
	set_int(k[1].fd, SOL_SOCKET, SO_REUSEADDR, 1);
	set_int(k[1].fd, IPPROTO_TCP, TCP_NODELAY, 1);
	sa_lo(&a, 0);
	if (bind(k[1].fd, (struct sockaddr *)&a, sizeof(a)))
		zdtm_fail("bind");
	set_int(k[2].fd, IPPROTO_IPV6, IPV6_V6ONLY, 1);
	memset(&a6, 0, sizeof(a6));
	a6.sin6_family = AF_INET6;
	a6.sin6_addr = in6addr_loopback;
	if (bind(k[2].fd, (struct sockaddr *)&a6, sizeof(a6)))
		zdtm_fail("bind6");
	for (i = 0; i < 3; i++)
		closed_snap(&k[i], &k[i]);
	printf("PORTS tcp=%d tcp6=%d\n", ntohs(((struct sockaddr_in *)&k[1].a)->sin_port),
	       ntohs(((struct sockaddr_in6 *)&k[2].a)->sin6_port));
	zdtm_ready();
	zdtm_wait_term();
	for (i = 0; i < 3; i++) {
		closed_snap(&k[i], &now);
		if (now.al != k[i].al || memcmp(&now.a, &k[i].a, now.al))
			zdtm_fail("socket %d: another local address", i);
		if (memcmp(now.opt, k[i].opt, sizeof(now.opt)))
			zdtm_fail("socket %d: options %d %d %d, were %d %d %d", i, now.opt[0],
				  now.opt[1], now.opt[2], k[i].opt[0], k[i].opt[1], k[i].opt[2]);
		if (get_int(k[i].fd, SOL_SOCKET, SO_ACCEPTCONN) != 0)
			zdtm_fail("socket %d listens", i);
	}
	/* Real sockets still: the bound ones listen, the unbound one connects. */
	if (listen(k[1].fd, 1) || listen(k[2].fd, 1))
		zdtm_fail("listen");
	if (connect(k[0].fd, (struct sockaddr *)&k[1].a, k[1].al))
		zdtm_fail("connect");
	p = accept(k[1].fd, NULL, NULL);
	if (p < 0 || write(k[0].fd, "y", 1) != 1 || read(p, &i, 1) != 1)
		zdtm_fail("exchange");
	return zdtm_pass();
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	zdtm_init();
	if (!strcmp(mode, "server"))
		return run_server(argc > 2 && !strcmp(argv[2], "trickle"));
	if (!strcmp(mode, "ext") && argc > 2)
		return run_ext(atoi(argv[2]));
	if (!strcmp(mode, "pair6"))
		return run_pair6();
	if (!strcmp(mode, "pair") || !strcmp(mode, "pairhigh"))
		return run_pair(!strcmp(mode, "pairhigh"));
	if (!strcmp(mode, "closed"))
		return run_closed();
	if (!strcmp(mode, "closewait"))
		return run_closewait();
	if (!strcmp(mode, "reset") || !strcmp(mode, "resetpending"))
		return run_reset(!strcmp(mode, "resetpending"));
	fprintf(stderr, "usage: zdtm_tcp closed|pair|pairhigh|closewait|reset|resetpending|ext PORT|server [trickle]\n");
	return 2;
}
