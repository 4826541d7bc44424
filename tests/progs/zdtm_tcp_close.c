// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_tcp_close MODE - TCP connections half or fully closed across a
 * checkpoint/restore.
 *
 * local 4|6: five connections over 127.0.0.1 or [::1], both ends in this
 *   process. Before READY each is in its state; after SIGTERM the states
 *   are the same (TCP_INFO) and the connections behave:
 *   - halfclose: the client wrote HC_LEN bytes and shut down writing
 *     (FIN_WAIT2); the server end (CLOSE_WAIT) reads them and the end of
 *     the stream, still sends HC_BACK bytes the client reads, while the
 *     client's own writes fail with EPIPE;
 *   - finwait1: the client filled its send queue, then shut down writing:
 *     its FIN is queued behind the bytes the server never read
 *     (FIN_WAIT1); the server reads every byte, then the end;
 *   - lastack: the server end filled its send queue, the client shut down
 *     writing, then the server end too (LAST_ACK, its FIN unsent); the
 *     client (FIN_WAIT2) reads every byte, then the end;
 *   - closing: the server end filled its send queue and shut down writing
 *     (FIN_WAIT1), then the client's FIN came (CLOSING); the client reads
 *     every byte and the end, the server end reads the end;
 *   - shutrd: the client shut down reading with bytes queued; it reads them
 *     and then the end of the stream at once, and still sends;
 *   - closed: both ends shut down writing, the client's bytes unread: both
 *     sockets closed (CLOSE); the server end reads the bytes and the end,
 *     the client the end, neither can write, both still name their peer
 *     (SO_PEERNAME) and themselves as before.
 * ext PORT: two connections to "zdtm_tcp_close server" on 127.0.0.1:PORT:
 *   the server shut down writing on the first (CLOSE_WAIT here, the
 *   server's bytes unread), this end on the second (FIN_WAIT2, the server
 *   reads nothing). After SIGTERM: the first
 *   reads the bytes and the end, then writes EXT_BACK bytes; the second
 *   reads what the server sent after the restore, then the end.
 * reuseport: two listeners on one port through SO_REUSEPORT, the first
 *   turned the flag off after listening. After SIGTERM: the flags as
 *   they were, and the two accept the port's connections.
 * server: prints "PORT n", accepts both, does its part, then reads what
 *   the restored client sends on the first to its end, the second's
 *   bytes and end, and answers on the second; checks every byte; prints
 *   "SERVER PASS" or "FAIL: why".
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "zdtm.h"

#define HC_LEN 1000
#define HC_BACK 3000
#define SHUTRD_LEN 100
#define EXT_IN 2000
#define EXT_BACK 4000
#define EXT_TAIL 1500
#define RP_CONNS 16

enum { ST_ESTABLISHED = 1, ST_FIN_WAIT1 = 4, ST_FIN_WAIT2 = 5, ST_CLOSE = 7, ST_CLOSE_WAIT = 8,
       ST_LAST_ACK = 9, ST_CLOSING = 11 };

static uint8_t pat_a(size_t i)
{
	return (uint8_t)(i % 251);
}

static uint8_t pat_b(size_t i)
{
	return (uint8_t)((i * 7 + 3) % 253);
}

static void set_nonblock(int s)
{
	if (fcntl(s, F_SETFL, fcntl(s, F_GETFL) | O_NONBLOCK))
		zdtm_fail("fcntl");
}

static int state(int s)
{
	struct tcp_info ti;
	socklen_t l = sizeof(ti);

	memset(&ti, 0, sizeof(ti));
	if (getsockopt(s, IPPROTO_TCP, TCP_INFO, &ti, &l))
		return -1;
	return ti.tcpi_state;
}

/* Wait (2 s at most) until @s is in state @want. */
static void wait_state(int s, int want, const char *what)
{
	int i;

	for (i = 0; i < 200 && state(s) != want; i++)
		usleep(10000);
	if (state(s) != want)
		zdtm_fail("%s: state %d, expected %d", what, state(s), want);
}

