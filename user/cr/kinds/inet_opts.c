// SPDX-License-Identifier: GPL-2.0
/*
 * inet_opts.c - the inet socket options kept beyond the few inet_sk_entry
 * names (see inet_opts.h): which ones, their names, and the checks an
 * image's list must pass.
 *
 * The list holds options a program sets and the kernel gives back as it
 * was set (an int, or the option's struct: a raw ICMP socket's type
 * filter, ICMP_FILTER and ICMPV6_FILTER). Left out: those dump_inet.c
 * and restore_inet.c handle by name (SO_REUSEADDR, SO_REUSEPORT,
 * SO_KEEPALIVE, SO_SNDBUF, SO_RCVBUF, SO_BINDTODEVICE, IPV6_V6ONLY,
 * IP_FREEBIND, IP_TRANSPARENT, TCP_NODELAY), read-only ones (IP_MTU...),
 * and values the kernel changes by itself (SO_INCOMING_CPU).
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <netinet/udp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>


#include "inet_opts.h"

#ifndef UDP_NO_CHECK6_TX
#define UDP_NO_CHECK6_TX 101
#define UDP_NO_CHECK6_RX 102
#endif
#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103
#endif
#ifndef UDP_GRO
#define UDP_GRO 104
#endif
#ifndef IP_LOCAL_PORT_RANGE
#define IP_LOCAL_PORT_RANGE 51
#endif
#ifndef IPPROTO_UDPLITE
#define IPPROTO_UDPLITE 136
#endif
#ifndef IPV6_HDRINCL
#define IPV6_HDRINCL 36
#endif
/* linux/udp.h, linux/icmp.h, linux/icmpv6.h: not in the libc headers. */
#define UDPLITE_SEND_CSCOV 10
#define UDPLITE_RECV_CSCOV 11
#define ICMP_FILTER 1
#define ICMPV6_FILTER 1
#define SOL_RAW_ 255

#define O(level, name) { level, name, #name }

