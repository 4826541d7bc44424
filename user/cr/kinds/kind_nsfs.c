// SPDX-License-Identifier: GPL-2.0
/*
 * kind_nsfs.c - an fd on a namespace file (nsfs: open("/proc/self/ns/net"),
 * zdtm proc-self), whose link reads "net:[4026531840]".
 *
 * Only a namespace the task itself is in, and pidtrace too, is kept: it
 * is then the one the restored task is in again, and restore opens the
 * restored task's /proc/PID/ns/NAME. A namespace file of any other
 * namespace (another process's, one the task left) names an object
 * pidtrace does not make again: refused in one line. The namespace's
 * inode number is kept, and shown; after a restore into the same
 * namespaces it is the same, but what verify compares is that the fd
 * names the namespace the restored task is in (the relation dump saw).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "dump_ctx.h"
#include "escape.h"
#include "image_check.h"
#include "kinds.h"
#include "kinds_show.h"
#include "log.h"
#include "restore_ctx.h"
#include "restore_verify.h"
#include "testfault.h"

#ifndef NSFS_MAGIC
#define NSFS_MAGIC 0x6e736673
#endif

/* The /proc/PID/ns names, as the links of their files begin. */
static const char *const names[] = { "cgroup", "ipc", "mnt", "net", "pid", "time", "user", "uts" };
#define NNAMES (sizeof(names) / sizeof(names[0]))

/* The namespace name @link ("net:[N]") begins with, or NULL. */
static const char *ns_of(const char *link)
{
	size_t i, n;

	for (i = 0; i < NNAMES; i++) {
		n = strlen(names[i]);
		if (!strncmp(link, names[i], n) && !strncmp(link + n, ":[", 2))
			return names[i];
	}
	return NULL;
}

static bool claims(const struct fd_live *l)
{
	char p[64];
	struct statfs sf;

	if (!ns_of(l->link))
		return false;
	snprintf(p, sizeof(p), "/proc/%d/fd/%d", l->pid, l->fd);
	return !statfs(p, &sf) && sf.f_type == NSFS_MAGIC;
}

/* The inode of /proc/PID/ns/NAME (@pid 0: pidtrace's), or 0. */
static uint64_t ns_ino(pid_t pid, const char *name)
{
	char p[64];
	struct stat st;

	if (pid)
		snprintf(p, sizeof(p), "/proc/%d/ns/%s", pid, name);
	else
		snprintf(p, sizeof(p), "/proc/self/ns/%s", name);
	return stat(p, &st) ? 0 : st.st_ino;
}

static int dump(struct dump_ctx *ctx, const struct fd_live *l, FdEntry *e)
{
	const char *ns = ns_of(l->link);
	uint64_t ino = l->st->st_ino;

	if (!ns)
		return -EINVAL;
	if (ns_ino(l->pid, ns) != ino || ns_ino(0, ns) != ino) {
		pr_err("pid %d fd %d: %s, a namespace the task or pidtrace is not in, is not supported",
		       l->pid, l->fd, escape__str(l->link));
		return -EOPNOTSUPP;
	}
	e->nsfs_ns = dump_ctx__strdup(ns);
	return e->nsfs_ns ? 0 : -ENOMEM;
}

static int check(struct image *img, const char *n, const FilesImage *fi, const FdEntry *e)
{
	size_t i;

	for (i = 0; e->nsfs_ns && i < NNAMES; i++)
		if (!strcmp(e->nsfs_ns, names[i]))
			return 0;
	return bad(img, n, "fd %u: a namespace file of no known namespace", e->fd);
}

static int open_nsfs(struct restore_ctx *ctx, pid_t pid, const FdEntry *e)
{
	struct rtask *t = restore_ctx__find(ctx, pid);
	char p[64];
	int fd;

	if (!t)
		return restore_ctx__fail(ctx, pid, -ESRCH, "pid %d fd %u: no such task", pid, e->fd);
	snprintf(p, sizeof(p), "/proc/%d/ns/%s", t->opid, e->nsfs_ns);
	/* Test fault: pidtrace's own namespace, which verify must tell from the task's. */
	if (testfault__point("restore-nsfs-pidtrace"))
		snprintf(p, sizeof(p), "/proc/self/ns/%s", e->nsfs_ns);
	fd = open(p, (e->flags & ~O_CREAT) | O_CLOEXEC);
	if (fd < 0)
		return restore_ctx__fail(ctx, pid, -errno, "pid %d fd %u: %s: %s", pid, e->fd, p,
				     strerror(errno));
	return fd;
}

/* The fd names the namespace the restored task is in, as at dump. */
static int verify(struct verify *v, const FdEntry *e, const struct fd_live *l)
{
	char w[64];

	if (!e->nsfs_ns)
		return 0;
	snprintf(w, sizeof(w), "fd %u: %s namespace of the task", e->fd, e->nsfs_ns);
	return restore_verify__num(v, w, VF_DEC, ns_ino(l->pid, e->nsfs_ns), l->st->st_ino);
}

static bool describe(const struct image_tree *s, const FdEntry *e, char *buf, size_t len)
{
	if (!e->nsfs_ns)
		return false;
	snprintf(buf, len, "%s namespace %lu (the task's own)", e->nsfs_ns, (unsigned long)e->ino);
	return true;
}

static void json(const struct image_tree *s, const FdEntry *e, struct json_object *o)
{
	struct json_object *k;

	if (!e->nsfs_ns)
		return;
	k = json_object_new_object();
	kinds_show__add(k, "ns", escape__json_string(e->nsfs_ns));
	kinds_show__add(k, "ino", kinds_show__u64(e->ino));
	kinds_show__add(o, "nsfs", k);
}

const struct fd_kind kind_nsfs = {
	.type = FD_TYPE__FD_NSFS,
	.name = "nsfs",
	.noun = "namespace file",
	.test = "nsfs",
	.claims = claims,
	.dump = dump,
	.check = check,
	.open = open_nsfs,
	.verify = verify,
	.describe = describe,
	.json = json,
};