static void write_pat(int s, size_t len, uint8_t (*pat)(size_t), const char *what)
{
	uint8_t buf[4096];
	size_t off = 0, i, n;
	ssize_t w;

	while (off < len) {
		n = len - off < sizeof(buf) ? len - off : sizeof(buf);
		for (i = 0; i < n; i++)
			buf[i] = pat(off + i);
		w = write(s, buf, n);
		if (w <= 0)
			zdtm_fail("%s: write", what);
		off += w;
	}
}

/* Non-blocking writes of @pat until the send queue is full: how many. */
static size_t fill(int s, uint8_t (*pat)(size_t))
{
	uint8_t buf[4096];
	size_t off = 0, i;
	ssize_t w;

	for (;;) {
		for (i = 0; i < sizeof(buf); i++)
			buf[i] = pat(off + i);
		w = send(s, buf, sizeof(buf), MSG_DONTWAIT);
		if (w < 0 && errno == EAGAIN)
			return off;
		if (w <= 0)
			zdtm_fail("fill");
		off += w;
	}
}

/* Read exactly @len bytes of @pat, then (if @eof) the end of the stream. */
static void read_pat(int s, size_t len, uint8_t (*pat)(size_t), bool eof, const char *what)
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
	if (eof && (n = read(s, buf, 1)) != 0)
		zdtm_fail("%s: %zd after %zu bytes, expected the end of the stream", what, n, len);
}

static int listener(int family, struct sockaddr_storage *a, socklen_t *al)
{
	int ls = socket(family, SOCK_STREAM, 0);

	memset(a, 0, sizeof(*a));
	a->ss_family = family;
	if (family == AF_INET) {
		((struct sockaddr_in *)a)->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		*al = sizeof(struct sockaddr_in);
	} else {
		((struct sockaddr_in6 *)a)->sin6_addr = in6addr_loopback;
		*al = sizeof(struct sockaddr_in6);
	}
	if (ls < 0 || bind(ls, (struct sockaddr *)a, *al) || listen(ls, 8) ||
	    getsockname(ls, (struct sockaddr *)a, al))
		zdtm_fail("listen");
	return ls;
}

/* A connection to @a: *@c the client end, *@p the accepted one. */
static void pair(int ls, const struct sockaddr_storage *a, socklen_t al, int *c, int *p)
{
	*c = socket(a->ss_family, SOCK_STREAM, 0);
	if (*c < 0 || connect(*c, (const struct sockaddr *)a, al))
		zdtm_fail("connect");
	*p = accept(ls, NULL, NULL);
	if (*p < 0)
		zdtm_fail("accept");
}

/* SO_PEERNAME and getsockname() of @s, the length of each. */
static void names_of(int s, struct sockaddr_storage n[2])
{
	socklen_t l = n[0].ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) :
							     sizeof(struct sockaddr_in);

	if (getsockopt(s, SOL_SOCKET, SO_PEERNAME, &n[0], &l))
		zdtm_fail("SO_PEERNAME");
	l = sizeof(n[1]);
	if (getsockname(s, (struct sockaddr *)&n[1], &l))
		zdtm_fail("getsockname");
}

