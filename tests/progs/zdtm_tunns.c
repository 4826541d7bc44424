// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_tunns [MODE] - a task in a net namespace it made itself (unshare),
 * with lo up and tun/tap devices, as CRIU's tun_ns does: an unattached
 * /dev/net/tun fd; tunx0 (tun) up with 10.77.0.1/24; tunx1 multi-queue
 * with two queues, the second detached; tunx2 persistent, no fd held;
 * tapx0 (tap, no PI, vnet header) with MTU 1400, up, 10.77.1.1/24; a TCP
 * listener on 127.0.0.1 (a socket of that namespace).
 *
 * After SIGTERM it checks: each fd on its device with its flags, the
 * detached queue detached (attaching it works, detaching the other
 * works), tunx2 still there (TUN_EXCL refused), the tap's MAC and MTU,
 * the addresses, lo up, that it is not in the namespace it started in, and
 * that the listener accepts a connection through lo.
 *
 * MODE (the dump must refuse): "sysctl" sets net.ipv4.ip_forward,
 * "route" adds a route, "plain" (default) nothing more; "own" makes no
 * namespace (its caller's: a tun queue of a namespace restore does not
 * make); "queued" sends a UDP datagram to 10.77.0.2, which waits in
 * tunx0's queue (the image would not hold it), and after SIGTERM finds it
 * there still. "trip" (to be dumped): the kernel sends IPv6 router
 * solicitations and MLD reports through an up tun/tap by itself (measured:
 * on tunx0 at 0, 3.7, 11.3, 25.8 s after it is up, on tapx0 at 0-1.1,
 * 5.0, 13.5 s), which wait in the queue if nobody reads it and make the
 * dump refuse: it reads its queues until each device's second
 * solicitation (the third comes at least 7 s later: RFC 7559 backoff,
 * 4 s doubled, 10% jitter), leaving that long without any for the dump.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <net/if.h>
#include <linux/if_tun.h>
#include <net/route.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <poll.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>

#include "zdtm.h"

static int sk;	/* for the interface ioctls */

static int tun(const char *name, int flags)
{
	struct ifreq ifr = { .ifr_flags = flags };
	int fd = open("/dev/net/tun", O_RDWR);

	if (fd < 0)
		zdtm_fail("open /dev/net/tun");
	if (name) {
		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
		if (ioctl(fd, TUNSETIFF, &ifr))
			return flags & IFF_TUN_EXCL ? -1 : (zdtm_fail("TUNSETIFF %s", name), -1);
	}
	return fd;
}

static void queue(int fd, int flags, const char *what)
{
	struct ifreq ifr = { .ifr_flags = flags };

	if (ioctl(fd, TUNSETQUEUE, &ifr))
		zdtm_fail("TUNSETQUEUE %s", what);
}

static void up(const char *name, int mtu)
{
	struct ifreq ifr = { 0 };

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(sk, SIOCGIFFLAGS, &ifr))
		zdtm_fail("SIOCGIFFLAGS %s", name);
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(sk, SIOCSIFFLAGS, &ifr))
		zdtm_fail("SIOCSIFFLAGS %s", name);
	ifr.ifr_mtu = mtu;
	if (mtu && ioctl(sk, SIOCSIFMTU, &ifr))
		zdtm_fail("SIOCSIFMTU %s", name);
}

static void ifaddr(const char *name, const char *ip, int set)
{
	struct ifreq ifr = { 0 };
	struct sockaddr_in *a = (struct sockaddr_in *)&ifr.ifr_addr;
	char got[INET_ADDRSTRLEN];

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	a->sin_family = AF_INET;
	if (set) {
		inet_pton(AF_INET, ip, &a->sin_addr);
		if (ioctl(sk, SIOCSIFADDR, &ifr))
			zdtm_fail("SIOCSIFADDR %s", name);
		inet_pton(AF_INET, "255.255.255.0", &a->sin_addr);
		if (ioctl(sk, SIOCSIFNETMASK, &ifr))
			zdtm_fail("SIOCSIFNETMASK %s", name);
		return;
	}
	if (ioctl(sk, SIOCGIFADDR, &ifr))
		zdtm_fail("SIOCGIFADDR %s", name);
	inet_ntop(AF_INET, &a->sin_addr, got, sizeof(got));
	if (strcmp(got, ip)) {
		errno = 0;
		zdtm_fail("%s has %s, not %s", name, got, ip);
	}
}

