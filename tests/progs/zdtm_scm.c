// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_scm - files in flight (SCM_RIGHTS) in unix socket queues:
 *   datagram 1: "one" with the read end of pipe A (the sender closed it,
 *     kept the write end);
 *   datagram 2: "two" with both ends of pipe B (3 bytes buffered), both
 *     closed by the sender;
 *   stream: "abc", then "def" with the write end of pipe C, which the
 *     sender also keeps (one open file description: O_NONBLOCK set through
 *     one copy shows in the other), then "ghi".
 * After restore each message comes with its files, in order, and each
 * pipe works end to end. With argument "eventfd" an eventfd is put in
 * flight instead and closed (dump refuses it: no task holds it) and
 * checked after the refusal.
 *
 * With argument "held", files the sender keeps too: a datagram pair whose
 * ends are bound to abstract names, each sent through each end (so each
 * end is in flight in its own queue and its peer's, a cycle), and on a
 * stream pair an eventfd and one end of that datagram pair. After
 * restore each received file is the very description the task kept
 * (O_NONBLOCK set through one shows in the other; the eventfd's count
 * written through one is read through the other), with its name.
 */
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "zdtm.h"

static void send_fds(int s, const char *msg, const int *fds, int n)
{
	char cbuf[CMSG_SPACE(2 * sizeof(int))];
	struct iovec iov = { (void *)msg, strlen(msg) };
	struct msghdr mh = { 0 };
	struct cmsghdr *c;

	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cbuf;
	mh.msg_controllen = CMSG_SPACE(n * sizeof(int));
	c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(n * sizeof(int));
	memcpy(CMSG_DATA(c), fds, n * sizeof(int));
	if (sendmsg(s, &mh, 0) != (ssize_t)strlen(msg))
		zdtm_fail("sendmsg %s", msg);
}

/* Receive up to @len bytes into @buf and the files that come with them. */
static int recv_fds(int s, char *buf, size_t len, int *fds, int max)
{
	char cbuf[CMSG_SPACE(4 * sizeof(int))];
	struct iovec iov = { buf, len };
	struct msghdr mh = { 0 };
	struct cmsghdr *c;
	int n = 0;
	ssize_t r;

	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cbuf;
	mh.msg_controllen = sizeof(cbuf);
	r = recvmsg(s, &mh, MSG_DONTWAIT);
	if (r < 0)
		zdtm_fail("recvmsg");
	buf[r] = '\0';
	for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
		if (c->cmsg_type == SCM_RIGHTS) {
			n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
			if (n > max)
				zdtm_fail("%d files, expected %d at most", n, max);
			memcpy(fds, CMSG_DATA(c), n * sizeof(int));
		}
	return n;
}

static void pipe_works(int r, int w, const char *what)
{
	char buf[16];

	if (write(w, "ping", 4) != 4 || read(r, buf, sizeof(buf)) != 4 || memcmp(buf, "ping", 4))
		zdtm_fail("%s: the pipe does not carry data", what);
}

static void same_description(int kept, int got, const char *what)
{
	if (fcntl(got, F_SETFL, O_NONBLOCK) || !(fcntl(kept, F_GETFL) & O_NONBLOCK))
		zdtm_fail("%s: the received file is not the kept description", what);
	if (fcntl(got, F_SETFL, 0))
		zdtm_fail("%s: F_SETFL", what);
}

/* @s is bound to the abstract name "zdtm-scm-PID-@c". */
static void named(int s, pid_t root, char c, const char *what)
{
	struct sockaddr_un a;
	socklen_t len = sizeof(a);
	char want[64];

	snprintf(want, sizeof(want), "zdtm-scm-%d-%c", root, c);
	if (getsockname(s, (struct sockaddr *)&a, &len) || a.sun_path[0] ||
	    len != offsetof(struct sockaddr_un, sun_path) + 1 + strlen(want) ||
	    memcmp(a.sun_path + 1, want, strlen(want)))
		zdtm_fail("%s: not bound to @%s", what, want);
}

static int held(void)
{
	int dq[2], st[2], ev, fds[4], i, j, n;
	pid_t root = getpid();
	struct sockaddr_un a;
	socklen_t len;
	char buf[64];
	uint64_t v;

	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, dq) || socketpair(AF_UNIX, SOCK_STREAM, 0, st))
		zdtm_fail("socketpair");
	for (i = 0; i < 2; i++) {
		memset(&a, 0, sizeof(a));
		a.sun_family = AF_UNIX;
		len = offsetof(struct sockaddr_un, sun_path) + 1 +
		      snprintf(a.sun_path + 1, sizeof(a.sun_path) - 1, "zdtm-scm-%d-%d", root, i);
		if (bind(dq[i], (struct sockaddr *)&a, len))
			zdtm_fail("bind");
	}
	for (i = 0; i < 2; i++)
		for (j = 0; j < 2; j++)
			send_fds(dq[i], "s", &dq[j], 1);
	ev = eventfd(0, 0);
	if (ev < 0)
		zdtm_fail("eventfd");
	fds[0] = ev;
	fds[1] = dq[1];
	send_fds(st[0], "evsk", fds, 2);
	zdtm_ready();
	zdtm_wait_term();

	/* Each end holds both ends, in the order they were sent. */
	for (i = 0; i < 2; i++)
		for (j = 0; j < 2; j++) {
			if (recv_fds(dq[1 - i], buf, sizeof(buf), fds, 1) != 1 || strcmp(buf, "s"))
				zdtm_fail("datagram %d/%d: '%s'", i, j, buf);
			named(fds[0], root, '0' + j, "a socket in flight");
			same_description(dq[j], fds[0], "a socket in flight");
			close(fds[0]);
		}
	n = recv_fds(st[1], buf, sizeof(buf), fds, 2);
	if (n != 2 || strcmp(buf, "evsk"))
		zdtm_fail("stream: '%s' with %d files", buf, n);
	v = 5;
	if (write(fds[0], &v, 8) != 8 || read(ev, &v, 8) != 8 || v != 5)
		zdtm_fail("the eventfd in flight is not the kept one");
	named(fds[1], root, '1', "the socket in flight on the stream");
	same_description(dq[1], fds[1], "the socket in flight on the stream");
	if (send(dq[0], "x", 1, 0) != 1 || recv(fds[1], buf, 1, 0) != 1 || buf[0] != 'x')
		zdtm_fail("the pair does not carry a datagram");
	return zdtm_pass();
}

