/* SPDX-License-Identifier: GPL-2.0 */
/*
 * netns_xt.h - the firewall and connection tracking state of a net
 * namespace the tree made itself, read at dump into NetnsMade
 * (netns.proto) and made again at restore in the calling thread's new
 * namespace, before the first task: iptables-legacy tables
 * (netns_xt.c), the nftables ruleset (netns_nft.c), the conntrack
 * entries (netns_ct.c), in that order (a rule that tracks connections
 * enables conntrack in the namespace; the entries come after).
 */
#ifndef PT_NETNS_XT_H
#define PT_NETNS_XT_H

#include <stddef.h>

#include "netns.pb-c.h"

/*
 * netns_xt__read() - the iptables-legacy tables of the calling thread's
 * namespace into @m->xt, and their state lines. What restore could not
 * make again exactly is said in @why (if still "").
 * Return: 0 or -errno.
 */
int netns_xt__read(NetnsMade *m, char *why, size_t len);
/* Make @m->xt here. On failure @err says which table and step. 0 or -errno. */
int netns_xt__apply(const NetnsMade *m, char *err, size_t len);
void netns_xt__free(NetnsMade *m);

/* The nftables ruleset into @m->nft_ruleset and its lines (netns_nft.c); @why as above. */
int netns_nft__read(NetnsMade *m, char *why, size_t len);
int netns_nft__apply(const NetnsMade *m, char *err, size_t len);
void netns_nft__free(NetnsMade *m);

/* The conntrack entries into @m->ct and their lines (netns_ct.c); @why as above. */
int netns_ct__read(NetnsMade *m, char *why, size_t len);
int netns_ct__apply(const NetnsMade *m, char *err, size_t len);
void netns_ct__free(NetnsMade *m);

#endif
