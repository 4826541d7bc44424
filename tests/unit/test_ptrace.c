// SPDX-License-Identifier: GPL-2.0
/*
 * test_ptrace.c - the ptrace library (user/ptrace/) on real children: seize a task
 * blocked in a syscall or spinning in user space, run syscalls inside it,
 * use its memory, and check it carries on exactly as before once detached.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ptrace.h"
#include "unit.h"

static char proc_state(pid_t pid);

static pid_t spawn_reader(int *wfd)
{
	int p[2];
	pid_t pid;

	if (pipe(p))
		return -1;
	pid = fork();
	if (pid == 0) {
		char c = 0;
		ssize_t n;

		close(p[1]);
		alarm(20);
		n = read(p[0], &c, 1);
		_exit(n == 1 && c == 'x' ? 0 : 1);
	}
	close(p[0]);
	*wfd = p[1];
	return pid;
}

static int exit_code(pid_t pid)
{
	int st;

	if (waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/*
 * Wait until @pid sleeps in read() (/proc/PID/syscall starts with its
 * number, 0): a fixed 50 ms was not always enough on a loaded 2-CPU machine
 * (the seize then found the child before its read). 10 s at most.
 */
static void wait_in_read(pid_t pid)
{
	char path[64], buf[64];
	FILE *f;
	int i;

	snprintf(path, sizeof(path), "/proc/%d/syscall", pid);
	for (i = 0; i < 2000; i++) {
		f = fopen(path, "r");
		buf[0] = '\0';
		if (f) {
			if (!fgets(buf, sizeof(buf), f))
				buf[0] = '\0';
			fclose(f);
		}
		if (!strncmp(buf, "0 ", 2) && proc_state(pid) == 'S')
			return;
		usleep(5000);
	}
}

/* A read() interrupted by the seize must restart transparently after detach. */
static void test_syscall_in_blocked_task(void)
{
	struct user_regs_struct r;
	struct ptrace_task *t;
	unsigned long addr;
	long args[6] = { 0 }, ret = 0;
	char buf[6] = { 0 };
	int wfd;
	pid_t pid = spawn_reader(&wfd);

	CHECK(pid > 0);
	wait_in_read(pid);
	CHECK(ptrace__seize(pid, &t) == 0);
	CHECK(ptrace__get_regs(t, &r) == 0);
	CHECK((long)r.orig_rax == SYS_read);
	CHECK((long)r.rax == -512); /* -ERESTARTSYS, restarted by the kernel later */
	CHECK(ptrace__syscall(t, SYS_getpid, args, &ret) == 0);
	CHECK(ret == pid);
	CHECK(ptrace__scratch(t, 100, &addr) == 0);
	CHECK(ptrace__write_mem(t, addr, "hello", 6) == 0);
	CHECK(ptrace__read_mem(t, addr, buf, 6) == 0);
	CHECK_STR(buf, "hello");
	CHECK(ptrace__get_regs(t, &r) == 0);
	CHECK((long)r.rax == -512);
	CHECK(ptrace__detach(t) == 0);
	CHECK(write(wfd, "x", 1) == 1);
	close(wfd);
	CHECK(exit_code(pid) == 0);
}

/* A task in user space: syscalls run from the vDSO's instruction. */
static void test_syscall_in_spinning_task(void)
{
	struct user_regs_struct r;
	struct ptrace_task *t;
	long args[6] = { 0 }, ret = 0;
	void *xs = NULL;
	size_t xlen = 0;
	pid_t pid = fork();

	if (pid == 0) {
		alarm(20);
		for (;;)
			;
	}
	CHECK(pid > 0);
	usleep(20000);
	CHECK(ptrace__seize(pid, &t) == 0);
	CHECK(ptrace__get_regs(t, &r) == 0);
	CHECK((long)r.orig_rax == -1);
	CHECK(ptrace__syscall(t, SYS_getppid, args, &ret) == 0);
	CHECK(ret == getpid());
	CHECK(ptrace__get_xstate(t, &xs, &xlen) == 0);
	CHECK(xlen >= 512 + 64);
	free(xs);
	CHECK(ptrace__detach(t) == 0);
	usleep(20000);
	CHECK(kill(pid, SIGKILL) == 0);
	CHECK(exit_code(pid) == 128 + SIGKILL);
}

