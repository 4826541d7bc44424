// SPDX-License-Identifier: GPL-2.0
/*
 * packet_sk.c - packet_diag and the rings of a packet socket (see
 * packet_sk.h). packet_diag answers a dump of every packet socket of the
 * namespace; ours is found by its inode. The rings are read through a
 * shared mapping of pidtrace's copy of the socket: the frames' status
 * words say which are the program's (TP_STATUS_USER, a frame to send),
 * without changing them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/if_packet.h>
#include <linux/netlink.h>
#include <linux/packet_diag.h>
#include <linux/sock_diag.h>
#include <stddef.h>

#include "packet_sk.h"

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23
#endif
#ifndef SK_MEMINFO_RMEM_ALLOC
#define SK_MEMINFO_RMEM_ALLOC 0
#endif

/* The SOL_PACKET options read with getsockopt, each a 32-bit field of the entry. */
const struct packet_sk_opt packet_sk_opts[PACKET_SK_NOPTS] = {
#define P(opt, field) { opt, #opt, offsetof(PacketSkEntry, has_##field), offsetof(PacketSkEntry, field) }
	/* Before the rings: the kernel refuses to change these once there are some. */
	P(PACKET_VERSION, version),
	P(PACKET_RESERVE, reserve),
	P(PACKET_AUXDATA, auxdata),
	P(PACKET_ORIGDEV, origdev),
	P(PACKET_VNET_HDR, vnet_hdr),
	P(PACKET_LOSS, loss),
	P(PACKET_TIMESTAMP, timestamp),
	P(PACKET_QDISC_BYPASS, qdisc_bypass),
	P(PACKET_IGNORE_OUTGOING, ignore_outgoing),
#undef P
};

const char *packet_sk__type_name(uint32_t t)
{
	return t == SOCK_RAW ? "raw" : t == SOCK_DGRAM ? "dgram" : t == SOCK_PACKET ? "spkt" : "?";
}

static void ring(const void *v, size_t n, struct packet_sk_ring *r)
{
	struct packet_diag_ring g;

	memset(&g, 0, sizeof(g));
	memcpy(&g, v, n < sizeof(g) ? n : sizeof(g));
	r->block_size = g.pdr_block_size;
	r->block_nr = g.pdr_block_nr;
	r->frame_size = g.pdr_frame_size;
	r->frame_nr = g.pdr_frame_nr;
	r->retire_tmo = g.pdr_retire_tmo;
	r->sizeof_priv = g.pdr_sizeof_priv;
	r->features = g.pdr_features;
}

static void parse(const struct packet_diag_msg *m, size_t len, struct packet_sk_diag *d)
{
	const struct nlattr *a = (const void *)((const char *)m + NLMSG_ALIGN(sizeof(*m)));
	size_t left = len - NLMSG_ALIGN(sizeof(*m)), i;

	d->found = true;
	d->type = m->pdiag_type;
	d->num = m->pdiag_num;
	while (left >= sizeof(*a) && a->nla_len >= sizeof(*a) && a->nla_len <= left) {
		const void *v = (const char *)a + NLA_HDRLEN;
		size_t n = a->nla_len - NLA_HDRLEN;

		if (a->nla_type == PACKET_DIAG_INFO && n >= sizeof(struct packet_diag_info)) {
			const struct packet_diag_info *pi = v;

			d->version = pi->pdi_version;
			d->reserve = pi->pdi_reserve;
			d->copy_thresh = pi->pdi_copy_thresh;
			d->flags = pi->pdi_flags;
		} else if (a->nla_type == PACKET_DIAG_MCLIST) {
			const struct packet_diag_mclist *ml = v;

			for (i = 0; i < n / sizeof(*ml); i++) {
				if (d->n_mreq == PACKET_SK_MREQS) {
					d->more_mreqs = true;
					break;
				}
				d->mreq[d->n_mreq].ifindex = ml[i].pdmc_index;
				d->mreq[d->n_mreq].count = ml[i].pdmc_count;
				d->mreq[d->n_mreq].type = ml[i].pdmc_type;
				d->mreq[d->n_mreq].alen = ml[i].pdmc_alen;
				memcpy(d->mreq[d->n_mreq].addr, ml[i].pdmc_addr, 32);
				d->n_mreq++;
			}
		} else if (a->nla_type == PACKET_DIAG_RX_RING) {
			ring(v, n, &d->rx);
		} else if (a->nla_type == PACKET_DIAG_TX_RING) {
			ring(v, n, &d->tx);
		} else if (a->nla_type == PACKET_DIAG_FANOUT && n >= 4) {
			d->has_fanout = true;
			memcpy(&d->fanout, v, 4);
		} else if (a->nla_type == PACKET_DIAG_MEMINFO && n >= (SK_MEMINFO_RMEM_ALLOC + 1) * 4) {
			d->rmem = ((const uint32_t *)v)[SK_MEMINFO_RMEM_ALLOC];
		}
		if ((size_t)NLA_ALIGN(a->nla_len) >= left)
			break;
		left -= NLA_ALIGN(a->nla_len);
		a = (const void *)((const char *)a + NLA_ALIGN(a->nla_len));
	}
}

