// SPDX-License-Identifier: GPL-2.0
/*
 * kind_packet.c - packet sockets (AF_PACKET): SOCK_RAW and SOCK_DGRAM
 * bound to an ethertype and an interface, and SOCK_PACKET bound to a
 * device by name; their SOL_PACKET options (version, reserve, auxdata,
 * origdev, vnet header, loss, timestamps, qdisc bypass, ignore outgoing,
 * copy threshold), memberships (promiscuous, multicast, unicast
 * addresses), fanout group, receive and transmit rings (their geometry:
 * restore makes them again, empty) and socket filter (sk_filter.c).
 * Read at dump on a copy of the socket (pidfd_getfd) and from packet_diag
 * (packet_sk.c, which also lists the options kept); made again at restore
 * in pidtrace's network namespace; shown by packet_sk_show.c.
 *
 * Refused at dump: packets queued to read, a ring frame the program holds
 * or has queued to send (their contents are not kept), a fanout group
 * steered by a BPF program, a socket of another network namespace, more
 * than 64 memberships. A ring mapped into a task is recorded by the memory
 * dump (dump_packet_map.c) and mapped again from the restored socket once
 * every fd is in place (packet_map.c, this kind's restore_task).
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <linux/packet_diag.h>

#include "dump_ctx.h"
#include "escape.h"
#include "image_check.h"
#include "kinds.h"
#include "log.h"
#include "packet_map.h"
#include "packet_sk.h"
#include "restore_ctx.h"
#include "restore_verify.h"
#include "sk_filter.h"
#include "sockopt.h"

#define FANOUT_CBPF 6
#define FANOUT_EBPF 7

#define opts packet_sk_opts
#define NOPTS PACKET_SK_NOPTS

static protobuf_c_boolean *opt_has(const PacketSkEntry *k, size_t i)
{
	return (protobuf_c_boolean *)((char *)k + opts[i].has);
}

static uint32_t *opt_val(const PacketSkEntry *k, size_t i)
{
	return (uint32_t *)((char *)k + opts[i].val);
}

static bool claims(const struct fd_live *l)
{
	return S_ISSOCK(l->st->st_mode) && l->family == AF_PACKET;
}

/* "packet raw socket (protocol 0x0800, interface 1)", for the refusals and restore's failures. */
static void what(const PacketSkEntry *k, char *buf, size_t len)
{
	if (k->sk_type == SOCK_PACKET)
		snprintf(buf, len, "packet spkt socket (protocol 0x%04x, device %s)", ntohs(k->num),
			 k->dev ? escape__str(k->dev) : "none");
	else
		snprintf(buf, len, "packet %s socket (protocol 0x%04x, interface %u)",
			 packet_sk__type_name(k->sk_type), ntohs(k->num), k->ifindex);
}

static PacketRingEntry *ring_entry(const struct packet_sk_ring *r, bool v3)
{
	PacketRingEntry *g;

	if (!r->block_nr)
		return NULL;
	g = PB_NEW(PacketRingEntry, packet_ring_entry);
	if (!g)
		return NULL;
	g->block_size = r->block_size;
	g->block_nr = r->block_nr;
	g->frame_size = r->frame_size;
	g->frame_nr = r->frame_nr;
	if (v3) {
		g->has_retire_tmo = g->has_sizeof_priv = g->has_features = true;
		g->retire_tmo = r->retire_tmo;
		g->sizeof_priv = r->sizeof_priv;
		g->features = r->features;
	}
	return g;
}

static int add_mreqs(PacketSkEntry *k, const struct packet_sk_diag *d)
{
	uint32_t i, c, n = 0;

	for (i = 0; i < d->n_mreq; i++)
		n += d->mreq[i].count;
	if (!n)
		return 0;
	if (n > PACKET_SK_MREQS)
		return -E2BIG;
	k->mreqs = calloc(n, sizeof(*k->mreqs));
	if (!k->mreqs)
		return -ENOMEM;
	for (i = 0; i < d->n_mreq; i++)
		for (c = 0; c < d->mreq[i].count; c++) {
			PacketMreqEntry *m = PB_NEW(PacketMreqEntry, packet_mreq_entry);
			uint16_t al = d->mreq[i].alen < 32 ? d->mreq[i].alen : 32;

			if (!m || !(m->addr.data = malloc(al ? al : 1))) {
				free(m);
				return -ENOMEM;
			}
			m->ifindex = d->mreq[i].ifindex;
			m->type = d->mreq[i].type;
			memcpy(m->addr.data, d->mreq[i].addr, al);
			m->addr.len = al;
			k->mreqs[k->n_mreqs++] = m;
		}
	return 0;
}

