// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_packet: packet sockets (kind_packet.c). A raw socket of no
 * ethertype with TPACKET_V2, PACKET_AUXDATA, a receive ring and a
 * promiscuous membership on lo; a datagram socket of ETH_P_IP bound to lo
 * with PACKET_RESERVE, PACKET_ORIGDEV, a fanout group, a unicast
 * membership, a transmit ring, a classic filter and O_NONBLOCK; a
 * TPACKET_V3 socket with a block ring bound to lo; a SOCK_PACKET socket
 * bound to lo by name and one not bound.
 *
 * After the restore each must have its binding and options back
 * (getsockname, getsockopt), the memberships must be there to drop, the
 * rings must map at their size, and the datagram socket must receive an
 * IP packet sent to 127.0.0.1.
 *
 * Arguments: "queued" (a socket with a packet queued), "held" (a
 * receive ring with a frame the program has not released), "part" (half
 * of a ring mapped), "written" (a ring mapped privately, a page of it
 * written: the program's copy): each refused by dump, each checked still
 * so after.
 * "mapped" / "private": a datagram socket on lo with a receive and a
 * transmit ring mapped shared / privately (as zdtm packet_sock_mmap):
 * after the restore the mapping must be at the same address, of the same
 * socket, with the same protection (and MADV_DONTFORK, given to the shared
 * one), and an IP packet sent to 127.0.0.1 must show up in its first
 * receive frame through the mapping.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "zdtm.h"

static int lo;

static int sock(int type, int proto)
{
	int s = socket(AF_PACKET, type, htons(proto));

	if (s < 0)
		zdtm_fail("socket(%d, %#x)", type, proto);
	return s;
}

static void seti(int s, int opt, int v)
{
	if (setsockopt(s, SOL_PACKET, opt, &v, sizeof(v)))
		zdtm_fail("setsockopt(%d)", opt);
}

static int geti(int s, int opt)
{
	socklen_t l = sizeof(int);
	int v = -1;

	if (getsockopt(s, SOL_PACKET, opt, &v, &l))
		zdtm_fail("getsockopt(%d)", opt);
	return v;
}

static void bind_lo(int s, int proto)
{
	struct sockaddr_ll sa = { .sll_family = AF_PACKET, .sll_protocol = htons(proto),
				  .sll_ifindex = lo };

	if (bind(s, (struct sockaddr *)&sa, sizeof(sa)))
		zdtm_fail("bind to lo");
}

static void ring(int s, int opt, unsigned int bsize, unsigned int bnr, unsigned int fsize, bool v3)
{
	struct tpacket_req3 r = { bsize, bnr, fsize, bsize / fsize * bnr, v3 ? 60 : 0, 0, 0 };

	if (setsockopt(s, SOL_PACKET, opt, &r, v3 ? sizeof(r) : sizeof(struct tpacket_req)))
		zdtm_fail("ring %d", opt);
}

struct mreq {
	int ifindex;
	unsigned short type, alen;
	unsigned char addr[8];
};

static int member(int s, int opt, unsigned short type, unsigned short alen)
{
	struct mreq m = { lo, type, alen, { 0 } };

	return setsockopt(s, SOL_PACKET, opt, &m, sizeof(m));
}

static void udp_to_lo(void)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(9) };
	int u = socket(AF_INET, SOCK_DGRAM, 0);

	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (u < 0 || sendto(u, "pkt", 3, 0, (struct sockaddr *)&to, sizeof(to)) != 3)
		zdtm_fail("send to 127.0.0.1");
	close(u);
}

static int refused_case(const char *mode)
{
	int s = sock(SOCK_DGRAM, ETH_P_IP);
	struct pollfd pf = { .fd = s, .events = POLLIN };
	void *m = NULL;

	bind_lo(s, ETH_P_IP);
	if (!strcmp(mode, "held") || !strcmp(mode, "part")) {
		seti(s, PACKET_VERSION, TPACKET_V2);
		ring(s, PACKET_RX_RING, 4096, 2, 2048, false);
		m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, s, 0);
		if (m == MAP_FAILED)
			zdtm_fail("mmap ring");
		if (munmap(!strcmp(mode, "held") ? m : (char *)m + 4096, !strcmp(mode, "held") ? 8192 : 4096))
			zdtm_fail("munmap");
	}
	if (!strcmp(mode, "written")) {
		seti(s, PACKET_VERSION, TPACKET_V2);
		ring(s, PACKET_RX_RING, 4096, 1, 2048, false);
		m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, s, 0);
		if (m == MAP_FAILED)
			zdtm_fail("mmap ring");
		((volatile char *)m)[4000] = 1; /* the program's own copy of the page */
	}
	if (strcmp(mode, "part") && strcmp(mode, "written")) {
		udp_to_lo();
		if (poll(&pf, 1, 5000) != 1)
			zdtm_fail("nothing received");
	}
	zdtm_ready();
	zdtm_wait_term();
	if (strcmp(mode, "part") && strcmp(mode, "written") && poll(&pf, 1, 0) != 1)
		zdtm_fail("the packet is gone");
	return zdtm_pass();
}