/* nanosleep() returns -ERESTART_RESTARTBLOCK; the sleep must still finish. */
static void test_nanosleep_restarts(void)
{
	struct ptrace_task *t;
	long args[6] = { 0 }, ret;
	pid_t pid = fork();

	if (pid == 0) {
		struct timespec a, b, d = { 0, 400 * 1000 * 1000 };
		int r;

		clock_gettime(CLOCK_MONOTONIC, &a);
		r = nanosleep(&d, NULL);
		clock_gettime(CLOCK_MONOTONIC, &b);
		_exit(r == 0 && (b.tv_sec - a.tv_sec) * 1000000000L + b.tv_nsec - a.tv_nsec >=
					300 * 1000 * 1000 ? 0 : 1);
	}
	CHECK(pid > 0);
	usleep(100000);
	CHECK(ptrace__seize(pid, &t) == 0);
	CHECK(ptrace__syscall(t, SYS_getpid, args, &ret) == 0);
	CHECK(ret == pid);
	CHECK(ptrace__detach(t) == 0);
	CHECK(exit_code(pid) == 0);
}

/* Pending signals are visible without being dequeued, and stay pending. */
static void test_pending_signals(void)
{
	struct ptrace_task *t;
	siginfo_t *si = NULL;
	uint64_t mask = 0;
	size_t n = 0;
	int p[2];
	pid_t pid;

	CHECK(pipe(p) == 0);
	pid = fork();
	if (pid == 0) {
		struct timespec zero = { 0, 0 };
		sigset_t s;
		char c;

		close(p[1]);
		sigemptyset(&s);
		sigaddset(&s, SIGUSR2);
		sigprocmask(SIG_BLOCK, &s, NULL);
		raise(SIGUSR2);
		alarm(20);
		if (read(p[0], &c, 1) != 1)
			_exit(2);
		_exit(sigtimedwait(&s, NULL, &zero) == SIGUSR2 ? 0 : 1);
	}
	close(p[0]);
	CHECK(pid > 0);
	usleep(50000);
	CHECK(ptrace__seize(pid, &t) == 0);
	CHECK(ptrace__get_sigmask(t, &mask) == 0);
	CHECK(mask == 1ULL << (SIGUSR2 - 1));
	CHECK(ptrace__peek_siginfo(t, false, &si, &n) == 0);
	CHECK(n == 1 && si[0].si_signo == SIGUSR2 && si[0].si_code == SI_TKILL);
	free(si);
	CHECK(ptrace__peek_siginfo(t, true, &si, &n) == 0);
	CHECK(n == 0 && si == NULL);
	CHECK(ptrace__detach(t) == 0);
	CHECK(write(p[1], "x", 1) == 1);
	close(p[1]);
	CHECK(exit_code(pid) == 0);
}

static void test_kill_and_missing(void)
{
	struct ptrace_task *t;
	int wfd;
	pid_t pid = spawn_reader(&wfd);

	CHECK(pid > 0);
	CHECK(ptrace__seize(pid, &t) == 0);
	CHECK(ptrace__kill(t) == 0);
	close(wfd);
	/* The tracer (us, also the parent here) consumed the exit. */
	CHECK(waitpid(pid, NULL, WNOHANG) < 0 && errno == ECHILD);
	CHECK(ptrace__seize(pid, &t) == -ESRCH);
}

static char proc_state(pid_t pid)
{
	char path[64], buf[512], *p;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return p && p[1] ? p[2] : 0;
}

/* A task in a group stop is not taken: it stays stopped, as it was. */
static void test_group_stop_left_alone(void)
{
	struct ptrace_task *t = NULL;
	int wfd, st;
	pid_t pid = spawn_reader(&wfd);

	CHECK(pid > 0);
	CHECK(kill(pid, SIGSTOP) == 0);
	CHECK(waitpid(pid, &st, WUNTRACED) == pid && WIFSTOPPED(st));
	CHECK(ptrace__seize(pid, &t) == -EBUSY);
	usleep(20000);
	CHECK(proc_state(pid) == 'T');
	CHECK(kill(pid, SIGCONT) == 0);
	CHECK(write(wfd, "x", 1) == 1);
	close(wfd);
	CHECK(exit_code(pid) == 0);
}

UNIT_MAIN({
	RUN(test_syscall_in_blocked_task);
	RUN(test_syscall_in_spinning_task);
	RUN(test_nanosleep_restarts);
	RUN(test_pending_signals);
	RUN(test_kill_and_missing);
	RUN(test_group_stop_left_alone);
})