static int refuse(const struct fd_live *l, const char *w, const char *why)
{
	pr_err("pid %d fd %d: %s %s is not supported", l->pid, l->fd, w, why);
	return -EOPNOTSUPP;
}

/* Read socket @s (a copy of @l's) into @e; refuse what cannot come back. */
static int dump_sock(const struct fd_live *l, int s, FdEntry *e)
{
	PacketSkEntry *k = e->packet_sk = PB_NEW(PacketSkEntry, packet_sk_entry);
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	struct packet_sk_diag *d;
	char w[96], why[128];
	size_t i;
	int v, err;

	e->type = FD_TYPE__FD_PACKET;
	if (!k)
		return -ENOMEM;
	if ((err = sockopt__get_int(s, SOL_SOCKET, SO_TYPE, &v)))
		return err;
	k->sk_type = v;
	k->protocol = (uint32_t)l->protocol & 0xffff;
	memset(&ss, 0, sizeof(ss));
	if (getsockname(s, (struct sockaddr *)&ss, &len))
		return -errno;
	if (k->sk_type == SOCK_PACKET) {
		char dev[15];

		memcpy(dev, ((struct sockaddr *)&ss)->sa_data, 14);
		dev[14] = '\0';
		if (dev[0] && !(k->dev = strdup(dev)))
			return -ENOMEM;
	} else {
		k->ifindex = ((struct sockaddr_ll *)&ss)->sll_ifindex;
	}
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	err = packet_sk__diag(l->st->st_ino, d);
	if (!err && !d->found)
		err = -ENOENT;
	if (err) {
		free(d);
		pr_err("pid %d fd %d: packet socket: packet_diag cannot describe it: %s", l->pid, l->fd,
		       strerror(-err));
		return -EOPNOTSUPP;
	}
	k->num = htons(d->num);
	what(k, w, sizeof(w));
	why[0] = '\0';
	err = kinds__sock_same_netns(s);
	if (err < 0)
		snprintf(why, sizeof(why), "whose network namespace cannot be told (%s)", strerror(-err));
	else if (!err)
		snprintf(why, sizeof(why), "of another network namespace");
	else if (d->rmem)
		snprintf(why, sizeof(why), "with packets queued (%u bytes of receive buffer)", d->rmem);
	else if (d->has_fanout && ((d->fanout >> 16) & 0xff) >= FANOUT_CBPF)
		snprintf(why, sizeof(why), "in a fanout group steered by a BPF program");
	else if (d->more_mreqs || add_mreqs(k, d) == -E2BIG)
		snprintf(why, sizeof(why), "with more than %d memberships", PACKET_SK_MREQS);
	if (!why[0] && (d->rx.block_nr || d->tx.block_nr)) {
		err = packet_sk__busy_frames(s, d->version, &d->rx, &d->tx);
		if (err < 0)
			snprintf(why, sizeof(why), "whose rings cannot be read (%s)", strerror(-err));
		else if (err)
			snprintf(why, sizeof(why), "with %d ring frame%s held by the program or queued to send",
				 err, err == 1 ? "" : "s");
	}
	if (why[0]) {
		free(d);
		return refuse(l, w, why);
	}
	k->rx_ring = ring_entry(&d->rx, d->version == TPACKET_V3);
	k->tx_ring = ring_entry(&d->tx, d->version == TPACKET_V3);
	k->has_copy_thresh = true;
	k->copy_thresh = d->copy_thresh;
	k->has_fanout = d->has_fanout;
	k->fanout = d->fanout;
	err = (d->rx.block_nr && !k->rx_ring) || (d->tx.block_nr && !k->tx_ring) ? -ENOMEM : 0;
	free(d);
	if (err)
		return err;
	if ((err = sockopt__get_int(s, SOL_SOCKET, SO_SNDBUF, &v)))
		return err;
	k->sndbuf = v;
	if ((err = sockopt__get_int(s, SOL_SOCKET, SO_RCVBUF, &v)))
		return err;
	k->rcvbuf = v;
	/* An option this kernel (or SOCK_PACKET) does not give stays absent. */
	for (i = 0; i < NOPTS; i++) {
		*opt_has(k, i) = !sockopt__get_int(s, SOL_PACKET, opts[i].opt, &v);
		*opt_val(k, i) = v;
	}
	err = sk_filter__dump(s, e, why, sizeof(why));
	if (err == -EOPNOTSUPP)
		return refuse(l, w, why);
	return err;
}

