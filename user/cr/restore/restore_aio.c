// SPDX-License-Identifier: GPL-2.0
/*
 * restore_aio.c - AIO contexts (io_setup; dump_aio.c says what the image
 * holds).
 *
 * A context can only be made by io_setup() in the task, which maps a new
 * ring where the kernel likes: the task then moves it to the image's
 * address with mremap(), which the kernel follows (the context id is the
 * ring's address). It is asked for the image's nr_events, so its ring is
 * as large. The kernel gives a new context the lowest free index of the
 * task's table, the ring's id through which io_submit() finds it: once
 * every other mapping is in place (the rings' places held by PROT_NONE
 * reservations meanwhile, so that no new ring lands there), the contexts
 * are made in id order, a gap of the table filled by a context of one
 * event that is destroyed at the end.
 *
 * A new ring's head and tail are 0, and the kernel keeps its own copy of
 * the tail: only completions move it. So the task completes requests
 * that finish at once (a 1-byte write to /dev/null) until the tail is the
 * image's: first as many as it reaps at once (io_getevents), then as many
 * as the image had waiting, left unreaped, so that they hold their request
 * slots as the originals did; the head is then the image's. Then the
 * ring's events are written over with the image's (the completions
 * waiting, and the old ones the program may still look at). No request
 * is in flight (dump refused that).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/aio_abi.h>

#include "ptrace.h"
#include "restore_aio.h"
#include "restore_ctx.h"
#include "restore_verify.h"
#include "testfault.h"

/* struct aio_ring's header (fs/aio.c): 32 bytes before the events. */
struct ring_head {
	uint32_t id, nr, head, tail, magic, compat, incompat, header_length;
};

#define BATCH 32
/* The data page: the context id, the iocbs, their pointers, the events, a byte. */
#define OFF_ID 0
#define OFF_IOCB 64
#define OFF_PTRS (OFF_IOCB + BATCH * sizeof(struct iocb))
#define OFF_EVS (OFF_PTRS + BATCH * sizeof(uint64_t))
#define OFF_BYTE (OFF_EVS + BATCH * sizeof(struct io_event))

_Static_assert(OFF_BYTE < RESTORE_DATA_SIZE, "the AIO batch fits in the data page");

