// SPDX-License-Identifier: GPL-2.0
/*
 * dump_netmade.c - see dump_netmade.h.
 *
 * A net namespace other than pidtrace's that the user did not give as
 * external is taken for the tree's own: restore makes it again (an empty
 * namespace, then its links and addresses: netns_make.c) and makes the
 * tree in it. That is exact only when nothing else holds it and when a
 * namespace made again from the image is the same, so dump refuses, in
 * one line and before any harm:
 * - a tree split across net namespaces (restore makes one);
 * - a namespace a process outside the tree is in, or one mounted (as
 *   `ip netns add` leaves it) in pidtrace's or the tree's mount namespace:
 *   the tree would come back in another than theirs;
 * - a link restore does not make (only lo and tun/tap devices), an IPv6
 *   address with a lifetime;
 * - anything else (netns_lines.c): a rehearsal, a child of pidtrace in a
 *   new namespace, makes the namespace from what was read and reads it
 *   the same way; the first line that differs (a route or rule added, a
 *   sysctl set, a firewall rule, a nftables table, an xfrm state...) is
 *   named. The image holds the lines, which restore's verification reads
 *   again in the made namespace.
 * Not seen: fds or sockets outside the tree that hold the namespace
 * (docs/restore.md).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dump_ctx.h"
#include "dump_netmade.h"
#include "dump_netns.h"
#include "dump_tunq.h"
#include "escape.h"
#include "log.h"
#include "netns_make.h"
#include "netns_state.h"

static struct {
	bool known;
	struct stat st;
	pid_t first;
	bool read;
	NetnsMade m;
} made;

int dump_netmade__check(pid_t pid, const struct stat *its)
{
	if (!made.known) {
		made.known = true;
		made.st = *its;
		made.first = pid;
		return 0;
	}
	if (its->st_ino == made.st.st_ino && its->st_dev == made.st.st_dev)
		return 0;
	pr_err("pid %d is in net namespace net:[%lu], pid %d in net:[%lu]: a tree split across net namespaces is not supported (restore makes one)",
	       pid, (unsigned long)its->st_ino, made.first, (unsigned long)made.st.st_ino);
	return -EOPNOTSUPP;
}

#define PREFIX "pid %d is in a net namespace (net:[%lu]) other than pidtrace's: "
#define HINT "restore would make another, not supported (--external-ns net if it will exist at restore)"

/* A process outside the tree in the namespace. */
static int outsiders(struct dump_ctx *ctx)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	char path[64];
	struct stat st;
	pid_t pid;
	int err = 0;

	if (!d)
		return -errno;
	while (!err && (de = readdir(d))) {
		pid = atoi(de->d_name);
		if (pid <= 0 || dump_ctx__find_task(ctx, pid))
			continue;
		snprintf(path, sizeof(path), "/proc/%d/ns/net", pid);
		if (stat(path, &st) || st.st_ino != made.st.st_ino || st.st_dev != made.st.st_dev)
			continue;
		pr_err(PREFIX "pid %d, outside the tree, is in it too: " HINT, made.first,
		       (unsigned long)made.st.st_ino, pid);
		err = -EOPNOTSUPP;
	}
	closedir(d);
	return err;
}

/* The namespace mounted (nsfs) in the mount namespace of @pid (0: pidtrace's). */
static int mounted(pid_t pid)
{
	char path[64], want[64], *line = NULL, *f[5], *save;
	size_t cap = 0;
	FILE *fp;
	int err = 0, i;

	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/mountinfo", pid);
	else
		snprintf(path, sizeof(path), "/proc/self/mountinfo");
	snprintf(want, sizeof(want), "net:[%lu]", (unsigned long)made.st.st_ino);
	fp = fopen(path, "re");
	if (!fp)
		return 0;
	while (!err && getline(&line, &cap, fp) > 0) {
		f[0] = strtok_r(line, " ", &save);
		for (i = 1; i < 5 && f[i - 1]; i++)
			f[i] = strtok_r(NULL, " ", &save);
		if (i < 5 || !f[4] || strcmp(f[3], want))
			continue;
		pr_err(PREFIX "it is mounted at %s, held outside the tree: " HINT, made.first,
		       (unsigned long)made.st.st_ino, escape__str(f[4]));
		err = -EOPNOTSUPP;
	}
	free(line);
	fclose(fp);
	return err;
}