int packet_sk__diag(uint64_t ino, struct packet_sk_diag *d)
{
	struct {
		struct nlmsghdr h;
		struct packet_diag_req r;
	} req = {
		.h = { .nlmsg_len = sizeof(req), .nlmsg_type = SOCK_DIAG_BY_FAMILY,
		       .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP, .nlmsg_seq = 1 },
		.r = { .sdiag_family = AF_PACKET,
		       .pdiag_show = PACKET_SHOW_INFO | PACKET_SHOW_MCLIST | PACKET_SHOW_RING_CFG |
				     PACKET_SHOW_FANOUT | PACKET_SHOW_MEMINFO },
	};
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	static char buf[32768] __attribute__((aligned(4)));
	struct nlmsghdr *h;
	int s, err = 0;
	ssize_t n;

	memset(d, 0, sizeof(*d));
	s = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (s < 0)
		return -errno;
	if (sendto(s, &req, sizeof(req), 0, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		err = -errno;
		goto out;
	}
	for (;;) {
		n = recv(s, buf, sizeof(buf), 0);
		if (n < 0) {
			err = -errno;
			goto out;
		}
		if (!n)
			goto out;
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
			const struct packet_diag_msg *m = NLMSG_DATA(h);

			if (h->nlmsg_type == NLMSG_DONE)
				goto out;
			if (h->nlmsg_type == NLMSG_ERROR) {
				err = ((const struct nlmsgerr *)NLMSG_DATA(h))->error ?: -EIO;
				goto out;
			}
			if (h->nlmsg_len >= NLMSG_LENGTH(sizeof(*m)) && m->pdiag_ino == ino &&
			    !d->found)
				parse(m, h->nlmsg_len - NLMSG_LENGTH(0), d);
		}
	}
out:
	close(s);
	return err;
}

/* Frames of ring @r at @base whose status word (at @off) is not 0 (the kernel's). */
static int busy(const uint8_t *base, const struct packet_sk_ring *r, size_t off, bool blocks)
{
	uint32_t per = r->frame_size ? r->block_size / r->frame_size : 0, i, st;
	int n = 0;

	if (blocks) {
		for (i = 0; i < r->block_nr; i++) {
			memcpy(&st, base + (size_t)i * r->block_size + off, 4);
			n += st != 0;
		}
		return n;
	}
	for (i = 0; per && i < r->frame_nr; i++) {
		memcpy(&st, base + (size_t)(i / per) * r->block_size +
				    (size_t)(i % per) * r->frame_size + off, 4);
		n += st != 0;
	}
	return n;
}

int packet_sk__busy_frames(int s, uint32_t version, const struct packet_sk_ring *rx,
			   const struct packet_sk_ring *tx)
{
	size_t rl = (size_t)rx->block_size * rx->block_nr, tl = (size_t)tx->block_size * tx->block_nr;
	/* V3: a receive block's status after its version and offset; a frame's after 5 words. */
	size_t rx_off = version == TPACKET_V3 ? 8 : 0, tx_off = version == TPACKET_V3 ? 20 : 0;
	uint8_t *m;
	int n = 0;

	if (!rl && !tl)
		return 0;
	m = mmap(NULL, rl + tl, PROT_READ, MAP_SHARED, s, 0);
	if (m == MAP_FAILED)
		return -errno;
	if (rl)
		n += busy(m, rx, rx_off, version == TPACKET_V3);
	if (tl)
		n += busy(m + rl, tx, tx_off, false);
	munmap(m, rl + tl);
	return n;
}
