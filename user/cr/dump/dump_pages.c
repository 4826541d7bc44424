// SPDX-License-Identifier: GPL-2.0
/*
 * dump_pages.c - the pages dump_mem.c chose, copied into pages-PID.img
 * (see dump_pages.h).
 *
 * Pages are read with process_vm_readv() in batches of up to BATCH_BYTES
 * and appended to the pages file; the page map says where each run went.
 * A batch is small enough to stay in the CPU's cache (1 MiB of L2 a core
 * here) between the read, the checksum and the write: with 8 MiB batches
 * the checksum and write() read every page back from RAM, and a dump of
 * 256 MiB took 2.7x the CPU time (docs/PERFORMANCE.md, "Dump batches").
 * Past 2 MiB a reader thread reads the next batch while this thread
 * checksums and writes the last one: both copies of a page run at once,
 * on two cores. The reader only calls process_vm_readv() (and the
 * /proc/PID/mem fallback of ptrace__read_iov(), which no other thread
 * uses meanwhile); errors are said here. Past dump_splice__after() bytes
 * of a task (64 MiB, or PIDTRACE_SPLICE_MIB), the rest go by
 * vmsplice() and splice() (dump_splice.c) where the task can have the
 * helper thread that takes, else by copy as before.
 */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include "dump_ctx.h"
#include "dump_mem.h"
#include "dump_pages.h"
#include "dump_splice.h"
#include "interrupts.h"
#include "log.h"
#include "page.h"
#include "progress.h"
#include "ptrace.h"

#define BATCH_BYTES (256UL << 10)
#define BATCH_IOVS 64 /* BATCH_BYTES / PAGE: a batch of single pages */
#define PIPE_AFTER 8 /* batches (2 MiB) before a reader thread starts */
/* A batch of pages: runs of consecutive addresses, read into @buf. */
struct slot {
	uint8_t *buf;
	size_t used;
	struct iovec local[BATCH_IOVS], remote[BATCH_IOVS];
	size_t n;
	int err;		/* the read's result */
};

/*
 * Pages read but not yet appended. Two slots: once a dump has more than
 * PIPE_AFTER batches, a reader thread reads one slot (process_vm_readv,
 * the first copy) while this thread checksums and writes the other (the
 * second copy), on two cores.
 */
struct dump_pages {
	struct dump_ctx *ctx;
	struct ptrace_task *pt;
	struct image_pages *out;
	PagemapImage *pm;
	struct slot slot[2];
	int cur;		/* the slot being filled */
	bool inflight;		/* the other slot is being read */
	unsigned int flushes;
	bool reader;		/* the reader thread runs */
	bool quit;		/* it is to exit */
	pthread_t thread;
	sem_t go, done;
	bool err_printed;	/* the last error was already reported */
	uint64_t queued;	/* bytes of pages added so far */
	uint64_t splice_after;	/* past this, the splice path (dump_splice.c) */
	bool splice_tried;
	struct dump_splice *sp;	/* the splice path, once started */
};

static void *reader_main(void *arg)
{
	struct dump_pages *b = arg;
	struct slot *sl;

	interrupts__block_own();
	for (;;) {
		while (sem_wait(&b->go) && errno == EINTR)
			;
		if (b->quit)
			return NULL;
		sl = &b->slot[!b->cur];
		sl->err = ptrace__read_iov(b->pt, sl->local, sl->remote, sl->n);
		sem_post(&b->done);
	}
}

static void reader_start(struct dump_pages *b)
{
	sigset_t all, old;

	if (sem_init(&b->go, 0, 0))
		return;
	if (sem_init(&b->done, 0, 0)) {
		sem_destroy(&b->go);
		return;
	}
	/*
	 * Started again after try_splice() stopped it (the copy path goes on):
	 * a "quit" left from then would end it at its first batch, and the
	 * wait for that batch would never end.
	 */
	b->quit = false;
	/* Signals are the main thread's business (it polls for them). */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	b->reader = !pthread_create(&b->thread, NULL, reader_main, b);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!b->reader) {
		sem_destroy(&b->go);
		sem_destroy(&b->done);
	}
}

/* Wait for the slot being read, if any. Return: its read's result. */
static int reader_wait(struct dump_pages *b)
{
	if (!b->inflight)
		return 0;
	while (sem_wait(&b->done) && errno == EINTR)
		;
	b->inflight = false;
	return b->slot[!b->cur].err;
}

static void reader_stop(struct dump_pages *b)
{
	if (!b->reader)
		return;
	reader_wait(b);
	b->quit = true;
	sem_post(&b->go);
	pthread_join(b->thread, NULL);
	sem_destroy(&b->go);
	sem_destroy(&b->done);
	b->reader = false;
}

/* Append slot @sl, read, to the pages file; its runs to the pagemap. */
static int slot_append(struct dump_pages *b, struct slot *sl)
{
	uint64_t off;
	size_t i;
	int err;

	err = image__pages_append(b->out, sl->buf, sl->used, &off);
	if (err) {
		b->err_printed = true;
		return err;
	}
	b->ctx->copied += sl->used;
	progress__update(b->ctx->progress, b->ctx->copied);
	for (i = 0; !err && i < sl->n; i++) {
		err = dump_mem__append_run(&b->pm->entries, &b->pm->n_entries,
					   (uint64_t)sl->remote[i].iov_base,
					   sl->remote[i].iov_len / PAGE, off);
		b->pm->nr_pages += sl->remote[i].iov_len / PAGE;
		off += sl->remote[i].iov_len;
	}
	sl->n = 0;
	sl->used = 0;
	return err;
}

