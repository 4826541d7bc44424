// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_tcpwin - a TCP connection whose receive window is closed, to a
 * peer outside the tree that still has bytes to send.
 *
 * server: listens on 127.0.0.1 (prints "PORT n"), accepts one connection,
 *   writes a pattern (byte i is i % 251) without blocking until nothing
 *   more fits (the client's receive window closed, its own send queue
 *   full), prints "FILLED n", closes the socket (the kernel goes on
 *   sending what is queued, and probing the window) and exits.
 * client PORT: connects, never reads, prints READY once its receive
 *   queue stopped growing. After SIGTERM it reads to the end of the
 *   stream and checks every byte: a reset fails it.
 * server6, client6 PORT: the same over IPv6 (::1).
 */
#include <fcntl.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "zdtm.h"

/* The loopback address of @v6's family, port @port. */
static socklen_t lo(struct sockaddr_in6 *a6, bool v6, int port)
{
	struct sockaddr_in *a = (struct sockaddr_in *)a6;

	memset(a6, 0, sizeof(*a6));
	if (v6) {
		a6->sin6_family = AF_INET6;
		a6->sin6_addr = in6addr_loopback;
		a6->sin6_port = htons(port);
		return sizeof(*a6);
	}
	a->sin_family = AF_INET;
	a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a->sin_port = htons(port);
	return sizeof(*a);
}

static int server(bool v6)
{
	struct sockaddr_in6 a;
	socklen_t al = lo(&a, v6, 0);
	unsigned char buf[65536];
	uint64_t off = 0;
	ssize_t n;
	int l, c, i;

	l = socket(a.sin6_family, SOCK_STREAM, 0);
	if (l < 0 || bind(l, (void *)&a, al) || listen(l, 1) || getsockname(l, (void *)&a, &al))
		zdtm_fail("server: listen");
	/* The port is at the same offset in both families. */
	printf("PORT %d\n", ntohs(a.sin6_port));
	fflush(stdout);
	c = accept(l, NULL, NULL);
	if (c < 0 || fcntl(c, F_SETFL, O_NONBLOCK))
		zdtm_fail("server: accept");
	/* Until nothing fits for a while: the window is closed, the queue full. */
	for (i = 0; i < 50;) {
		size_t k;

		for (k = 0; k < sizeof(buf); k++)
			buf[k] = (unsigned char)((off + k) % 251);
		n = write(c, buf, sizeof(buf));
		if (n > 0) {
			off += n;
			i = 0;
			continue;
		}
		if (errno != EAGAIN)
			zdtm_fail("server: write");
		usleep(10000);
		i++;
	}
	printf("FILLED %llu\n", (unsigned long long)off);
	fflush(stdout);
	close(c);
	return 0;
}

static int client(bool v6, int port)
{
	struct sockaddr_in6 a;
	socklen_t al = lo(&a, v6, port);
	unsigned char buf[65536];
	uint64_t off = 0;
	int s, q = -1, last = -2, i;
	ssize_t n;

	zdtm_init();
	s = socket(a.sin6_family, SOCK_STREAM, 0);
	if (s < 0 || connect(s, (void *)&a, al))
		zdtm_fail("client: connect");
	/* READY once the queue stopped growing (the window is closed). */
	for (i = 0; i < 2000 && (q != last || q <= 0); i++) {
		last = q;
		usleep(20000);
		if (ioctl(s, FIONREAD, &q))
			zdtm_fail("client: FIONREAD");
	}
	zdtm_ready();
	zdtm_wait_term();
	while ((n = read(s, buf, sizeof(buf))) > 0) {
		for (i = 0; i < n; i++)
			if (buf[i] != (unsigned char)((off + i) % 251))
				zdtm_fail("client: byte %llu is %u", (unsigned long long)(off + i),
					  buf[i]);
		off += n;
	}
	if (n < 0)
		zdtm_fail("client: read after %llu bytes", (unsigned long long)off);
	printf("READ %llu\n", (unsigned long long)off);
	return zdtm_pass();
}

int main(int argc, char **argv)
{
	if (argc > 1 && (!strcmp(argv[1], "server") || !strcmp(argv[1], "server6")))
		return server(!strcmp(argv[1], "server6"));
	if (argc > 2 && (!strcmp(argv[1], "client") || !strcmp(argv[1], "client6")))
		return client(!strcmp(argv[1], "client6"), atoi(argv[2]));
	fprintf(stderr, "usage: zdtm_tcpwin server[6] | client[6] PORT\n");
	return 2;
}
