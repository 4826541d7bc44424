// SPDX-License-Identifier: GPL-2.0
/*
 * dump_netns.c - `dump --external-ns KIND[:PATH]` (KIND net, uts or ipc):
 * the tree's tasks are all in that namespace, other than pidtrace's, and
 * the user says it will be there at restore (`restore --join-ns`). Dump
 * saves nothing of it (interfaces, routes, the host name, IPC objects
 * stay where they are: restore makes no namespace) and records which it
 * was (its inode, and PATH) in the inventory.
 *
 * Without PATH the namespace is the root's; with it, PATH must be that
 * namespace's file (/proc/PID/ns/net, a bind mount such as
 * /run/netns/NAME). Every task must be in it: a tree split across
 * namespaces of that kind is refused (restore joins one). Sockets are
 * dumped from inside it (dump_netns__enter): what pidtrace reads of them
 * by their namespace (sock_diag, /proc/net, a new socket's defaults) is
 * then theirs, and a socket of another namespace is refused as before
 * (kinds__sock_same_netns).
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

#include "dump_netns.h"
#include "escape.h"
#include "log.h"
#include "nskind.h"


static struct ext {
	bool given;
	char *path;		/* NULL: the root's */
	bool known;		/* @st is the namespace (from PATH or the first task) */
	struct stat st;
	pid_t first;		/* the task that made it known, 0: PATH */
} exts[NSKIND_COUNT];

static bool own_net;	/* the tree's net namespace is pidtrace's own */

/* @path must be a namespace file of type @i. Return: 0 or -errno (said). */
static int check_path(size_t i, const char *path, struct stat *st)
{
	int fd, type, err = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		pr_err("--external-ns %s:%s: %s", nskind__all[i].kind, escape__str(path), strerror(-err));
		return err;
	}
	type = ioctl(fd, NS_GET_NSTYPE);
	if (type < 0 || fstat(fd, st)) {
		pr_err("--external-ns %s:%s: not a namespace file", nskind__all[i].kind, escape__str(path));
		err = -EINVAL;
	} else if (type != nskind__all[i].type) {
		pr_err("--external-ns %s:%s: not a %s namespace", nskind__all[i].kind, escape__str(path),
		       nskind__all[i].kind);
		err = -EINVAL;
	}
	close(fd);
	return err;
}

int dump_netns__add(const char *arg)
{
	const char *colon = strchr(arg, ':');
	int i = nskind__index(arg, colon ? (size_t)(colon - arg) : strlen(arg));
	struct ext *e;

	if (i < 0) {
		pr_err("--external-ns: '%s' is not net[:PATH], uts[:PATH] or ipc[:PATH]",
		       escape__str(arg));
		return -EINVAL;
	}
	e = &exts[i];
	if (e->given) {
		pr_err("--external-ns: %s given twice", nskind__all[i].kind);
		return -EINVAL;
	}
	e->given = true;
	if (!colon || !colon[1])
		return 0;
	e->path = strdup(colon + 1);
	if (!e->path)
		return -ENOMEM;
	if (check_path(i, e->path, &e->st))
		return -EINVAL;
	e->known = true;
	return 0;
}

static struct ext *find(const char *kind)
{
	int i = nskind__index(kind, strlen(kind));

	return i >= 0 && exts[i].given ? &exts[i] : NULL;
}

bool dump_netns__external(const char *kind)
{
	return find(kind) != NULL;
}

int dump_netns__check(pid_t pid, const char *kind, const struct stat *its)
{
	struct ext *e = find(kind);

	if (!e)
		return -EINVAL;
	if (!e->known) {
		e->st = *its;
		e->known = true;
		e->first = pid;
		return 0;
	}
	if (its->st_ino == e->st.st_ino && its->st_dev == e->st.st_dev)
		return 0;
	if (e->first)
		pr_err("pid %d is in %s namespace %s:[%lu], pid %d in %s:[%lu]: a tree split across %s namespaces is not supported (restore joins one)",
		       pid, kind, kind, (unsigned long)its->st_ino, e->first, kind,
		       (unsigned long)e->st.st_ino, kind);
	else
		pr_err("pid %d is in %s namespace %s:[%lu], not in %s:[%lu] of --external-ns %s:%s: not supported (restore joins one)",
		       pid, kind, kind, (unsigned long)its->st_ino, kind, (unsigned long)e->st.st_ino,
		       kind, escape__str(e->path));
	return -EOPNOTSUPP;
}

int dump_netns__enter(pid_t root)
{
	struct ext *e = find("net");
	struct stat mine;

	if (!e || !e->known)
		return 0;
	if (!stat("/proc/thread-self/ns/net", &mine) && mine.st_ino == e->st.st_ino &&
	    mine.st_dev == e->st.st_dev) {
		own_net = true;
		return 0;
	}
	/* The root's file is the namespace checked (a path could be remounted since). */
	return dump_netns__join_root(root, e->st.st_ino);
}

int dump_netns__join_root(pid_t root, unsigned long ino)
{
	char path[64];
	int fd, err = 0;

	snprintf(path, sizeof(path), "/proc/%d/ns/net", root);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	if (setns(fd, CLONE_NEWNET)) {
		err = -errno;
		pr_err("cannot join the tree's net namespace net:[%lu]: %s", ino, strerror(-err));
	}
	close(fd);
	return err;
}

int dump_netns__lockable(void)
{
	struct ext *e = find("net");

	if (!e || !e->known) {
		pr_err("--network-lock netns needs --external-ns net[:PATH]");
		return -EINVAL;
	}
	if (own_net) {
		pr_err("--network-lock netns: the tree's net namespace net:[%lu] is pidtrace's own: "
		       "locking it would cut this machine off its network until the restore, not "
		       "supported", (unsigned long)e->st.st_ino);
		return -EOPNOTSUPP;
	}
	return 0;
}

void dump_netns__inventory(Inventory *inv)
{
	static InventoryNs ns[NSKIND_COUNT], *v[NSKIND_COUNT];
	size_t i, n = 0;

	for (i = 0; i < NSKIND_COUNT; i++) {
		struct ext *e = &exts[i];

		if (!e->given || !e->known)
			continue;
		inventory_ns__init(&ns[n]);
		ns[n].kind = (char *)nskind__all[i].kind;
		ns[n].ino = e->st.st_ino;
		ns[n].dev = e->st.st_dev;
		ns[n].path = e->path;
		v[n] = &ns[n];
		n++;
	}
	inv->external_ns = v;
	inv->n_external_ns = n;
}
