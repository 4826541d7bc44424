// SPDX-License-Identifier: GPL-2.0
/*
 * test_names.c - one name for each signal: names__signal() counts
 * real-time signals from the kernel's 32, every out-of-range number gets
 * the same fallback from every caller, and every name parses back to its
 * number.
 */
#include <errno.h>

#include "names.h"
#include "output.h"
#include "unit.h"

static void test_signal_names(void)
{
	CHECK_STR(names__signal(9), "SIGKILL");
	CHECK_STR(names__signal(31), "SIGSYS");
	CHECK_STR(names__signal(32), "SIGRTMIN");
	CHECK_STR(names__signal(33), "SIGRTMIN+1");
	CHECK_STR(names__signal(34), "SIGRTMIN+2");
	CHECK_STR(names__signal(64), "SIGRTMIN+32");
	CHECK(names__signal(0) == NULL);
	CHECK(names__signal(65) == NULL);
	CHECK(names__signal(-1) == NULL);
}

/* The fallback: one text, whoever asks (show, output, restore's report). */
static void test_fallback(void)
{
	char a[32], b[32];
	int sig;

	CHECK_STR(names__signame(0, a, sizeof(a)), "signal 0");
	CHECK_STR(names__signame(99, a, sizeof(a)), "signal 99");
	for (sig = -2; sig <= 130; sig++)
		CHECK_STR(output__signame(sig, a, sizeof(a)), names__signame(sig, b, sizeof(b)));
	for (sig = 1; sig <= 64; sig++)
		CHECK(names__signame(sig, a, sizeof(a)) == names__signal(sig));
}

/* What pidtrace prints, a user can type back: watch -s NAME. */
static void test_round_trip(void)
{
	int sig;

	for (sig = 1; sig <= 64; sig++)
		CHECK(names__parse_signal(names__signal(sig)) == sig);
	CHECK(names__parse_signal("RTMIN+2") == 34);
	CHECK(names__parse_signal("RTMIN+33") == -EINVAL);
}

UNIT_MAIN({
	RUN(test_signal_names);
	RUN(test_fallback);
	RUN(test_round_trip);
})
