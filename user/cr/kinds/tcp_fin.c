// SPDX-License-Identifier: GPL-2.0
/*
 * tcp_fin.c - closing TCP connections made again (tcp_fin.h). The
 * segments that stand for the peer are built here whole (IP header and
 * TCP header, no options) and written on a raw socket: the kernel takes
 * them as the peer's, the restored socket answers them with its ACK, and
 * a peer in the tree (restored too, or about to leave repair mode) sees
 * an acknowledgment it already had. They carry no timestamp option: the
 * kernel checks PAWS only on segments that have one.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip6.h>
#include <linux/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tcp_fin.h"
#include "tcp_fwpass.h"
#include "testfault.h"
#include "tcp_repair.h"

#define FLAG_FIN 0x01
#define FLAG_RST 0x04
#define FLAG_ACK 0x10

bool tcp_fin__state_ok(uint32_t st)
{
	return st == TCP_FIN_ST_ESTABLISHED || st == TCP_FIN_ST_SYN_SENT || tcp_fin__ours(st) ||
	       tcp_fin__peers(st);
}

/* CLOSE here: a connection that ended, both FINs acknowledged (dump_inet.c). */
bool tcp_fin__ours(uint32_t st)
{
	return st == TCP_FIN_ST_FIN_WAIT1 || st == TCP_FIN_ST_FIN_WAIT2 ||
	       st == TCP_FIN_ST_LAST_ACK || st == TCP_FIN_ST_CLOSING || st == TCP_FIN_ST_CLOSE;
}

bool tcp_fin__ours_acked(uint32_t st)
{
	return st == TCP_FIN_ST_FIN_WAIT2 || st == TCP_FIN_ST_CLOSE;
}

bool tcp_fin__peers(uint32_t st)
{
	return st == TCP_FIN_ST_CLOSE_WAIT || st == TCP_FIN_ST_LAST_ACK ||
	       st == TCP_FIN_ST_CLOSING || st == TCP_FIN_ST_CLOSE;
}

const char *tcp_fin__state_name(uint32_t st)
{
	static const char *const names[] = {
		[1] = "established", [2] = "connecting", [3] = "connecting",
		[4] = "fin-wait-1", [5] = "fin-wait-2", [6] = "time-wait", [7] = "closed",
		[8] = "close-wait", [9] = "last-ack", [10] = "listening", [11] = "closing",
	};

	return st < sizeof(names) / sizeof(names[0]) && names[st] ? names[st] : "unknown state";
}

/* A reset connection comes back ESTABLISHED first: no FIN went either way. */
uint32_t tcp_fin__fins_state(const TcpConnEntry *t)
{
	return t->has_reset_err ? TCP_FIN_ST_ESTABLISHED : t->state;
}

uint32_t tcp_fin__rcv_nxt(const TcpConnEntry *t)
{
	return t->inq_seq - (tcp_fin__peers(tcp_fin__fins_state(t)) ? 1 : 0);
}

uint32_t tcp_fin__write_seq(const TcpConnEntry *t)
{
	return t->outq_seq - (tcp_fin__ours(tcp_fin__fins_state(t)) ? 1 : 0);
}

/*
 * CLOSING: our FIN went before the peer's, so it is queued in repair mode,
 * and the bytes before it with it (as sent: the retransmit timer sends
 * them). Elsewhere the bytes never sent are written once repair mode is
 * off, and a FIN never sent after them.
 */
static bool fin_in_repair(const TcpConnEntry *t)
{
	uint32_t st = tcp_fin__fins_state(t);

	return tcp_fin__ours(st) && (!t->fin_unsent || st == TCP_FIN_ST_CLOSING);
}

size_t tcp_fin__sent_in_repair(const TcpConnEntry *t)
{
	return tcp_fin__fins_state(t) == TCP_FIN_ST_CLOSING ? t->outq.len : t->outq.len - t->unsent;
}

/* The one's complement sum of @len bytes at @p, added to @sum. */
static uint32_t csum_add(uint32_t sum, const void *p, size_t len)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)b[i] << 8 | b[i + 1];
	if (len & 1)
		sum += (uint32_t)b[len - 1] << 8;
	return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

/* An IPv4-mapped IPv6 address: the connection runs over IPv4. */
static bool mapped(const struct sockaddr_in6 *a)
{
	return IN6_IS_ADDR_V4MAPPED(&a->sin6_addr);
}

