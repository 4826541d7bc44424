// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_scm_epoll [lost] - an epoll instance in flight (SCM_RIGHTS) that no
 * task holds (zdtm scm05), sent twice in a datagram pair's queue and
 * closed, watching:
 *   the receiving socket     EPOLLIN          data 0x1111
 *   a pipe's read end (1 byte buffered)  EPOLLIN|EPOLLET  data 0x2222
 *   an eventfd, added at a number closed since (the task keeps the
 *   eventfd at another)      EPOLLOUT         data 0x3333
 * After restore: both messages bring the one instance (O_NONBLOCK set
 * through one shows in the other), its fdinfo lists the same entries
 * (number, events, data), and with a datagram queued it reports exactly
 * the three events.
 *   lost  one more entry, on a pipe's read end that is only in flight
 *         too (sent first, closed): dump must refuse; after SIGTERM the
 *         instance is still in flight with its four entries.
 */
#include <fcntl.h>
#include <stdbool.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

#include "zdtm.h"

static void send_fd(int s, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { "e", 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			     .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(fd));
	if (sendmsg(s, &mh, 0) != 1)
		zdtm_fail("sendmsg");
}

static int recv_fd(int s)
{
	char cbuf[CMSG_SPACE(sizeof(int))], b;
	struct iovec iov = { &b, 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			     .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c;
	int fd;

	if (recvmsg(s, &mh, MSG_DONTWAIT) != 1 || !(c = CMSG_FIRSTHDR(&mh)) ||
	    c->cmsg_type != SCM_RIGHTS)
		zdtm_fail("recvmsg: no file");
	memcpy(&fd, CMSG_DATA(c), sizeof(fd));
	return fd;
}

/* The "tfd:" lines of fd @fd's fdinfo, up to "pos:", sorted. */
static void entries(int fd, char *out, size_t len)
{
	char name[64], line[256], *l[8], *p;
	size_t n = 0, i, k, used = 0;
	FILE *f;

	snprintf(name, sizeof(name), "/proc/self/fdinfo/%d", fd);
	f = fopen(name, "r");
	if (!f)
		zdtm_fail("fdinfo");
	while (n < 8 && fgets(line, sizeof(line), f))
		if (!strncmp(line, "tfd:", 4)) {
			p = strstr(line, " pos:");
			if (p)
				*p = 0;
			l[n++] = strdup(line);
		}
	fclose(f);
	for (i = 0; i < n; i++)
		for (k = i + 1; k < n; k++)
			if (strcmp(l[k], l[i]) < 0) {
				p = l[i];
				l[i] = l[k];
				l[k] = p;
			}
	out[0] = 0;
	for (i = 0; i < n; i++) {
		used += snprintf(out + used, len - used, "%s;", l[i]);
		free(l[i]);
	}
}

static int add(int ep, int fd, uint32_t events, uint64_t data)
{
	struct epoll_event ev = { .events = events, .data.u64 = data };

	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

int main(int argc, char **argv)
{
	bool lost = argc > 1 && !strcmp(argv[1], "lost");
	char before[1024], after[1024];
	struct epoll_event evs[8];
	int sk[2], p[2], efd, x, ep, a, b, n, i;
	uint64_t seen = 0;

	zdtm_init();
	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sk) || pipe(p) || write(p[1], "z", 1) != 1)
		zdtm_fail("socketpair, pipe");
	efd = eventfd(0, 0);
	ep = epoll_create1(0);
	x = dup(efd);
	if (efd < 0 || ep < 0 || x < 0 || add(ep, sk[1], EPOLLIN, 0x1111) ||
	    add(ep, p[0], EPOLLIN | EPOLLET, 0x2222) || add(ep, x, EPOLLOUT, 0x3333) || close(x))
		zdtm_fail("epoll setup");
	if (lost) {
		int q[2];

		if (pipe(q) || add(ep, q[0], EPOLLIN, 0x4444) || close(q[1]))
			zdtm_fail("the lost entry");
		send_fd(sk[0], q[0]);
		close(q[0]);
	}
	entries(ep, before, sizeof(before));
	send_fd(sk[0], ep);
	send_fd(sk[0], ep);
	close(ep);
	zdtm_ready();
	zdtm_wait_term();

	if (lost)
		recv_fd(sk[1]); /* kept: its entry goes with its last close */
	a = recv_fd(sk[1]);
	b = recv_fd(sk[1]);
	if (fcntl(a, F_SETFL, O_NONBLOCK) || !(fcntl(b, F_GETFL) & O_NONBLOCK))
		zdtm_fail("the two messages brought two instances");
	entries(a, after, sizeof(after));
	if (strcmp(before, after))
		zdtm_fail("entries changed:\n%s->\n%s", before, after);
	if (lost)
		return zdtm_pass();
	if (send(sk[0], "q", 1, 0) != 1)
		zdtm_fail("send");
	n = epoll_wait(a, evs, 8, 0);
	for (i = 0; i < n; i++)
		seen |= 1ULL << ((evs[i].data.u64 >> 12) & 7);
	if (n != 3 || seen != (1 << 1 | 1 << 2 | 1 << 3))
		zdtm_fail("%d events (mask %llx), expected 0x1111, 0x2222, 0x3333", n,
			  (unsigned long long)seen);
	return zdtm_pass();
}
