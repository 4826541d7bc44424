// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_unix - unix socketpairs with data queued in both directions:
 *  - a SOCK_STREAM pair between a parent and its child, bytes waiting on
 *    both sides (two writes on one side: one stream of bytes), a send
 *    buffer size and a peek offset set (and a receive buffer size on the
 *    datagram pair, SO_PASSCRED on the seqpacket reader);
 *  - a SOCK_DGRAM pair in the parent: datagrams both ways, one of them
 *    empty, message boundaries kept; one end O_NONBLOCK;
 *  - a SOCK_SEQPACKET pair whose reading end both processes hold (one
 *    socket, two holders), with the writer shut down for writing: after
 *    the queued packets, end of file;
 *  - a stream end whose peer was closed, with the peer's last bytes;
 *  - an unconnected datagram socket.
 * After restore every byte and boundary is there once, and the pairs still
 * talk both ways.
 */
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "zdtm.h"

/*
 * Read what must be queued already (never wait: lost data must fail, not
 * hang): @len bytes of a stream, or one whole datagram.
 */
static void expect(int fd, const char *what, const char *want, size_t len, int stream)
{
	char buf[256];
	ssize_t n = recv(fd, buf, stream ? len : sizeof(buf), MSG_DONTWAIT);

	if (n < 0 || (size_t)n != len || memcmp(buf, want, len))
		zdtm_fail("%s: got %zd bytes '%.*s', expected %zu '%.*s'", what, n,
			  n > 0 ? (int)n : 0, buf, len, (int)len, want);
}

static void expect_empty(int fd, const char *what)
{
	char c;

	if (recv(fd, &c, 1, MSG_DONTWAIT) != -1 || errno != EAGAIN)
		zdtm_fail("%s: more data than expected", what);
}

static int getint(int fd, int opt)
{
	socklen_t l = sizeof(int);
	int v = -2;

	getsockopt(fd, SOL_SOCKET, opt, &v, &l);
	return v;
}

static void child(int st, int seq)
{
	zdtm_wait_term();
	/* Both writes of the parent, as one stream of bytes. */
	expect(st, "child stream", "hello from parent, more", 23, 1);
	expect_empty(st, "child stream");
	if (send(st, "child after", 11, 0) != 11)
		zdtm_fail("child send after restore");
	/* The first packet of the shared seqpacket socket is the child's. */
	expect(seq, "child seqpacket", "pkt-1", 5, 0);
	exit(0);
}

int main(void)
{
	int st[2], dg[2], seq[2], orphan[2], lone, peek = 3, sndbuf, rcvbuf, one = 1, status;
	pid_t pid;

	zdtm_init();
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, st) || socketpair(AF_UNIX, SOCK_DGRAM, 0, dg) ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET, 0, seq) ||
	    socketpair(AF_UNIX, SOCK_STREAM, 0, orphan))
		zdtm_fail("socketpair");
	lone = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (lone < 0)
		zdtm_fail("socket");
	sndbuf = 65536;
	if (setsockopt(st[0], SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf)) ||
	    setsockopt(st[0], SOL_SOCKET, SO_PEEK_OFF, &peek, sizeof(peek)))
		zdtm_fail("setsockopt");
	sndbuf = getint(st[0], SO_SNDBUF);
	rcvbuf = 50000;
	if (setsockopt(dg[0], SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf)) ||
	    setsockopt(seq[1], SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)))
		zdtm_fail("setsockopt");
	rcvbuf = getint(dg[0], SO_RCVBUF);
	if (send(st[0], "hello from parent", 17, 0) != 17 || send(st[0], ", more", 6, 0) != 6 ||
	    send(st[1], "for the parent", 14, 0) != 14)
		zdtm_fail("stream send");
	if (send(dg[0], "one", 3, 0) != 3 || send(dg[0], "", 0, 0) != 0 ||
	    send(dg[0], "three", 5, 0) != 5 || send(dg[1], "alpha", 5, 0) != 5 ||
	    send(dg[1], "beta", 4, 0) != 4)
		zdtm_fail("dgram send");
	if (fcntl(dg[1], F_SETFL, O_NONBLOCK))
		zdtm_fail("O_NONBLOCK");
	if (send(seq[0], "pkt-1", 5, 0) != 5 || send(seq[0], "pkt-2", 5, 0) != 5 ||
	    shutdown(seq[0], SHUT_WR))
		zdtm_fail("seqpacket");
	if (send(orphan[0], "last words", 10, 0) != 10)
		zdtm_fail("orphan send");
	close(orphan[0]);
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		zdtm_fail("fork");
	if (pid == 0) {
		close(st[0]);
		child(st[1], seq[1]);
	}
	close(st[1]);
	zdtm_ready();
	zdtm_wait_term();

	if (getint(st[0], SO_SNDBUF) != sndbuf || getint(st[0], SO_PEEK_OFF) != peek)
		zdtm_fail("stream options: sndbuf %d (want %d), peek_off %d (want %d)",
			  getint(st[0], SO_SNDBUF), sndbuf, getint(st[0], SO_PEEK_OFF), peek);
	if (getint(dg[0], SO_RCVBUF) != rcvbuf || getint(seq[1], SO_PASSCRED) != 1 ||
	    getint(seq[0], SO_PASSCRED) != 0)
		zdtm_fail("options: rcvbuf %d (want %d), passcred %d/%d (want 1/0)",
			  getint(dg[0], SO_RCVBUF), rcvbuf, getint(seq[1], SO_PASSCRED),
			  getint(seq[0], SO_PASSCRED));
	if (getint(dg[0], SO_TYPE) != SOCK_DGRAM || getint(seq[1], SO_TYPE) != SOCK_SEQPACKET ||
	    getint(lone, SO_TYPE) != SOCK_DGRAM)
		zdtm_fail("socket types");
	expect(st[0], "parent stream", "for the parent", 14, 1);
	expect(dg[1], "dgram 1", "one", 3, 0);
	expect(dg[1], "dgram 2 (empty)", "", 0, 0);
	expect(dg[1], "dgram 3", "three", 5, 0);
	expect_empty(dg[1], "dgram");
	expect(dg[0], "dgram back 1", "alpha", 5, 0);
	expect(dg[0], "dgram back 2", "beta", 4, 0);
	if (!(fcntl(dg[1], F_GETFL) & O_NONBLOCK) || (fcntl(dg[0], F_GETFL) & O_NONBLOCK))
		zdtm_fail("O_NONBLOCK not kept");
	if (send(dg[1], "again", 5, 0) != 5)
		zdtm_fail("dgram send after restore");
	expect(dg[0], "dgram after", "again", 5, 0);
	expect(orphan[1], "orphan", "last words", 10, 1);
	expect(orphan[1], "orphan end of file", "", 0, 0);
	if (send(lone, "x", 1, MSG_NOSIGNAL) != -1 || errno != ENOTCONN)
		zdtm_fail("the unconnected socket is connected");

	kill(pid, SIGTERM);
	if (waitpid(pid, &status, 0) != pid || status)
		zdtm_fail("child failed (status 0x%x)", status);
	expect(st[0], "parent stream after", "child after", 11, 1);
	/* The child took pkt-1 from the socket both hold; then the end. */
	expect(seq[1], "parent seqpacket", "pkt-2", 5, 0);
	expect(seq[1], "seqpacket end of file", "", 0, 0);
	return zdtm_pass();
}