static int dump(struct dump_ctx *ctx, const struct fd_live *l, FdEntry *e)
{
	return kinds__dump_socket(l, e, "packet socket", dump_sock);
}

static bool ring_ok(const PacketRingEntry *r)
{
	return !r || (r->block_size && r->block_nr && r->frame_size &&
		      (uint64_t)r->block_size * r->block_nr <= (1ULL << 32) &&
		      r->frame_size <= r->block_size);
}

static int check(struct image *img, const char *n, const FilesImage *fi, const FdEntry *e)
{
	const PacketSkEntry *k = e->packet_sk;
	char why[96];
	size_t i;

	if (!k)
		return bad(img, n, "packet socket fd %u has no state", e->fd);
	if (k->sk_type != SOCK_RAW && k->sk_type != SOCK_DGRAM && k->sk_type != SOCK_PACKET)
		return bad(img, n, "packet socket fd %u: socket type %u", e->fd, k->sk_type);
	if (k->protocol > 0xffff || k->num > 0xffff)
		return bad(img, n, "packet socket fd %u: protocol 0x%x bound to 0x%x", e->fd,
			   k->protocol, k->num);
	if (k->dev && (k->sk_type != SOCK_PACKET || !*k->dev || strlen(k->dev) > 14))
		return bad(img, n, "packet socket fd %u: device name of %zu bytes", e->fd,
			   strlen(k->dev));
	if (k->has_version && k->version > TPACKET_V3)
		return bad(img, n, "packet socket fd %u: version %u", e->fd, k->version);
	if (!ring_ok(k->rx_ring) || !ring_ok(k->tx_ring))
		return bad(img, n, "packet socket fd %u: a ring of no size or over 4 GiB", e->fd);
	if (k->has_fanout && ((k->fanout >> 16) & 0xff) >= FANOUT_CBPF)
		return bad(img, n, "packet socket fd %u: fanout 0x%x", e->fd, k->fanout);
	if (k->n_mreqs > PACKET_SK_MREQS)
		return bad(img, n, "packet socket fd %u: %zu memberships", e->fd, k->n_mreqs);
	for (i = 0; i < k->n_mreqs; i++)
		if (k->mreqs[i]->type > PACKET_MR_UNICAST || k->mreqs[i]->addr.len > 32)
			return bad(img, n, "packet socket fd %u: membership of type %u", e->fd,
				   k->mreqs[i]->type);
	if (sk_filter__check(e, why, sizeof(why)))
		return bad(img, n, "packet socket fd %u: %s", e->fd, why);
	return 0;
}

static int set_ring(int s, int opt, const PacketRingEntry *r, bool v3)
{
	struct tpacket_req3 q;

	if (!r)
		return 0;
	memset(&q, 0, sizeof(q));
	q.tp_block_size = r->block_size;
	q.tp_block_nr = r->block_nr;
	q.tp_frame_size = r->frame_size;
	q.tp_frame_nr = r->frame_nr;
	q.tp_retire_blk_tov = r->retire_tmo;
	q.tp_sizeof_priv = r->sizeof_priv;
	q.tp_feature_req_word = r->features;
	/* Versions 1 and 2 take the shorter struct tpacket_req. */
	return setsockopt(s, SOL_PACKET, opt, &q, v3 ? sizeof(q) : sizeof(struct tpacket_req)) ?
		       -errno : 0;
}

