// SPDX-License-Identifier: GPL-2.0
/*
 * packet_sk_show.c - a saved packet socket in `pidtrace show`: one line
 * (plain) and the "packet" object (JSON), see packet_sk.h.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <sys/socket.h>

#include <json-c/json.h>

#include "escape.h"
#include "kinds_show.h"
#include "packet_sk.h"
#include "sk_filter.h"

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

bool packet_sk__describe(const FdEntry *e, char *buf, size_t len)
{
	const PacketSkEntry *k = e->packet_sk;
	char filt[64];
	size_t i;
	int n;

	if (!k)
		return false;
	n = snprintf(buf, len, "socket:[%lu] packet %s, protocol 0x%04x", (unsigned long)e->ino,
		     packet_sk__type_name(k->sk_type), ntohs(k->num));
	if (k->sk_type == SOCK_PACKET)
		n += snprintf(buf + n, len - n, ", device %s", k->dev ? escape__str(k->dev) : "none");
	else if (k->ifindex)
		n += snprintf(buf + n, len - n, ", interface %u", k->ifindex);
	if (k->has_version && k->version)
		n += snprintf(buf + n, len - n, ", TPACKET_V%u", k->version + 1);
	if (k->rx_ring && (size_t)n < len)
		n += snprintf(buf + n, len - n, ", rx ring %ux%u", k->rx_ring->block_nr,
			      k->rx_ring->block_size);
	if (k->tx_ring && (size_t)n < len)
		n += snprintf(buf + n, len - n, ", tx ring %ux%u", k->tx_ring->block_nr,
			      k->tx_ring->block_size);
	if (k->n_mreqs && (size_t)n < len)
		n += snprintf(buf + n, len - n, ", %zu membership%s", k->n_mreqs,
			      k->n_mreqs == 1 ? "" : "s");
	if (k->has_fanout && k->fanout && (size_t)n < len)
		n += snprintf(buf + n, len - n, ", fanout group %u type %u", k->fanout & 0xffff,
			      (k->fanout >> 16) & 0xff);
	for (i = 2; i < NOPTS && (size_t)n < len; i++)
		if (*opt_has(k, i) && *opt_val(k, i))
			n += snprintf(buf + n, len - n, ", %s", opts[i].name + 7);
	sk_filter__describe(e, filt, sizeof(filt));
	if ((size_t)n < len)
		snprintf(buf + n, len - n, "%s", filt);
	return true;
}

static struct json_object *ring_json(const PacketRingEntry *r)
{
	struct json_object *o = json_object_new_object();

	kinds_show__add(o, "block_size", kinds_show__u64(r->block_size));
	kinds_show__add(o, "block_nr", kinds_show__u64(r->block_nr));
	kinds_show__add(o, "frame_size", kinds_show__u64(r->frame_size));
	kinds_show__add(o, "frame_nr", kinds_show__u64(r->frame_nr));
	return o;
}

void packet_sk__json(const FdEntry *e, struct json_object *o)
{
	const PacketSkEntry *k = e->packet_sk;
	struct json_object *j, *a, *f;
	size_t i;

	if (!k)
		return;
	j = json_object_new_object();
	kinds_show__add(j, "sk_type", json_object_new_string(packet_sk__type_name(k->sk_type)));
	kinds_show__add(j, "protocol", kinds_show__u64(ntohs(k->protocol)));
	kinds_show__add(j, "bound_protocol", kinds_show__u64(ntohs(k->num)));
	kinds_show__add(j, "ifindex", kinds_show__u64(k->ifindex));
	if (k->dev)
		kinds_show__add(j, "dev", escape__json_string(k->dev));
	f = json_object_new_object();
	for (i = 0; i < NOPTS; i++)
		if (*opt_has(k, i))
			kinds_show__add(f, opts[i].name, kinds_show__u64(*opt_val(k, i)));
	kinds_show__add(j, "options", f);
	if (k->has_fanout)
		kinds_show__add(j, "fanout", kinds_show__u64(k->fanout));
	a = json_object_new_array();
	for (i = 0; i < k->n_mreqs; i++) {
		struct json_object *m = json_object_new_object();

		kinds_show__add(m, "ifindex", kinds_show__u64(k->mreqs[i]->ifindex));
		kinds_show__add(m, "type", kinds_show__u64(k->mreqs[i]->type));
		kinds_show__add(m, "alen", kinds_show__u64(k->mreqs[i]->addr.len));
		json_object_array_add(a, m);
	}
	kinds_show__add(j, "memberships", a);
	if (k->rx_ring)
		kinds_show__add(j, "rx_ring", ring_json(k->rx_ring));
	if (k->tx_ring)
		kinds_show__add(j, "tx_ring", ring_json(k->tx_ring));
	sk_filter__json(e, j);
	kinds_show__add(o, "packet", j);
}