static void check(int fd, const char *name, int flags, int detached)
{
	struct ifreq ifr = { 0 };

	if (ioctl(fd, TUNGETIFF, &ifr))
		zdtm_fail("TUNGETIFF on the fd of %s", name);
	if (strcmp(ifr.ifr_name, name) || (ifr.ifr_flags & flags) != flags ||
	    !!(ifr.ifr_flags & IFF_DETACH_QUEUE) != detached) {
		errno = 0;
		zdtm_fail("fd of %s: on %s flags %#x", name, ifr.ifr_name, ifr.ifr_flags);
	}
}

/*
 * Reads what waits in the queues of @fds (tunx0's, then tapx0's) until
 * @ms have passed since @from, or each has seen @rs IPv6 router
 * solicitations; whether tunx0's held a datagram to 10.77.0.2.
 */
static int drain(int *fds, int n, const struct timespec *from, int ms, int rs)
{
	struct pollfd p[2] = { { .fd = fds[0], .events = POLLIN }, { .fd = fds[n - 1], .events = POLLIN } };
	/* where the IP header starts: after tunx0's packet information, after
	 * tapx0's vnet header and Ethernet header */
	static const int at[2] = { 4, 10 + 14 };
	unsigned char buf[4096], *ip;
	int left, hit = 0, seen[2] = { 0, 0 }, i;
	struct timespec now;
	ssize_t len;

	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		left = ms - (int)((now.tv_sec - from->tv_sec) * 1000 + (now.tv_nsec - from->tv_nsec) / 1000000);
		if ((rs && seen[0] >= rs && seen[n - 1] >= rs) || left <= 0 || poll(p, n, left) <= 0)
			return hit;
		for (i = 0; i < n; i++) {
			if (!(p[i].revents & POLLIN) || (len = read(p[i].fd, buf, sizeof(buf))) < at[i] + 20)
				continue;
			ip = buf + at[i];
			if ((ip[0] >> 4) == 6 && len > at[i] + 40 && ip[6] == IPPROTO_ICMPV6 && ip[40] == 133)
				seen[i]++;
			if (i == 0 && (ip[0] >> 4) == 4 && ((struct iphdr *)ip)->daddr == inet_addr("10.77.0.2"))
				hit = 1;
		}
	}
}

