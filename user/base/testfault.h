/* SPDX-License-Identifier: GPL-2.0 */
/*
 * testfault.h - test-only fault injection: make a run fail, die or stop at
 * a named point, so that tests can show what survives (docs/reliability.md
 * lists the points and the tests). Driven by two environment variables:
 *
 *   PIDTRACE_FAULT=POINT[@N][:ACTION][,POINT[@N][:ACTION]...]
 *       ACTION "error" (default): the step fails (-EIO; the caller says so)
 *       ACTION "kill": pidtrace kills itself with SIGKILL there
 *   PIDTRACE_TEST_PAUSE=POINT[@N][,POINT[@N]...]
 *       pidtrace pauses there: it stops itself (SIGSTOP) until SIGCONT,
 *       unless the caller pauses its own way (testfault__check(): restore
 *       keeps watching the tree it is building while it waits)
 *
 * @N: the Nth time the point is reached (default: the first). Neither
 * variable is meant for users; unset, a point costs a branch. Both are
 * parsed here only: dump and restore name their points, nothing else.
 */
#ifndef PT_TESTFAULT_H
#define PT_TESTFAULT_H

/**
 * testfault__point() - the run reaches the named point.
 * Return: 0, or -EIO when an "error" fault is injected here (not printed:
 * the caller fails as it would for a real error, or says "test fault at
 * POINT" where there is no real error to fake). A pause here is a SIGSTOP.
 */
int testfault__point(const char *point);

/* A point where nothing can fail any more: only "kill" and pauses apply. */
void testfault__stop(const char *point);

#define TESTFAULT_ERROR 1 /* fail the step here */
#define TESTFAULT_PAUSE 2 /* pause here, the caller's way */

/**
 * testfault__check() - the run reaches the named point, and pauses its own
 * way if asked. A "kill" happens here; @point NULL is no point.
 * Return: TESTFAULT_* bits of what else to do here, 0 for nothing.
 */
int testfault__check(const char *point);

#endif
