// SPDX-License-Identifier: GPL-2.0
/*
 * netlock.bpf.c - the network lock of a dump (user/cr/kinds/netlock.c):
 * a netfilter program, attached at LOCAL_IN and LOCAL_OUT of the dumper's
 * network namespace for IPv4 and IPv6, drops every TCP segment of a
 * locked connection in either direction. From the dump until the restore
 * has made the sockets again, a peer's segment reaches no socket: without
 * the lock the kernel would answer it with a reset, with it the peer only
 * sees a loss and sends it again later. Segments marked NETLOCK_PASS_MARK
 * are pidtrace's own (the FIN and ACK replays of tcp_fin.c) and pass.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>

#include "netlock_key.h"

char LICENSE[] SEC("license") = "GPL";

#define NF_DROP	  0
#define NF_ACCEPT 1
#define AF_INET	  2
#define AF_INET6  10
#define PROTO_TCP 6

/* tcp_fin.h's TCP_FIN_MARK: set by user space before load. */
const volatile __u32 pass_mark = 0;
/* Set by user space before load: drop every packet not marked (whole_ns). */
const volatile __u8 whole_ns = 0;

/* Each entry counts the segments it dropped. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, NETLOCK_MAX_CONNS);
	__type(key, struct netlock_key);
	__type(value, __u64);
} conns SEC(".maps");

struct ip4 {
	__u8 vihl, tos;
	__u16 len, id, frag;
	__u8 ttl, proto;
	__u16 csum;
	__u8 saddr[4], daddr[4];
};

struct ip6 {
	__u32 flow;
	__u16 plen;
	__u8 nexthdr, hlim;
	__u8 saddr[16], daddr[16];
};

SEC("netfilter")
int netlock(struct bpf_nf_ctx *ctx)
{
	struct sk_buff *skb = ctx->skb;
	struct netlock_key k = {};
	unsigned char *head;
	__u16 ports[2];
	__u32 off, mark;
	__u64 *n;

	mark = BPF_CORE_READ(skb, mark);
	if (pass_mark && mark == pass_mark)
		return NF_ACCEPT;
	if (whole_ns) {
		if (mark == NETLOCK_NS_PASS_MARK)
			return NF_ACCEPT;
		n = bpf_map_lookup_elem(&conns, &k);	/* k is the zero key */
		if (n)
			__sync_fetch_and_add(n, 1);
		return NF_DROP;
	}
	head = BPF_CORE_READ(skb, head);
	off = BPF_CORE_READ(skb, network_header);
	if (BPF_CORE_READ(ctx, state, pf) == 2 /* NFPROTO_IPV4 */) {
		struct ip4 h;

		if (bpf_probe_read_kernel(&h, sizeof(h), head + off) || h.proto != PROTO_TCP ||
		    (h.frag & bpf_htons(0x1fff)))
			return NF_ACCEPT;
		k.family = AF_INET;
		__builtin_memcpy(k.saddr, h.saddr, 4);
		__builtin_memcpy(k.daddr, h.daddr, 4);
		off += (h.vihl & 0xf) * 4;
	} else {
		struct ip6 h;

		/* A TCP segment with extension headers first is not one of ours. */
		if (bpf_probe_read_kernel(&h, sizeof(h), head + off) || h.nexthdr != PROTO_TCP)
			return NF_ACCEPT;
		k.family = AF_INET6;
		__builtin_memcpy(k.saddr, h.saddr, 16);
		__builtin_memcpy(k.daddr, h.daddr, 16);
		off += sizeof(h);
	}
	if (bpf_probe_read_kernel(ports, sizeof(ports), head + off))
		return NF_ACCEPT;
	k.sport = ports[0];
	k.dport = ports[1];
	n = bpf_map_lookup_elem(&conns, &k);
	if (!n)
		return NF_ACCEPT;
	__sync_fetch_and_add(n, 1);
	return NF_DROP;
}
