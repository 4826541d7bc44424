// SPDX-License-Identifier: GPL-2.0
/*
 * restore_uffd.c - a task's private anonymous pages filled by UFFDIO_COPY
 * (see restore_uffd.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "page.h"
#include "procfs.h"
#include "restore_cow.h"
#include "restore_cow_io.h"
#include "restore_uffd.h"

/*
 * Whether VMA @i can take its pages by UFFDIO_COPY: private anonymous
 * memory mapped fresh by this restore (not a region kept with pages it
 * shares with its parent, not MAP_DROPPABLE, which userfaultfd refuses).
 */
static bool eligible(struct restore_ctx *ctx, const struct rtask *t, size_t i)
{
	const VmaEntry *v = t->mm->vmas[i];

	return v->kind == VMA_KIND__VMA_ANON_PRIVATE && !(v->flags & MAP_SHARED) &&
	       !v->has_shmid && !v->aio && !v->ghost && !procfs__has_vmflag(v->vm_flags, "dp") &&
	       !restore_cow__kept(ctx, t, i);
}

static int add_range(struct ruffd *u, uint64_t start, uint64_t end)
{
	struct ruffd_range *r;

	if (u->nranges && u->ranges[u->nranges - 1].start == start)
		return 0;
	r = realloc(u->ranges, (u->nranges + 1) * sizeof(*r));
	if (!r)
		return -ENOMEM;
	u->ranges = r;
	r[u->nranges].start = start;
	r[u->nranges].end = end;
	u->nranges++;
	return 0;
}

static int cmp_range(const void *a, const void *b)
{
	const struct ruffd_range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* The VMAs the runs write into, and the bytes they would take this way. */
static int plan(struct restore_ctx *ctx, const struct rtask *t, PagemapEntry *const *e, size_t n,
		struct ruffd *u, uint64_t *bytes)
{
	size_t i, k, w;
	long v;

	*bytes = 0;
	for (i = 0; i < n; i++) {
		uint64_t len = (uint64_t)e[i]->nr_pages * PAGE;

		v = restore_cow_io__find_vma(t->mm, e[i]->vaddr);
		if (v < 0 || e[i]->vaddr + len > t->mm->vmas[v]->end || !eligible(ctx, t, (size_t)v))
			continue;
		if (add_range(u, t->mm->vmas[v]->start, t->mm->vmas[v]->end))
			return -ENOMEM;
		*bytes += len;
	}
	/* Runs in any order: sorted, each VMA once. */
	qsort(u->ranges, u->nranges, sizeof(*u->ranges), cmp_range);
	for (i = k = w = 0; i < u->nranges; i = k) {
		for (k = i + 1; k < u->nranges && u->ranges[k].start == u->ranges[i].start; k++)
			;
		u->ranges[w++] = u->ranges[i];
	}
	u->nranges = w;
	return 0;
}

bool restore_uffd__covers(const struct ruffd *u, uint64_t start, uint64_t len)
{
	size_t lo = 0, hi = u->nranges;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (start < u->ranges[mid].start)
			hi = mid;
		else if (start >= u->ranges[mid].end)
			lo = mid + 1;
		else
			return start + len <= u->ranges[mid].end;
	}
	return false;
}

int restore_uffd__open(struct restore_ctx *ctx, struct rtask *t, PagemapEntry *const *e, size_t n,
		       struct ruffd *u)
{
	struct uffdio_api api = { .api = UFFD_API, .features = UFFD_FEATURE_SIGBUS };
	uint64_t bytes;
	size_t i;
	int pidfd, err;

	memset(u, 0, sizeof(*u));
	u->fd = -1;
	u->task_fd = -1;
	err = plan(ctx, t, e, n, u, &bytes);
	if (err)
		return restore_ctx__fail(ctx, t->pid, err, "pid %d: out of memory", t->pid);
	if (bytes < RESTORE_UFFD_MIN_BYTES || !u->nranges)
		goto unused;
	/*
	 * User-mode faults only: allowed whatever the task's credentials
	 * (vm.unprivileged_userfaultfd), and nothing here needs kernel-mode
	 * ones (those fail with EFAULT, as with SIGBUS). Without the flag on
	 * a kernel that does not know it.
	 */
	u->task_fd = restore_ctx__sys(t, SYS_userfaultfd,
				      O_CLOEXEC | O_NONBLOCK | UFFD_USER_MODE_ONLY, 0, 0, 0, 0, 0);
	if (u->task_fd == -EINVAL)
		u->task_fd = restore_ctx__sys(t, SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK, 0, 0, 0,
					      0, 0);
	if (u->task_fd < 0) {
		/* No userfaultfd here (not built in, refused): copied as before. */
		u->task_fd = -1;
		goto unused;
	}
	pidfd = (int)syscall(SYS_pidfd_open, t->opid, 0);
	u->fd = pidfd < 0 ? -1 : (int)syscall(SYS_pidfd_getfd, pidfd, (int)u->task_fd, 0);
	if (pidfd >= 0)
		close(pidfd);
	if (u->fd < 0 || ioctl(u->fd, UFFDIO_API, &api)) {
		u->nranges = 0; /* nothing registered yet */
		goto fallback;
	}
	for (i = 0; i < u->nranges; i++) {
		struct uffdio_register reg = {
			.range = { u->ranges[i].start, u->ranges[i].end - u->ranges[i].start },
			.mode = UFFDIO_REGISTER_MODE_MISSING,
		};

		if (ioctl(u->fd, UFFDIO_REGISTER, &reg)) {
			u->nranges = i; /* the ones registered, to unregister */
			goto fallback;
		}
	}
	return 0;
fallback:
	/* Not usable after all: undone, the pages are copied as before. */
	err = restore_uffd__close(ctx, t, u);
	if (err)
		return err;
unused:
	free(u->ranges);
	memset(u, 0, sizeof(*u));
	u->fd = -1;
	u->task_fd = -1;
	return 0;
}

int restore_uffd__close(struct restore_ctx *ctx, struct rtask *t, struct ruffd *u)
{
	int err = 0;
	size_t i;
	long r;

	/*
	 * Unregistered here, synchronously: the task's close() may leave the
	 * release to its way back to user space, and nothing must fault on
	 * a registered range meanwhile.
	 */
	for (i = 0; u->fd >= 0 && i < u->nranges; i++) {
		struct uffdio_range rg = { u->ranges[i].start,
					   u->ranges[i].end - u->ranges[i].start };

		if (ioctl(u->fd, UFFDIO_UNREGISTER, &rg) && !err)
			err = restore_ctx__fail(ctx, t->pid, -errno,
					    "pid %d: cannot unregister %lx-%lx from its userfaultfd: %s",
					    t->pid, (unsigned long)rg.start,
					    (unsigned long)(rg.start + rg.len), strerror(errno));
	}
	if (u->fd >= 0)
		close(u->fd);
	u->fd = -1;
	if (u->task_fd >= 0) {
		/* The restored task must not keep a descriptor it did not have. */
		r = restore_ctx__sys(t, SYS_close, u->task_fd, 0, 0, 0, 0, 0);
		if (r && !err)
			err = restore_ctx__fail(ctx, t->pid, (int)r,
					    "pid %d: cannot close its userfaultfd %ld: %s", t->pid,
					    u->task_fd, strerror((int)-r));
		u->task_fd = -1;
	}
	free(u->ranges);
	u->ranges = NULL;
	u->nranges = 0;
	return err;
}
