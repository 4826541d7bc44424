/* SPDX-License-Identifier: GPL-2.0 */
/*
 * restore_pages.h - the page data of the image, into the restored memory:
 * a task's pages from pages-PID.img, shared memory's from pages-shmem.img,
 * each file checked against the data checksum its header records before
 * the tree runs.
 *
 * A pages file is mapped, never read into a buffer: the copy
 * (UFFDIO_COPY into a task's private anonymous memory from 4 MiB on,
 * restore_uffd.h, process_vm_writev() for the rest, on two threads from
 * 64 MiB on; memcpy() for a shared object) reads the mapping while another thread (page_crc.h)
 * computes the checksum over the same pages, so the data is read from disk once and the check costs
 * little time. A mismatch fails the step naming the file ("pid 42:
 * pages-42.img: checksum mismatch (the file is damaged)"): damaged page
 * data never reaches a process that runs.
 */
#ifndef PT_RESTORE_PAGES_H
#define PT_RESTORE_PAGES_H

#include <stdint.h>
#include <sys/types.h>

#include "pagemap.pb-c.h"
#include "restore_ctx.h"

struct page_crc;

/* A pages file of the image, mapped read-only, its checksum under way. */
struct rpages {
	const char *name;	/* as the inventory lists it */
	pid_t pid;		/* the task it is for, 0: none (in errors) */
	int fd;
	const uint8_t *data;	/* its data, @size bytes (NULL when empty) */
	uint64_t size;
	uint32_t want;		/* the crc32 its header records */
	struct page_crc *crc;
};

/*
 * Open and map pages file @name, start checking it. Return: 0 or -errno
 * (said through restore_ctx__fail()); @p is then to close either way.
 */
int restore_pages__open(struct restore_ctx *ctx, pid_t pid, const char *name, struct rpages *p);

/*
 * The same, without the checksum: for a file whose own task's memory
 * phase checks it before the tree runs (restore_cow.c reads a parent's
 * pages earlier). restore_pages__check() must not be called on it.
 */
int restore_pages__open_unchecked(struct restore_ctx *ctx, pid_t pid, const char *name,
				  struct rpages *p);

/*
 * Write the runs @entries (vaddr, nr_pages, offset in @p's data) into @t,
 * mapped writable: IOV_MAX runs or 32 MiB a process_vm_writev(), a second
 * thread taking every other call from 64 MiB on; ctx->pages and the
 * progress bar counted; @fault: the test fault point of the first call
 * (testfault.h), NULL for none. Return: 0 or -errno (said); -EINVAL: a
 * run past the file's data.
 */
int restore_pages__write(struct restore_ctx *ctx, struct rtask *t, const struct rpages *p,
			 PagemapEntry *const *entries, size_t nentries, const char *fault);

/* Wait for the checksum and compare. Return: 0, or -EBADMSG (said). */
int restore_pages__check(struct restore_ctx *ctx, struct rpages *p);

/* Unmap and close; accepts a @p that restore_pages__open() failed on. */
void restore_pages__close(struct rpages *p);

/*
 * Write @t's pages (its VMAs mapped writable) from its pages file, checked.
 * Return: 0 or -errno (said through restore_ctx__fail()).
 */
int restore_pages__task(struct restore_ctx *ctx, struct rtask *t);

#endif