/* Does /proc/self/maps have @m..@m+@len, @perms, of socket @s? */
static bool maps_has(void *m, size_t len, const char *perms, int s)
{
	unsigned long a, b;
	unsigned long long ino;
	char line[512], p[5];
	struct stat st;
	bool found = false;
	FILE *f = fopen("/proc/self/maps", "r");

	if (!f || fstat(s, &st))
		zdtm_fail("maps");
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx-%lx %4s %*s %*s %llu", &a, &b, p, &ino) == 4 &&
		    a == (unsigned long)m && b - a == len && !strcmp(p, perms) && ino == st.st_ino)
			found = true;
	fclose(f);
	return found;
}

/* Does smaps say VmFlags @flag for the VMA at @m? */
static bool vmflag(void *m, const char *flag)
{
	char line[512], want[8];
	bool in = false, found = false;
	unsigned long a;
	FILE *f = fopen("/proc/self/smaps", "r");

	if (!f)
		zdtm_fail("smaps");
	snprintf(want, sizeof(want), " %s", flag);
	while (fgets(line, sizeof(line), f)) {
		/* A VMA's line starts with its address (lower-case hex), a field's with its name. */
		if (((line[0] >= '0' && line[0] <= '9') || (line[0] >= 'a' && line[0] <= 'f')) &&
		    sscanf(line, "%lx-", &a) == 1)
			in = a == (unsigned long)m;
		if (in && !strncmp(line, "VmFlags:", 8) && strstr(line, want))
			found = true;
	}
	fclose(f);
	return found;
}

static int mapped_case(bool shared)
{
	int s = sock(SOCK_DGRAM, ETH_P_IP);
	const char *perms = shared ? "rw-s" : "rw-p";
	struct pollfd pf = { .fd = s, .events = POLLIN };
	struct tpacket2_hdr *h;
	char *m;

	bind_lo(s, ETH_P_IP);
	seti(s, PACKET_VERSION, TPACKET_V2);
	ring(s, PACKET_RX_RING, 4096, 1, 2048, false);
	ring(s, PACKET_TX_RING, 4096, 1, 2048, false);
	m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, shared ? MAP_SHARED : MAP_PRIVATE, s, 0);
	if (m == MAP_FAILED)
		zdtm_fail("mmap ring");
	if (!maps_has(m, 8192, perms, s))
		zdtm_fail("the ring is not mapped before the dump");
	/* The shared one is not inherited by children (MADV_DONTFORK). */
	if (shared && madvise(m, 8192, MADV_DONTFORK))
		zdtm_fail("madvise");
	zdtm_ready();
	zdtm_wait_term();
	if (!maps_has(m, 8192, perms, s))
		zdtm_fail("the ring is not mapped at %p (%s) of the socket", (void *)m, perms);
	if (vmflag(m, "dc") != shared)
		zdtm_fail("MADV_DONTFORK %s", shared ? "lost" : "gained");
	h = (struct tpacket2_hdr *)m;
	if (h->tp_status != TP_STATUS_KERNEL)
		zdtm_fail("the first frame is not the kernel's (status %#x)", h->tp_status);
	udp_to_lo();
	if (poll(&pf, 1, 5000) != 1)
		zdtm_fail("nothing received in the ring");
	if (!(h->tp_status & TP_STATUS_USER) || h->tp_len != 31 ||
	    memcmp(m + h->tp_net + 28, "pkt", 3))
		zdtm_fail("the first frame: status %#x, %u bytes", h->tp_status, h->tp_len);
	return zdtm_pass();
}

static struct sock_filter accept_all[] = { { BPF_RET | BPF_K, 0, 0, 0xffff } };

