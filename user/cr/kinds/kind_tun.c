// SPDX-License-Identifier: GPL-2.0
/*
 * kind_tun.c - an open /dev/net/tun: attached to no device, or to a queue
 * of a tun/tap device (TUNSETIFF), detached from it or not (TUNSETQUEUE).
 *
 * Dump asks TUNGETIFF on a copy of the fd: the device, its flags, whether
 * the queue is detached. A device is made again only in a net namespace
 * restore makes (dump_netmade.c: the device itself, its settings and
 * queue counts; netns_make.c makes each queue with the device, before it
 * is up); an fd on a device of any other namespace is refused, as is one
 * with a socket filter attached (TUNATTACHFILTER: not readable back), one
 * whose queue holds packets for its reader (the image holds none), or
 * an unattached one of another namespace than the tree's (the device a
 * later TUNSETIFF makes lands in the namespace the fd was opened in).
 * Restore takes a queue made for the device, detached or not, and sets
 * the fd's send buffer and the device's vnet header size; an unattached
 * fd is opened again. Not seen: a steering or filter eBPF program
 * (TUNSETSTEERINGEBPF, TUNSETFILTEREBPF), the tap's TUNSETTXFILTER, the
 * queue's index among the device's queues.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <net/if.h>
#include <linux/if_tun.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "dump_ctx.h"
#include "dump_netmade.h"
#include "escape.h"
#include "kinds.h"
#include "kinds_show.h"
#include "log.h"
#include "netns_make.h"
#include "restore_ctx.h"
#include "restore_verify.h"

#define TUN_MAJOR 10
#define TUN_MINOR 200
/* What TUNSETIFF takes again of TUNGETIFF's flags. */
#define IFF_KEPT (IFF_TUN | IFF_TAP | IFF_NO_PI | IFF_VNET_HDR | IFF_MULTI_QUEUE | IFF_NAPI | \
		  IFF_NAPI_FRAGS)

static bool claims(const struct fd_live *l)
{
	return S_ISCHR(l->st->st_mode) && major(l->st->st_rdev) == TUN_MAJOR &&
	       minor(l->st->st_rdev) == TUN_MINOR;
}

/*
 * Whether packets the kernel sent through the device wait in the queue of
 * fd @c for its reader: the image does not hold them (tun has no peek,
 * reading would take them from a tree left running), so they would be
 * lost. poll() takes nothing. A detached queue holds none (detaching
 * drops them).
 */
static bool queued(int c)
{
	struct pollfd p = { .fd = c, .events = POLLIN };

	return poll(&p, 1, 0) == 1 && (p.revents & POLLIN);
}

static int dump_tun(const struct fd_live *l, int c, FdEntry *e)
{
	const NetnsMade *made = dump_netmade__made();
	struct ifreq ifr = { 0 };
	int same = kinds__sock_same_netns(c), v;
	TunEntry *t;

	if (same < 0)
		return same;
	if (ioctl(c, TUNGETIFF, &ifr)) {
		if (errno != EBADFD)
			return -errno;
		if (!same) {
			pr_err("pid %d fd %d: /dev/net/tun opened in another net namespace than the tree's (a device it makes would land there): not supported",
			       l->pid, l->fd);
			return -EOPNOTSUPP;
		}
		e->tun = PB_NEW(TunEntry, tun_entry);
		return e->tun ? 0 : -ENOMEM;
	}
	ifr.ifr_name[IFNAMSIZ - 1] = 0;
	if (!made || !same) {
		pr_err("pid %d fd %d: a queue of tun device %s of a net namespace restore does not make (only one the tree made itself is made again): not supported",
		       l->pid, l->fd, escape__str(ifr.ifr_name));
		return -EOPNOTSUPP;
	}
	if (!(ifr.ifr_flags & IFF_NOFILTER)) {
		pr_err("pid %d fd %d: tun device %s: a socket filter attached to the queue (TUNATTACHFILTER) is not supported",
		       l->pid, l->fd, escape__str(ifr.ifr_name));
		return -EOPNOTSUPP;
	}
	if ((e->flags & O_ACCMODE) != O_RDWR) {
		pr_err("pid %d fd %d: tun device %s: a queue opened other than O_RDWR is not supported",
		       l->pid, l->fd, escape__str(ifr.ifr_name));
		return -EOPNOTSUPP;
	}
	if (!(ifr.ifr_flags & IFF_DETACH_QUEUE) && queued(c)) {
		pr_err("pid %d fd %d: tun device %s: packets are queued for this queue's reader, which a restore would lose: not supported (an up device with IPv6 gets the kernel's own router solicitations and MLD reports too)",
		       l->pid, l->fd, escape__str(ifr.ifr_name));
		return -EOPNOTSUPP;
	}
	t = e->tun = PB_NEW(TunEntry, tun_entry);
	if (!t || !(t->dev = strdup(ifr.ifr_name)))
		return -ENOMEM;
	t->has_flags = t->has_detached = true;
	t->flags = ifr.ifr_flags & IFF_KEPT;
	t->detached = ifr.ifr_flags & IFF_DETACH_QUEUE;
	if (!ioctl(c, TUNGETSNDBUF, &v)) {
		t->has_sndbuf = true;
		t->sndbuf = v;
	}
	if (!ioctl(c, TUNGETVNETHDRSZ, &v)) {
		t->has_vnet_hdr_sz = true;
		t->vnet_hdr_sz = v;
	}
	return 0;
}

