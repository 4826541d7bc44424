// SPDX-License-Identifier: GPL-2.0
/*
 * dump_outside.c - pipes and sockets of the tree that a process outside it
 * also holds, and unix sockets whose peer one holds: restored, the copy
 * would have no writer or peer (the task reads EOF, gets EPIPE), so dump
 * refuses them, naming the outside holder's pid, command and fd.
 *
 * Every process's fds are read once (/proc/PID/fd links, "pipe:[INO]" and
 * "socket:[INO]"), looked up in the sorted list of what the tree holds.
 * Only when the tree has a pipe or a socket: about 5 ms for 160 processes
 * holding 1 500 fds.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dump_ctx.h"
#include "dump_sockets.h"
#include "dump_refuse.h"
#include "log.h"

enum { WANT_HELD, WANT_PEER };

struct want {
	uint64_t ino;
	bool sock;		/* a socket, else a pipe */
	int why;		/* WANT_HELD: the tree's own object; WANT_PEER: its peer */
	pid_t pid;		/* the tree's holder */
	int fd;
};

static int cmp_want(const void *a, const void *b)
{
	const struct want *x = a, *y = b;

	return x->ino < y->ino ? -1 : x->ino > y->ino;
}

static int add_want(struct want **w, size_t *n, struct want v)
{
	struct want *arr = realloc(*w, (*n + 1) * sizeof(*arr));

	if (!arr)
		return -ENOMEM;
	*w = arr;
	arr[(*n)++] = v;
	return 0;
}

static const struct want *find_want(const struct want *w, size_t n, uint64_t ino, bool sock)
{
	struct want key = { .ino = ino };
	const struct want *hit = bsearch(&key, w, n, sizeof(*w), cmp_want);

	if (!hit)
		return NULL;
	while (hit > w && hit[-1].ino == ino)
		hit--;
	for (; hit < w + n && hit->ino == ino; hit++)
		if (hit->sock == sock)
			return hit;
	return NULL;
}

static void comm_of(pid_t pid, char *buf, size_t len)
{
	struct procfs_stat st;
	char esc[256];

	if (procfs__stat(pid, &st))
		snprintf(buf, len, "?");
	else
		snprintf(buf, len, "%s", dump_refuse__escape(st.comm, esc, sizeof(esc)));
}

static int refuse_held(const struct want *w, pid_t holder, int hfd)
{
	char comm[256];

	comm_of(holder, comm, sizeof(comm));
	if (w->why == WANT_PEER)
		pr_err("pid %d fd %d: unix socket whose peer (socket %lu) is held by pid %d (%s) fd %d, outside the dumped tree, is not supported",
		       w->pid, w->fd, (unsigned long)w->ino, holder, comm, hfd);
	else
		pr_err("pid %d fd %d: %s:[%lu] is also held by pid %d (%s) fd %d, outside the dumped tree: not supported",
		       w->pid, w->fd, w->sock ? "socket" : "pipe", (unsigned long)w->ino, holder, comm,
		       hfd);
	return -EOPNOTSUPP;
}

/* Every fd of @pid that is a pipe or socket the tree cares about. */
static int scan_process(pid_t pid, const struct want *w, size_t n)
{
	char path[64], link[64];
	const struct want *hit;
	struct dirent *de;
	unsigned long ino;
	ssize_t len;
	DIR *d;
	int err = 0;

	snprintf(path, sizeof(path), "/proc/%d/fd", pid);
	d = opendir(path);
	if (!d)
		return 0; /* gone, or a kernel thread: holds nothing */
	while (!err && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		len = readlinkat(dirfd(d), de->d_name, link, sizeof(link) - 1);
		if (len <= 0)
			continue;
		link[len] = '\0';
		if (sscanf(link, "pipe:[%lu]", &ino) == 1)
			hit = find_want(w, n, ino, false);
		else if (sscanf(link, "socket:[%lu]", &ino) == 1)
			hit = find_want(w, n, ino, true);
		else
			continue;
		if (hit)
			err = refuse_held(hit, pid, atoi(de->d_name));
	}
	closedir(d);
	return err;
}

int dump_outside__check(struct dump_ctx *ctx)
{
	struct want *w = NULL;
	size_t n = 0, i;
	struct dirent *de;
	uint64_t ino, peer;
	pid_t pid;
	DIR *d;
	int fd, err = 0;

	for (i = 0; !err && i < ctx->nofds; i++) {
		const struct dump_ofd *o = &ctx->ofds[i];

		if (S_ISFIFO(o->mode) || S_ISSOCK(o->mode))
			err = add_want(&w, &n, (struct want){ o->ino, S_ISSOCK(o->mode), WANT_HELD,
							      o->pid, o->fd });
	}
	for (i = 0; !err && dump_sockets__unix(ctx->sockets, i, &ino, &peer, &pid, &fd); i++)
		if (peer)
			err = add_want(&w, &n, (struct want){ peer, true, WANT_PEER, pid, fd });
	if (err || !n)
		goto out;
	qsort(w, n, sizeof(*w), cmp_want);
	d = opendir("/proc");
	if (!d) {
		err = -errno;
		pr_err("/proc: %s", strerror(-err));
		goto out;
	}
	while (!err && (de = readdir(d))) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		pid = atoi(de->d_name);
		if (pid == getpid() || dump_ctx__find_task(ctx, pid))
			continue;
		err = scan_process(pid, w, n);
	}
	closedir(d);
out:
	if (err == -ENOMEM)
		pr_err("out of memory");
	free(w);
	return err;
}
