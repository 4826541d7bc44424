// SPDX-License-Identifier: GPL-2.0
/* interrupts.c - stop requests handled between steps (see interrupts.h). */
#include "interrupts.h"

static const int stop_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
#define NSTOP (int)(sizeof(stop_signals) / sizeof(stop_signals[0]))

void interrupts__set(sigset_t *set)
{
	int i;

	sigemptyset(set);
	for (i = 0; i < NSTOP; i++)
		sigaddset(set, stop_signals[i]);
}

void interrupts__block(void)
{
	sigset_t set;

	interrupts__set(&set);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
}

int interrupts__pending(void)
{
	sigset_t pend;
	int i;

	if (sigpending(&pend))
		return 0;
	for (i = 0; i < NSTOP; i++)
		if (sigismember(&pend, stop_signals[i]))
			return stop_signals[i];
	return 0;
}
