// SPDX-License-Identifier: GPL-2.0
/*
 * show_netns.c - see show_netns.h: the links restore makes, with what a
 * reader wants to know of them (kind, up or down, MTU, a tun device's
 * persistence and queues), the number of addresses and of the lines the
 * verification compares; JSON adds the lines themselves.
 */
#include <stdio.h>
#include <sys/socket.h>
#include <net/if.h>
#include <linux/if_tun.h>

#include <json-c/json.h>

#include "escape.h"
#include "show_netns.h"

void show_netns__print(const Inventory *inv)
{
	const NetnsMade *m = inv->netns_made;
	size_t i;

	if (!m)
		return;
	printf("net namespace of the tree's own (net:[%lu] at dump), made again by restore: %zu links, %zu addresses, %zu iptables-legacy tables, %zu conntrack entries, %s nftables ruleset, %zu lines compared\n",
	       (unsigned long)m->ino, m->n_links, m->n_addrs, m->n_xt, m->n_ct,
	       m->nft_ruleset ? "a" : "no", m->n_state);
	for (i = 0; i < m->n_xt; i++)
		printf("  %s table %s: %u entries, %zu bytes\n",
		       m->xt[i]->family == AF_INET6 ? "ip6tables" : "iptables",
		       escape__str(m->xt[i]->name), m->xt[i]->num_entries, m->xt[i]->entries.len);
	for (i = 0; i < m->n_links; i++) {
		const NetnsLink *l = m->links[i];

		printf("  link %u %s %s, %s, mtu %u", l->ifindex, escape__str(l->name),
		       l->has_tun_flags ? (l->tun_flags & IFF_TAP ? "tap" : "tun") : escape__str(l->kind),
		       l->flags & IFF_UP ? "up" : "down", l->mtu);
		if (l->has_tun_flags)
			printf("%s%s, %u queues attached, %u detached", l->persist ? ", persistent" : "",
			       l->tun_flags & IFF_MULTI_QUEUE ? ", multi-queue" : "", l->queues,
			       l->disabled);
		printf("\n");
	}
}

void show_netns__json(const Inventory *inv, struct json_object *o)
{
	const NetnsMade *m = inv->netns_made;
	struct json_object *n, *a, *e;
	size_t i;

	if (!m)
		return;
	n = json_object_new_object();
	json_object_object_add(n, "ino", json_object_new_int64(m->ino));
	a = json_object_new_array();
	for (i = 0; i < m->n_links; i++) {
		const NetnsLink *l = m->links[i];

		e = json_object_new_object();
		json_object_object_add(e, "ifindex", json_object_new_int64(l->ifindex));
		json_object_object_add(e, "name", escape__json_string(l->name));
		json_object_object_add(e, "kind", escape__json_string(l->kind));
		json_object_object_add(e, "flags", json_object_new_int64(l->flags));
		json_object_object_add(e, "mtu", json_object_new_int64(l->mtu));
		if (l->has_tun_flags) {
			json_object_object_add(e, "tun_flags", json_object_new_int64(l->tun_flags));
			json_object_object_add(e, "persist", json_object_new_boolean(l->persist));
			json_object_object_add(e, "queues", json_object_new_int64(l->queues));
			json_object_object_add(e, "disabled", json_object_new_int64(l->disabled));
		}
		json_object_array_add(a, e);
	}
	json_object_object_add(n, "links", a);
	json_object_object_add(n, "addrs", json_object_new_int64(m->n_addrs));
	a = json_object_new_array();
	for (i = 0; i < m->n_xt; i++) {
		e = json_object_new_object();
		json_object_object_add(e, "family", json_object_new_int64(m->xt[i]->family));
		json_object_object_add(e, "name", escape__json_string(m->xt[i]->name));
		json_object_object_add(e, "entries", json_object_new_int64(m->xt[i]->num_entries));
		json_object_object_add(e, "size", json_object_new_int64(m->xt[i]->entries.len));
		json_object_array_add(a, e);
	}
	json_object_object_add(n, "xt", a);
	json_object_object_add(n, "ct", json_object_new_int64(m->n_ct));
	if (m->nft_ruleset)
		json_object_object_add(n, "nft_ruleset", escape__json_string(m->nft_ruleset));
	a = json_object_new_array();
	for (i = 0; i < m->n_state; i++)
		json_object_array_add(a, escape__json_string(m->state[i]));
	json_object_object_add(n, "state", a);
	json_object_object_add(o, "netns_made", n);
}
