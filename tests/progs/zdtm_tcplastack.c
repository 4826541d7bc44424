// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_tcplastack - a connection in LAST_ACK whose peer's ACK a firewall
 * rule drops (zdtm socket-tcp-closed-last-ack). Run in a network
 * namespace of its own: it adds an iptables rule.
 *
 * Before READY: a listener on 127.0.0.1 (closed after one accept), a
 * client that shuts down writing (its FIN: the accepted end goes to
 * CLOSE_WAIT), then "iptables -A INPUT -p tcp --dport PORT -j DROP" and
 * the accepted end shuts down writing too: its FIN reaches the client
 * (CLOSE; its TIME_WAIT answers), whose ACK to PORT is dropped, so the
 * accepted end stays in LAST_ACK. After SIGTERM: the accepted end is
 * still in LAST_ACK and the client CLOSE; the rule is deleted; both read
 * the end of the stream and cannot write, and the client keeps its
 * addresses; the accepted end, its FIN acknowledged at last, closes.
 * With an argument, the iptables command to use (iptables-legacy: a rule
 * nftables cannot pass, for dump to refuse).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <sys/socket.h>

#include "zdtm.h"

static unsigned int state_of(int s)
{
	struct tcp_info ti;
	socklen_t l = sizeof(ti);

	memset(&ti, 0, sizeof(ti));
	return getsockopt(s, IPPROTO_TCP, TCP_INFO, &ti, &l) ? 0 : ti.tcpi_state;
}

static const char *iptables = "iptables";

static void rule(char op, int port)
{
	char cmd[160];

	snprintf(cmd, sizeof(cmd), "%s -w -t filter -%c INPUT -p tcp --dport %d -j DROP",
		 iptables, op, port);
	if (system(cmd))
		zdtm_fail("%s", cmd);
}

int main(int argc, char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET }, src, dst, now;
	socklen_t l = sizeof(a);
	int ls, clt, fd, i;
	char c;

	zdtm_init();
	if (argc > 1 && !strcmp(argv[1], "iptables-legacy"))
		iptables = "iptables-legacy";
	signal(SIGPIPE, SIG_IGN);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ls = socket(AF_INET, SOCK_STREAM, 0);
	if (ls < 0 || bind(ls, (struct sockaddr *)&a, sizeof(a)) || listen(ls, 1) ||
	    getsockname(ls, (struct sockaddr *)&a, &l))
		zdtm_fail("listen");
	clt = socket(AF_INET, SOCK_STREAM, 0);
	if (clt < 0 || connect(clt, (struct sockaddr *)&a, sizeof(a)))
		zdtm_fail("connect");
	fd = accept(ls, NULL, NULL);
	if (fd < 0)
		zdtm_fail("accept");
	close(ls);
	shutdown(clt, SHUT_WR);
	rule('A', ntohs(a.sin_port));
	shutdown(fd, SHUT_WR);
	usleep(100000);
	l = sizeof(dst);
	if (getsockopt(clt, SOL_SOCKET, SO_PEERNAME, &dst, &l) ||
	    getsockname(clt, (struct sockaddr *)&src, &l))
		zdtm_fail("addresses");
	if (state_of(fd) != 9 || state_of(clt) != 7)
		zdtm_fail("before: states %u %u, not last-ack and closed", state_of(fd),
			  state_of(clt));
	zdtm_ready();
	zdtm_wait_term();
	if (state_of(fd) != 9 || state_of(clt) != 7)
		zdtm_fail("states %u %u, not last-ack and closed", state_of(fd), state_of(clt));
	rule('D', ntohs(a.sin_port));
	if (read(fd, &c, 1) != 0 || read(clt, &c, 1) != 0)
		zdtm_fail("read: not the end of the stream");
	if (write(clt, &c, 1) != -1 || write(fd, &c, 1) != -1)
		zdtm_fail("write to a closed connection");
	l = sizeof(now);
	if (getsockopt(clt, SOL_SOCKET, SO_PEERNAME, &now, &l) || memcmp(&now, &dst, l))
		zdtm_fail("a destination address mismatch");
	l = sizeof(now);
	if (getsockname(clt, (struct sockaddr *)&now, &l) || memcmp(&now, &src, l))
		zdtm_fail("a source address mismatch");
	/* Our FIN sent again, the client's TIME_WAIT answers: closed (RTO backs off: 20 s). */
	for (i = 0; i < 2000 && state_of(fd) != 7; i++)
		usleep(10000);
	if (state_of(fd) != 7)
		zdtm_fail("the accepted end never closed: state %u", state_of(fd));
	return zdtm_pass();
}