static int run_local(int family)
{
	int ls, hc_c, hc_p, fw_c, fw_p, la_c, la_p, cl_c, cl_p, rd_c, rd_p, cd_c, cd_p;
	struct sockaddr_storage a, names[2][2], now[2][2];
	size_t fw_len, la_len, cl_len;
	socklen_t al;
	uint8_t b;

	ls = listener(family, &a, &al);
	pair(ls, &a, al, &hc_c, &hc_p);
	pair(ls, &a, al, &fw_c, &fw_p);
	pair(ls, &a, al, &la_c, &la_p);
	pair(ls, &a, al, &cl_c, &cl_p);
	pair(ls, &a, al, &rd_c, &rd_p);
	pair(ls, &a, al, &cd_c, &cd_p);

	write_pat(hc_c, HC_LEN, pat_a, "halfclose");
	if (shutdown(hc_c, SHUT_WR))
		zdtm_fail("halfclose: shutdown");
	wait_state(hc_c, ST_FIN_WAIT2, "halfclose client");
	wait_state(hc_p, ST_CLOSE_WAIT, "halfclose server");

	fw_len = fill(fw_c, pat_a);
	if (shutdown(fw_c, SHUT_WR))
		zdtm_fail("finwait1: shutdown");
	wait_state(fw_c, ST_FIN_WAIT1, "finwait1 client");

	la_len = fill(la_p, pat_a);
	if (shutdown(la_c, SHUT_WR))
		zdtm_fail("lastack: client shutdown");
	wait_state(la_p, ST_CLOSE_WAIT, "lastack server");
	if (shutdown(la_p, SHUT_WR))
		zdtm_fail("lastack: server shutdown");
	wait_state(la_p, ST_LAST_ACK, "lastack server");
	wait_state(la_c, ST_FIN_WAIT2, "lastack client");

	cl_len = fill(cl_p, pat_b);
	if (shutdown(cl_p, SHUT_WR))
		zdtm_fail("closing: server shutdown");
	if (shutdown(cl_c, SHUT_WR))
		zdtm_fail("closing: client shutdown");
	wait_state(cl_p, ST_CLOSING, "closing server");
	wait_state(cl_c, ST_FIN_WAIT2, "closing client");

	write_pat(rd_p, SHUTRD_LEN, pat_b, "shutrd");
	usleep(50000);
	if (shutdown(rd_c, SHUT_RD))
		zdtm_fail("shutrd: shutdown");

	write_pat(cd_c, SHUTRD_LEN, pat_a, "closed");
	if (shutdown(cd_c, SHUT_WR) || shutdown(cd_p, SHUT_WR))
		zdtm_fail("closed: shutdown");
	wait_state(cd_c, ST_CLOSE, "closed client");
	wait_state(cd_p, ST_CLOSE, "closed server");
	memset(names, 0, sizeof(names));
	names[0][0].ss_family = names[1][0].ss_family = family;
	names_of(cd_c, names[0]);
	names_of(cd_p, names[1]);

	printf("FILLED %zu %zu %zu\n", fw_len, la_len, cl_len);
	zdtm_ready();
	zdtm_wait_term();

	/* The states as they were, before either end does anything. */
	if (state(hc_c) != ST_FIN_WAIT2 || state(hc_p) != ST_CLOSE_WAIT ||
	    state(fw_c) != ST_FIN_WAIT1 || state(fw_p) != ST_ESTABLISHED ||
	    state(la_c) != ST_FIN_WAIT2 || state(la_p) != ST_LAST_ACK ||
	    state(cl_c) != ST_FIN_WAIT2 || state(cl_p) != ST_CLOSING ||
	    state(rd_c) != ST_ESTABLISHED || state(cd_c) != ST_CLOSE || state(cd_p) != ST_CLOSE)
		zdtm_fail("states %d %d, %d %d, %d %d, %d %d, %d, %d %d after restore", state(hc_c),
			  state(hc_p), state(fw_c), state(fw_p), state(la_c), state(la_p),
			  state(cl_c), state(cl_p), state(rd_c), state(cd_c), state(cd_p));

	read_pat(hc_p, HC_LEN, pat_a, true, "halfclose server");
	write_pat(hc_p, HC_BACK, pat_b, "halfclose server");
	read_pat(hc_c, HC_BACK, pat_b, false, "halfclose client");
	if (send(hc_c, "x", 1, MSG_NOSIGNAL) != -1 || errno != EPIPE)
		zdtm_fail("halfclose: the client could still write");
	close(hc_p);
	read_pat(hc_c, 0, pat_b, true, "halfclose client");

	read_pat(fw_p, fw_len, pat_a, true, "finwait1 server");
	write_pat(fw_p, HC_LEN, pat_b, "finwait1 server");
	read_pat(fw_c, HC_LEN, pat_b, false, "finwait1 client");

	read_pat(la_c, la_len, pat_a, true, "lastack client");
	read_pat(la_p, 0, pat_a, true, "lastack server");

	read_pat(cl_c, cl_len, pat_b, true, "closing client");
	read_pat(cl_p, 0, pat_a, true, "closing server");

	read_pat(rd_c, SHUTRD_LEN, pat_b, false, "shutrd client");
	if (recv(rd_c, &b, 1, MSG_DONTWAIT) != 0)
		zdtm_fail("shutrd: reading was not shut down");
	write_pat(rd_c, SHUTRD_LEN, pat_a, "shutrd client");
	read_pat(rd_p, SHUTRD_LEN, pat_a, false, "shutrd server");

	memset(now, 0, sizeof(now));
	now[0][0].ss_family = now[1][0].ss_family = family;
	names_of(cd_c, now[0]);
	names_of(cd_p, now[1]);
	if (memcmp(names, now, sizeof(names)))
		zdtm_fail("closed: the names changed");
	read_pat(cd_p, SHUTRD_LEN, pat_a, true, "closed server");
	read_pat(cd_c, 0, pat_a, true, "closed client");
	if (send(cd_c, "x", 1, MSG_NOSIGNAL) != -1 || errno != EPIPE ||
	    send(cd_p, "x", 1, MSG_NOSIGNAL) != -1 || errno != EPIPE)
		zdtm_fail("closed: a write did not fail with EPIPE");
	return zdtm_pass();
}

