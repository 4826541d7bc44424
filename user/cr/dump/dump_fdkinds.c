// SPDX-License-Identifier: GPL-2.0
/*
 * dump_fdkinds.c - fds that are neither files, pipes nor pidfds.
 *
 * eventfd, signalfd and timerfd are read from fdinfo (counter, mask,
 * clock, remaining time and interval, expirations not read yet). A memfd
 * is a shared memory object (dump_shmem.c saves its contents, name and
 * seals once). A regular file deleted while open has its contents saved,
 * once per inode, in the first fd of the tree that has it. Sockets are
 * dump_sockets.c's, epoll instances dump_epoll.c's, inotify instances
 * dump_inotify.c's.
 *
 * Everything else (fanotify, io_uring, userfaultfd...) is refused, naming it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dump_ctx.h"
#include "dump_epoll.h"
#include "dump_fdkinds.h"
#include "dump_ghost.h"
#include "dump_inotify.h"
#include "dump_scm.h"
#include "dump_shmem.h"
#include "dump_sockets.h"
#include "log.h"

#define DELETED " (deleted)"

struct dump_fdkinds {
	struct dump_sockets *sockets;
	struct dump_epoll *epoll;
};

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && !strcmp(s + a - b, suffix);
}

bool dump_fdkinds__claims(const char *link, const struct stat *st)
{
	if (S_ISSOCK(st->st_mode))
		return true;
	if (!strncmp(link, "anon_inode:", 11))
		return strcmp(link, "anon_inode:[pidfd]") != 0;
	return S_ISREG(st->st_mode) && link[0] == '/' && ends_with(link, DELETED);
}

static int refuse(pid_t pid, int fd, const char *what)
{
	pr_err("pid %d fd %d: %s is not supported", pid, fd, what);
	return -EOPNOTSUPP;
}

static struct dump_fdkinds *state(struct dump_ctx *ctx)
{
	if (!ctx->fdk)
		ctx->fdk = calloc(1, sizeof(*ctx->fdk));
	return ctx->fdk;
}

static int read_fdinfo(pid_t pid, int fd, char **info)
{
	char name[64];

	snprintf(name, sizeof(name), "fdinfo/%d", fd);
	return procfs__read(pid, name, info, NULL);
}

/* ---- eventfd, signalfd, timerfd ---- */

static int dump_eventfd(const char *info, FdEntry *e)
{
	uint64_t count = 0, sem = 0;

	if (procfs__field_u64(info, "eventfd-count:", 16, &count))
		return -EINVAL;
	procfs__field_u64(info, "eventfd-semaphore:", 10, &sem);
	e->type = FD_TYPE__FD_EVENTFD;
	e->eventfd = PB_NEW(EventfdEntry, eventfd_entry);
	if (!e->eventfd)
		return -ENOMEM;
	e->eventfd->count = count;
	e->eventfd->semaphore = sem;
	return 0;
}

static int dump_signalfd(const char *info, FdEntry *e)
{
	uint64_t mask;

	if (procfs__field_u64(info, "sigmask:", 16, &mask))
		return -EINVAL;
	e->type = FD_TYPE__FD_SIGNALFD;
	e->signalfd = PB_NEW(SignalfdEntry, signalfd_entry);
	if (!e->signalfd)
		return -ENOMEM;
	e->signalfd->sigmask = mask;
	return 0;
}

static int parse_pair(const char *info, const char *key, uint64_t *ns)
{
	const char *v = procfs__field(info, key);
	unsigned long long s, n;

	if (!v || sscanf(v, "(%llu, %llu)", &s, &n) != 2)
		return -EINVAL;
	*ns = s * 1000000000ULL + n;
	return 0;
}

static int dump_timerfd(const char *info, FdEntry *e)
{
	uint64_t clk, ticks, flags, value, interval;
	TimerfdEntry *t;
	struct timespec now;

	if (procfs__field_u64(info, "clockid:", 10, &clk) ||
	    procfs__field_u64(info, "ticks:", 10, &ticks) ||
	    procfs__field_u64(info, "settime flags:", 8, &flags) ||
	    parse_pair(info, "it_value:", &value) || parse_pair(info, "it_interval:", &interval))
		return -EINVAL;
	e->type = FD_TYPE__FD_TIMERFD;
	t = e->timerfd = PB_NEW(TimerfdEntry, timerfd_entry);
	if (!t)
		return -ENOMEM;
	t->clockid = clk;
	t->ticks = ticks;
	t->settime_flags = flags;
	t->value_ns = value;
	t->interval_ns = interval;
	/* An absolute timer keeps its absolute expiry across the restore. */
	if ((flags & 1) && value && !clock_gettime(clk, &now)) {
		t->has_expiry_ns = true;
		t->expiry_ns = now.tv_sec * 1000000000ULL + now.tv_nsec + value;
	}
	return 0;
}

/* ---- deleted files ---- */

