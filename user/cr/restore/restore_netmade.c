// SPDX-License-Identifier: GPL-2.0
/*
 * restore_netmade.c - an image whose tree was in a net namespace it made
 * itself (inventory.netns_made, dump_netmade.c): pidtrace's main thread
 * leaves its own for a new one (unshare) before the first stub, as it
 * joins one for --join-ns (restore_joinns.c), and makes there the links,
 * tun/tap devices with their queues, and addresses (netns_make.c). Every
 * task and socket of the tree is then made in it, and kind_tun.c hands
 * the queues to the tree's fds. The namespace lives as long as a task of
 * the tree is in it or holds it.
 *
 * The verification reads the made namespace as dump read the tree's
 * (netns_state.c: links, addresses, routes, rules, firewall, sysctls) and
 * names the first line that differs from the image's.
 */
#include <errno.h>
#include <net/if.h>
#include <linux/if_tun.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "escape.h"
#include "log.h"
#include "netns_make.h"
#include "netns_state.h"
#include "restore_ctx.h"
#include "restore_netmade.h"
#include "restore_verify.h"

/* What the image says of the links, before anything is made from it. */
static int sane(struct restore_ctx *ctx, const NetnsMade *m)
{
	size_t i, n;

	for (i = 0; i < m->n_links; i++) {
		const NetnsLink *l = m->links[i];

		n = strlen(l->name);
		if (!n || n >= IFNAMSIZ || strchr(l->name, '/') || !strcmp(l->name, ".") ||
		    !strcmp(l->name, "..") || (strcmp(l->kind, "lo") && strcmp(l->kind, "tun")) ||
		    (!strcmp(l->kind, "tun") &&
		     (!l->has_tun_flags || (l->tun_flags & ~(IFF_TUN | IFF_TAP | IFF_NO_PI |
							       IFF_VNET_HDR | IFF_MULTI_QUEUE |
							       IFF_NAPI | IFF_NAPI_FRAGS)))))
			return restore_ctx__fail(ctx, 0, -EINVAL,
						 "the image's net namespace: link %zu (%s, kind %s) is not one restore can make",
						 i, escape__str(l->name), escape__str(l->kind));
	}
	return 0;
}

int restore_netmade__check(struct restore_ctx *ctx, bool joined_net)
{
	const NetnsMade *m = ctx->inv->netns_made;
	char err[512];
	int e;

	if (!m)
		return 0;
	if (joined_net)
		return restore_ctx__fail(ctx, 0, -EINVAL,
					 "the image's tree was in a net namespace of its own (net:[%lu]), which restore makes again: --join-ns net does not apply",
					 (unsigned long)m->ino);
	e = sane(ctx, m);
	if (e)
		return e;
	if (unshare(CLONE_NEWNET))
		return restore_ctx__fail(ctx, 0, -errno, "making a net namespace for the tree: %s",
					 strerror(errno));
	e = netns_make__apply(m, err, sizeof(err));
	if (e)
		return restore_ctx__fail(ctx, 0, e, "making the tree's net namespace again: %s", err);
	return 0;
}

int restore_netmade__verify(struct verify *v)
{
	const NetnsMade *m = v->ctx->inv->netns_made;
	NetnsMade now = NETNS_MADE__INIT;
	const char *only_img, *only_now;
	char why[512];
	int err;

	if (!m || v->pid != (pid_t)v->ctx->inv->root_pid)
		return 0;
	err = netns_state__read(&now, why, sizeof(why));
	if (err) {
		netns_state__free(&now);
		return restore_verify__cannot(v, "the made net namespace", err);
	}
	if (netns_state__diff(m, &now, false, &only_img, &only_now)) {
		if (only_img)
			err = restore_ctx__fail(v->ctx, v->pid, -EIO,
						"the net namespace made again lacks \"%s\", which the image has",
						only_img);
		else
			err = restore_ctx__fail(v->ctx, v->pid, -EIO,
						"the net namespace made again has \"%s\", which the image has not",
						only_now);
	}
	v->n->misc += m->n_state;
	netns_state__free(&now);
	return err;
}
