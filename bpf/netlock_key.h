/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * netlock_key.h - the key ABI of the dump's network lock (bpf/netlock.bpf.c,
 * user/cr/kinds/netlock.c): one entry per direction of a locked TCP
 * connection, addresses as the packets carry them (an IPv4-mapped IPv6
 * connection is IPv4 on the wire). Fixed-width types and explicit padding
 * keep the layout the same for clang -target bpf and the host compiler.
 */
#ifndef NETLOCK_KEY_H
#define NETLOCK_KEY_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define NETLOCK_MAX_CONNS 4096	/* entries: two per connection */

/*
 * A lock of the whole network namespace lets the packets with this mark
 * through: the one checkpoint/restore tools (CRIU's libsoccr) put on
 * their own repair traffic, and tests on theirs.
 */
#define NETLOCK_NS_PASS_MARK 0xC114

struct netlock_key {
	__u8 family;		/* AF_INET (2) or AF_INET6 (10); 0: the whole
				 * namespace's lock counts its drops in the zero key */
	__u8 pad[3];
	__u16 sport, dport;	/* network byte order */
	__u8 saddr[16], daddr[16];	/* IPv4: the first 4 bytes, the rest 0 */
};

#endif