/* In the order restore sets them: IP_TOS before SO_PRIORITY (it resets it). */
static const struct inet_opt opts[] = {
	O(IPPROTO_IP, IP_TOS),
	O(IPPROTO_IP, IP_TTL),
	O(IPPROTO_IP, IP_OPTIONS),
	O(IPPROTO_IP, IP_RECVOPTS),
	O(IPPROTO_IP, IP_RETOPTS),
	O(IPPROTO_IP, IP_PKTINFO),
	O(IPPROTO_IP, IP_RECVTTL),
	O(IPPROTO_IP, IP_RECVTOS),
	O(IPPROTO_IP, IP_RECVERR),
	O(IPPROTO_IP, IP_RECVERR_RFC4884),
	O(IPPROTO_IP, IP_RECVORIGDSTADDR),
	O(IPPROTO_IP, IP_RECVFRAGSIZE),
	O(IPPROTO_IP, IP_MTU_DISCOVER),
	O(IPPROTO_IP, IP_MINTTL),
	O(IPPROTO_IP, IP_NODEFRAG),
	O(IPPROTO_IP, IP_CHECKSUM),
	O(IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT),
	O(IPPROTO_IP, IP_LOCAL_PORT_RANGE),
	O(IPPROTO_IP, IP_MULTICAST_TTL),
	O(IPPROTO_IP, IP_MULTICAST_LOOP),
	O(IPPROTO_IP, IP_MULTICAST_ALL),
	O(IPPROTO_IP, IP_MULTICAST_IF),
	O(IPPROTO_IP, IP_HDRINCL),
	O(SOL_RAW_, ICMP_FILTER),
	O(IPPROTO_IPV6, IPV6_UNICAST_HOPS),
	O(IPPROTO_IPV6, IPV6_UNICAST_IF),
	O(IPPROTO_IPV6, IPV6_MULTICAST_HOPS),
	O(IPPROTO_IPV6, IPV6_MULTICAST_LOOP),
	O(IPPROTO_IPV6, IPV6_MULTICAST_IF),
	O(IPPROTO_IPV6, IPV6_MULTICAST_ALL),
	O(IPPROTO_IPV6, IPV6_TCLASS),
	O(IPPROTO_IPV6, IPV6_RECVPKTINFO),
	O(IPPROTO_IPV6, IPV6_RECVHOPLIMIT),
	O(IPPROTO_IPV6, IPV6_RECVRTHDR),
	O(IPPROTO_IPV6, IPV6_RECVHOPOPTS),
	O(IPPROTO_IPV6, IPV6_RECVDSTOPTS),
	O(IPPROTO_IPV6, IPV6_RECVTCLASS),
	O(IPPROTO_IPV6, IPV6_RECVPATHMTU),
	O(IPPROTO_IPV6, IPV6_RECVERR),
	O(IPPROTO_IPV6, IPV6_RECVERR_RFC4884),
	O(IPPROTO_IPV6, IPV6_RECVORIGDSTADDR),
	O(IPPROTO_IPV6, IPV6_RECVFRAGSIZE),
	O(IPPROTO_IPV6, IPV6_MTU_DISCOVER),
	O(IPPROTO_IPV6, IPV6_DONTFRAG),
	O(IPPROTO_IPV6, IPV6_AUTOFLOWLABEL),
	O(IPPROTO_IPV6, IPV6_ADDR_PREFERENCES),
	O(IPPROTO_IPV6, IPV6_MINHOPCOUNT),
	O(IPPROTO_IPV6, IPV6_HDRINCL),
	O(IPPROTO_IPV6, IPV6_CHECKSUM),
	O(IPPROTO_ICMPV6, ICMPV6_FILTER),
	O(SOL_SOCKET, SO_BROADCAST),
	O(SOL_SOCKET, SO_DONTROUTE),
	O(SOL_SOCKET, SO_OOBINLINE),
	O(SOL_SOCKET, SO_PRIORITY),
	O(SOL_SOCKET, SO_MARK),
	O(SOL_SOCKET, SO_LINGER),
	O(SOL_SOCKET, SO_RCVLOWAT),
	O(SOL_SOCKET, SO_RCVTIMEO),
	O(SOL_SOCKET, SO_SNDTIMEO),
	O(SOL_SOCKET, SO_TIMESTAMP),
	O(SOL_SOCKET, SO_TIMESTAMPNS),
	O(SOL_SOCKET, SO_RXQ_OVFL),
	O(SOL_SOCKET, SO_NO_CHECK),
	O(SOL_SOCKET, SO_PEEK_OFF),
	O(SOL_SOCKET, SO_BUSY_POLL),
	O(SOL_SOCKET, SO_MAX_PACING_RATE),
	O(SOL_SOCKET, SO_ZEROCOPY),
	O(SOL_SOCKET, SO_SELECT_ERR_QUEUE),
	O(SOL_SOCKET, SO_TXREHASH),
	O(SOL_SOCKET, SO_RCVMARK),
	O(IPPROTO_TCP, TCP_MAXSEG),
	O(IPPROTO_TCP, TCP_KEEPIDLE),
	O(IPPROTO_TCP, TCP_KEEPINTVL),
	O(IPPROTO_TCP, TCP_KEEPCNT),
	O(IPPROTO_TCP, TCP_SYNCNT),
	O(IPPROTO_TCP, TCP_LINGER2),
	O(IPPROTO_TCP, TCP_DEFER_ACCEPT),
	O(IPPROTO_TCP, TCP_WINDOW_CLAMP),
	O(IPPROTO_TCP, TCP_CONGESTION),
	O(IPPROTO_TCP, TCP_USER_TIMEOUT),
	O(IPPROTO_TCP, TCP_NOTSENT_LOWAT),
	O(IPPROTO_TCP, TCP_FASTOPEN),
	O(IPPROTO_TCP, TCP_FASTOPEN_CONNECT),
	O(IPPROTO_TCP, TCP_CORK),
	O(IPPROTO_TCP, TCP_THIN_LINEAR_TIMEOUTS),
	O(IPPROTO_TCP, TCP_SAVE_SYN),
	O(IPPROTO_TCP, TCP_TX_DELAY),
	O(IPPROTO_UDP, UDP_CORK),
	O(IPPROTO_UDP, UDP_NO_CHECK6_TX),
	O(IPPROTO_UDP, UDP_NO_CHECK6_RX),
	O(IPPROTO_UDP, UDP_SEGMENT),
	O(IPPROTO_UDP, UDP_GRO),
	O(IPPROTO_UDPLITE, UDPLITE_SEND_CSCOV),
	O(IPPROTO_UDPLITE, UDPLITE_RECV_CSCOV),
};

const struct inet_opt *inet_opts__all(size_t *n)
{
	*n = sizeof(opts) / sizeof(opts[0]);
	return opts;
}

