// SPDX-License-Identifier: GPL-2.0
/*
 * restore_pages.c - the image's page data into the restored memory, the
 * data checksum checked on the way (see restore_pages.h).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#include "image.h"
#include "page.h"
#include "page_crc.h"
#include "progress.h"
#include "restore.h"
#include "restore_pages.h"
#include "testfault.h"

#define WRITE_CHUNK (32UL << 20)

/* "pid 42: " for a task's file, "" for pages-shmem.img. */
static const char *who(const struct rpages *p, char *buf, size_t len)
{
	if (!p->pid)
		return "";
	snprintf(buf, len, "pid %d: ", p->pid);
	return buf;
}

int restore_pages__open(struct restore_ctx *ctx, pid_t pid, const char *name, struct rpages *p)
{
	uint64_t data_off = 0;
	void *map;
	char w[32];
	int err;

	memset(p, 0, sizeof(*p));
	p->name = name;
	p->pid = pid;
	p->fd = -1;
	err = image__pages_open(ctx->img, name, false, &p->fd, &data_off, &p->size);
	if (!err)
		err = image__pages_crc(p->fd, &p->want);
	if (err)
		return restore__fail(ctx, pid, err, "%s%s: cannot open it", who(p, w, sizeof(w)),
				     name);
	if (!p->size)
		return 0;
	map = mmap(NULL, p->size, PROT_READ, MAP_PRIVATE, p->fd, data_off);
	if (map == MAP_FAILED)
		return restore__fail(ctx, pid, -errno, "%scannot map %s: %s", who(p, w, sizeof(w)),
				     name, strerror(errno));
	p->data = map;
	err = page_crc__start(p->data, p->size, &p->crc);
	if (err)
		return restore__fail(ctx, pid, err, "%s%s: %s", who(p, w, sizeof(w)), name,
				     strerror(-err));
	return 0;
}

int restore_pages__check(struct restore_ctx *ctx, struct rpages *p)
{
	uint32_t got = p->crc ? page_crc__wait(p->crc) : 0;
	char w[32];

	/* An empty data region has the crc32 of nothing: 0. */
	if (got != p->want)
		return restore__fail(ctx, p->pid, -EBADMSG,
				     "%s%s: checksum mismatch (the file is damaged)",
				     who(p, w, sizeof(w)), p->name);
	return 0;
}

void restore_pages__close(struct rpages *p)
{
	/* The thread reads the mapping: stopped before it goes. */
	page_crc__free(p->crc);
	p->crc = NULL;
	if (p->data)
		munmap((void *)p->data, p->size);
	p->data = NULL;
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
}

/* Write the queued runs; @want bytes. */
static int flush_pages(struct restore_ctx *ctx, struct rtask *t, struct iovec *l,
		       struct iovec *rem, size_t n, size_t want)
{
	ssize_t got;

	/* Tests: the write fails as for an address the task does not have. */
	if (testfault__point("restore-write")) {
		errno = EFAULT;
		got = -1;
	} else {
		got = process_vm_writev(t->opid, l, n, rem, n, 0);
	}
	if (got != (ssize_t)want)
		return restore__fail(ctx, t->pid, got < 0 ? -errno : -EFAULT,
				     "pid %d: writing %zu bytes of pages near %p failed: %s", t->pid,
				     want, rem[0].iov_base, got < 0 ? strerror(errno) : "short write");
	ctx->pages += want / PAGE;
	ctx->pages_bytes += want;
	progress__update(ctx->progress, ctx->pages_bytes);
	return 0;
}

/*
 * Copy the runs of the pagemap from the mapping, in calls of at most
 * WRITE_CHUNK bytes (so that a progress bar moves) and IOV_MAX runs.
 */
static int write_runs(struct restore_ctx *ctx, struct rtask *t, const struct rpages *p)
{
	struct iovec *l = calloc(IOV_MAX, sizeof(*l)), *rem = calloc(IOV_MAX, sizeof(*rem));
	size_t i, n = 0, want = 0;
	uint64_t done, len;
	int err = 0;

	if (!l || !rem) {
		err = restore__fail(ctx, t->pid, -ENOMEM, "pid %d: %s: out of memory", t->pid,
				    p->name);
		goto out;
	}
	for (i = 0; !err && i < t->pm->n_entries; i++) {
		const PagemapEntry *e = t->pm->entries[i];

		len = (uint64_t)e->nr_pages * PAGE;
		if (e->offset + len > p->size) {
			err = restore__fail(ctx, t->pid, -EINVAL, "pid %d: %s: truncated", t->pid,
					    p->name);
			break;
		}
		for (done = 0; !err && done < len;) {
			uint64_t piece = len - done;

			if (piece > WRITE_CHUNK - want)
				piece = WRITE_CHUNK - want;
			l[n].iov_base = (void *)(p->data + e->offset + done);
			rem[n].iov_base = (void *)(uintptr_t)(e->vaddr + done);
			l[n].iov_len = rem[n].iov_len = piece;
			n++;
			want += piece;
			done += piece;
			if (n == IOV_MAX || want == WRITE_CHUNK) {
				err = flush_pages(ctx, t, l, rem, n, want);
				n = want = 0;
			}
		}
	}
	if (!err && n)
		err = flush_pages(ctx, t, l, rem, n, want);
out:
	free(l);
	free(rem);
	return err;
}

int restore_pages__task(struct restore_ctx *ctx, struct rtask *t)
{
	struct rpages p;
	int err;

	if (!t->pm->nr_pages || !t->pm->n_entries)
		return 0;
	err = restore_pages__open(ctx, t->pid, t->pm->pages_file, &p);
	if (!err)
		err = write_runs(ctx, t, &p);
	/* The task is still held: what it got is checked before it can run. */
	if (!err)
		err = restore_pages__check(ctx, &p);
	restore_pages__close(&p);
	return err;
}
