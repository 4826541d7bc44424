/* SPDX-License-Identifier: GPL-2.0 */
/*
 * restore_uffd.h - a task's private anonymous pages filled by UFFDIO_COPY
 * (issue 18).
 *
 * process_vm_writev() faults every missing page in: the kernel allocates
 * it, zeroes it, then copies the image's bytes over it. A userfaultfd of
 * the task's memory lets pidtrace place whole pages instead
 * (UFFDIO_COPY: allocated and filled in one pass, never zeroed), ~0.65x
 * the CPU time of the same fill (tools/bench/fillpath uffd). The pages
 * are the task's own anonymous memory, copied out of the image: nothing
 * of the image stays mapped, so deleting or overwriting it afterwards
 * changes nothing (tests/root/cr_mem_owned.sh).
 *
 * Only userfaultfd() and close() run in the task (injected); the API
 * handshake, the registration of each private anonymous VMA and the
 * unregistration are made from pidtrace on its copy of the descriptor
 * (pidfd_getfd): they act on the task's mm, whoever calls them. With
 * UFFD_FEATURE_SIGBUS a missing page touched while registered is an
 * error (EFAULT in the kernel), never a wait nobody would answer.
 */
#ifndef PT_RESTORE_UFFD_H
#define PT_RESTORE_UFFD_H

#include <stdbool.h>
#include <stdint.h>

#include "pagemap.pb-c.h"
#include "restore_ctx.h"

/* Below this many bytes of eligible pages, the two injected calls cost more than they save. */
#define RESTORE_UFFD_MIN_BYTES (4UL << 20)

struct ruffd_range {
	uint64_t start, end;
};

struct ruffd {
	int fd;			/* pidtrace's copy, -1: not used */
	long task_fd;		/* the same in the task, -1: none */
	struct ruffd_range *ranges; /* registered VMAs, in address order */
	size_t nranges;
};

/*
 * Set up a userfaultfd over the private anonymous VMAs of @t that the
 * runs @e (@n of them) write into. @u->fd stays -1 (and 0 is returned)
 * when it is not worth it or the kernel refuses one: the caller then
 * copies as before. Return: 0 or -errno (said).
 */
int restore_uffd__open(struct restore_ctx *ctx, struct rtask *t, PagemapEntry *const *e, size_t n,
		       struct ruffd *u);

/* Whether [start, start + len) lies in one registered VMA of @u. */
bool restore_uffd__covers(const struct ruffd *u, uint64_t start, uint64_t len);

/*
 * Unregister, close pidtrace's descriptor and the task's. Called whatever
 * happened after _open(). Return: 0 or -errno (said).
 */
int restore_uffd__close(struct restore_ctx *ctx, struct rtask *t, struct ruffd *u);

#endif
