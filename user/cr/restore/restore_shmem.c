// SPDX-License-Identifier: GPL-2.0
/*
 * restore_shmem.c - shared anonymous memory (MAP_SHARED|MAP_ANONYMOUS) and
 * memfds.
 *
 * Each object of the image is made once, by pidtrace, before any stub
 * exists: a shared anonymous mapping filled from pages-shmem.img (mapped,
 * its checksum checked on the way: restore_pages.h), then
 * kept open through its /proc/self/map_files link (the same shmem file, so
 * the tasks' mappings show as "/dev/zero (deleted)" as they did). Every
 * stub inherits the fd at the same number, and restore_mem.c maps it
 * where each task had it, at its offset: one object again, not copies.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "page.h"
#include "restore_ctx.h"
#include "restore_fdkinds.h"
#include "restore_pages.h"
#include "restore_shmem.h"

int restore_shmem__fd(const struct restore_ctx *ctx, uint64_t shmid)
{
	size_t i;

	for (i = 0; i < ctx->nshm; i++)
		if (ctx->shm[i].shmid == shmid)
			return ctx->shm[i].fd;
	return -1;
}

/* restore_ctx__find_fd()'s pick: an fd of shared anonymous memory (fd_entry.anon_shmem). */
static bool anon_fd(const FdEntry *e, const void *arg)
{
	return e->anon_shmem;
}

/*
 * One object: a shared anonymous mapping of pidtrace's, filled from the
 * image, kept open through its map_files link (the same shmem file the
 * tasks then map: /proc shows it as "/dev/zero (deleted)" as before).
 */
static int make_shm(struct restore_ctx *ctx, const ShmemObject *o, const struct rpages *pg)
{
	size_t size = (o->size + PAGE - 1) & ~(PAGE - 1), i;
	char path[80];
	uint8_t *p;
	int fd = -1, err = 0;
	struct rshm *arr;

	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return restore_ctx__fail(ctx, 0, -errno, "shared memory %lu (%zu bytes): %s",
				     (unsigned long)o->shmid, size, strerror(errno));
	for (i = 0; !err && i < o->n_extents; i++) {
		const PagemapEntry *e = o->extents[i];
		size_t n = (size_t)e->nr_pages * PAGE;

		if (e->vaddr + n > size || e->offset + n > pg->size)
			err = restore_ctx__fail(ctx, 0, -EIO, "shared memory %lu: bad or short pages",
					    (unsigned long)o->shmid);
		else
			memcpy(p + e->vaddr, pg->data + e->offset, n);
	}
	if (!err) {
		snprintf(path, sizeof(path), "/proc/self/map_files/%lx-%lx", (unsigned long)p,
			 (unsigned long)p + size);
		fd = open(path, O_RDWR);
		if (fd < 0)
			err = restore_ctx__fail(ctx, 0, -errno, "shared memory %lu: %s: %s",
					    (unsigned long)o->shmid, path, strerror(errno));
	}
	munmap(p, size);
	/* Held by an fd too (zdtm shmemfd-priv): kept for the files phase, one object. */
	if (!err && restore_ctx__find_fd(ctx, FD_TYPE__FD_DELETED, o->shmid, anon_fd, NULL, NULL))
		err = restore_fdkinds__keep_memfd(ctx, o->shmid, fd, F_SEAL_SEAL);
	if (err) {
		if (fd >= 0)
			close(fd);
		return err;
	}
	arr = realloc(ctx->shm, (ctx->nshm + 1) * sizeof(*arr));
	if (!arr) {
		close(fd);
		return -ENOMEM;
	}
	ctx->shm = arr;
	ctx->shm[ctx->nshm].shmid = o->shmid;
	ctx->shm[ctx->nshm++].fd = fd;
	return 0;
}

/*
 * A memfd: made with its name (sealable unless it was not), filled through
 * a mapping, cut to its size, given its mode; the seals go on after the
 * memory phase (restore_fdkinds.c keeps it for the files phase too).
 */
static int make_memfd(struct restore_ctx *ctx, const ShmemObject *o, const struct rpages *pg)
{
	const MemfdInfo *m = o->memfd;
	size_t size = (o->size + PAGE - 1) & ~(PAGE - 1), i;
	uint8_t *p = MAP_FAILED;
	struct rshm *arr;
	int fd, err = 0;

	fd = memfd_create(m->name, m->seals == F_SEAL_SEAL ? 0 : MFD_ALLOW_SEALING);
	if (fd < 0)
		return restore_ctx__fail(ctx, 0, -errno, "memfd %s: %s", m->name, strerror(errno));
	if (ftruncate(fd, size) ||
	    (p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)) == MAP_FAILED)
		err = restore_ctx__fail(ctx, 0, -errno, "memfd %s (%zu bytes): %s", m->name, size,
				    strerror(errno));
	for (i = 0; !err && i < o->n_extents; i++) {
		const PagemapEntry *e = o->extents[i];
		size_t n = (size_t)e->nr_pages * PAGE;

		if (e->vaddr + n > size || e->offset + n > pg->size)
			err = restore_ctx__fail(ctx, 0, -EIO, "memfd %s: bad or short pages", m->name);
		else
			memcpy(p + e->vaddr, pg->data + e->offset, n);
	}
	if (p != MAP_FAILED)
		munmap(p, size);
	if (!err && (ftruncate(fd, m->file_size) || fchmod(fd, m->mode & 07777)))
		err = restore_ctx__fail(ctx, 0, -errno, "memfd %s: size or mode: %s", m->name,
				    strerror(errno));
	if (!err)
		err = restore_fdkinds__keep_memfd(ctx, o->shmid, fd, m->seals);
	arr = err ? NULL : realloc(ctx->shm, (ctx->nshm + 1) * sizeof(*arr));
	if (!arr) {
		close(fd);
		return err ? err : -ENOMEM;
	}
	ctx->shm = arr;
	ctx->shm[ctx->nshm].shmid = o->shmid;
	ctx->shm[ctx->nshm++].fd = fd;
	return 0;
}

int restore_shmem__create(struct restore_ctx *ctx)
{
	struct rpages pg;
	int err = 0;
	size_t i;

	if (!ctx->shmem || !ctx->shmem->n_objects)
		return 0;
	err = restore_pages__open(ctx, 0, ctx->shmem->pages_file, &pg);
	for (i = 0; !err && i < ctx->shmem->n_objects; i++)
		err = ctx->shmem->objects[i]->memfd ? make_memfd(ctx, ctx->shmem->objects[i], &pg) :
						      make_shm(ctx, ctx->shmem->objects[i], &pg);
	/* Before any stub exists: damaged data is never shared with a task. */
	if (!err)
		err = restore_pages__check(ctx, &pg);
	restore_pages__close(&pg);
	return err;
}

void restore_shmem__close(struct restore_ctx *ctx)
{
	size_t i;

	for (i = 0; i < ctx->nshm; i++)
		close(ctx->shm[i].fd);
	free(ctx->shm);
	ctx->shm = NULL;
	ctx->nshm = 0;
}
