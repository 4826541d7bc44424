// SPDX-License-Identifier: GPL-2.0
/*
 * restore_joinns.c - `restore --join-ns KIND:PATH` (KIND net, uts or ipc;
 * PATH a namespace file such as /run/netns/NAME, or a pid: that process's
 * namespace, as CRIU's --join-ns takes it).
 *
 * An image dumped with `dump --external-ns` names the namespaces its tree
 * was in but holds nothing of them: restore makes none, and refuses at the
 * check step, in one line, to restore such an image without a --join-ns
 * of each of them (the tree would come back in pidtrace's namespace, its
 * sockets with it). The user may join another namespace than the dumped
 * one (another host, a namespace made again): it is their say-so, and the
 * report warns that the inode differs. Joining a namespace for an image
 * whose tree was in pidtrace's is allowed too, with a warning.
 *
 * pidtrace's main thread joins the namespaces before the first stub: every
 * task is forked by it or by a stub it forked, and every socket of the
 * tree is opened by it (restore_files.c), so all of them are made there;
 * /proc/net and sock_diag then show pidtrace that namespace too. The
 * verify step checks each task is in the namespace joined. A net
 * namespace the tree made itself is made again here too, after the joins
 * (restore_netmade.c): each task is then checked to be in it.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/nsfs.h>

#include "escape.h"
#include "log.h"
#include "nskind.h"
#include "restore_joinns.h"
#include "restore_netmade.h"
#include "restore_verify.h"


static struct join {
	char *path;		/* NULL: not joined */
	struct stat st;		/* the namespace, once joined */
	bool joined;
} joins[NSKIND_COUNT];

int restore_joinns__add(const char *arg)
{
	const char *colon = strchr(arg, ':');
	char buf[64];
	char *end;
	long pid;
	int i;

	i = colon ? nskind__index(arg, colon - arg) : -1;
	if (i < 0 || !colon[1]) {
		pr_err("--join-ns: '%s' is not net:PATH, uts:PATH or ipc:PATH (PATH a namespace file or a pid)",
		       escape__str(arg));
		return -EINVAL;
	}
	if (joins[i].path) {
		pr_err("--join-ns: %s given twice", nskind__all[i].kind);
		return -EINVAL;
	}
	pid = strtol(colon + 1, &end, 10);
	if (!*end && pid > 0) {
		snprintf(buf, sizeof(buf), "/proc/%ld/ns/%s", pid, nskind__all[i].kind);
		joins[i].path = strdup(buf);
	} else {
		joins[i].path = strdup(colon + 1);
	}
	return joins[i].path ? 0 : -ENOMEM;
}

static const InventoryNs *dumped(const Inventory *inv, const char *kind)
{
	size_t i;

	for (i = 0; i < inv->n_external_ns; i++)
		if (!strcmp(inv->external_ns[i]->kind, kind))
			return inv->external_ns[i];
	return NULL;
}

/* Join namespace @i at its path; warn when it is not the dumped one. */
static int join(struct restore_ctx *ctx, size_t i, const InventoryNs *d)
{
	struct join *j = &joins[i];
	const char *k = nskind__all[i].kind;
	int fd, type, err = 0;

	fd = open(j->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return restore_ctx__fail(ctx, 0, -errno, "--join-ns %s:%s: %s", k,
					 escape__str(j->path), strerror(errno));
	type = ioctl(fd, NS_GET_NSTYPE);
	if (type < 0 || fstat(fd, &j->st))
		err = restore_ctx__fail(ctx, 0, -EINVAL, "--join-ns %s:%s: not a namespace file", k,
					escape__str(j->path));
	else if (type != nskind__all[i].type)
		err = restore_ctx__fail(ctx, 0, -EINVAL, "--join-ns %s:%s: not a %s namespace", k,
					escape__str(j->path), k);
	else if (setns(fd, nskind__all[i].type))
		err = restore_ctx__fail(ctx, 0, -errno, "--join-ns %s:%s: cannot join it: %s", k,
					escape__str(j->path), strerror(errno));
	close(fd);
	if (err)
		return err;
	j->joined = true;
	if (!d)
		pr_warn("--join-ns %s:%s: the tree was in pidtrace's %s namespace at dump; it is made in %s:[%lu]",
			k, escape__str(j->path), k, k, (unsigned long)j->st.st_ino);
	else if (d->ino != j->st.st_ino || d->dev != j->st.st_dev)
		pr_warn("--join-ns %s:%s is %s:[%lu], not the dumped %s:[%lu]%s%s: the tree is made there",
			k, escape__str(j->path), k, (unsigned long)j->st.st_ino, k,
			(unsigned long)d->ino, d->path ? " of " : "", d->path ? escape__str(d->path) : "");
	return 0;
}

int restore_joinns__check(struct restore_ctx *ctx)
{
	const InventoryNs *d;
	size_t i;
	int err;

	for (i = 0; i < ctx->inv->n_external_ns; i++) {
		d = ctx->inv->external_ns[i];
		err = nskind__index(d->kind, strlen(d->kind));
		if (err < 0)
			return restore_ctx__fail(ctx, 0, -EOPNOTSUPP,
						 "the image's tree was in an external %s namespace: pidtrace cannot join one",
						 escape__str(d->kind));
		if (!joins[err].path)
			return restore_ctx__fail(ctx, 0, -EOPNOTSUPP,
						 "the image's tree was in the %s namespace %s:[%lu]%s%s (dump --external-ns), which restore does not make: --join-ns %s:PATH is needed",
						 d->kind, d->kind, (unsigned long)d->ino,
						 d->path ? " " : "", d->path ? escape__str(d->path) : "",
						 d->kind);
	}
	/* A net namespace restore makes: none to join (before any join). */
	if (ctx->inv->netns_made && joins[nskind__index("net", 3)].path)
		return restore_netmade__check(ctx, true);
	for (i = 0; i < NSKIND_COUNT; i++) {
		if (!joins[i].path)
			continue;
		err = join(ctx, i, dumped(ctx->inv, nskind__all[i].kind));
		if (err)
			return err;
	}
	/* A net namespace of the tree's own: made here (restore_netmade.c). */
	return restore_netmade__check(ctx, false);
}

int restore_joinns__verify(struct verify *v)
{
	struct stat want, its;
	char path[64];
	const char *k;
	size_t i;

	i = restore_netmade__verify(v);
	if (i)
		return (int)i;
	for (i = 0; i < NSKIND_COUNT; i++) {
		k = nskind__all[i].kind;
		if (joins[i].joined) {
			want = joins[i].st;
		} else {
			snprintf(path, sizeof(path), "/proc/thread-self/ns/%s", k);
			if (stat(path, &want))
				continue; /* a kernel without it */
		}
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", v->opid, k);
		if (stat(path, &its)) {
			snprintf(path, sizeof(path), "its %s namespace", k);
			return restore_verify__cannot(v, path, -errno);
		}
		if (its.st_ino != want.st_ino || its.st_dev != want.st_dev)
			return restore_ctx__fail(v->ctx, v->pid, -EIO,
						 "pid %d: in %s namespace %s:[%lu] after restore, not %s %s:[%lu]",
						 v->pid, k, k, (unsigned long)its.st_ino,
						 joins[i].joined ? "the joined" : "pidtrace's", k,
						 (unsigned long)want.st_ino);
		v->n->misc++;
	}
	return 0;
}
