// SPDX-License-Identifier: GPL-2.0
/*
 * dump_tunq.c - see dump_tunq.h. Each /dev/net/tun fd of the tree is asked
 * TUNGETIFF on a copy (its device, and IFF_DETACH_QUEUE for a detached
 * queue); fds sharing an open file description (kcmp KCMP_FILE) hold one
 * queue. A single-queue device nobody in the tree holds is persistent
 * (else it would be gone): the fds of the host's processes tell whether
 * one outside the tree holds its queue (held_outside()).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <linux/if_tun.h>
#include <linux/kcmp.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "dump_ctx.h"
#include "dump_tunq.h"
#include "escape.h"
#include "kinds.h"
#include "log.h"

struct q {
	pid_t pid;
	int fd;
	char dev[IFNAMSIZ];
	bool detached;
};

static bool same_file(const struct q *a, const struct q *b)
{
	return !syscall(SYS_kcmp, a->pid, b->pid, KCMP_FILE, a->fd, b->fd);
}

/* The tun fds of task @pid with a device, appended to @qs. */
static int scan(pid_t pid, struct q **qs, size_t *n)
{
	char path[64], link[64];
	struct dirent *de;
	struct ifreq ifr;
	struct q *v;
	DIR *d;
	int fd, c, err = 0;
	ssize_t len;

	snprintf(path, sizeof(path), "/proc/%d/fd", pid);
	d = opendir(path);
	if (!d)
		return -errno == -ENOENT ? -ESRCH : -errno;
	while (!err && (de = readdir(d))) {
		fd = atoi(de->d_name);
		snprintf(path, sizeof(path), "/proc/%d/fd/%d", pid, fd);
		len = readlink(path, link, sizeof(link) - 1);
		if (de->d_name[0] == '.' || len < 0)
			continue;
		link[len] = 0;
		if (strcmp(link, "/dev/net/tun"))
			continue;
		c = kinds__copy_fd(pid, fd);
		if (c < 0) {
			err = c;
			break;
		}
		memset(&ifr, 0, sizeof(ifr));
		if (ioctl(c, TUNGETIFF, &ifr)) {
			close(c);
			continue; /* attached to no device */
		}
		close(c);
		v = realloc(*qs, (*n + 1) * sizeof(*v));
		if (!v) {
			err = -ENOMEM;
			break;
		}
		*qs = v;
		v[*n] = (struct q){ .pid = pid, .fd = fd, .detached = ifr.ifr_flags & IFF_DETACH_QUEUE };
		memcpy(v[*n].dev, ifr.ifr_name, IFNAMSIZ);
		v[*n].dev[IFNAMSIZ - 1] = 0;
		(*n)++;
	}
	closedir(d);
	return err;
}

/*
 * Whether fd @fd of @pid is attached to a device of namespace @ino:
 * TUNGETDEVNETNS on a copy (the device's namespace, not the one the fd
 * was opened in: a device can be moved). A fd closed or detached
 * meanwhile holds nothing.
 */
static int devns_is(pid_t pid, int fd, unsigned long ino)
{
	struct stat st;
	int c, ns, r;

	c = kinds__copy_fd(pid, fd);
	if (c == -ESRCH || c == -EBADF)
		return 0;
	if (c < 0)
		return c;
	ns = ioctl(c, TUNGETDEVNETNS);
	r = ns < 0 ? -errno : 0;
	close(c);
	if (r)
		return r == -EBADFD ? 0 : r;
	r = fstat(ns, &st) ? -errno : st.st_ino == ino;
	close(ns);
	return r;
}

/* Whether the fdinfo of fd @fd of @pid has line @want. */
static bool fdinfo_has(pid_t pid, int fd, const char *want)
{
	char path[64], line[128];
	bool has = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", pid, fd);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (!has && fgets(line, sizeof(line), f))
		has = !strcmp(line, want);
	fclose(f);
	return has;
}

/*
 * Whether a process outside the tree holds the queue of single-queue
 * device @l of namespace @ino (the tree holds none): each /dev/net/tun fd
 * of the host whose fdinfo names the device ("iff:"), asked its device's
 * namespace. Nothing is attached: a probe that attached to the device
 * switched its carrier on and off, which ran IPv6 autoconf and link
 * events in the namespace of a tree left running. A task whose fd table
 * is not its thread group leader's (clone without CLONE_FILES) is not
 * looked at.
 */
static int held_outside(const NetnsLink *l, unsigned long ino)
{
	char path[300], link[64], want[8 + IFNAMSIZ];
	struct dirent *p, *f;
	DIR *procs, *fds;
	int held = 0;
	ssize_t len;
	pid_t pid;

	procs = opendir("/proc");
	if (!procs)
		return -errno;
	snprintf(want, sizeof(want), "iff:\t%s\n", l->name);
	while (!held && (p = readdir(procs))) {
		pid = atoi(p->d_name);
		if (pid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/fd", pid);
		fds = opendir(path);
		if (!fds)
			continue; /* gone, or a kernel thread's */
		while (!held && (f = readdir(fds))) {
			snprintf(path, sizeof(path), "/proc/%d/fd/%s", pid, f->d_name);
			len = f->d_name[0] == '.' ? -1 : readlink(path, link, sizeof(link) - 1);
			if (len < 0)
				continue;
			link[len] = 0;
			if (!strcmp(link, "/dev/net/tun") && fdinfo_has(pid, atoi(f->d_name), want))
				held = devns_is(pid, atoi(f->d_name), ino);
		}
		closedir(fds);
	}
	closedir(procs);
	return held;
}

int dump_tunq__count(struct dump_ctx *ctx, NetnsMade *m, const char *prefix_fmt, pid_t first,
		     unsigned long ino)
{
	struct q *qs = NULL;
	size_t i, j, n = 0;
	uint32_t att, det;
	char prefix[160];
	int err = 0;

	for (i = 0; !err && i < ctx->ntasks; i++)
		if (!ctx->tasks[i].zombie)
			err = scan(ctx->tasks[i].pid, &qs, &n);
	snprintf(prefix, sizeof(prefix), prefix_fmt, first, ino);
	for (i = 0; !err && i < m->n_links; i++) {
		NetnsLink *l = m->links[i];

		if (strcmp(l->kind, "tun"))
			continue;
		att = det = 0;
		for (j = 0; j < n; j++) {
			size_t k;

			if (strcmp(qs[j].dev, l->name))
				continue;
			for (k = 0; k < j && !(!strcmp(qs[k].dev, l->name) && same_file(&qs[k], &qs[j])); k++)
				;
			if (k < j)
				continue;
			*(qs[j].detached ? &det : &att) += 1;
		}
		if (!(l->tun_flags & IFF_MULTI_QUEUE)) {
			l->queues = att;
			if (!att && (err = held_outside(l, ino)) > 0) {
				pr_err("%sits tun device %s is attached to an fd outside the tree: not supported",
				       prefix, escape__str(l->name));
				err = -EOPNOTSUPP;
			} else if (err < 0) {
				pr_err("%sits tun device %s: whether an fd outside the tree holds its queue: %s",
				       prefix, escape__str(l->name), strerror(-err));
			}
			continue;
		}
		if (att != l->queues || det != l->disabled) {
			pr_err("%sits tun device %s has %u queues attached and %u detached, the tree's fds %u and %u: a queue held outside the tree is not supported",
			       prefix, escape__str(l->name), l->queues, l->disabled, att, det);
			err = -EOPNOTSUPP;
		}
	}
	free(qs);
	return err < 0 ? err : 0;
}