int main(int argc, char **argv)
{
	int dg[2], st[2], a[2], b[2], c[2], fds[4], n, ev;
	bool evmode = argc > 1 && !strcmp(argv[1], "eventfd");
	char buf[64], got[64] = "";
	uint64_t v;

	zdtm_init();
	if (argc > 1 && !strcmp(argv[1], "held"))
		return held();
	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, dg) || socketpair(AF_UNIX, SOCK_STREAM, 0, st))
		zdtm_fail("socketpair");
	if (evmode) {
		ev = eventfd(7, 0);
		send_fds(dg[0], "ev", &ev, 1);
		close(ev);
		zdtm_ready();
		zdtm_wait_term();
		if (recv_fds(dg[1], buf, sizeof(buf), fds, 1) != 1 || strcmp(buf, "ev") ||
		    read(fds[0], &v, 8) != 8 || v != 7)
			zdtm_fail("the eventfd in flight");
		return zdtm_pass();
	}
	if (pipe(a) || pipe(b) || pipe(c))
		zdtm_fail("pipe");
	send_fds(dg[0], "one", &a[0], 1);
	close(a[0]);
	if (write(b[1], "xyz", 3) != 3)
		zdtm_fail("write b");
	send_fds(dg[0], "two", b, 2);
	close(b[0]);
	close(b[1]);
	if (write(st[0], "abc", 3) != 3)
		zdtm_fail("write abc");
	send_fds(st[0], "def", &c[1], 1);
	if (write(st[0], "ghi", 3) != 3)
		zdtm_fail("write ghi");
	zdtm_ready();
	zdtm_wait_term();

	if (recv_fds(dg[1], buf, sizeof(buf), fds, 1) != 1 || strcmp(buf, "one"))
		zdtm_fail("datagram one: '%s'", buf);
	pipe_works(fds[0], a[1], "pipe A");
	if (recv_fds(dg[1], buf, sizeof(buf), fds, 2) != 2 || strcmp(buf, "two"))
		zdtm_fail("datagram two: '%s'", buf);
	if (read(fds[0], buf, sizeof(buf)) != 3 || memcmp(buf, "xyz", 3))
		zdtm_fail("pipe B lost its bytes");
	pipe_works(fds[0], fds[1], "pipe B");
	/* The stream: "abcdef" with one file, then "ghi". */
	n = 0;
	while (strlen(got) < 6) {
		int k = recv_fds(st[1], buf, 6 - strlen(got), fds + n, 1 - n);

		n += k;
		strcat(got, buf);
	}
	if (strcmp(got, "abcdef") || n != 1)
		zdtm_fail("stream: '%s' with %d files", got, n);
	if (recv(st[1], buf, sizeof(buf), MSG_DONTWAIT) != 3 || memcmp(buf, "ghi", 3))
		zdtm_fail("stream: no ghi after the files");
	if (fcntl(fds[0], F_SETFL, O_NONBLOCK) || !(fcntl(c[1], F_GETFL) & O_NONBLOCK))
		zdtm_fail("pipe C: the kept and the sent write end are not one description");
	pipe_works(c[0], fds[0], "pipe C");
	return zdtm_pass();
}
