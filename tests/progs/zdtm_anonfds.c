// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_anonfds - eventfd, signalfd and timerfd:
 *  - an eventfd with a counter above 2^32 (O_NONBLOCK), an EFD_SEMAPHORE
 *    one with a count of 3, shared with a child that takes one unit;
 *  - a signalfd (O_NONBLOCK) for SIGUSR1 and SIGRTMIN+2, both blocked,
 *    with a SIGUSR1 pending that it must read after restore;
 *  - a periodic timerfd (60 s left, every 7 s), a one-shot timerfd that
 *    already expired and was not read (one tick), a disarmed one on
 *    CLOCK_REALTIME, and an absolute CLOCK_REALTIME one.
 */
#include <fcntl.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>

#include "zdtm.h"

#define BIG 0x123456789ULL

static uint64_t rd64(int fd, const char *what)
{
	uint64_t v;

	if (read(fd, &v, sizeof(v)) != sizeof(v))
		zdtm_fail("%s: read", what);
	return v;
}

static double secs(const struct timespec *ts)
{
	return ts->tv_sec + ts->tv_nsec / 1e9;
}

int main(void)
{
	struct itimerspec its, cur;
	struct signalfd_siginfo si;
	struct timespec now;
	int ev, sem, sfd, tper, tone, toff, tabs, status;
	sigset_t mask;
	uint64_t v;
	pid_t pid;
	time_t abs_at;

	zdtm_init();
	ev = eventfd(0, EFD_NONBLOCK);
	sem = eventfd(3, EFD_SEMAPHORE);
	v = BIG;
	if (ev < 0 || sem < 0 || write(ev, &v, sizeof(v)) != sizeof(v))
		zdtm_fail("eventfd");
	sigemptyset(&mask);
	sigaddset(&mask, SIGUSR1);
	sigaddset(&mask, SIGRTMIN + 2);
	if (sigprocmask(SIG_BLOCK, &mask, NULL))
		zdtm_fail("sigprocmask");
	sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	/* sigsuspend() below: everything but these two may come in. */
	if (sfd < 0 || kill(getpid(), SIGUSR1))
		zdtm_fail("signalfd");

	tper = timerfd_create(CLOCK_MONOTONIC, 0);
	tone = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
	toff = timerfd_create(CLOCK_REALTIME, 0);
	tabs = timerfd_create(CLOCK_REALTIME, 0);
	if (tper < 0 || tone < 0 || toff < 0 || tabs < 0)
		zdtm_fail("timerfd_create");
	memset(&its, 0, sizeof(its));
	its.it_value.tv_sec = 60;
	its.it_interval.tv_sec = 7;
	if (timerfd_settime(tper, 0, &its, NULL))
		zdtm_fail("timerfd_settime periodic");
	memset(&its, 0, sizeof(its));
	its.it_value.tv_nsec = 1000000;
	if (timerfd_settime(tone, 0, &its, NULL))
		zdtm_fail("timerfd_settime one-shot");
	clock_gettime(CLOCK_REALTIME, &now);
	abs_at = now.tv_sec + 100;
	memset(&its, 0, sizeof(its));
	its.it_value.tv_sec = abs_at;
	if (timerfd_settime(tabs, TFD_TIMER_ABSTIME, &its, NULL))
		zdtm_fail("timerfd_settime absolute");
	usleep(20000); /* the one-shot expires: one tick, unread */

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		zdtm_wait_term();
		if (rd64(sem, "child semaphore") != 1)
			zdtm_fail("child: semaphore read is not 1");
		exit(0);
	}
	zdtm_ready();
	/* Wait with SIGUSR1 still blocked: it is for the signalfd. */
	while (!zdtm_stop)
		sigsuspend(&mask);

	if (rd64(ev, "eventfd") != BIG)
		zdtm_fail("eventfd count lost");
	if (read(ev, &v, sizeof(v)) != -1 || errno != EAGAIN)
		zdtm_fail("eventfd: not O_NONBLOCK, or not reset by the read");
	kill(pid, SIGTERM);
	if (waitpid(pid, &status, 0) != pid || status)
		zdtm_fail("child failed (status 0x%x)", status);
	/* 3, the child took 1: two more, one at a time. */
	if (rd64(sem, "semaphore") != 1 || rd64(sem, "semaphore") != 1)
		zdtm_fail("semaphore");
	v = 0;
	if (fcntl(sem, F_SETFL, O_NONBLOCK) || read(sem, &v, 8) != -1 || errno != EAGAIN)
		zdtm_fail("semaphore count is not 0 after three reads (%lu)", (unsigned long)v);

	if (read(sfd, &si, sizeof(si)) != sizeof(si) || si.ssi_signo != SIGUSR1)
		zdtm_fail("signalfd did not give the pending SIGUSR1");
	if (kill(getpid(), SIGRTMIN + 2) || read(sfd, &si, sizeof(si)) != sizeof(si) ||
	    (int)si.ssi_signo != SIGRTMIN + 2)
		zdtm_fail("signalfd mask lost SIGRTMIN+2");
	if (!(fcntl(sfd, F_GETFD) & FD_CLOEXEC))
		zdtm_fail("signalfd lost close-on-exec");

	if (timerfd_gettime(tper, &cur))
		zdtm_fail("timerfd_gettime");
	if (cur.it_interval.tv_sec != 7 || cur.it_interval.tv_nsec ||
	    secs(&cur.it_value) > 60 || secs(&cur.it_value) < 30)
		zdtm_fail("periodic timerfd: %.3f s left every %.3f s, expected <= 60 every 7",
			  secs(&cur.it_value), secs(&cur.it_interval));
	if (rd64(tone, "one-shot timerfd") != 1)
		zdtm_fail("one-shot timerfd: the tick was lost");
	if (read(tone, &v, 8) != -1 || errno != EAGAIN)
		zdtm_fail("one-shot timerfd: not O_NONBLOCK or fired again");
	if (timerfd_gettime(toff, &cur) || cur.it_value.tv_sec || cur.it_value.tv_nsec)
		zdtm_fail("disarmed timerfd is armed");
	clock_gettime(CLOCK_REALTIME, &now);
	if (timerfd_gettime(tabs, &cur))
		zdtm_fail("timerfd_gettime absolute");
	/* gettime gives what is left: the expiry must still be abs_at. */
	if (now.tv_sec + secs(&cur.it_value) < abs_at - 1 ||
	    now.tv_sec + secs(&cur.it_value) > abs_at + 1)
		zdtm_fail("absolute timerfd: expires at %.0f, expected %ld",
			  now.tv_sec + secs(&cur.it_value), (long)abs_at);
	return zdtm_pass();
}
