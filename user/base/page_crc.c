// SPDX-License-Identifier: GPL-2.0
/*
 * page_crc.c - a crc32 computed on a second thread (see page_crc.h).
 *
 * ISA-L's crc32_gzip_refl() is zlib's crc32() (same polynomial, same
 * chaining) at ~11 GB/s here against zlib's ~4: it picks a PCLMULQDQ or
 * AVX-512 folding at run time, so pidtrace carries no SIMD code of its own.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>

#include <isa-l/crc.h>

#include "interrupts.h"
#include "page_crc.h"

/* Small enough that a cancel is quick, large enough to cost nothing. */
#define CHUNK (1UL << 20)

struct page_crc {
	const unsigned char *data;
	uint64_t len;
	uint32_t crc;
	bool threaded;		/* a thread computes it; else page_crc__wait() */
	bool done;		/* crc is final */
	atomic_bool stop;	/* set by page_crc__free(): give up */
	pthread_t thread;
};

static uint32_t crc_of(struct page_crc *pc)
{
	uint32_t crc = 0;
	uint64_t off, n;

	for (off = 0; off < pc->len && !atomic_load_explicit(&pc->stop, memory_order_relaxed);
	     off += n) {
		n = pc->len - off < CHUNK ? pc->len - off : CHUNK;
		crc = crc32_gzip_refl(crc, pc->data + off, n);
	}
	return crc;
}

static void *run(void *arg)
{
	struct page_crc *pc = arg;

	interrupts__block_own();
	pc->crc = crc_of(pc);
	return NULL;
}

int page_crc__start(const void *data, uint64_t len, struct page_crc **out)
{
	struct page_crc *pc = calloc(1, sizeof(*pc));
	sigset_t all, old;

	if (!pc)
		return -ENOMEM;
	pc->data = data;
	pc->len = len;
	/* Signals are pidtrace's main thread's business (it polls for them). */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	pc->threaded = !pthread_create(&pc->thread, NULL, run, pc);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	*out = pc;
	return 0;
}

uint32_t page_crc__wait(struct page_crc *pc)
{
	if (pc->done)
		return pc->crc;
	if (pc->threaded) {
		pthread_join(pc->thread, NULL);
		pc->threaded = false;
	} else {
		pc->crc = crc_of(pc);
	}
	pc->done = true;
	return pc->crc;
}

void page_crc__free(struct page_crc *pc)
{
	if (!pc)
		return;
	if (pc->threaded) {
		atomic_store(&pc->stop, true);
		pthread_join(pc->thread, NULL);
	}
	free(pc);
}
