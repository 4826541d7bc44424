/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bench.h - shared helpers of the benchmark programs in tools/bench/.
 *
 * Every program prints its result as one line of "key=value" pairs on
 * stdout (run.sh reads them), messages on stderr, and exits 0 when it did
 * its job, 1 when it could not.
 */
#ifndef BENCH_H
#define BENCH_H

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *bench_prog = "bench";

static inline void __attribute__((format(printf, 1, 2), noreturn)) bench_die(const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	fprintf(stderr, "%s: ", bench_prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (err)
		fprintf(stderr, ": %s", strerror(err));
	fputc('\n', stderr);
	exit(1);
}

static inline uint64_t bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* A positive number from the command line, or die naming what it is. */
static inline unsigned long bench_num(const char *arg, const char *what)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(arg, &end, 0);
	if (errno || *end || end == arg || !v) {
		errno = 0;
		bench_die("%s: '%s' is not a positive number", what, arg);
	}
	return v;
}

/* The word a memory target stores at byte offset @off of its region. */
static inline uint64_t bench_pattern(uint64_t off)
{
	return (off + 1) * 0x9e3779b97f4a7c15ULL;
}

#endif /* BENCH_H */
