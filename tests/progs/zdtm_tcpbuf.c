// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_tcpbuf MODE - TCP connections with full buffers across a
 * checkpoint/restore: what they send with afterwards.
 *
 * mss: two connections over loopback with both ends in this process, one
 *   IPv4 (its receive buffer set by the program, its send queue full),
 *   one IPv6 (left to the kernel's sizes), a few hundred kilobytes unread
 *   each way. Before READY the program prints each end's TCP_MAXSEG (the
 *   MSS it sends with). After SIGTERM: no end gives a smaller TCP_MAXSEG
 *   than before (the kernel raises it when the peer offers a larger
 *   window; TCP repair alone leaves 524 bytes: with small segments a
 *   receiver runs out of buffer inside the window it offered, and the
 *   connection can stall for ever), then both connections carry 8 MiB
 *   each way, every byte checked, within 20 s.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <time.h>

#include "zdtm.h"

#define UNREAD (300 * 1024)
#define FLOW (8u << 20)

struct end {
	int s;
	int mss;
	uint64_t wr, rd;	/* bytes written, read (the pattern's position) */
	uint64_t wr_goal, rd_goal;
};

static uint8_t pat(uint64_t i, int dir)
{
	return (uint8_t)((i * (dir ? 13 : 7) + dir) % 251);
}

static int get_int(int s, int level, int opt)
{
	socklen_t l = sizeof(int);
	int v = -1;

	if (getsockopt(s, level, opt, &v, &l))
		return -1;
	return v;
}

static void set_nonblock(int s)
{
	if (fcntl(s, F_SETFL, fcntl(s, F_GETFL) | O_NONBLOCK))
		zdtm_fail("O_NONBLOCK");
}

/* A connected pair over loopback of @family: *@c the client, *@p the accepted end. */
static void pair(int family, int *c, int *p)
{
	struct sockaddr_storage a;
	socklen_t l = sizeof(a);
	int ls;

	memset(&a, 0, sizeof(a));
	a.ss_family = family;
	if (family == AF_INET)
		((struct sockaddr_in *)&a)->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	else
		((struct sockaddr_in6 *)&a)->sin6_addr = in6addr_loopback;
	ls = socket(family, SOCK_STREAM, 0);
	if (ls < 0 || bind(ls, (struct sockaddr *)&a, family == AF_INET ?
			   sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6)) ||
	    listen(ls, 1) || getsockname(ls, (struct sockaddr *)&a, &l))
		zdtm_fail("listen");
	*c = socket(family, SOCK_STREAM, 0);
	if (*c < 0 || connect(*c, (struct sockaddr *)&a, l))
		zdtm_fail("connect");
	*p = accept(ls, NULL, NULL);
	if (*p < 0)
		zdtm_fail("accept");
	close(ls);
	set_nonblock(*c);
	set_nonblock(*p);
}

/* Write @e's pattern (direction @dir) until @e->wr_goal or EAGAIN. */
static void push(struct end *e, int dir)
{
	uint8_t b[65536];
	size_t n, i;
	ssize_t w;

	while (e->wr < e->wr_goal) {
		n = e->wr_goal - e->wr < sizeof(b) ? e->wr_goal - e->wr : sizeof(b);
		for (i = 0; i < n; i++)
			b[i] = pat(e->wr + i, dir);
		w = send(e->s, b, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EAGAIN)
			return;
		if (w <= 0)
			zdtm_fail("send");
		e->wr += w;
	}
}

/* Read what arrived at @e (the other end's direction @dir), checking it, up to rd_goal. */
static void pull(struct end *e, int dir)
{
	uint8_t b[65536];
	size_t n, i;
	ssize_t r;

	while (e->rd < e->rd_goal) {
		n = e->rd_goal - e->rd < sizeof(b) ? e->rd_goal - e->rd : sizeof(b);
		r = recv(e->s, b, n, 0);
		if (r < 0 && errno == EAGAIN)
			return;
		if (r <= 0)
			zdtm_fail("recv (%zd) after %llu bytes", r, (unsigned long long)e->rd);
		for (i = 0; i < (size_t)r; i++)
			if (b[i] != pat(e->rd + i, dir))
				zdtm_fail("byte %llu differs", (unsigned long long)(e->rd + i));
		e->rd += r;
	}
}