static int open_packet(struct restore_ctx *ctx, pid_t pid, const FdEntry *e)
{
	const PacketSkEntry *k = e->packet_sk;
	bool v3 = k && k->has_version && k->version == TPACKET_V3;
	const char *step = "socket";
	char w[96], join[48];
	size_t i;
	int s, v, err = 0;

	if (!k)
		return restore_ctx__fail(ctx, pid, -EINVAL, "pid %d fd %u: packet socket without its state",
				     pid, e->fd);
	what(k, w, sizeof(w));
	/* The ethertype it has now: SO_PROTOCOL does not tell socket()'s (0). */
	s = socket(AF_PACKET, k->sk_type | SOCK_CLOEXEC, k->num);
	if (s < 0)
		return restore_ctx__fail(ctx, pid, -errno, "pid %d fd %u: %s: socket: %s", pid, e->fd, w,
				     strerror(errno));
	/* Buffers as getsockopt gave them (the kernel doubles what is set), past rmem_max too. */
	if (!sockopt__get_int(s, SOL_SOCKET, SO_SNDBUF, &v) && (uint32_t)v != k->sndbuf)
		sockopt__set_buf(s, SO_SNDBUF, k->sndbuf / 2);
	if (!sockopt__get_int(s, SOL_SOCKET, SO_RCVBUF, &v) && (uint32_t)v != k->rcvbuf)
		sockopt__set_buf(s, SO_RCVBUF, k->rcvbuf / 2);
	for (i = 0; !err && i < NOPTS; i++) {
		step = opts[i].name;
		if (*opt_has(k, i) && *opt_val(k, i))
			err = sockopt__set_int(s, SOL_PACKET, opts[i].opt, *opt_val(k, i));
	}
	if (!err && k->has_copy_thresh && k->copy_thresh) {
		step = "PACKET_COPY_THRESH";
		err = sockopt__set_int(s, SOL_PACKET, PACKET_COPY_THRESH, k->copy_thresh);
	}
	if (!err) {
		step = "PACKET_RX_RING";
		err = set_ring(s, PACKET_RX_RING, k->rx_ring, v3);
	}
	if (!err) {
		step = "PACKET_TX_RING";
		err = set_ring(s, PACKET_TX_RING, k->tx_ring, v3);
	}
	/* Bound as it was: to a device by name (SOCK_PACKET), or to an interface and ethertype. */
	if (!err && k->sk_type == SOCK_PACKET && k->dev) {
		struct sockaddr sa = { .sa_family = AF_PACKET };

		step = "bind";
		memcpy(sa.sa_data, k->dev, strnlen(k->dev, sizeof(sa.sa_data)));
		err = bind(s, &sa, sizeof(sa)) ? -errno : 0;
	} else if (!err && k->sk_type != SOCK_PACKET && k->ifindex) {
		struct sockaddr_ll sa = { .sll_family = AF_PACKET, .sll_protocol = k->num,
					  .sll_ifindex = k->ifindex };

		step = "bind";
		err = bind(s, (struct sockaddr *)&sa, sizeof(sa)) ? -errno : 0;
	}
	for (i = 0; !err && i < k->n_mreqs; i++) {
		struct {
			int ifindex;
			unsigned short type, alen;
			unsigned char addr[32];
		} mr = { k->mreqs[i]->ifindex, k->mreqs[i]->type, k->mreqs[i]->addr.len, { 0 } };

		memcpy(mr.addr, k->mreqs[i]->addr.data, k->mreqs[i]->addr.len);
		snprintf(join, sizeof(join), "membership of type %u on interface %d", mr.type,
			 mr.ifindex);
		step = join;
		err = setsockopt(s, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof(mr)) ? -errno : 0;
	}
	/* A fanout group takes a bound, running socket. */
	if (!err && k->has_fanout && k->fanout) {
		step = "PACKET_FANOUT";
		err = sockopt__set_int(s, SOL_PACKET, PACKET_FANOUT, k->fanout);
	}
	if (!err)
		err = sk_filter__restore(s, e, &step);
	if (!err && fcntl(s, F_SETFL, e->flags & O_NONBLOCK)) {
		err = -errno;
		step = "fcntl";
	}
	if (err) {
		close(s);
		return restore_ctx__fail(ctx, pid, err, "pid %d fd %u: %s: %s: %s", pid, e->fd, w, step,
				     strerror(-err));
	}
	return s;
}

/* Ring @name of the restored socket (@now, packet_diag) against the image's @r. */
static int ring_verify(struct verify *v, const FdEntry *e, const char *name,
		       const PacketRingEntry *r, const struct packet_sk_ring *now)
{
	char w[64];
	int err;

	v->n->sockopts += 2;
	snprintf(w, sizeof(w), "fd %u: packet %s ring size", e->fd, name);
	err = restore_verify__num(v, w, VF_DEC, r ? (uint64_t)r->block_size * r->block_nr : 0,
				  (uint64_t)now->block_size * now->block_nr);
	if (err)
		return err;
	snprintf(w, sizeof(w), "fd %u: packet %s ring frame size", e->fd, name);
	return restore_verify__num(v, w, VF_DEC, r ? r->frame_size : 0,
				   now->block_nr ? now->frame_size : 0);
}