int main(int argc, char **argv)
{
	struct sock_fprog fp = { 1, accept_all };
	struct sockaddr_ll ll;
	struct sockaddr sa;
	struct pollfd pf;
	socklen_t l;
	int s1, s2, s3, s4, s5;
	char buf[256];
	void *m;

	zdtm_init();
	lo = if_nametoindex("lo");
	if (!lo)
		zdtm_fail("no lo");
	if (argc > 1 && (!strcmp(argv[1], "mapped") || !strcmp(argv[1], "private")))
		return mapped_case(!strcmp(argv[1], "mapped"));
	if (argc > 1)
		return refused_case(argv[1]);

	s1 = sock(SOCK_RAW, 0);
	seti(s1, PACKET_VERSION, TPACKET_V2);
	seti(s1, PACKET_AUXDATA, 1);
	ring(s1, PACKET_RX_RING, 4096, 4, 2048, false);
	if (member(s1, PACKET_ADD_MEMBERSHIP, PACKET_MR_PROMISC, 0))
		zdtm_fail("promisc");

	s2 = sock(SOCK_DGRAM | SOCK_NONBLOCK, ETH_P_IP);
	bind_lo(s2, 0);
	seti(s2, PACKET_RESERVE, 8);
	seti(s2, PACKET_ORIGDEV, 1);
	seti(s2, PACKET_FANOUT, 77 | (PACKET_FANOUT_HASH << 16));
	if (member(s2, PACKET_ADD_MEMBERSHIP, PACKET_MR_UNICAST, 6))
		zdtm_fail("unicast");
	ring(s2, PACKET_TX_RING, 8192, 2, 1024, false);
	if (setsockopt(s2, SOL_SOCKET, SO_ATTACH_FILTER, &fp, sizeof(fp)))
		zdtm_fail("filter");

	s3 = sock(SOCK_RAW, 0x88b6);
	seti(s3, PACKET_VERSION, TPACKET_V3);
	ring(s3, PACKET_RX_RING, 4096, 2, 2048, true);
	bind_lo(s3, 0x88b6);

	s4 = sock(SOCK_PACKET, 0x88b7);
	memset(&sa, 0, sizeof(sa));
	sa.sa_family = AF_PACKET;
	strcpy(sa.sa_data, "lo");
	if (bind(s4, &sa, sizeof(sa)))
		zdtm_fail("bind SOCK_PACKET");
	s5 = sock(SOCK_PACKET, 0x88b8);

	printf("lo=%d\n", lo);
	zdtm_ready();
	zdtm_wait_term();

	if (geti(s1, PACKET_VERSION) != TPACKET_V2 || geti(s1, PACKET_AUXDATA) != 1)
		zdtm_fail("s1: version %d auxdata %d", geti(s1, PACKET_VERSION), geti(s1, PACKET_AUXDATA));
	if (member(s1, PACKET_DROP_MEMBERSHIP, PACKET_MR_PROMISC, 0))
		zdtm_fail("s1: no promiscuous membership");
	m = mmap(NULL, 4 * 4096, PROT_READ, MAP_SHARED, s1, 0);
	if (m == MAP_FAILED)
		zdtm_fail("s1: the receive ring does not map at 16 KiB");
	munmap(m, 4 * 4096);

	l = sizeof(ll);
	if (getsockname(s2, (struct sockaddr *)&ll, &l) || ll.sll_ifindex != lo ||
	    ll.sll_protocol != htons(ETH_P_IP))
		zdtm_fail("s2: bound to %d proto %#x", ll.sll_ifindex, ntohs(ll.sll_protocol));
	if (geti(s2, PACKET_RESERVE) != 8 || geti(s2, PACKET_ORIGDEV) != 1 ||
	    geti(s2, PACKET_FANOUT) != (77 | (PACKET_FANOUT_HASH << 16)))
		zdtm_fail("s2: reserve %d origdev %d fanout %#x", geti(s2, PACKET_RESERVE),
			  geti(s2, PACKET_ORIGDEV), geti(s2, PACKET_FANOUT));
	if (member(s2, PACKET_DROP_MEMBERSHIP, PACKET_MR_UNICAST, 6))
		zdtm_fail("s2: no unicast membership");
	m = mmap(NULL, 2 * 8192, PROT_READ, MAP_SHARED, s2, 0);
	if (m == MAP_FAILED)
		zdtm_fail("s2: the transmit ring does not map at 16 KiB");
	munmap(m, 2 * 8192);
	if (!(fcntl(s2, F_GETFL) & O_NONBLOCK))
		zdtm_fail("s2: blocking");
	udp_to_lo();
	pf.fd = s2;
	pf.events = POLLIN;
	if (poll(&pf, 1, 5000) != 1 || recv(s2, buf, sizeof(buf), 0) <= 0)
		zdtm_fail("s2: no IP packet received");

	if (geti(s3, PACKET_VERSION) != TPACKET_V3)
		zdtm_fail("s3: version");
	l = sizeof(ll);
	if (getsockname(s3, (struct sockaddr *)&ll, &l) || ll.sll_ifindex != lo ||
	    ll.sll_protocol != htons(0x88b6))
		zdtm_fail("s3: binding");
	m = mmap(NULL, 2 * 4096, PROT_READ, MAP_SHARED, s3, 0);
	if (m == MAP_FAILED)
		zdtm_fail("s3: the block ring does not map at 8 KiB");

	l = sizeof(sa);
	memset(&sa, 0, sizeof(sa));
	if (getsockname(s4, &sa, &l) || strcmp(sa.sa_data, "lo"))
		zdtm_fail("s4: bound to '%.14s'", sa.sa_data);
	l = sizeof(sa);
	memset(&sa, 0, sizeof(sa));
	if (getsockname(s5, &sa, &l) || sa.sa_data[0])
		zdtm_fail("s5: bound to '%.14s'", sa.sa_data);
	return zdtm_pass();
}
