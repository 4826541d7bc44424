// SPDX-License-Identifier: GPL-2.0
/*
 * dump_shmem.c - shared memory objects, once each for the whole tree:
 * MAP_SHARED|MAP_ANONYMOUS memory (one object however many tasks map it)
 * and memfds, mapped or only open, with their name, seals, size and mode.
 *
 * An object is read through the map_files link of one of its mappings, or
 * a memfd through /proc/PID/fd/N: that opens the object itself, so the
 * tasks' page tables are not touched. Only allocated extents are copied
 * (SEEK_DATA/SEEK_HOLE).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "dump_ctx.h"
#include "dump_mem.h"
#include "dump_shmem.h"
#include "log.h"
#include "page.h"
#include "pagemap.pb-c.h"

#define BATCH_BYTES (256UL << 10) /* cache-sized, as in dump_mem.c */
#define HUGETLBFS_MAGIC 0x958458f6
#define DELETED " (deleted)"

static void object_path(const struct dump_shmem *sh, char *buf, size_t len)
{
	if (sh->fd >= 0)
		snprintf(buf, len, "/proc/%d/fd/%d", sh->pid, sh->fd);
	else
		snprintf(buf, len, "/proc/%d/map_files/%lx-%lx", sh->pid, sh->start, sh->end);
}

/* A memfd's name, seals, size and mode, read through @sh's path. */
static int memfd_info(struct dump_shmem *sh, const char *link)
{
	char path[64];
	struct statfs sfs;
	struct stat st;
	size_t n;
	int fd, seals;

	object_path(sh, path, sizeof(path));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return procfs__exists(sh->pid) ? -errno : -ESRCH;
	seals = fcntl(fd, F_GET_SEALS);
	if (seals < 0 || fstat(fd, &st) || fstatfs(fd, &sfs)) {
		close(fd);
		return -errno;
	}
	close(fd);
	if (sfs.f_type == HUGETLBFS_MAGIC) {
		pr_err("pid %d: memfd %s: hugetlb memfds are not supported", sh->pid, link);
		return -EOPNOTSUPP;
	}
	sh->memfd = true;
	sh->seals = seals;
	sh->mode = st.st_mode & 07777;
	sh->file_size = st.st_size;
	/* "/memfd:NAME (deleted)" */
	n = strlen(link) - 7;
	if (n >= strlen(DELETED) && !strcmp(link + strlen(link) - strlen(DELETED), DELETED))
		n -= strlen(DELETED);
	if (n >= sizeof(sh->name))
		n = sizeof(sh->name) - 1;
	memcpy(sh->name, link + 7, n);
	sh->name[n] = '\0';
	if (st.st_size > 0 && (uint64_t)st.st_size > sh->size)
		sh->size = ((uint64_t)st.st_size + PAGE - 1) & ~(PAGE - 1);
	return 0;
}

static struct dump_shmem *find(struct dump_ctx *ctx, uint64_t shmid)
{
	size_t i;

	for (i = 0; i < ctx->nshmem; i++)
		if (ctx->shmem[i].shmid == shmid)
			return &ctx->shmem[i];
	return NULL;
}

static struct dump_shmem *add(struct dump_ctx *ctx, uint64_t shmid, pid_t pid)
{
	struct dump_shmem *sh = realloc(ctx->shmem, (ctx->nshmem + 1) * sizeof(*sh));

	if (!sh)
		return NULL;
	ctx->shmem = sh;
	sh = &sh[ctx->nshmem++];
	memset(sh, 0, sizeof(*sh));
	sh->shmid = shmid;
	sh->pid = pid;
	sh->fd = -1;
	return sh;
}

int dump_shmem__track_vma(struct dump_ctx *ctx, pid_t pid, const VmaEntry *v, bool memfd)
{
	uint64_t end = v->pgoff + (v->end - v->start);
	struct dump_shmem *sh = find(ctx, v->shmid);

	if (sh) {
		if (end > sh->size)
			sh->size = end;
		/* A mapping reads the whole object; an fd may not be readable. */
		if (sh->fd >= 0) {
			sh->fd = -1;
			sh->pid = pid;
			sh->start = v->start;
			sh->end = v->end;
		}
		return 0;
	}
	sh = add(ctx, v->shmid, pid);
	if (!sh)
		return -ENOMEM;
	sh->size = end;
	sh->start = v->start;
	sh->end = v->end;
	return memfd ? memfd_info(sh, v->path) : 0;
}

