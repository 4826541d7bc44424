// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_signals - signal state: a SA_SIGINFO handler with flags and a mask,
 * an ignored signal, a blocked mask, pending signals (a standard one and
 * two queued real-time ones with their values), an alternate stack and a
 * parent-death signal. After restore everything is checked, then the mask
 * is lifted and the pending signals must arrive with their siginfo.
 */
#include <sys/prctl.h>

#include "zdtm.h"

static volatile int got_usr1, got_rt, rt_sum;
static char altstack[65536];

static void handler(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (sig == SIGUSR1)
		got_usr1++;
	if (sig == SIGRTMIN + 1) {
		got_rt++;
		rt_sum += si->si_value.sival_int;
	}
}

int main(void)
{
	struct sigaction sa, got;
	sigset_t block, cur, pend;
	stack_t ss, ss_got;
	union sigval v;
	int pdeath = 0;

	zdtm_init();
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = handler;
	sa.sa_flags = SA_SIGINFO | SA_RESTART | SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGHUP);
	if (sigaction(SIGUSR1, &sa, NULL) || sigaction(SIGRTMIN + 1, &sa, NULL))
		zdtm_fail("sigaction");
	signal(SIGUSR2, SIG_IGN);
	ss.ss_sp = altstack;
	ss.ss_size = sizeof(altstack);
	ss.ss_flags = 0;
	if (sigaltstack(&ss, NULL))
		zdtm_fail("sigaltstack");
	if (prctl(PR_SET_PDEATHSIG, SIGHUP))
		zdtm_fail("PR_SET_PDEATHSIG");
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigaddset(&block, SIGRTMIN + 1);
	sigprocmask(SIG_BLOCK, &block, NULL);
	kill(getpid(), SIGUSR1);
	v.sival_int = 40;
	sigqueue(getpid(), SIGRTMIN + 1, v);
	v.sival_int = 2;
	sigqueue(getpid(), SIGRTMIN + 1, v);
	zdtm_ready();
	/* Wait with the test's mask: the pending signals stay pending. */
	while (!zdtm_stop)
		sigsuspend(&block);
	if (sigaction(SIGUSR1, NULL, &got) || got.sa_sigaction != handler ||
	    (got.sa_flags & (SA_SIGINFO | SA_RESTART | SA_ONSTACK)) != (SA_SIGINFO | SA_RESTART | SA_ONSTACK) ||
	    !sigismember(&got.sa_mask, SIGHUP))
		zdtm_fail("SIGUSR1 action lost");
	if (sigaction(SIGUSR2, NULL, &got) || got.sa_handler != SIG_IGN)
		zdtm_fail("SIGUSR2 not ignored");
	sigprocmask(SIG_BLOCK, NULL, &cur);
	if (!sigismember(&cur, SIGUSR1) || !sigismember(&cur, SIGRTMIN + 1) || sigismember(&cur, SIGUSR2))
		zdtm_fail("blocked mask lost");
	sigpending(&pend);
	if (!sigismember(&pend, SIGUSR1) || !sigismember(&pend, SIGRTMIN + 1))
		zdtm_fail("pending signals lost");
	if (sigaltstack(NULL, &ss_got) || ss_got.ss_sp != altstack || ss_got.ss_size != sizeof(altstack))
		zdtm_fail("sigaltstack lost");
	if (prctl(PR_GET_PDEATHSIG, &pdeath) || pdeath != SIGHUP)
		zdtm_fail("pdeath signal %d, expected SIGHUP", pdeath);
	sigprocmask(SIG_UNBLOCK, &block, NULL);
	if (got_usr1 != 1 || got_rt != 2 || rt_sum != 42)
		zdtm_fail("after unblocking: SIGUSR1 x%d, RT x%d sum %d", got_usr1, got_rt, rt_sum);
	return zdtm_pass();
}