static int dump(struct dump_ctx *ctx, const struct fd_live *l, FdEntry *e)
{
	return kinds__dump_socket(l, e, "tun fd", dump_tun);
}

static int open_tun(struct restore_ctx *ctx, pid_t pid, const FdEntry *e)
{
	const TunEntry *t = e->tun;
	int fd, fl = O_CLOEXEC | (e->flags & (O_ACCMODE | O_NONBLOCK));

	if (!t)
		return restore_ctx__fail(ctx, pid, -EINVAL, "pid %d fd %u: tun fd without its state",
					 pid, e->fd);
	if (!t->dev) {
		fd = open("/dev/net/tun", fl);
		if (fd < 0)
			return restore_ctx__fail(ctx, pid, -errno, "pid %d fd %u: open /dev/net/tun: %s",
						 pid, e->fd, strerror(errno));
		return fd;
	}
	fd = netns_make__take(t->dev, t->detached);
	if (fd < 0)
		return restore_ctx__fail(ctx, pid, -EINVAL,
					 "pid %d fd %u: no %s queue of tun device %s made for it (the image's net namespace has none left)",
					 pid, e->fd, t->detached ? "detached" : "attached",
					 escape__str(t->dev));
	if (((e->flags & O_NONBLOCK) && fcntl(fd, F_SETFL, O_NONBLOCK)) ||
	    (t->has_sndbuf && ioctl(fd, TUNSETSNDBUF, &t->sndbuf)) ||
	    (t->has_vnet_hdr_sz && ioctl(fd, TUNSETVNETHDRSZ, &t->vnet_hdr_sz))) {
		int err = -errno;

		close(fd);
		return restore_ctx__fail(ctx, pid, err, "pid %d fd %u: tun device %s: its settings: %s",
					 pid, e->fd, escape__str(t->dev), strerror(-err));
	}
	return fd;
}

/* Every queue made was taken by an fd of the image (dump counted them). */
static int restore_tree(struct restore_ctx *ctx)
{
	const char *dev;

	if (netns_make__untaken(&dev))
		return restore_ctx__fail(ctx, 0, -EINVAL,
					 "a queue of tun device %s was made and no fd of the image took it",
					 escape__str(dev));
	return 0;
}

static void restore_end(struct restore_ctx *ctx, bool failed)
{
	netns_make__release();
}

static int verify(struct verify *v, const FdEntry *e, const struct fd_live *l)
{
	struct ifreq ifr = { 0 };
	char w[64];
	int c, err;

	if (!e->tun)
		return 0;
	c = kinds__copy_fd(l->pid, l->fd);
	if (c < 0) {
		snprintf(w, sizeof(w), "fd %u: the tun fd", e->fd);
		return restore_verify__cannot(v, w, c);
	}
	err = ioctl(c, TUNGETIFF, &ifr) ? -errno : 0;
	close(c);
	ifr.ifr_name[IFNAMSIZ - 1] = 0;
	snprintf(w, sizeof(w), "fd %u: tun device", e->fd);
	err = restore_verify__str(v, w, e->tun->dev ? e->tun->dev : "(none)",
				  err ? "(none)" : ifr.ifr_name);
	if (!err && e->tun->dev) {
		snprintf(w, sizeof(w), "fd %u: tun flags", e->fd);
		err = restore_verify__num(v, w, VF_HEX,
					  e->tun->flags | (e->tun->detached ? IFF_DETACH_QUEUE : 0),
					  ifr.ifr_flags & (IFF_KEPT | IFF_DETACH_QUEUE));
	}
	return err;
}

static bool describe(const struct image_tree *s, const FdEntry *e, char *buf, size_t len)
{
	if (!e->tun)
		return false;
	if (!e->tun->dev)
		snprintf(buf, len, "/dev/net/tun, no device");
	else
		snprintf(buf, len, "%s %s%s", e->tun->flags & IFF_TAP ? "tap" : "tun",
			 escape__str(e->tun->dev), e->tun->detached ? " (queue detached)" : "");
	return true;
}

static void json(const struct image_tree *s, const FdEntry *e, struct json_object *o)
{
	struct json_object *k;

	if (!e->tun)
		return;
	k = json_object_new_object();
	if (e->tun->dev) {
		kinds_show__add(k, "dev", json_object_new_string(escape__utf8(e->tun->dev)));
		kinds_show__add(k, "flags", kinds_show__u64(e->tun->flags));
		kinds_show__add(k, "detached", json_object_new_boolean(e->tun->detached));
	}
	kinds_show__add(o, "tun", k);
}

const struct fd_kind kind_tun = {
	.type = FD_TYPE__FD_TUN,
	.name = "tun",
	.noun = "tun fd",
	.test = "netns_made",
	.claims = claims,
	.dump = dump,
	.open = open_tun,
	.restore_tree = restore_tree,
	.restore_end = restore_end,
	.verify = verify,
	.describe = describe,
	.json = json,
};