#define FAIL(err, fmt, ...)                                                                \
	restore_ctx__fail(ctx, t->pid, (err), "pid %d: AIO context %lx: " fmt, t->pid,        \
			  (unsigned long)v->start, ##__VA_ARGS__)

/* @n requests that complete at once, reaped or not. Return: 0 or -errno (said). */
static int complete(struct restore_ctx *ctx, struct rtask *t, const VmaEntry *v, long fd,
		    uint32_t n, bool reap)
{
	struct iocb cb[BATCH];
	uint64_t ptrs[BATCH];
	unsigned long base, addr;
	uint32_t k, i;
	long r;
	int err;

	err = restore_ctx__put(t, OFF_BYTE, "x", 1, &addr);
	if (err)
		return FAIL(err, "its data page: %s", strerror(-err));
	base = addr - OFF_BYTE;
	memset(cb, 0, sizeof(cb));
	for (i = 0; i < BATCH; i++) {
		cb[i].aio_lio_opcode = IOCB_CMD_PWRITE;
		cb[i].aio_fildes = fd;
		cb[i].aio_buf = addr;
		cb[i].aio_nbytes = 1;
		ptrs[i] = base + OFF_IOCB + i * sizeof(struct iocb);
	}
	err = restore_ctx__put(t, OFF_IOCB, cb, sizeof(cb), &addr);
	if (!err)
		err = restore_ctx__put(t, OFF_PTRS, ptrs, sizeof(ptrs), &addr);
	if (err)
		return FAIL(err, "its data page: %s", strerror(-err));
	while (n) {
		k = n < BATCH ? n : BATCH;
		r = restore_ctx__sys(t, SYS_io_submit, v->start, k, base + OFF_PTRS, 0, 0, 0);
		if (r <= 0)
			return FAIL(r ? (int)r : -EAGAIN, "io_submit to move its tail: %s",
				    strerror(r ? (int)-r : EAGAIN));
		if (reap) {
			long got = restore_ctx__sys(t, SYS_io_getevents, v->start, r, r,
						    base + OFF_EVS, 0, 0);

			if (got != r)
				return FAIL(got < 0 ? (int)got : -EIO, "io_getevents: %ld of %ld",
					    got, r);
		}
		n -= r;
	}
	return 0;
}

static int read_head(struct rtask *t, unsigned long at, struct ring_head *h)
{
	return ptrace__read_mem(t->pt, at, h, sizeof(*h));
}

long restore_aio__map(struct restore_ctx *ctx, struct rtask *t, const VmaEntry *v)
{
	unsigned long len = v->end - v->start;
	long r;

	(void)ctx;
	/* Its place held until restore_aio__task() moves the ring there. */
	r = restore_ctx__sys(t, SYS_mmap, v->start, len, PROT_NONE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0);
	return r;
}

/* io_setup(@n) in the task. Return: the context id, or -errno. */
static long setup(struct rtask *t, uint32_t n)
{
	unsigned long addr;
	uint64_t id = 0;
	long r;

	r = restore_ctx__put(t, OFF_ID, &id, sizeof(id), &addr);
	if (!r)
		r = restore_ctx__sys(t, SYS_io_setup, n, addr, 0, 0, 0, 0);
	if (!r)
		r = ptrace__read_mem(t->pt, addr, &id, sizeof(id));
	return r < 0 ? r : (long)id;
}

static int make(struct restore_ctx *ctx, struct rtask *t, const VmaEntry *v)
{
	const AioRingEntry *a = v->aio;
	unsigned long len = v->end - v->start, addr;
	struct ring_head h;
	uint32_t waiting, count;
	long r, fd, id;
	int err;

	if (a->ring.len != len || a->nr_events == 0 || a->tail >= a->nr_events ||
	    a->head >= a->nr_events || len < sizeof(h))
		return FAIL(-EINVAL, "the image's ring is damaged");
	id = setup(t, a->max_reqs);
	if (id < 0)
		return FAIL((int)id, "io_setup(%u): %s", a->max_reqs, strerror((int)-id));
	err = read_head(t, id, &h);
	if (err)
		return FAIL(err, "its new ring: %s", strerror(-err));
	if (h.nr != a->nr_events || h.id != a->id)
		return FAIL(-EIO, "io_setup(%u) made ring %u of %u events, the image's is ring %u of %u",
			    a->max_reqs, h.id, h.nr, a->id, a->nr_events);
	r = restore_ctx__sys(t, SYS_mremap, id, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, v->start, 0);
	if (r != (long)v->start)
		return FAIL(r < 0 ? (int)r : -EIO, "mremap of its new ring at %lx: %s",
			    (unsigned long)id, strerror(r < 0 ? (int)-r : EIO));
	/* The tail moves by completions only: the waiting ones last, not reaped. */
	waiting = (a->tail + a->nr_events - a->head) % a->nr_events;
	count = a->tail >= waiting ? a->tail : a->tail + a->nr_events;
	if (count) {
		err = restore_ctx__put(t, OFF_BYTE, "/dev/null", 10, &addr);
		if (err)
			return FAIL(err, "its data page: %s", strerror(-err));
		fd = restore_ctx__sys(t, SYS_openat, AT_FDCWD, addr, O_WRONLY | O_CLOEXEC, 0, 0, 0);
		if (fd < 0)
			return FAIL((int)fd, "open /dev/null: %s", strerror((int)-fd));
		err = complete(ctx, t, v, fd, count - waiting, true);
		if (!err)
			err = complete(ctx, t, v, fd, waiting, false);
		restore_ctx__sys(t, SYS_close, fd, 0, 0, 0, 0, 0);
		if (err)
			return err;
	}
	/*
	 * The events, waiting or old, as they were; the header is the
	 * kernel's. Test fault restore-aio-skip-events: left as the moves
	 * wrote them, for the verification to catch.
	 */
	if (!testfault__point("restore-aio-skip-events"))
		err = ptrace__write_mem(t->pt, v->start + sizeof(h), a->ring.data + sizeof(h),
					len - sizeof(h));
	if (!err)
		err = read_head(t, v->start, &h);
	if (err)
		return FAIL(err, "its ring: %s", strerror(-err));
	if (h.head != a->head || h.tail != a->tail)
		return FAIL(-EIO, "head %u, tail %u after moving them, the image's are %u and %u",
			    h.head, h.tail, a->head, a->tail);
	return 0;
}

int restore_aio__task(struct restore_ctx *ctx, struct rtask *t)
{
	const MmImage *mm = t->mm;
	uint32_t id, max = 0, nfill = 0;
	long *fill = NULL, r;
	bool any = false;
	size_t i;
	int err = 0;

	for (i = 0; mm && i < mm->n_vmas; i++)
		if (mm->vmas[i]->aio) {
			any = true;
			if (mm->vmas[i]->aio->id > max)
				max = mm->vmas[i]->aio->id;
		}
	if (!any)
		return 0;
	fill = calloc(max + 1, sizeof(*fill));
	if (!fill)
		return -ENOMEM;
	for (id = 0; !err && id <= max; id++) {
		const VmaEntry *v = NULL;

		for (i = 0; i < mm->n_vmas && !v; i++)
			if (mm->vmas[i]->aio && mm->vmas[i]->aio->id == id)
				v = mm->vmas[i];
		if (v) {
			err = make(ctx, t, v);
			continue;
		}
		/* A gap of the table: held by a context of one event for now. */
		r = setup(t, 1);
		if (r < 0)
			err = restore_ctx__fail(ctx, t->pid, (int)r,
						"pid %d: AIO: io_setup for the gap at id %u: %s", t->pid,
						id, strerror((int)-r));
		else
			fill[nfill++] = r;
	}
	for (i = 0; i < nfill; i++) {
		r = restore_ctx__sys(t, SYS_io_destroy, fill[i], 0, 0, 0, 0, 0);
		if (r < 0 && !err)
			err = restore_ctx__fail(ctx, t->pid, (int)r, "pid %d: AIO: io_destroy: %s",
						t->pid, strerror((int)-r));
	}
	free(fill);
	return err;
}

int restore_aio__verify(struct verify *v)
{
	const MmImage *mm = v->t->mm;
	struct ring_head h, img;
	char what[96];
	uint8_t *now;
	size_t i, len;
	int err = 0;

	for (i = 0; !err && mm && i < mm->n_vmas; i++) {
		const VmaEntry *e = mm->vmas[i];
		const AioRingEntry *a = e->aio;

		if (!a)
			continue;
		len = a->ring.len;
		now = malloc(len);
		if (!now)
			return -ENOMEM;
		err = ptrace__read_mem(v->t->pt, e->start, now, len);
		if (err) {
			free(now);
			return restore_verify__cannot(v, "an AIO ring", err);
		}
		memcpy(&h, now, sizeof(h));
		memcpy(&img, a->ring.data, sizeof(img));
		snprintf(what, sizeof(what), "AIO context %lx", (unsigned long)e->start);
		err = restore_verify__num(v, what, VF_DEC, a->id, h.id);
		if (!err) {
			snprintf(what, sizeof(what), "AIO context %lx: events", (unsigned long)e->start);
			err = restore_verify__num(v, what, VF_DEC, a->nr_events, h.nr);
		}
		if (!err) {
			snprintf(what, sizeof(what), "AIO context %lx: head", (unsigned long)e->start);
			err = restore_verify__num(v, what, VF_DEC, a->head, h.head);
		}
		if (!err) {
			snprintf(what, sizeof(what), "AIO context %lx: tail", (unsigned long)e->start);
			err = restore_verify__num(v, what, VF_DEC, a->tail, h.tail);
		}
		if (!err && memcmp(now + sizeof(h), a->ring.data + sizeof(h), len - sizeof(h))) {
			snprintf(what, sizeof(what), "AIO context %lx: events", (unsigned long)e->start);
			err = restore_verify__str(v, what, "the image's", "others");
		}
		v->n->vmas++;
		free(now);
	}
	return err;
}
