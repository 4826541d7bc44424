// SPDX-License-Identifier: GPL-2.0
/*
 * test_testfault - the test-only fault points: PIDTRACE_FAULT and
 * PIDTRACE_TEST_PAUSE parsed once, @N counted per point, and a point
 * reached through testfault__check() says what to do instead of doing it.
 */
#include <stdlib.h>

#include "testfault.h"
#include "unit.h"

/* The environment is read at the first point reached: set it before. */
static void points_say_what_to_do(void)
{
	setenv("PIDTRACE_FAULT", "unit-a@2,unit-b,unit-d@2", 1);
	setenv("PIDTRACE_TEST_PAUSE", "unit-c@3,unit-d@2", 1);
	CHECK(testfault__check("unit-a") == 0);
	CHECK(testfault__check("unit-a") == TESTFAULT_ERROR);
	CHECK(testfault__check("unit-a") == 0);
	CHECK(testfault__check("unit-b") == TESTFAULT_ERROR);
	/* Counted whichever way the point is reached. */
	CHECK(testfault__point("unit-b") == 0);
	CHECK(testfault__check("unit-c") == 0);
	CHECK(testfault__check("unit-c") == 0);
	CHECK(testfault__check("unit-c") == TESTFAULT_PAUSE);
	CHECK(testfault__check("unit-d") == 0);
	CHECK(testfault__check("unit-d") == (TESTFAULT_ERROR | TESTFAULT_PAUSE));
	CHECK(testfault__check(NULL) == 0);
	CHECK(testfault__point("unit-other") == 0);
}

UNIT_MAIN({ RUN(points_say_what_to_do); })
