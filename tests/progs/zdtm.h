/* SPDX-License-Identifier: GPL-2.0 */
/*
 * zdtm.h - checkpoint/restore test programs (zdtm style).
 *
 * A test sets up its state, prints "READY pid=N" on stdout, then waits for
 * SIGTERM: that arrives only after it was dumped, killed and restored. It
 * then checks that its state survived, prints "PASS" (exit 0) or
 * "FAIL: why" (exit 1). Every test gives up after ZDTM_TIMEOUT seconds so
 * that nothing outlives a broken run for long.
 */
#ifndef ZDTM_H
#define ZDTM_H

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ZDTM_TIMEOUT 120

static volatile sig_atomic_t zdtm_stop;

static void zdtm_on_term(int sig)
{
	(void)sig;
	zdtm_stop = 1;
}

static inline void __attribute__((format(printf, 1, 2), noreturn)) zdtm_fail(const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	printf("FAIL: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(" (errno %d: %s)\n", err, strerror(err));
	fflush(stdout);
	exit(1);
}

/* Install the SIGTERM handler and the safety alarm (call first). */
static inline void zdtm_init(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = zdtm_on_term;
	if (sigaction(SIGTERM, &sa, NULL))
		zdtm_fail("sigaction(SIGTERM)");
	alarm(ZDTM_TIMEOUT);
}

static inline void zdtm_ready(void)
{
	printf("READY pid=%d\n", getpid());
	fflush(stdout);
}

/* Sleep until SIGTERM (signals blocked outside sigsuspend stay blocked). */
static inline void zdtm_wait_term(void)
{
	sigset_t none;

	sigemptyset(&none);
	while (!zdtm_stop)
		sigsuspend(&none);
}

static inline int zdtm_pass(void)
{
	printf("PASS\n");
	fflush(stdout);
	return 0;
}

#endif
