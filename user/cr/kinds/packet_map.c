// SPDX-License-Identifier: GPL-2.0
/*
 * packet_map.c - a packet socket's ring mapped into a task, made again
 * (zdtm packet_sock_mmap; dump_packet_map.c says what the image holds).
 *
 * The memory restore holds the mapping's place (an inaccessible anonymous
 * mapping, as for an AIO ring): the socket does not exist yet. Once every
 * fd of the tree is in place (the packet kind's restore_task), the task
 * maps its restored socket, whose rings kind_packet.c made again with the
 * same geometry, over that place: MAP_FIXED, from offset 0, with the
 * image's protection and MAP_SHARED or MAP_PRIVATE, MADV_DONTFORK and
 * MADV_DONTDUMP again as smaps said (mlock() never locks a ring). The kernel maps only a
 * whole ring, so a mapping of another size fails the restore loudly.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "files.pb-c.h"
#include "packet_map.h"
#include "procfs.h"
#include "restore_ctx.h"

long packet_map__hold(struct rtask *t, const VmaEntry *v)
{
	return restore_ctx__sys(t, SYS_mmap, v->start, v->end - v->start, PROT_NONE,
				MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0);
}

/* The fd entry of @t's image that is packet socket @fd, or NULL. */
static const FdEntry *sock_fd(const struct rtask *t, uint32_t fd)
{
	size_t i;

	for (i = 0; t->files && i < t->files->n_fds; i++)
		if (t->files->fds[i]->fd == fd)
			return t->files->fds[i]->type == FD_TYPE__FD_PACKET ? t->files->fds[i] : NULL;
	return NULL;
}

int packet_map__restore_task(struct restore_ctx *ctx, struct rtask *t)
{
	size_t i;
	long r;

	for (i = 0; t->mm && i < t->mm->n_vmas; i++) {
		const VmaEntry *v = t->mm->vmas[i];
		unsigned long len = v->end - v->start, flags = MAP_FIXED;
		const FdEntry *e;

		if (!v->has_packet_ring_fd)
			continue;
		e = sock_fd(t, v->packet_ring_fd);
		if (!e || (v->has_packet_ring_ino && e->ino != v->packet_ring_ino))
			return restore_ctx__fail(ctx, t->pid, -EINVAL,
						 "pid %d: mapping %lx-%lx: packet ring of fd %u, not a packet socket of the task in the image",
						 t->pid, (unsigned long)v->start, (unsigned long)v->end,
						 v->packet_ring_fd);
		flags |= v->flags & MAP_SHARED ? MAP_SHARED : MAP_PRIVATE;
		if (procfs__has_vmflag(v->vm_flags, "nr"))
			flags |= MAP_NORESERVE;
		r = restore_ctx__sys(t, SYS_mmap, v->start, len, v->prot, flags, v->packet_ring_fd, 0);
		if (r != (long)v->start)
			return restore_ctx__fail(ctx, t->pid, r < 0 ? (int)r : -EIO,
						 "pid %d: mapping %lx-%lx: packet ring of fd %u: mmap: %s",
						 t->pid, (unsigned long)v->start, (unsigned long)v->end,
						 v->packet_ring_fd, strerror(r < 0 ? (int)-r : EIO));
		/* The advice the place held was given is gone with it (restore_madvise.c). */
		r = 0;
		if (procfs__has_vmflag(v->vm_flags, "dc"))
			r = restore_ctx__sys(t, SYS_madvise, v->start, len, MADV_DONTFORK, 0, 0, 0);
		if (!r && procfs__has_vmflag(v->vm_flags, "dd"))
			r = restore_ctx__sys(t, SYS_madvise, v->start, len, MADV_DONTDUMP, 0, 0, 0);
		if (r)
			return restore_ctx__fail(ctx, t->pid, (int)r,
						 "pid %d: mapping %lx-%lx: packet ring: madvise: %s", t->pid,
						 (unsigned long)v->start, (unsigned long)v->end,
						 strerror((int)-r));
	}
	return 0;
}
