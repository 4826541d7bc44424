// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_sigwait: a task asleep in a call that swaps its signal mask for the
 * time of the call (rt_sigsuspend, ppoll, pselect6, epoll_pwait), woken by
 * SIGTERM; or ("read") in a read() of an empty pipe, which the kernel
 * restarts after a handler only when it was installed with SA_RESTART
 * (SIGTERM's is not). Its own mask outside the call blocks SIGUSR1 (and, with
 * "strict", SIGTERM too: the race-free way to wait). After the wake-up it
 * checks:
 * - the call returned -1 with EINTR (a restart the kernel did not decide,
 *   or a handler run outside the call, would show as another return or as
 *   a sleep that never ends: the wake-up missed);
 * - its signal mask is the one it had before the call: SIGUSR1 blocked
 *   (the call's temporary mask must not outlive it).
 * Usage: zdtm_sigwait sigsuspend|ppoll|pselect|epoll|read [strict]
 */
#include <poll.h>
#include <sys/epoll.h>
#include <sys/select.h>

#include "zdtm.h"

static int wait_once(const char *how, const sigset_t *during, int ep)
{
	if (!strcmp(how, "read")) {
		int p[2];
		char c;

		if (pipe(p))
			zdtm_fail("pipe");
		if (sigprocmask(SIG_SETMASK, during, NULL))
			zdtm_fail("sigprocmask");
		return (int)read(p[0], &c, 1);
	}
	if (!strcmp(how, "sigsuspend"))
		return sigsuspend(during);
	if (!strcmp(how, "ppoll"))
		return ppoll(NULL, 0, NULL, during);
	if (!strcmp(how, "pselect"))
		return pselect(0, NULL, NULL, NULL, NULL, during);
	if (!strcmp(how, "epoll")) {
		struct epoll_event ev;

		return epoll_pwait(ep, &ev, 1, -1, during);
	}
	zdtm_fail("unknown call %s", how);
}

int main(int argc, char **argv)
{
	const char *how = argc > 1 ? argv[1] : "sigsuspend";
	int strict = argc > 2 && !strcmp(argv[2], "strict");
	sigset_t outside, during, now;
	int ep = -1, r, e;

	zdtm_init();
	sigemptyset(&outside);
	sigaddset(&outside, SIGUSR1);
	if (strict)
		sigaddset(&outside, SIGTERM);
	if (sigprocmask(SIG_SETMASK, &outside, NULL))
		zdtm_fail("sigprocmask");
	sigemptyset(&during);
	if (!strcmp(how, "epoll") && (ep = epoll_create1(0)) < 0)
		zdtm_fail("epoll_create1");
	zdtm_ready();
	/* One call: any return but EINTR after SIGTERM is a failure. */
	r = wait_once(how, &during, ep);
	e = errno;
	if (r != -1 || e != EINTR) {
		errno = e;
		zdtm_fail("%s returned %d, expected -1 with EINTR", how, r);
	}
	if (!zdtm_stop)
		zdtm_fail("%s returned EINTR without SIGTERM", how);
	if (sigprocmask(SIG_SETMASK, NULL, &now))
		zdtm_fail("sigprocmask");
	/* read() runs under the mask it set itself: nothing swapped back. */
	if (strcmp(how, "read") &&
	    (!sigismember(&now, SIGUSR1) || sigismember(&now, SIGTERM) != strict)) {
		errno = 0;
		zdtm_fail("signal mask after %s: SIGUSR1 %s, SIGTERM %s (expected blocked, %s)", how,
			  sigismember(&now, SIGUSR1) ? "blocked" : "unblocked",
			  sigismember(&now, SIGTERM) ? "blocked" : "unblocked",
			  strict ? "blocked" : "unblocked");
	}
	return zdtm_pass();
}