/* Its contents once per inode (dump_ghost.c), shared with mappings of it. */
static int dump_deleted(struct dump_ctx *ctx, pid_t pid, int fd, const char *link,
			const struct stat *st, FdEntry *e)
{
	DeletedFileEntry *d;
	char what[4200], path[64];
	int err;

	if (st->st_nlink) {
		snprintf(what, sizeof(what), "%s, unlinked but linked elsewhere,", link);
		return refuse(pid, fd, what);
	}
	if ((uint64_t)st->st_size > DUMP_GHOST_MAX_BYTES) {
		snprintf(what, sizeof(what), "%s (%lu bytes: more than the %lu MiB saved)", link,
			 (unsigned long)st->st_size, (unsigned long)(DUMP_GHOST_MAX_BYTES >> 20));
		return refuse(pid, fd, what);
	}
	e->type = FD_TYPE__FD_DELETED;
	e->path = dump_ctx__strdup(link);
	d = e->deleted = PB_NEW(DeletedFileEntry, deleted_file_entry);
	if (!d || !e->path)
		return -ENOMEM;
	e->has_size = true;
	e->size = st->st_size;
	err = dump_ghost__describe(d, link, strlen(link) - strlen(DELETED), st);
	if (!err)
		err = dump_ghost__claim(ctx, st->st_dev, st->st_ino);
	if (err <= 0)
		return err;
	d->has_data_here = d->data_here = true;
	d->has_data = true;
	snprintf(path, sizeof(path), "/proc/%d/fd/%d", pid, fd);
	return dump_ghost__read(pid, path, st->st_size, d);
}

/* ---- the entry point ---- */

/* "fanotify" for "anon_inode:[fanotify]", "io_uring" for "anon_inode:[io_uring]". */
static void anon_name(const char *link, char *buf, size_t len)
{
	const char *n = link + 11;
	size_t l;

	if (*n == '[')
		n++;
	snprintf(buf, len, "%s", n);
	l = strlen(buf);
	if (l && buf[l - 1] == ']')
		buf[l - 1] = '\0';
}

int dump_fdkinds__fd(struct dump_ctx *ctx, pid_t pid, int fd, const char *link,
		     const struct stat *st, FdEntry *e)
{
	struct dump_fdkinds *k = state(ctx);
	char *info = NULL, what[128];
	int err;

	if (!k)
		return -ENOMEM;
	err = read_fdinfo(pid, fd, &info);
	if (err)
		return err;
	if (S_ISSOCK(st->st_mode)) {
		err = dump_sockets__fd(&k->sockets, pid, fd, st, info, e);
		/* The files in flight in its queue (dump_scm.c). */
		if (!err && e->type == FD_TYPE__FD_UNIX)
			err = dump_scm__fd(ctx, pid, fd, info, e);
	} else if (!strcmp(link, "anon_inode:[eventfd]")) {
		err = dump_eventfd(info, e);
	} else if (!strcmp(link, "anon_inode:[signalfd]")) {
		err = dump_signalfd(info, e);
	} else if (!strcmp(link, "anon_inode:[timerfd]")) {
		err = dump_timerfd(info, e);
	} else if (!strcmp(link, "anon_inode:[eventpoll]")) {
		err = dump_epoll__fd(&k->epoll, pid, fd, info, e);
	} else if (!strcmp(link, "anon_inode:inotify")) {
		err = dump_inotify__fd(pid, fd, info, e);
	} else if (!strncmp(link, "anon_inode:", 11)) {
		anon_name(link, what, sizeof(what));
		err = refuse(pid, fd, what);
	} else if (!strncmp(link, "/memfd:", 7)) {
		e->type = FD_TYPE__FD_MEMFD;
		e->has_memfd_shmid = true;
		e->memfd_shmid = st->st_ino;
		e->path = dump_ctx__strdup(link);
		err = e->path ? dump_shmem__track_fd(ctx, pid, fd, link, st) : -ENOMEM;
	} else {
		err = dump_deleted(ctx, pid, fd, link, st, e);
	}
	if (err == -EINVAL) {
		pr_err("pid %d fd %d: %s: unexpected fdinfo", pid, fd, link);
		err = -EOPNOTSUPP;
	}
	free(info);
	return err;
}

int dump_fdkinds__shared(struct dump_ctx *ctx)
{
	int err;

	if (!ctx->fdk)
		return 0;
	err = dump_sockets__check_peers(ctx->fdk->sockets);
	return err ? err : dump_epoll__check(ctx->fdk->epoll);
}

bool dump_fdkinds__unix_peer(struct dump_ctx *ctx, size_t i, uint64_t *ino, uint64_t *peer,
			     pid_t *pid, int *fd)
{
	return ctx->fdk && dump_sockets__unix(ctx->fdk->sockets, i, ino, peer, pid, fd);
}

void dump_fdkinds__free(struct dump_ctx *ctx)
{
	struct dump_fdkinds *k = ctx->fdk;

	if (!k)
		return;
	dump_sockets__free(k->sockets);
	dump_epoll__free(k->epoll);
	free(k);
	ctx->fdk = NULL;
}
