// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_stopreport - what a parent kept of its children's stop reports
 * comes back as it was (restore_stopped.c). A is stopped and its stop
 * collected (waitpid WUNTRACED); B is stopped and not collected
 * (waitid WNOWAIT). The parent counts the SIGCHLDs (CLD_STOPPED) it gets.
 * After restore: no SIGCHLD more, A is not reported again
 * (waitpid(WUNTRACED|WNOHANG) returns 0), B is reported exactly once.
 * With argument "blocked" SIGCHLD is blocked from the start: one is
 * pending at dump, and exactly that one is pending after restore.
 */
#include <stdbool.h>
#include <sys/wait.h>
#include <time.h>

#include "zdtm.h"

static volatile sig_atomic_t nstopped;

static void on_chld(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	if (si->si_code == CLD_STOPPED)
		nstopped++;
}

static pid_t start_child(void)
{
	pid_t pid = fork();

	if (pid < 0)
		zdtm_fail("fork");
	if (pid == 0) {
		for (;;)
			pause();
	}
	return pid;
}

static void stop_child(pid_t pid, bool collect)
{
	siginfo_t si;
	int st;

	kill(pid, SIGSTOP);
	if (collect) {
		if (waitpid(pid, &st, WUNTRACED) != pid || !WIFSTOPPED(st))
			zdtm_fail("child %d did not stop", pid);
		return;
	}
	memset(&si, 0, sizeof(si));
	if (waitid(P_PID, pid, &si, WSTOPPED | WNOWAIT) || si.si_status != SIGSTOP)
		zdtm_fail("child %d did not stop", pid);
}

static bool chld_pending(void)
{
	sigset_t set;

	sigpending(&set);
	return sigismember(&set, SIGCHLD);
}

int main(int argc, char **argv)
{
	bool blocked = argc > 1 && !strcmp(argv[1], "blocked");
	struct timespec ms50 = { 0, 50 * 1000 * 1000 };
	struct sigaction sa;
	sigset_t set;
	pid_t a, b;
	int st, i, before;

	zdtm_init();
	fflush(stdout);
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_chld;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	if (sigaction(SIGCHLD, &sa, NULL))
		zdtm_fail("sigaction(SIGCHLD)");
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	if (blocked && sigprocmask(SIG_BLOCK, &set, NULL))
		zdtm_fail("sigprocmask");
	a = start_child();
	b = start_child();
	stop_child(a, true);
	stop_child(b, false);
	/* Both SIGCHLDs delivered (or, blocked, one pending) before the dump. */
	for (i = 0; i < 100 && !blocked && nstopped < 2; i++)
		nanosleep(&ms50, NULL);
	before = nstopped;
	if (blocked ? !chld_pending() || before : before != 2)
		zdtm_fail("SIGCHLD before dump: %d delivered, pending %d", before, chld_pending());
	zdtm_ready();
	if (blocked) {
		/* zdtm_wait_term()'s sigsuspend would take it: wait with it blocked. */
		sigaddset(&set, SIGTERM);
		sigprocmask(SIG_BLOCK, &set, NULL);
		sigemptyset(&set);
		sigaddset(&set, SIGTERM);
		/* rt_sigtimedwait() is not restarted after a seize: EINTR. */
		while ((i = sigwaitinfo(&set, NULL)) < 0 && errno == EINTR)
			;
		if (i != SIGTERM)
			zdtm_fail("sigwaitinfo");
	} else {
		zdtm_wait_term();
	}
	/* A late SIGCHLD of the restore would come now. */
	nanosleep(&ms50, NULL);
	nanosleep(&ms50, NULL);
	if (blocked && !chld_pending())
		zdtm_fail("the SIGCHLD pending at dump is gone");
	if (nstopped != before)
		zdtm_fail("%d SIGCHLD (CLD_STOPPED) after restore", nstopped - before);
	if (waitpid(a, &st, WUNTRACED | WNOHANG) != 0)
		zdtm_fail("A: its stop, collected before the dump, is reported again (0x%x)", st);
	if (waitpid(b, &st, WUNTRACED | WNOHANG) != b || !WIFSTOPPED(st) || WSTOPSIG(st) != SIGSTOP)
		zdtm_fail("B: its stop, not collected before the dump, is not reported");
	if (waitpid(b, &st, WUNTRACED | WNOHANG) != 0)
		zdtm_fail("B: its stop is reported twice");
	if (blocked) {
		sigemptyset(&set);
		sigaddset(&set, SIGCHLD);
		sigprocmask(SIG_UNBLOCK, &set, NULL);
		if (nstopped != 1)
			zdtm_fail("%d SIGCHLD (CLD_STOPPED) delivered once unblocked, not 1", nstopped);
	}
	kill(a, SIGKILL);
	kill(b, SIGKILL);
	waitpid(a, &st, 0);
	waitpid(b, &st, 0);
	return zdtm_pass();
}