/*
 * The current slot is full (or the last): with the reader, hand it over
 * and append the one read before; without, read and append it here.
 */
static int flush(struct dump_pages *b)
{
	struct slot *sl = &b->slot[b->cur];
	int err;

	if (!sl->n)
		return 0;
	if (!b->reader && ++b->flushes > PIPE_AFTER && b->slot[1].buf)
		reader_start(b);
	if (!b->reader) {
		err = ptrace__read_iov(b->pt, sl->local, sl->remote, sl->n);
		if (err) {
			b->err_printed = false;
			return err;
		}
		return slot_append(b, sl);
	}
	/* The other slot: read by now (the reader takes one at a time). */
	err = reader_wait(b);
	if (err) {
		b->err_printed = false;
		return err;
	}
	if (b->slot[!b->cur].n) {
		err = slot_append(b, &b->slot[!b->cur]);
		if (err)
			return err;
	}
	/* Hand over the current slot; fill the other one meanwhile. */
	b->cur = !b->cur;
	b->inflight = true;
	sem_post(&b->go);
	return 0;
}

/* The last batch: flushed, then the one the reader holds appended. */
int dump_pages__finish(struct dump_pages *b)
{
	int err = flush(b);

	if (err || !b->reader)
		return err;
	err = reader_wait(b);
	if (err) {
		b->err_printed = false;
		return err;
	}
	return b->slot[!b->cur].n ? slot_append(b, &b->slot[!b->cur]) : 0;
}

/*
 * A task past splice_after: what is queued copied, then the helper thread
 * (never a failure of the dump: the copy path goes on where it cannot).
 */
static int try_splice(struct dump_pages *b)
{
	int err;

	b->splice_tried = true;
	err = dump_pages__finish(b);
	if (err)
		return err;
	reader_stop(b);
	err = dump_splice__start(b->ctx, b->pt, b->out, b->pm, &b->sp);
	if (err == -ESRCH) {
		b->err_printed = false;
		return err;
	}
	/* The task could not be put back as it was (said): the dump fails. */
	if (err == -ENOTRECOVERABLE) {
		b->err_printed = true;
		return err;
	}
	if (err)
		b->ctx->splice_fallbacks++;
	else
		b->ctx->splice_tasks++;
	return 0;
}

/* Queue @nr pages at @addr, flushing as the batch fills. */
int dump_pages__add(struct dump_pages *b, uint64_t addr, uint64_t nr)
{
	struct slot *sl;
	uint64_t take;
	int err;

	if (!b->splice_tried && b->queued + nr * PAGE > b->splice_after) {
		err = try_splice(b);
		if (err)
			return err;
	}
	b->queued += nr * PAGE;
	if (b->sp) {
		err = dump_splice__add(b->sp, addr, nr);
		b->err_printed = err != -ESRCH;
		return err;
	}
	while (nr) {
		sl = &b->slot[b->cur];
		if (sl->n == BATCH_IOVS || sl->used == BATCH_BYTES) {
			err = flush(b);
			if (err)
				return err;
			sl = &b->slot[b->cur];
		}
		take = (BATCH_BYTES - sl->used) / PAGE;
		if (take > nr)
			take = nr;
		sl->local[sl->n].iov_base = sl->buf + sl->used;
		sl->local[sl->n].iov_len = take * PAGE;
		sl->remote[sl->n].iov_base = (void *)addr;
		sl->remote[sl->n].iov_len = take * PAGE;
		sl->n++;
		sl->used += take * PAGE;
		addr += take * PAGE;
		nr -= take;
	}
	return 0;
}

struct dump_pages *dump_pages__new(struct dump_ctx *ctx, struct ptrace_task *pt, PagemapImage *pm)
{
	struct dump_pages *b = calloc(1, sizeof(*b));

	if (!b)
		return NULL;
	b->slot[0].buf = malloc(BATCH_BYTES);
	/* Without a second buffer there is no reader thread: no failure. */
	b->slot[1].buf = malloc(BATCH_BYTES);
	if (!b->slot[0].buf) {
		free(b->slot[1].buf);
		free(b);
		return NULL;
	}
	b->ctx = ctx;
	b->pt = pt;
	b->pm = pm;
	b->splice_after = dump_splice__after(ptrace__pid(pt));
	return b;
}

int dump_pages__begin(struct dump_pages *b, const char *name, pid_t pid)
{
	return image__pages_begin(b->ctx->img, name, pid, &b->out);
}

int dump_pages__end(struct dump_pages *b, int err, bool *printed)
{
	if (!err)
		err = dump_pages__finish(b);
	reader_stop(b);
	if (b->sp) {
		/* The helper goes and the task is put back whatever happened. */
		int e = dump_splice__end(b->sp, err);

		b->sp = NULL;
		if (!err && e) {
			err = e;
			b->err_printed = e != -ESRCH;
		}
	}
	*printed = b->err_printed;
	if (err) {
		image__pages_discard(b->out);
		b->out = NULL;
		return err;
	}
	*printed = true;
	err = image__pages_finish(b->out);
	b->out = NULL;
	return err;
}

void dump_pages__free(struct dump_pages *b)
{
	if (!b)
		return;
	reader_stop(b);
	dump_splice__end(b->sp, -ECANCELED);
	if (b->out)
		image__pages_discard(b->out);
	free(b->slot[0].buf);
	free(b->slot[1].buf);
	free(b);
}