/* Move bytes both ways until every end reached its goals; 0 or -1 after @secs. */
static int flow(struct end *e, size_t n, int secs)
{
	struct pollfd pf[4];
	time_t end = time(NULL) + secs;
	size_t i;
	bool done;

	for (;;) {
		done = true;
		for (i = 0; i < n; i++) {
			/* Ends 0 and 1 (2 and 3) are one connection: direction i & 1. */
			push(&e[i], i & 1);
			pull(&e[i], !(i & 1));
			done = done && e[i].wr == e[i].wr_goal && e[i].rd == e[i].rd_goal;
			pf[i] = (struct pollfd){ .fd = e[i].s,
						 .events = (e[i].wr < e[i].wr_goal ? POLLOUT : 0) |
							   (e[i].rd < e[i].rd_goal ? POLLIN : 0) };
		}
		if (done)
			return 0;
		if (time(NULL) > end)
			return -1;
		poll(pf, n, 200);
	}
}

static int run_mss(void)
{
	struct end e[4];
	int i, mss;

	memset(e, 0, sizeof(e));
	pair(AF_INET, &e[0].s, &e[1].s);
	pair(AF_INET6, &e[2].s, &e[3].s);
	/* The IPv4 receiver's buffer as zdtm's socket-tcpbuf sets it. */
	i = 4 << 20;
	if (setsockopt(e[1].s, SOL_SOCKET, SO_RCVBUF, &i, sizeof(i)))
		zdtm_fail("SO_RCVBUF");
	/* Some traffic both ways (the windows grow), then bytes left unread. */
	for (i = 0; i < 4; i++)
		e[i].wr_goal = e[i ^ 1].rd_goal = FLOW / 4;
	if (flow(e, 4, 20))
		zdtm_fail("the first exchange did not complete");
	for (i = 0; i < 4; i++)
		e[i].wr_goal += UNREAD;
	/* The IPv4 client writes until its send queue is full. */
	e[0].wr_goal = UINT64_MAX;
	for (i = 0; i < 4; i++)
		push(&e[i], i & 1);
	for (i = 0; i < 4; i++) {
		e[i].mss = get_int(e[i].s, IPPROTO_TCP, TCP_MAXSEG);
		printf("MSS %d %d\n", i, e[i].mss);
	}
	e[0].wr_goal = e[0].wr;
	zdtm_ready();
	zdtm_wait_term();
	for (i = 0; i < 4; i++) {
		mss = get_int(e[i].s, IPPROTO_TCP, TCP_MAXSEG);
		/* The kernel may raise it when the peer offers a larger window. */
		if (mss < e[i].mss)
			zdtm_fail("end %d: TCP_MAXSEG %d, %d before the dump", i, mss, e[i].mss);
	}
	for (i = 0; i < 4; i++) {
		e[i].wr_goal += FLOW;
		e[i ^ 1].rd_goal = e[i].wr_goal;
	}
	if (flow(e, 4, 20))
		zdtm_fail("the exchange after restore stalled: %llu/%llu %llu/%llu %llu/%llu %llu/%llu bytes read",
			  (unsigned long long)e[0].rd, (unsigned long long)e[0].rd_goal,
			  (unsigned long long)e[1].rd, (unsigned long long)e[1].rd_goal,
			  (unsigned long long)e[2].rd, (unsigned long long)e[2].rd_goal,
			  (unsigned long long)e[3].rd, (unsigned long long)e[3].rd_goal);
	return zdtm_pass();
}

int main(int argc, char **argv)
{
	zdtm_init();
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1 && !strcmp(argv[1], "mss"))
		return run_mss();
	fprintf(stderr, "usage: zdtm_tcpbuf mss\n");
	return 2;
}
