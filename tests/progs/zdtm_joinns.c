// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_joinns NET UTS IPC [split] - a task in namespaces made outside
 * pidtrace (`dump --external-ns`, `restore --join-ns`): it joins the net,
 * uts and ipc namespaces of the files NET, UTS and IPC (bind mounts made
 * by `unshare --net=FILE`...; "-" for none), then makes in the net one a
 * TCP listener on 127.0.0.1, a connection to it (both ends), a unix
 * datagram socket bound to an abstract name (abstract names are per net
 * namespace), a NETLINK_ROUTE socket and a packet socket bound to lo.
 *
 * After SIGTERM it checks that it and every socket are in the namespace
 * NET names now (SIOCGSKNS; a namespace made again at that path after the
 * dump is the one restore had to join), that the host name is UTS's, that
 * the connection carries bytes both ways, that the listener accepts a new
 * connection, that the abstract name receives a datagram sent to it from
 * a new socket, that the route socket lists exactly the links of NET
 * (lo alone), and that the packet socket is still bound to its lo.
 *
 * "split": a child moves to a net namespace of its own first (dump must
 * refuse a tree split across net namespaces). "thread": a second thread
 * does (unshare acts on a thread alone): refused too.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "zdtm.h"

#define HOST "pt-joinns"

static void join(const char *path, int type)
{
	int fd;

	if (!strcmp(path, "-"))
		return;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, type))
		zdtm_fail("setns %s", path);
	close(fd);
}

static ino_t ino_of(const char *path)
{
	struct stat st;

	if (stat(path, &st))
		zdtm_fail("stat %s", path);
	return st.st_ino;
}

static void same_ns(int s, ino_t want, const char *what)
{
	struct stat st;
	int ns = ioctl(s, SIOCGSKNS);

	if (ns < 0 || fstat(ns, &st))
		zdtm_fail("SIOCGSKNS of the %s", what);
	close(ns);
	if (st.st_ino != want) {
		errno = 0;
		zdtm_fail("the %s is in net:[%lu], not net:[%lu]", what, (unsigned long)st.st_ino,
			  (unsigned long)want);
	}
}

static int tcp_connect(uint16_t port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = port };
	int s = socket(AF_INET, SOCK_STREAM, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof(a)))
		zdtm_fail("connect to 127.0.0.1:%u", ntohs(port));
	return s;
}

static void xfer(int from, int to, const char *msg)
{
	char buf[64] = "";
	size_t n = strlen(msg);

	if (write(from, msg, n) != (ssize_t)n || read(to, buf, sizeof(buf) - 1) != (ssize_t)n ||
	    strcmp(buf, msg))
		zdtm_fail("'%s' did not go through (got '%s')", msg, buf);
}

/* The links an RTM_GETLINK dump lists. */
static int count_links(int s)
{
	struct {
		struct nlmsghdr h;
		struct ifinfomsg i;
	} req = { { sizeof(req), RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 1, 0 }, { 0 } };
	static char buf[65536];
	struct nlmsghdr *h;
	int n = 0;
	ssize_t len;

	if (send(s, &req, sizeof(req), 0) != sizeof(req))
		zdtm_fail("RTM_GETLINK");
	for (;;) {
		len = recv(s, buf, sizeof(buf), 0);
		if (len <= 0)
			zdtm_fail("recv RTM_GETLINK");
		for (h = (void *)buf; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
			if (h->nlmsg_type == NLMSG_DONE)
				return n;
			if (h->nlmsg_type == NLMSG_ERROR)
				zdtm_fail("RTM_GETLINK: error");
			n++;
		}
	}
}

static int thread_ready[2];

static void *thread_main(void *arg)
{
	(void)arg;
	if (unshare(CLONE_NEWNET) || write(thread_ready[1], "x", 1) != 1)
		zdtm_fail("thread: unshare(CLONE_NEWNET)");
	for (;;)
		pause();
	return NULL;
}