int dump_shmem__track_fd(struct dump_ctx *ctx, pid_t pid, int fd, const char *link,
			 const struct stat *st)
{
	struct dump_shmem *sh = find(ctx, st->st_ino);

	if (sh)
		return 0;
	sh = add(ctx, st->st_ino, pid);
	if (!sh)
		return -ENOMEM;
	sh->fd = fd;
	sh->size = PAGE;
	return memfd_info(sh, link);
}

/* Copy the allocated extents of one object into @out. */
static int dump_one(const struct dump_shmem *sh, struct image_pages *out, ShmemObject *obj,
		    bool *printed)
{
	char path[64];
	uint8_t *buf;
	off_t data, hole, off;
	uint64_t poff;
	size_t n;
	int fd, err = 0;

	object_path(sh, path, sizeof(path));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return procfs__exists(sh->pid) ? -errno : -ESRCH;
	buf = malloc(BATCH_BYTES);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	for (off = 0; off < (off_t)sh->size; off = hole) {
		data = lseek(fd, off, SEEK_DATA);
		if (data < 0 || data >= (off_t)sh->size)
			break;
		hole = lseek(fd, data, SEEK_HOLE);
		if (hole < 0 || hole > (off_t)sh->size)
			hole = sh->size;
		/* Whole pages: a memfd's last page is partly past its end. */
		hole = (hole + PAGE - 1) & ~(PAGE - 1);
		if (hole > (off_t)sh->size)
			hole = sh->size;
		for (off = data; off < hole; off += n) {
			n = hole - off < (off_t)BATCH_BYTES ? (size_t)(hole - off) : BATCH_BYTES;
			memset(buf, 0, n);
			if (pread(fd, buf, n, off) < 0) {
				err = -EIO;
				goto out;
			}
			err = image__pages_append(out, buf, n, &poff);
			if (err) {
				*printed = true;
				goto out;
			}
			err = dump_mem__append_run(&obj->extents, &obj->n_extents, off, n / PAGE,
						   poff);
			if (err)
				goto out;
		}
	}
out:
	free(buf);
	close(fd);
	return err;
}

static int fill_memfd(const struct dump_shmem *sh, ShmemObject *obj)
{
	MemfdInfo *m = PB_NEW(MemfdInfo, memfd_info);

	if (!m)
		return -ENOMEM;
	obj->memfd = m;
	m->name = strdup(sh->name);
	m->seals = sh->seals;
	m->file_size = sh->file_size;
	m->mode = sh->mode;
	return m->name ? 0 : -ENOMEM;
}

int dump_shmem__write(struct dump_ctx *ctx)
{
	ShmemImage *img = PB_NEW(ShmemImage, shmem_image);
	struct image_pages *out = NULL;
	bool printed = false;
	ShmemObject *obj;
	size_t i;
	int err;

	if (!img)
		return -ENOMEM;
	img->pages_file = dump_ctx__strdup("pages-shmem.img");
	img->objects = calloc(ctx->nshmem + 1, sizeof(*img->objects));
	if (!img->pages_file || !img->objects) {
		err = -ENOMEM;
		goto out;
	}
	err = image__pages_begin(ctx->img, img->pages_file, 0, &out);
	printed = true;
	for (i = 0; !err && i < ctx->nshmem; i++) {
		const struct dump_shmem *sh = &ctx->shmem[i];

		obj = PB_NEW(ShmemObject, shmem_object);
		if (!obj) {
			err = -ENOMEM;
			break;
		}
		img->objects[img->n_objects++] = obj;
		obj->shmid = sh->shmid;
		obj->size = sh->size;
		printed = false;
		err = sh->memfd ? fill_memfd(sh, obj) : 0;
		if (!err)
			err = dump_one(sh, out, obj, &printed);
		if (err && !printed && err != -ESRCH)
			pr_err("pid %d: cannot read shared memory %lu (%s): %s", sh->pid,
			       (unsigned long)sh->shmid, sh->memfd ? sh->name : "anonymous",
			       strerror(-err));
		printed = true;
	}
	if (err)
		image__pages_discard(out);
	else
		err = image__pages_finish(out);
	if (!err)
		err = image__write(ctx->img, IMG_SHMEM, 0, &img->base);
out:
	if (err && !printed)
		pr_err("cannot dump shared memory: %s", strerror(-err));
	shmem_image__free_unpacked(img, NULL);
	return err;
}
