// SPDX-License-Identifier: GPL-2.0
/*
 * dump_packet_map.c - a packet socket's ring mapped into the task (zdtm
 * packet_sock_mmap): a VMA whose file is the socket ("socket:[N]").
 *
 * The ring is the socket's (PACKET_RX_RING and PACKET_TX_RING, kept by
 * kind_packet.c and made again, empty, with the same geometry), so the
 * mapping is recorded as which fd of the task holds the socket; restore
 * maps the restored socket there again (packet_map.c). The kernel maps a
 * ring only whole, from offset 0 (packet_mmap()), so only such a mapping
 * can be made again: a part of one (munmap, mprotect split) is refused,
 * as is a socket the task holds in no fd (closed after mmap: nothing to
 * map at restore), another socket's mapping (TCP zero-copy receive,
 * AF_XDP) and, in a ring mapped privately, a page the program wrote (its
 * copy would be lost). mlock() does not lock a ring (VM_MIXEDMAP is
 * VM_SPECIAL): no "lo" to keep. The frames' contents are not kept: the packet kind
 * refuses frames held or queued (kind_packet.c).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dump_packet_map.h"
#include "kinds.h"
#include "log.h"
#include "procfs.h"

#define PAGE 4096UL
#define PM_PRESENT (1ULL << 63)
#define PM_FILE (1ULL << 61)

static int refuse(pid_t pid, const VmaEntry *v, const char *link, const char *why)
{
	pr_err("pid %d: mapping %lx-%lx of %s: %s is not supported", pid, (unsigned long)v->start,
	       (unsigned long)v->end, link, why);
	return -EOPNOTSUPP;
}

/* The lowest fd of @pid whose link is @link: into *fd (-1: none). */
static int find_fd(pid_t pid, const char *link, int *fd)
{
	char dir[64], path[352], got[64];
	struct dirent *d;
	ssize_t n;
	DIR *dp;
	int f;

	*fd = -1;
	snprintf(dir, sizeof(dir), "/proc/%d/fd", pid);
	dp = opendir(dir);
	if (!dp)
		return procfs__exists(pid) ? -errno : -ESRCH;
	while ((d = readdir(dp))) {
		if (d->d_name[0] < '0' || d->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		n = readlink(path, got, sizeof(got) - 1);
		if (n < 0)
			continue;
		got[n] = '\0';
		f = atoi(d->d_name);
		if (!strcmp(got, link) && (*fd < 0 || f < *fd))
			*fd = f;
	}
	closedir(dp);
	return 0;
}

/* Has the program written a page of the private mapping @v (an anonymous copy)? 1, 0, -errno. */
static int written(pid_t pid, const VmaEntry *v)
{
	size_t n = (v->end - v->start) / PAGE, i;
	uint64_t *pm = calloc(n, sizeof(*pm));
	char path[64];
	int fd, err = 0;

	if (!pm)
		return -ENOMEM;
	snprintf(path, sizeof(path), "/proc/%d/pagemap", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		goto out;
	}
	if (pread(fd, pm, n * sizeof(*pm), (off_t)(v->start / PAGE * sizeof(*pm))) !=
	    (ssize_t)(n * sizeof(*pm)))
		err = -EIO;
	close(fd);
	for (i = 0; !err && i < n; i++)
		if ((pm[i] & PM_PRESENT) && !(pm[i] & PM_FILE))
			err = 1;
out:
	free(pm);
	return err;
}

int dump_packet_map__vma(struct dump_ctx *ctx, pid_t pid, VmaEntry *v, const char *link)
{
	size_t len = v->end - v->start;
	unsigned long long ino;
	int fd, s = -1, dom = 0, err;
	socklen_t sl = sizeof(dom);
	void *m;

	(void)ctx;
	if (sscanf(link, "socket:[%llu]", &ino) != 1)
		return refuse(pid, v, link, "a socket's mapping it cannot name");
	err = find_fd(pid, link, &fd);
	if (err)
		return err;
	if (fd < 0)
		return refuse(pid, v, link, "a socket's mapping whose socket no fd of the task holds");
	s = kinds__copy_fd(pid, fd);
	if (s < 0)
		return procfs__exists(pid) ? s : -ESRCH;
	if (getsockopt(s, SOL_SOCKET, SO_DOMAIN, &dom, &sl) || dom != AF_PACKET) {
		err = refuse(pid, v, link, "a socket's mapping other than a packet ring");
		goto out;
	}
	/* The kernel's own rule (packet_mmap): the whole ring, from offset 0, or nothing. */
	m = v->pgoff ? MAP_FAILED : mmap(NULL, len, PROT_READ, MAP_SHARED, s, 0);
	if (m == MAP_FAILED) {
		err = refuse(pid, v, link, "a part of a packet ring (not the whole ring from offset 0)");
		goto out;
	}
	munmap(m, len);
	if (!(v->flags & MAP_SHARED)) {
		err = written(pid, v);
		if (err > 0)
			err = refuse(pid, v, link,
				     "a privately mapped packet ring with a page the program wrote");
		if (err)
			goto out;
	}
	v->kind = VMA_KIND__VMA_FILE_SHARED;
	v->has_packet_ring_fd = v->has_packet_ring_ino = true;
	v->packet_ring_fd = (uint32_t)fd;
	v->packet_ring_ino = ino;
out:
	close(s);
	return err;
}