const struct inet_opt *inet_opts__find(uint32_t level, uint32_t name)
{
	size_t i;

	for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		if (opts[i].level == (int)level && opts[i].name == (int)name)
			return &opts[i];
	return NULL;
}

/* Multicast options: the kernel refuses to set them on a stream socket. */
static bool multicast(const struct inet_opt *o)
{
	if (o->level == IPPROTO_IP)
		return o->name == IP_MULTICAST_TTL || o->name == IP_MULTICAST_LOOP ||
		       o->name == IP_MULTICAST_ALL || o->name == IP_MULTICAST_IF;
	if (o->level == IPPROTO_IPV6)
		return o->name == IPV6_MULTICAST_HOPS || o->name == IPV6_MULTICAST_LOOP ||
		       o->name == IPV6_MULTICAST_IF || o->name == IPV6_MULTICAST_ALL;
	return false;
}

bool inet_opts__applies(const struct inet_opt *o, int family, int protocol)
{
	if (protocol == IPPROTO_TCP && multicast(o))
		return false;
	if (o->level == IPPROTO_IPV6)
		return family == AF_INET6;
	/* UDP-lite is UDP with its own two options, at its own level. */
	if (o->level == IPPROTO_UDP)
		return protocol == IPPROTO_UDP || protocol == IPPROTO_UDPLITE;
	if (o->level == IPPROTO_TCP || o->level == IPPROTO_UDPLITE)
		return o->level == protocol;
	/* A raw ICMP socket's type filter (a ping socket has none: getsockopt fails). */
	if (o->level == SOL_RAW_)
		return family == AF_INET && protocol == IPPROTO_ICMP;
	if (o->level == IPPROTO_ICMPV6)
		return family == AF_INET6 && protocol == IPPROTO_ICMPV6;
	return true;
}

int inet_opts__check(const InetSkEntry *k, char *why, size_t len)
{
	const struct inet_opt *o;
	size_t i;

	if (k->has_shutdown && (k->shutdown > 3 || (k->shutdown && k->listening))) {
		snprintf(why, len, "inet socket with shutdown bits 0x%x", k->shutdown);
		return -EINVAL;
	}
	for (i = 0; i < k->n_opts; i++) {
		o = inet_opts__find(k->opts[i]->level, k->opts[i]->name);
		if (!o || !inet_opts__applies(o, k->family, k->protocol)) {
			snprintf(why, len, "inet socket with unknown option %u/%u", k->opts[i]->level,
				 k->opts[i]->name);
			return -EINVAL;
		}
		if (!k->opts[i]->value.len || k->opts[i]->value.len > INET_OPTS_MAX) {
			snprintf(why, len, "inet socket option %s of %zu bytes", o->what,
				 k->opts[i]->value.len);
			return -EINVAL;
		}
	}
	return 0;
}

void inet_opts__value_str(const InetSockopt *s, char *buf, size_t len)
{
	size_t i, n = 0;
	int v;

	if (s->value.len == sizeof(int)) {
		memcpy(&v, s->value.data, sizeof(v));
		snprintf(buf, len, "%d", v);
		return;
	}
	/* TCP_CONGESTION: a name. */
	if (s->level == IPPROTO_TCP && s->name == TCP_CONGESTION) {
		snprintf(buf, len, "%.*s", (int)strnlen((const char *)s->value.data, s->value.len),
			 (const char *)s->value.data);
		for (i = 0; buf[i]; i++)
			if (buf[i] < 0x20 || buf[i] > 0x7e)
				buf[i] = '?';
		return;
	}
	if (s->level == SOL_SOCKET && s->name == SO_LINGER && s->value.len == 8) {
		int l[2];

		memcpy(l, s->value.data, sizeof(l));
		snprintf(buf, len, "%s %ds", l[0] ? "on" : "off", l[1]);
		return;
	}
	if (s->level == SOL_SOCKET && (s->name == SO_RCVTIMEO || s->name == SO_SNDTIMEO) &&
	    s->value.len == 16) {
		long long t[2];

		memcpy(t, s->value.data, sizeof(t));
		snprintf(buf, len, "%lld.%06llds", t[0], t[1]);
		return;
	}
	n = snprintf(buf, len, "0x");
	for (i = 0; i < s->value.len && n + 3 <= len; i++)
		n += snprintf(buf + n, len - n, "%02x", s->value.data[i]);
}