int main(int argc, char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	struct sockaddr_un un = { .sun_family = AF_UNIX };
	struct sockaddr_ll ll = { .sll_family = AF_PACKET };
	socklen_t len = sizeof(a), ullen;
	int lis, c, acc, ud, nl, pk, s, lo, p[2];
	char host[64] = "", buf[16];
	pid_t child = 0;
	ino_t net;

	zdtm_init();
	if (argc < 4)
		zdtm_fail("usage: zdtm_joinns NET UTS IPC [split]");
	join(argv[1], CLONE_NEWNET);
	join(argv[2], CLONE_NEWUTS);
	join(argv[3], CLONE_NEWIPC);
	if (argc > 4 && !strcmp(argv[4], "thread")) {
		pthread_t th;

		if (pipe(thread_ready) || pthread_create(&th, NULL, thread_main, NULL) ||
		    read(thread_ready[0], buf, 1) != 1)
			zdtm_fail("the thread did not unshare");
	}
	if (argc > 4 && !strcmp(argv[4], "split")) {
		if (pipe(p))
			zdtm_fail("pipe");
		child = fork();
		if (child < 0)
			zdtm_fail("fork");
		if (!child) {
			if (unshare(CLONE_NEWNET) || write(p[1], "x", 1) != 1)
				_exit(1);
			zdtm_wait_term();
			_exit(0);
		}
		if (read(p[0], buf, 1) != 1)
			zdtm_fail("the child did not unshare");
	}

	lis = socket(AF_INET, SOCK_STREAM, 0);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (lis < 0 || bind(lis, (struct sockaddr *)&a, sizeof(a)) || listen(lis, 4) ||
	    getsockname(lis, (struct sockaddr *)&a, &len))
		zdtm_fail("listener");
	c = tcp_connect(a.sin_port);
	acc = accept(lis, NULL, NULL);
	if (acc < 0)
		zdtm_fail("accept");
	xfer(c, acc, "before");

	ud = socket(AF_UNIX, SOCK_DGRAM, 0);
	snprintf(un.sun_path + 1, sizeof(un.sun_path) - 1, "pt-joinns-%d", getpid());
	ullen = offsetof(struct sockaddr_un, sun_path) + 1 + strlen(un.sun_path + 1);
	if (ud < 0 || bind(ud, (struct sockaddr *)&un, ullen))
		zdtm_fail("unix abstract bind");

	nl = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
	if (nl < 0)
		zdtm_fail("netlink socket");

	lo = if_nametoindex("lo");
	pk = socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_IP));
	ll.sll_protocol = htons(ETH_P_IP);
	ll.sll_ifindex = lo;
	if (!lo || pk < 0 || bind(pk, (struct sockaddr *)&ll, sizeof(ll)))
		zdtm_fail("packet socket on lo");

	zdtm_ready();
	zdtm_wait_term();

	net = ino_of(argv[1]);
	if (ino_of("/proc/self/ns/net") != net) {
		errno = 0;
		zdtm_fail("not in the net namespace of %s", argv[1]);
	}
	if (strcmp(argv[2], "-") && ino_of("/proc/self/ns/uts") != ino_of(argv[2])) {
		errno = 0;
		zdtm_fail("not in the uts namespace of %s", argv[2]);
	}
	if (strcmp(argv[3], "-") && ino_of("/proc/self/ns/ipc") != ino_of(argv[3])) {
		errno = 0;
		zdtm_fail("not in the ipc namespace of %s", argv[3]);
	}
	if (strcmp(argv[2], "-") && (gethostname(host, sizeof(host)) || strcmp(host, HOST))) {
		errno = 0;
		zdtm_fail("host name '%s', not " HOST, host);
	}
	same_ns(lis, net, "listener");
	same_ns(c, net, "connection");
	same_ns(acc, net, "accepted connection");
	same_ns(ud, net, "abstract unix socket");
	same_ns(nl, net, "netlink socket");
	same_ns(pk, net, "packet socket");
	xfer(c, acc, "after");
	xfer(acc, c, "back");
	s = tcp_connect(a.sin_port);
	close(s);
	s = accept(lis, NULL, NULL);
	if (s < 0)
		zdtm_fail("accept after restore");
	close(s);
	s = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (s < 0 || sendto(s, "u", 1, 0, (struct sockaddr *)&un, ullen) != 1 ||
	    recv(ud, buf, sizeof(buf), 0) != 1)
		zdtm_fail("datagram to the abstract name");
	close(s);
	if (count_links(nl) != 1) {
		errno = 0;
		zdtm_fail("the route socket lists other links than lo");
	}
	len = sizeof(ll);
	if (getsockname(pk, (struct sockaddr *)&ll, &len) || ll.sll_ifindex != lo)
		zdtm_fail("packet socket: bound to %d, not lo %d", ll.sll_ifindex, lo);
	if (child) {
		kill(child, SIGTERM);
		waitpid(child, NULL, 0);
	}
	return zdtm_pass();
}
