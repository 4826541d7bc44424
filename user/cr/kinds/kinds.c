// SPDX-License-Identifier: GPL-2.0
/*
 * kinds.c - the table of fd kinds (see kinds.h), and what the engines ask
 * of it: the kind of an image's fd, the kind a live fd is, and what a
 * live fd no kind knows is, for the refusal that names it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kinds.h"
#include "log.h"
#include "sockopt.h"

/*
 * The table: one line a kind. A live fd is the first kind that claims it,
 * so the narrower claims come first: O_PATH fds of any file by their flag,
 * anonymous inodes by name, sockets by family, pipes before named FIFOs,
 * memfds and deleted files before regular files.
 */
#define KIND_TABLE(K) \
	K(path)       \
	K(pidfd)      \
	K(eventfd)    \
	K(signalfd)   \
	K(timerfd)    \
	K(epoll)      \
	K(inotify)    \
	K(fanotify)   \
	K(unix)       \
	K(inet)       \
	K(netlink)    \
	K(packet)     \
	K(bpfmap)     \
	K(nsfs)       \
	K(pty)        \
	K(tun)        \
	K(pipe)       \
	K(fifo)       \
	K(memfd)      \
	K(deleted)    \
	K(reg)        \
	K(dir)        \
	K(chr)

#define K_DECLARE(n) extern const struct fd_kind kind_##n;
KIND_TABLE(K_DECLARE)
#define K_ENTRY(n) &kind_##n,
static const struct fd_kind *const table[] = { KIND_TABLE(K_ENTRY) };
#define NKINDS (sizeof(table) / sizeof(table[0]))

const struct fd_kind *kinds__at(size_t i)
{
	return i < NKINDS ? table[i] : NULL;
}

const struct fd_kind *kinds__find(int type)
{
	size_t i;

	for (i = 0; i < NKINDS; i++)
		if ((int)table[i]->type == type)
			return table[i];
	return NULL;
}

const char *kinds__name(int type)
{
	const struct fd_kind *k = kinds__find(type);

	return k ? k->name : "?";
}

const char *kinds__noun(int type)
{
	const struct fd_kind *k = kinds__find(type);

	return k ? k->noun : "?";
}

const struct fd_kind *kinds__claim(const struct fd_live *l)
{
	size_t i;

	for (i = 0; i < NKINDS; i++)
		if (table[i]->claims && table[i]->claims(l))
			return table[i];
	return NULL;
}

static int sockopt(int s, int opt)
{
	int v;

	return sockopt__get_int(s, SOL_SOCKET, opt, &v) ? 0 : v;
}

int kinds__probe_socket(struct fd_live *l, int *pidfd, bool keep)
{
	int s;

	l->sock = -1;
	if (!S_ISSOCK(l->st->st_mode))
		return 0;
	if (*pidfd < 0) {
		*pidfd = syscall(SYS_pidfd_open, l->pid, 0);
		if (*pidfd < 0)
			return -errno;
	}
	s = syscall(SYS_pidfd_getfd, *pidfd, l->fd, 0);
	if (s < 0)
		return -errno;
	l->family = sockopt(s, SO_DOMAIN);
	l->protocol = sockopt(s, SO_PROTOCOL);
	if (keep)
		l->sock = s;
	else
		close(s);
	return 0;
}

void kinds__unknown(const struct fd_live *l, char *buf, size_t len)
{
	const char *n = l->link + 11;
	size_t end;

	if (S_ISSOCK(l->st->st_mode)) {
		if (l->family == AF_PACKET)
			snprintf(buf, len, "packet socket");
		else
			snprintf(buf, len, "socket of address family %d", l->family);
	} else if (!strncmp(l->link, "anon_inode:", 11)) {
		/* "fanotify" for "anon_inode:[fanotify]", "io_uring" for "anon_inode:[io_uring]". */
		snprintf(buf, len, "%s", *n == '[' ? n + 1 : n);
		end = strlen(buf);
		if (end && buf[end - 1] == ']')
			buf[end - 1] = '\0';
	} else {
		snprintf(buf, len, "%s%s",
			 S_ISFIFO(l->st->st_mode) ? "named FIFO " :
			 S_ISBLK(l->st->st_mode)  ? "block device " : "",
			 l->link);
	}
}

void kinds__warn_dropped(pid_t pid, const FdEntry *e)
{
	if (e->has_dropped_events)
		pr_warn("pid %d fd %u: %s without the %u bytes of events it had not read (dropped at dump, --drop-unread-events)",
			pid, e->fd, kinds__noun(e->type), e->dropped_events);
}

int kinds__copy_fd(pid_t pid, int fd)
{
	int pidfd = syscall(SYS_pidfd_open, pid, 0), c, err;

	if (pidfd < 0)
		return -errno;
	c = syscall(SYS_pidfd_getfd, pidfd, fd, 0);
	err = c < 0 ? -errno : 0;
	close(pidfd);
	return err ? err : c;
}

int kinds__dump_socket(const struct fd_live *l, FdEntry *e, const char *noun,
		       int (*fn)(const struct fd_live *l, int s, FdEntry *e))
{
	int s = kinds__copy_fd(l->pid, l->fd), err;

	if (s < 0)
		return s;
	err = fn(l, s, e);
	close(s);
	if (err && err != -EOPNOTSUPP && err != -ENOMEM && err != -ESRCH) {
		pr_err("pid %d fd %d: %s: %s", l->pid, l->fd, noun, strerror(-err));
		err = -EOPNOTSUPP;
	}
	return err;
}

int kinds__queued(pid_t pid, int fd)
{
	int c = kinds__copy_fd(pid, fd), n = 0, err = 0;

	if (c < 0)
		return c;
	if (ioctl(c, FIONREAD, &n))
		err = -errno;
	close(c);
	return err ? err : n;
}

int kinds__sock_same_netns(int s)
{
	struct stat mine, its;
	int ns, r;

	if (stat("/proc/self/ns/net", &mine))
		return -errno;
	ns = ioctl(s, SIOCGSKNS);
	if (ns < 0)
		return -errno;
	r = fstat(ns, &its);
	close(ns);
	if (r)
		return -errno;
	return its.st_dev == mine.st_dev && its.st_ino == mine.st_ino;
}