/*
 * One segment from @peer to @local: @flags, sequence @seq, acknowledging
 * @ack, window @win (as the peer writes it, scaled). 0 or -errno.
 */
static int send_segment(const struct sockaddr_storage *local, const struct sockaddr_storage *peer,
			uint32_t seq, uint32_t ack, uint16_t win, uint8_t flags)
{
	uint8_t pkt[sizeof(struct ip6_hdr) + sizeof(struct tcphdr)];
	struct sockaddr_storage to;
	struct tcphdr th;
	uint8_t src[16], dst[16];
	uint16_t sport, dport;
	uint32_t sum;
	size_t alen, hlen;
	socklen_t tolen;
	int family, s, mark, err = 0;
	ssize_t n;

	if (local->ss_family == AF_INET) {
		const struct sockaddr_in *l = (const void *)local, *p = (const void *)peer;

		family = AF_INET;
		memcpy(src, &p->sin_addr, 4);
		memcpy(dst, &l->sin_addr, 4);
		sport = p->sin_port;
		dport = l->sin_port;
	} else {
		const struct sockaddr_in6 *l = (const void *)local, *p = (const void *)peer;

		family = mapped(l) ? AF_INET : AF_INET6;
		if (family == AF_INET) {
			memcpy(src, &p->sin6_addr.s6_addr[12], 4);
			memcpy(dst, &l->sin6_addr.s6_addr[12], 4);
		} else {
			memcpy(src, &p->sin6_addr, 16);
			memcpy(dst, &l->sin6_addr, 16);
		}
		sport = p->sin6_port;
		dport = l->sin6_port;
	}
	alen = family == AF_INET ? 4 : 16;

	memset(&th, 0, sizeof(th));
	th.source = sport;
	th.dest = dport;
	th.seq = htonl(seq);
	th.ack_seq = htonl(ack);
	th.doff = sizeof(th) / 4;
	th.fin = !!(flags & FLAG_FIN);
	th.rst = !!(flags & FLAG_RST);
	th.ack = !!(flags & FLAG_ACK);
	th.window = htons(win);
	/* Over the pseudo header: both addresses, the protocol, the length. */
	sum = csum_add(0, src, alen);
	sum = csum_add(sum, dst, alen);
	sum += IPPROTO_TCP + sizeof(th);
	sum = csum_add(sum, &th, sizeof(th));
	th.check = csum_fold(sum);

	memset(&to, 0, sizeof(to));
	if (family == AF_INET) {
		struct ip ip;
		struct sockaddr_in *t = (struct sockaddr_in *)&to;

		memset(&ip, 0, sizeof(ip));
		ip.ip_v = 4;
		ip.ip_hl = sizeof(ip) / 4;
		ip.ip_len = htons(sizeof(ip) + sizeof(th));
		ip.ip_ttl = 64;
		ip.ip_p = IPPROTO_TCP;
		memcpy(&ip.ip_src, src, 4);
		memcpy(&ip.ip_dst, dst, 4);
		/* The kernel fills in the header checksum and the id. */
		memcpy(pkt, &ip, sizeof(ip));
		hlen = sizeof(ip);
		t->sin_family = AF_INET;
		memcpy(&t->sin_addr, dst, 4);
		tolen = sizeof(*t);
	} else {
		struct ip6_hdr ip6;
		struct sockaddr_in6 *t = (struct sockaddr_in6 *)&to;

		memset(&ip6, 0, sizeof(ip6));
		ip6.ip6_flow = htonl(6u << 28);
		ip6.ip6_plen = htons(sizeof(th));
		ip6.ip6_nxt = IPPROTO_TCP;
		ip6.ip6_hlim = 64;
		memcpy(&ip6.ip6_src, src, 16);
		memcpy(&ip6.ip6_dst, dst, 16);
		memcpy(pkt, &ip6, sizeof(ip6));
		hlen = sizeof(ip6);
		t->sin6_family = AF_INET6;
		memcpy(&t->sin6_addr, dst, 16);
		t->sin6_scope_id = ((const struct sockaddr_in6 *)local)->sin6_scope_id;
		tolen = sizeof(*t);
	}
	memcpy(pkt + hlen, &th, sizeof(th));

	/* IPPROTO_RAW: the header is ours (IP_HDRINCL, IPV6_HDRINCL). */
	s = socket(family, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
	if (s < 0)
		return -errno;
	/* Marked: the dump's network lock lets it through (tcp_lock.c). */
	mark = TCP_FIN_MARK;
	if (setsockopt(s, SOL_SOCKET, SO_MARK, &mark, sizeof(mark))) {
		err = -errno;
		close(s);
		return err;
	}
	n = sendto(s, pkt, hlen + sizeof(th), 0, (struct sockaddr *)&to, tolen);
	if (n < 0)
		err = -errno;
	else if ((size_t)n != hlen + sizeof(th))
		err = -EIO;
	close(s);
	return err;
}

/* The window the peer last offered, as it writes it in a segment. */
static uint16_t peer_window(const TcpConnEntry *t)
{
	uint32_t w = t->snd_wnd >> ((t->opts & TCPI_OPT_WSCALE) ? t->snd_wscale : 0);

	return w > 0xffff ? 0xffff : (uint16_t)w;
}

/* shutdown(SHUT_WR) in repair mode, the send queue selected: the FIN queued as sent. */
static int fin_as_sent(int s, const char **what)
{
	uint32_t seq;
	int err;

	*what = "our FIN (shutdown in repair mode)";
	/* Selecting the queue is what makes the kernel take it as sent. */
	err = tcp_repair__seq(s, TCP_SEND_QUEUE, &seq);
	if (err)
		return err;
	return shutdown(s, SHUT_WR) ? -errno : 0;
}

static int state_of(int s)
{
	struct tcp_info ti;
	socklen_t l = sizeof(ti);

	memset(&ti, 0, sizeof(ti));
	return getsockopt(s, IPPROTO_TCP, TCP_INFO, &ti, &l) ? -errno : ti.tcpi_state;
}

/*
 * A segment for @s from its peer, which moves it to another state: sent,
 * and seen to arrive (0.2 s at most). A firewall rule may drop it: then
 * once more through the way tcp_fwpass.h opens (its caller closes it).
 */
static int inject(int s, const struct sockaddr_storage *local,
		  const struct sockaddr_storage *peer, uint32_t seq, uint32_t ack, uint16_t win,
		  uint8_t flags)
{
	int before = state_of(s), i, err, round;

	if (before < 0)
		return before;
	for (round = 0; round < 2; round++) {
		if (round && tcp_fwpass__open(local, peer))
			break;
		err = send_segment(local, peer, seq, ack, win, flags);
		/* A drop at the output hook is sendto's EPERM: dropped all the same. */
		if (err == -EPERM && !round)
			continue;
		for (i = 0; !err && i < 200 && state_of(s) == before; i++)
			usleep(1000);
		if (err || state_of(s) != before)
			return err;
	}
	return -ETIMEDOUT;
}

/*
 * The reset as the peer sent it: at the sequence number the socket
 * expects next, which is the only one the kernel takes a reset at
 * (RFC 5961; others draw a challenge ACK). The kernel then does what it
 * did to the original: state CLOSE, shut down both ways, what was not
 * acknowledged dropped, the unread bytes kept, ECONNRESET pending. One
 * the program had read already is taken here (SO_ERROR), as it took it.
 */
static int reset(int s, const TcpConnEntry *t, const struct sockaddr_storage *local,
		 const struct sockaddr_storage *peer, const char **what)
{
	socklen_t l = sizeof(int);
	int err, v;

	*what = "the peer's reset from a raw socket (not received: a firewall rule?)";
	err = inject(s, local, peer, tcp_fin__rcv_nxt(t), 0, 0, FLAG_RST);
	/* Taken when pending: the verification must find it missing (cr_tcp_reset.sh). */
	if (err || (t->reset_err && !testfault__point("restore-take-reset-error")))
		return err;
	*what = "SO_ERROR (the reset's error, read by the program before the dump)";
	return getsockopt(s, SOL_SOCKET, SO_ERROR, &v, &l) ? -errno : 0;
}

int tcp_fin__replay(int s, const TcpConnEntry *t, enum tcp_fin_step step,
		    const struct sockaddr_storage *local, const struct sockaddr_storage *peer,
		    const char **what)
{
	uint32_t snd_una = tcp_fin__write_seq(t) - (uint32_t)t->outq.len;
	uint32_t st = tcp_fin__fins_state(t);

	if (step == TCP_FIN_RESET)
		return t->has_reset_err ? reset(s, t, local, peer, what) : 0;
	switch (step) {
	case TCP_FIN_OURS_FIRST:
		if (!fin_in_repair(t) || st == TCP_FIN_ST_LAST_ACK ||
		    st == TCP_FIN_ST_CLOSE)
			return 0;
		return fin_as_sent(s, what);
	case TCP_FIN_PEERS:
		if (!tcp_fin__peers(st))
			return 0;
		*what = "the peer's FIN from a raw socket (not received: a firewall rule?)";
		return inject(s, local, peer, tcp_fin__rcv_nxt(t), snd_una, peer_window(t),
			      FLAG_FIN | FLAG_ACK);
	case TCP_FIN_OURS_SECOND:
		if (!fin_in_repair(t) ||
		    (st != TCP_FIN_ST_LAST_ACK && st != TCP_FIN_ST_CLOSE))
			return 0;
		return fin_as_sent(s, what);
	case TCP_FIN_ACKED:
		if (!tcp_fin__ours_acked(st))
			return 0;
		*what = "the peer's ACK of our FIN from a raw socket (not received: a firewall rule?)";
		/* A peer in the tree may have acknowledged it already (its answer to our FIN). */
		if (state_of(s) == (st == TCP_FIN_ST_CLOSE ? TCP_FIN_ST_CLOSE :
								   TCP_FIN_ST_FIN_WAIT2))
			return 0;
		return inject(s, local, peer, t->inq_seq, t->outq_seq, peer_window(t), FLAG_ACK);
	default:
		return -EINVAL;
	}
}

/* What TCP_INFO counts of the segments @s received; 0 if unknown. */
static uint32_t segs_in(int s)
{
	struct tcp_info ti;
	socklen_t l = sizeof(ti);

	memset(&ti, 0, sizeof(ti));
	return getsockopt(s, IPPROTO_TCP, TCP_INFO, &ti, &l) ? 0 : ti.tcpi_segs_in;
}

static char probe_why[700];

const char *tcp_fin__probe_why(void)
{
	return probe_why;
}

int tcp_fin__probe(int s, const TcpConnEntry *t, const struct sockaddr_storage *local,
		   const struct sockaddr_storage *peer)
{
	uint32_t before = segs_in(s);
	int i, err = 0, round, tried = 0, opened = 0;

	/* Only what restore will replay from a raw socket; a closed socket is in no table. */
	if (!(tcp_fin__peers(t->state) || tcp_fin__ours_acked(t->state)) ||
	    t->state == TCP_FIN_ST_CLOSE || t->has_reset_err)
		return 0;
	/*
	 * Far out of the window: the kernel counts it, answers a duplicate
	 * ACK at most, and changes nothing else. Dropped: once more through
	 * the way restore would open too (tcp_fwpass.h), closed again here.
	 */
	for (round = 0; round < 2; round++) {
		if (round && (tried = 1, opened = tcp_fwpass__open(local, peer)))
			break;
		err = send_segment(local, peer, t->inq_seq - 0x40000000u, t->outq_seq - 1,
				   peer_window(t), FLAG_ACK);
		if (err == -EPERM && !round)
			continue;
		for (i = 0; !err && i < 200 && segs_in(s) == before; i++)
			usleep(1000);
		if (err || segs_in(s) != before)
			break;
	}
	/* A rule that stays would let marked segments in for good: that fails the dump too. */
	round = tcp_fwpass__close();
	if (!err)
		err = round;
	if (opened)
		snprintf(probe_why, sizeof(probe_why), "the way through nftables could not be opened: %s",
			 tcp_fwpass__why());
	else
		snprintf(probe_why, sizeof(probe_why), "%s", tried ?
			 "dropped with the way through nftables open too: an iptables-legacy rule?" :
			 "dropped at the output hook");
	return err ? err : segs_in(s) == before ? -EHOSTUNREACH : 0;
}

int tcp_fin__after_repair(int s, const TcpConnEntry *t, uint32_t shutdown_bits,
			  const char **what)
{
	if (t->has_reset_err)
		return 0;	/* closed, shut down both ways by the reset */
	if (tcp_fin__ours(t->state) && !fin_in_repair(t)) {
		*what = "our FIN (shutdown)";
		if (shutdown(s, SHUT_WR))
			return -errno;
	}
	/* Reading shut down by the program, not by the peer's FIN: nothing goes out. */
	if ((shutdown_bits & 1) && !tcp_fin__peers(t->state)) {
		*what = "shutdown(SHUT_RD)";
		if (shutdown(s, SHUT_RD))
			return -errno;
	}
	return 0;
}
