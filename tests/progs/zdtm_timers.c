// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_timers - itimers and POSIX timers with their time left:
 *  - ITIMER_REAL 90 s left every 7 s, ITIMER_VIRTUAL 50 s every 3 s,
 *    ITIMER_PROF 40 s every 2 s;
 *  - POSIX timers: A on CLOCK_MONOTONIC sending SIGUSR1 with value 0xabc,
 *    80 s left every 5 s; B created then deleted (its id stays unused);
 *    C on CLOCK_REALTIME with SIGEV_NONE, disarmed; D on CLOCK_BOOTTIME
 *    sending SIGUSR2 with value 0x777 to this thread, 70 s left.
 * After restore: the same ids, intervals exact, time left no more than
 * before and not much less, and A and D, fired, deliver their signal with
 * their value and id.
 */
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>

#include "zdtm.h"

#ifndef sigev_notify_thread_id
#define sigev_notify_thread_id _sigev_un._tid
#endif

static int mk(int clock, int notify, int sig, uintptr_t val)
{
	struct sigevent ev;
	int id = -1;

	memset(&ev, 0, sizeof(ev));
	ev.sigev_notify = notify;
	ev.sigev_signo = sig;
	ev.sigev_value.sival_ptr = (void *)val;
	if (notify & SIGEV_THREAD_ID)
		ev.sigev_notify_thread_id = syscall(SYS_gettid);
	if (syscall(SYS_timer_create, clock, &ev, &id))
		zdtm_fail("timer_create");
	return id;
}

static void arm(int id, long value_s, long interval_s, long value_ns)
{
	struct itimerspec its = { { interval_s, 0 }, { value_s, value_ns } };

	if (syscall(SYS_timer_settime, id, 0, &its, NULL))
		zdtm_fail("timer_settime %d", id);
}

static double left(const struct timespec *ts)
{
	return ts->tv_sec + ts->tv_nsec / 1e9;
}

static void check_posix(const char *what, int id, double max, long interval)
{
	struct itimerspec its;

	if (syscall(SYS_timer_gettime, id, &its))
		zdtm_fail("%s: timer %d is gone", what, id);
	if (its.it_interval.tv_sec != interval || its.it_interval.tv_nsec ||
	    left(&its.it_value) > max || (max > 0 && left(&its.it_value) < max - 40) ||
	    (!max && left(&its.it_value)))
		zdtm_fail("%s: %.3f s left every %.3f s, expected <= %.0f every %ld", what,
			  left(&its.it_value), left(&its.it_interval), max, interval);
}

static void check_itimer(const char *what, int which, double max, long interval)
{
	struct itimerval v;
	double l;

	if (getitimer(which, &v))
		zdtm_fail("getitimer");
	l = v.it_value.tv_sec + v.it_value.tv_usec / 1e6;
	/* CPU-time timers read back rounded up to the tick: a little slack. */
	if (v.it_interval.tv_sec != interval || v.it_interval.tv_usec || l > max + 0.1 ||
	    l < max - 40)
		zdtm_fail("%s: %.3f s left every %ld.%06ld s, expected <= %.0f every %ld", what, l,
			  (long)v.it_interval.tv_sec, (long)v.it_interval.tv_usec, max, interval);
}

static void fires(const char *what, int id, int sig, uintptr_t val)
{
	struct timespec to = { 5, 0 };
	siginfo_t si;
	sigset_t s;

	sigemptyset(&s);
	sigaddset(&s, sig);
	arm(id, 0, 0, 10000000);
	if (sigtimedwait(&s, &si, &to) != sig)
		zdtm_fail("%s: no signal %d", what, sig);
	if (si.si_code != SI_TIMER || (uintptr_t)si.si_value.sival_ptr != val ||
	    si.si_timerid != id)
		zdtm_fail("%s: si_code %d, value %p, timer %d; expected SI_TIMER, 0x%lx, %d", what,
			  si.si_code, si.si_value.sival_ptr, si.si_timerid, (unsigned long)val, id);
}

int main(void)
{
	struct itimerval iv;
	struct itimerspec its;
	int a, b, c, d;
	sigset_t s;

	zdtm_init();
	/* SIGUSR1/2 wait in the queue for sigtimedwait(). */
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	sigaddset(&s, SIGUSR2);
	sigprocmask(SIG_BLOCK, &s, NULL);
	iv = (struct itimerval){ { 7, 0 }, { 90, 0 } };
	if (setitimer(ITIMER_REAL, &iv, NULL))
		zdtm_fail("setitimer real");
	iv = (struct itimerval){ { 3, 0 }, { 50, 0 } };
	if (setitimer(ITIMER_VIRTUAL, &iv, NULL))
		zdtm_fail("setitimer virtual");
	iv = (struct itimerval){ { 2, 0 }, { 40, 0 } };
	if (setitimer(ITIMER_PROF, &iv, NULL))
		zdtm_fail("setitimer prof");
	a = mk(CLOCK_MONOTONIC, SIGEV_SIGNAL, SIGUSR1, 0xabc);
	b = mk(CLOCK_MONOTONIC, SIGEV_SIGNAL, SIGUSR1, 0);
	c = mk(CLOCK_REALTIME, SIGEV_NONE, 0, 0);
	if (syscall(SYS_timer_delete, b))
		zdtm_fail("timer_delete");
	d = mk(CLOCK_BOOTTIME, SIGEV_SIGNAL | SIGEV_THREAD_ID, SIGUSR2, 0x777);
	arm(a, 80, 5, 0);
	arm(d, 70, 0, 0);
	printf("timers a=%d b=%d c=%d d=%d\n", a, b, c, d);
	zdtm_ready();
	/* SIGTERM comes in; SIGUSR1/2 stay blocked. */
	while (!zdtm_stop)
		sigsuspend(&s);

	check_itimer("ITIMER_REAL", ITIMER_REAL, 90, 7);
	check_itimer("ITIMER_VIRTUAL", ITIMER_VIRTUAL, 50, 3);
	check_itimer("ITIMER_PROF", ITIMER_PROF, 40, 2);
	check_posix("timer A", a, 80, 5);
	check_posix("timer C", c, 0, 0);
	check_posix("timer D", d, 70, 0);
	if (syscall(SYS_timer_gettime, b, &its) != -1 || errno != EINVAL)
		zdtm_fail("the deleted timer's id %d is in use", b);
	fires("timer A", a, SIGUSR1, 0xabc);
	fires("timer D", d, SIGUSR2, 0x777);
	return zdtm_pass();
}