static int flags_of(const char *name, struct ifreq *ifr)
{
	memset(ifr, 0, sizeof(*ifr));
	snprintf(ifr->ifr_name, sizeof(ifr->ifr_name), "%s", name);
	if (ioctl(sk, SIOCGIFFLAGS, ifr))
		zdtm_fail("SIOCGIFFLAGS %s", name);
	return ifr->ifr_flags;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "plain";
	int none, t0, q1, q2, p, tap, lst, c, a;
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	struct ifreq ifr, mac;
	struct stat mine, init;
	struct timespec upped, now;

	zdtm_init();
	if (stat("/proc/self/ns/net", &init))
		zdtm_fail("stat ns");
	if (strcmp(mode, "own") && unshare(CLONE_NEWNET))
		zdtm_fail("unshare(CLONE_NEWNET)");
	sk = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (sk < 0)
		zdtm_fail("socket");
	up("lo", 0);
	none = tun(NULL, 0);
	t0 = tun("tunx0", IFF_TUN);
	q1 = tun("tunx1", IFF_TUN | IFF_MULTI_QUEUE);
	q2 = tun("tunx1", IFF_TUN | IFF_MULTI_QUEUE);
	queue(q2, IFF_DETACH_QUEUE, "detach");
	p = tun("tunx2", IFF_TUN);
	if (ioctl(p, TUNSETPERSIST, 1))
		zdtm_fail("TUNSETPERSIST");
	close(p);
	tap = tun("tapx0", IFF_TAP | IFF_NO_PI | IFF_VNET_HDR);
	clock_gettime(CLOCK_MONOTONIC, &upped);
	up("tunx0", 0);
	ifaddr("tunx0", "10.77.0.1", 1);
	up("tapx0", 1400);
	ifaddr("tapx0", "10.77.1.1", 1);
	memset(&mac, 0, sizeof(mac));
	snprintf(mac.ifr_name, sizeof(mac.ifr_name), "tapx0");
	if (ioctl(sk, SIOCGIFHWADDR, &mac))
		zdtm_fail("SIOCGIFHWADDR");
	lst = socket(AF_INET, SOCK_STREAM, 0);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (lst < 0 || bind(lst, (struct sockaddr *)&sa, sizeof(sa)) || listen(lst, 4) ||
	    getsockname(lst, (struct sockaddr *)&sa, &len))
		zdtm_fail("listener");
	if (!strcmp(mode, "sysctl")) {
		int f = open("/proc/sys/net/ipv4/ip_forward", O_WRONLY);

		if (f < 0 || write(f, "1", 1) != 1)
			zdtm_fail("ip_forward");
		close(f);
	} else if (!strcmp(mode, "route")) {
		struct rtentry rt = { 0 };
		struct sockaddr_in *d = (struct sockaddr_in *)&rt.rt_dst;
		struct sockaddr_in *m = (struct sockaddr_in *)&rt.rt_genmask;

		d->sin_family = m->sin_family = AF_INET;
		inet_pton(AF_INET, "10.99.0.0", &d->sin_addr);
		inet_pton(AF_INET, "255.255.0.0", &m->sin_addr);
		rt.rt_flags = RTF_UP;
		rt.rt_dev = "tapx0";
		if (ioctl(sk, SIOCADDRT, &rt))
			zdtm_fail("SIOCADDRT");
	} else if (!strcmp(mode, "trip")) {
		drain((int[]){ t0, tap }, 2, &upped, 8000, 2);
		clock_gettime(CLOCK_MONOTONIC, &now);
		drain((int[]){ t0, tap }, 2, &now, 300, 0);
	} else if (!strcmp(mode, "queued")) {
		struct sockaddr_in d = { .sin_family = AF_INET, .sin_port = htons(9) };
		int u = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		struct pollfd p = { .fd = t0, .events = POLLIN };

		d.sin_addr.s_addr = inet_addr("10.77.0.2");
		if (u < 0 || sendto(u, "hello", 5, 0, (struct sockaddr *)&d, sizeof(d)) != 5)
			zdtm_fail("sendto 10.77.0.2");
		close(u);
		if (poll(&p, 1, 1000) != 1)
			zdtm_fail("nothing queued on tunx0");
	}
	zdtm_ready();
	zdtm_wait_term();

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!strcmp(mode, "queued") && !drain(&t0, 1, &now, 500, 0)) {
		errno = 0;
		zdtm_fail("the datagram queued on tunx0 is gone");
	}
	if (stat("/proc/self/ns/net", &mine))
		zdtm_fail("stat ns");
	if (strcmp(mode, "own") && mine.st_ino == init.st_ino) {
		errno = 0;
		zdtm_fail("in the net namespace it was started in");
	}
	if (tun(NULL, 0) < 0 || ioctl(none, TUNGETIFF, &ifr) == 0) {
		errno = 0;
		zdtm_fail("the unattached fd is attached");
	}
	check(t0, "tunx0", IFF_TUN, 0);
	check(q1, "tunx1", IFF_TUN | IFF_MULTI_QUEUE, 0);
	check(q2, "tunx1", IFF_TUN | IFF_MULTI_QUEUE, 1);
	check(tap, "tapx0", IFF_TAP | IFF_NO_PI | IFF_VNET_HDR, 0);
	queue(q1, IFF_DETACH_QUEUE, "detach the attached queue");
	queue(q2, IFF_ATTACH_QUEUE, "attach the detached queue");
	if (tun("tunx2", IFF_TUN | IFF_TUN_EXCL) >= 0) {
		errno = 0;
		zdtm_fail("persistent tunx2 is gone");
	}
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "tapx0");
	if (ioctl(sk, SIOCGIFHWADDR, &ifr) ||
	    memcmp(ifr.ifr_hwaddr.sa_data, mac.ifr_hwaddr.sa_data, 6)) {
		errno = 0;
		zdtm_fail("tapx0 has another MAC");
	}
	if (ioctl(sk, SIOCGIFMTU, &ifr) || ifr.ifr_mtu != 1400) {
		errno = 0;
		zdtm_fail("tapx0 MTU %d", ifr.ifr_mtu);
	}
	if (!(flags_of("lo", &ifr) & IFF_UP) || !(flags_of("tapx0", &ifr) & IFF_UP) ||
	    !(flags_of("tunx0", &ifr) & IFF_UP) || (flags_of("tunx2", &ifr) & IFF_UP)) {
		errno = 0;
		zdtm_fail("a link is not up or down as it was");
	}
	ifaddr("tunx0", "10.77.0.1", 0);
	ifaddr("tapx0", "10.77.1.1", 0);
	c = socket(AF_INET, SOCK_STREAM, 0);
	if (c < 0 || connect(c, (struct sockaddr *)&sa, sizeof(sa)))
		zdtm_fail("connect to the listener");
	a = accept(lst, NULL, NULL);
	if (a < 0)
		zdtm_fail("accept");
	zdtm_pass();
	return 0;
}