static int get_int(int s, int level, int opt)
{
	socklen_t l = sizeof(int);
	int v = -1;

	getsockopt(s, level, opt, &v, &l);
	return v;
}

static int reuseport_listener(int port)
{
	struct sockaddr_in a;
	int s = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons(port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (s < 0 || setsockopt(s, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)))
		return -1;
	if (bind(s, (struct sockaddr *)&a, sizeof(a)) || listen(s, 16)) {
		close(s);
		return -1;
	}
	return s;
}

/*
 * reuseport: two listeners share a port through SO_REUSEPORT, the first
 * cleared the flag afterwards. After SIGTERM: the flags as they were,
 * and connections to the port are accepted by the two.
 */
static int run_reuseport(void)
{
	struct sockaddr_in a;
	socklen_t l = sizeof(a);
	int l1, l2, i, c[RP_CONNS], got = 0, zero = 0;

	l1 = reuseport_listener(0);
	if (l1 < 0 || getsockname(l1, (struct sockaddr *)&a, &l))
		zdtm_fail("listener 1");
	l2 = reuseport_listener(ntohs(a.sin_port));
	if (l2 < 0)
		zdtm_fail("listener 2");
	if (setsockopt(l1, SOL_SOCKET, SO_REUSEPORT, &zero, sizeof(zero)))
		zdtm_fail("SO_REUSEPORT off");
	zdtm_ready();
	zdtm_wait_term();
	if (get_int(l1, SOL_SOCKET, SO_REUSEPORT) != 0 || get_int(l2, SOL_SOCKET, SO_REUSEPORT) != 1)
		zdtm_fail("SO_REUSEPORT %d %d after restore", get_int(l1, SOL_SOCKET, SO_REUSEPORT),
			  get_int(l2, SOL_SOCKET, SO_REUSEPORT));
	for (i = 0; i < RP_CONNS; i++) {
		c[i] = socket(AF_INET, SOCK_STREAM, 0);
		if (c[i] < 0 || connect(c[i], (struct sockaddr *)&a, sizeof(a)))
			zdtm_fail("connect %d", i);
	}
	set_nonblock(l1);
	set_nonblock(l2);
	for (i = 0; i < 2 * RP_CONNS; i++) {
		int p1 = accept(l1, NULL, NULL), p2 = accept(l2, NULL, NULL);

		got += (p1 >= 0) + (p2 >= 0);
		if (got == RP_CONNS)
			break;
		usleep(1000);
	}
	if (got != RP_CONNS)
		zdtm_fail("%d of %d connections accepted", got, RP_CONNS);
	return zdtm_pass();
}