/* Child: a new namespace made from @m, read, its lines written to @out. */
static void rehearse(const NetnsMade *m, int out)
{
	NetnsMade r = NETNS_MADE__INIT;
	char why[512] = "";
	FILE *f = fdopen(out, "w");
	size_t i;
	int err;

	if (!f)
		_exit(1);
	/* _exit() flushes nothing: each line out before it. */
	if (unshare(CLONE_NEWNET)) {
		fprintf(f, "!making a net namespace: %s\n", strerror(errno));
		fflush(f);
		_exit(1);
	}
	err = netns_make__apply(m, why, sizeof(why));
	if (err) {
		fprintf(f, "!%s\n", why);
		fflush(f);
		_exit(1);
	}
	err = netns_state__read(&r, why, sizeof(why));
	if (err) {
		fprintf(f, "!reading it: %s\n", strerror(-err));
		fflush(f);
		_exit(1);
	}
	for (i = 0; i < r.n_state; i++)
		fprintf(f, "%s\n", r.state[i]);
	fclose(f);
	_exit(0);
}

/* The lines of a namespace made again from @m, into @r. */
static int rehearsal(const NetnsMade *m, NetnsMade *r)
{
	int p[2], status = 0, err = 0, w;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	pid_t child;
	FILE *f;

	if (pipe2(p, O_CLOEXEC))
		return -errno;
	child = fork();
	if (child < 0) {
		err = -errno;
		close(p[0]);
		close(p[1]);
		return err;
	}
	if (!child) {
		close(p[0]);
		rehearse(m, p[1]);
	}
	close(p[1]);
	f = fdopen(p[0], "r");
	while (f && !err && (n = getline(&line, &cap, f)) > 0) {
		line[strcspn(line, "\n")] = 0;
		if (line[0] == '!') {
			pr_err(PREFIX "making it again to compare failed: %s", made.first,
			       (unsigned long)made.st.st_ino, line + 1);
			err = -EOPNOTSUPP;
		} else {
			err = netns_state__add(r, "%s", line);
		}
	}
	free(line);
	if (f)
		fclose(f);
	else
		close(p[0]);
	while ((w = waitpid(child, &status, 0)) < 0 && errno == EINTR)
		;
	/* w < 0 (ECHILD: SIGCHLD ignored here, the kernel reaped it): the pipe said how it went. */
	if (!err && w == child && (!WIFEXITED(status) || WEXITSTATUS(status))) {
		pr_err(PREFIX "making it again to compare failed (status %#x)", made.first,
		       (unsigned long)made.st.st_ino, status);
		err = -EOPNOTSUPP;
	}
	return err;
}

int dump_netmade__frozen(struct dump_ctx *ctx)
{
	NetnsMade again = NETNS_MADE__INIT;
	const char *only_tree, *only_again;
	char why[512];
	int err;

	if (!made.known)
		return 0;
	err = outsiders(ctx);
	if (!err)
		err = mounted(0);
	if (!err)
		err = mounted(ctx->root);
	if (!err)
		err = dump_netns__join_root(ctx->root, (unsigned long)made.st.st_ino);
	if (err)
		return err;
	netns_made__init(&made.m);
	made.read = true;
	made.m.ino = made.st.st_ino;
	err = netns_state__read(&made.m, why, sizeof(why));
	if (err) {
		pr_err("cannot read the tree's net namespace net:[%lu]: %s",
		       (unsigned long)made.st.st_ino, strerror(-err));
		return err;
	}
	if (!*why)
		err = dump_tunq__count(ctx, &made.m, PREFIX, made.first, made.st.st_ino);
	if (err)
		return err;
	if (*why) {
		pr_err(PREFIX "it has %s, not supported",
		       made.first, (unsigned long)made.st.st_ino, why);
		return -EOPNOTSUPP;
	}
	err = rehearsal(&made.m, &again);
	if (!err && (netns_state__diff(&made.m, &again, false, &only_tree, &only_again) ||
		     /* what moves (counters) last: the rules' own difference says more */
		     netns_state__diff(&made.m, &again, true, &only_tree, &only_again))) {
		if (only_tree)
			pr_err(PREFIX "it has \"%s\", which a namespace made again from the image would not: not supported",
			       made.first, (unsigned long)made.st.st_ino, only_tree);
		else
			pr_err(PREFIX "it lacks \"%s\", which a namespace made again from the image would have: not supported",
			       made.first, (unsigned long)made.st.st_ino, only_again);
		err = -EOPNOTSUPP;
	}
	netns_state__free(&again);
	return err;
}

const NetnsMade *dump_netmade__made(void)
{
	return made.read ? &made.m : NULL;
}

void dump_netmade__inventory(Inventory *inv)
{
	inv->netns_made = made.read ? &made.m : NULL;
}