/* Type, protocol, binding, options, rings, fanout, memberships, filter of the restored socket. */
static int verify(struct verify *v, const FdEntry *e, const struct fd_live *l)
{
	const PacketSkEntry *k = e->packet_sk;
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	struct packet_sk_diag *d;
	struct stat st;
	char w[64];
	size_t i;
	int s = l->sock, err = 0;

	if (!k || s < 0)
		return 0;
	err = restore_verify__sockopt(v, e, s, SOL_SOCKET, SO_TYPE, "socket type", k->sk_type);
	if (!err)
		err = restore_verify__sockopt(v, e, s, SOL_SOCKET, SO_PROTOCOL, "packet protocol",
					      (int16_t)k->protocol);
	if (!err)
		err = restore_verify__sockopt(v, e, s, SOL_SOCKET, SO_SNDBUF, "SO_SNDBUF", k->sndbuf);
	if (!err)
		err = restore_verify__sockopt(v, e, s, SOL_SOCKET, SO_RCVBUF, "SO_RCVBUF", k->rcvbuf);
	for (i = 0; !err && i < NOPTS; i++)
		if (*opt_has(k, i))
			err = restore_verify__sockopt(v, e, s, SOL_PACKET, opts[i].opt, opts[i].name,
						      (int32_t)*opt_val(k, i));
	if (!err)
		err = sk_filter__verify(v, e, s);
	memset(&ss, 0, sizeof(ss));
	if (err || getsockname(s, (struct sockaddr *)&ss, &len))
		return err;
	v->n->sockopts++;
	if (k->sk_type == SOCK_PACKET) {
		char dev[15];

		memcpy(dev, ((struct sockaddr *)&ss)->sa_data, 14);
		dev[14] = '\0';
		snprintf(w, sizeof(w), "fd %u: packet socket device", e->fd);
		err = restore_verify__str(v, w, k->dev ? k->dev : "", dev);
	} else {
		snprintf(w, sizeof(w), "fd %u: packet socket interface", e->fd);
		err = restore_verify__num(v, w, VF_DEC, k->ifindex,
					  ((struct sockaddr_ll *)&ss)->sll_ifindex);
	}
	if (err || fstat(s, &st))
		return err;
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	if (packet_sk__diag(st.st_ino, d) || !d->found) {
		free(d);
		return 0;
	}
	snprintf(w, sizeof(w), "fd %u: packet socket protocol bound", e->fd);
	err = restore_verify__num(v, w, VF_HEX, ntohs(k->num), d->num);
	if (!err && k->has_copy_thresh) {
		snprintf(w, sizeof(w), "fd %u: PACKET_COPY_THRESH", e->fd);
		err = restore_verify__num(v, w, VF_DEC, k->copy_thresh, d->copy_thresh);
	}
	if (!err && k->has_fanout) {
		snprintf(w, sizeof(w), "fd %u: PACKET_FANOUT", e->fd);
		err = restore_verify__num(v, w, VF_HEX, k->fanout, d->has_fanout ? d->fanout : 0);
	}
	if (!err) {
		uint32_t n = 0;

		for (i = 0; i < d->n_mreq; i++)
			n += d->mreq[i].count;
		snprintf(w, sizeof(w), "fd %u: packet socket memberships", e->fd);
		err = restore_verify__num(v, w, VF_DEC, k->n_mreqs, n);
	}
	if (!err)
		err = ring_verify(v, e, "rx", k->rx_ring, &d->rx);
	if (!err)
		err = ring_verify(v, e, "tx", k->tx_ring, &d->tx);
	v->n->sockopts += 3;
	free(d);
	return err;
}

static bool describe(const struct image_tree *s, const FdEntry *e, char *buf, size_t len)
{
	return packet_sk__describe(e, buf, len);
}

static void json(const struct image_tree *s, const FdEntry *e, struct json_object *o)
{
	packet_sk__json(e, o);
}

const struct fd_kind kind_packet = {
	.type = FD_TYPE__FD_PACKET,
	.name = "packet",
	.noun = "packet socket",
	.test = "packet",
	.claims = claims,
	.dump = dump,
	.check = check,
	.open = open_packet,
	.restore_task = packet_map__restore_task,
	.verify = verify,
	.describe = describe,
	.json = json,
};