static void sa_lo(struct sockaddr_in *a, int port)
{
	memset(a, 0, sizeof(*a));
	a->sin_family = AF_INET;
	a->sin_port = htons(port);
	a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
}

static int run_ext(int port)
{
	struct sockaddr_in a;
	int k1, k2;

	sa_lo(&a, port);
	k1 = socket(AF_INET, SOCK_STREAM, 0);
	if (k1 < 0 || connect(k1, (struct sockaddr *)&a, sizeof(a)))
		zdtm_fail("connect 1");
	k2 = socket(AF_INET, SOCK_STREAM, 0);
	if (k2 < 0 || connect(k2, (struct sockaddr *)&a, sizeof(a)))
		zdtm_fail("connect 2");
	write_pat(k2, HC_LEN, pat_b, "ext 2");
	if (shutdown(k2, SHUT_WR))
		zdtm_fail("ext 2: shutdown");
	wait_state(k1, ST_CLOSE_WAIT, "ext 1");
	wait_state(k2, ST_FIN_WAIT2, "ext 2");
	zdtm_ready();
	zdtm_wait_term();
	if (state(k1) != ST_CLOSE_WAIT || state(k2) != ST_FIN_WAIT2)
		zdtm_fail("states %d %d after restore", state(k1), state(k2));
	read_pat(k1, EXT_IN, pat_a, true, "ext 1");
	write_pat(k1, EXT_BACK, pat_b, "ext 1");
	close(k1);
	read_pat(k2, EXT_TAIL, pat_a, true, "ext 2");
	return zdtm_pass();
}

static int run_server(void)
{
	struct sockaddr_in a;
	socklen_t l = sizeof(a);
	int ls, k1, k2;

	ls = socket(AF_INET, SOCK_STREAM, 0);
	sa_lo(&a, 0);
	if (ls < 0 || bind(ls, (struct sockaddr *)&a, sizeof(a)) || listen(ls, 2) ||
	    getsockname(ls, (struct sockaddr *)&a, &l))
		zdtm_fail("server: listen");
	printf("PORT %d\n", ntohs(a.sin_port));
	fflush(stdout);
	k1 = accept(ls, NULL, NULL);
	k2 = accept(ls, NULL, NULL);
	if (k1 < 0 || k2 < 0)
		zdtm_fail("server: accept");
	write_pat(k1, EXT_IN, pat_a, "server 1");
	if (shutdown(k1, SHUT_WR))
		zdtm_fail("server 1: shutdown");
	/* What the restored client writes first, then its end (FIN_WAIT2) still receives. */
	read_pat(k1, EXT_BACK, pat_b, true, "server 1");
	read_pat(k2, HC_LEN, pat_b, true, "server 2");
	write_pat(k2, EXT_TAIL, pat_a, "server 2");
	close(k2);
	printf("SERVER PASS\n");
	return 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(mode, "server"))
		return run_server();
	zdtm_init();
	if (!strcmp(mode, "local") && argc > 2)
		return run_local(!strcmp(argv[2], "6") ? AF_INET6 : AF_INET);
	if (!strcmp(mode, "ext") && argc > 2)
		return run_ext(atoi(argv[2]));
	if (!strcmp(mode, "reuseport"))
		return run_reuseport();
	fprintf(stderr, "usage: zdtm_tcp_close local 4|6|ext PORT|reuseport|server\n");
	return 2;
}
