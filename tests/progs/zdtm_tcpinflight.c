// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_tcpinflight - a TCP listener with a connection it has not accepted
 * yet, its client in the tree too, dumped with --skip-in-flight.
 *
 * After SIGTERM (zdtm_tcpinflight kept: after a refused dump, the
 * connection is still there to accept) the listener has nothing to accept (the pending
 * connection was left out), the old client is not connected to anything
 * that answers (reset, or still waiting), and the listener accepts a new
 * connection that carries bytes.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include "zdtm.h"

int main(int argc, char **argv)
{
	struct sockaddr_in a;
	socklen_t l = sizeof(a);
	struct pollfd p;
	int ls, c, n, q;
	char b[2];

	zdtm_init();
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ls = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (ls < 0 || bind(ls, (struct sockaddr *)&a, sizeof(a)) || listen(ls, 4) ||
	    getsockname(ls, (struct sockaddr *)&a, &l))
		zdtm_fail("listen");
	c = socket(AF_INET, SOCK_STREAM, 0);
	if (c < 0 || connect(c, (struct sockaddr *)&a, sizeof(a)))
		zdtm_fail("connect");
	zdtm_ready();
	zdtm_wait_term();
	/* kept: never dumped (a refused dump), the pending connection is there. */
	if (argc > 1 && !strcmp(argv[1], "kept")) {
		q = accept(ls, NULL, NULL);
		if (q < 0 || write(c, "ok", 2) != 2 || read(q, b, 2) != 2 || memcmp(b, "ok", 2))
			zdtm_fail("the pending connection is gone");
		return zdtm_pass();
	}
	q = accept(ls, NULL, NULL);
	if (q >= 0 || errno != EAGAIN)
		zdtm_fail("the listener still had a connection to accept");
	/* The old client's peer is gone: whatever it reads is no data. */
	if (recv(c, b, 1, MSG_DONTWAIT) > 0)
		zdtm_fail("the old client received bytes");
	n = socket(AF_INET, SOCK_STREAM, 0);
	if (n < 0 || connect(n, (struct sockaddr *)&a, sizeof(a)))
		zdtm_fail("connect again");
	p = (struct pollfd){ .fd = ls, .events = POLLIN };
	if (poll(&p, 1, 5000) != 1 || (q = accept(ls, NULL, NULL)) < 0)
		zdtm_fail("accept again");
	if (write(n, "ok", 2) != 2 || read(q, b, 2) != 2 || memcmp(b, "ok", 2))
		zdtm_fail("exchange on the new connection");
	return zdtm_pass();
}
