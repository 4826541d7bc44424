/* SPDX-License-Identifier: GPL-2.0 */
/*
 * clock.h - the one monotonic clock of pidtrace's own timings (phases,
 * progress, caches' ages), the clock the BPF side stamps records with
 * (bpf_ktime_get_ns is CLOCK_MONOTONIC).
 */
#ifndef PT_CLOCK_H
#define PT_CLOCK_H

#include <stdint.h>
#include <time.h>

/* CLOCK_MONOTONIC in nanoseconds (divide for ms: / 1e6, s: / 1e9). */
static inline uint64_t clock__mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* The same clock in milliseconds and in seconds, as the reports print them. */
static inline double clock__mono_ms(void)
{
	return clock__mono_ns() / 1e6;
}

static inline double clock__mono_s(void)
{
	return clock__mono_ns() / 1e9;
}

#endif
