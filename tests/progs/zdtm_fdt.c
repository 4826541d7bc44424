// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_fdt [MODE] - fd tables shared between processes (CLONE_FILES).
 *
 * No MODE: the root P (with a second thread) has a child A made with
 * CLONE_FILES, and A a child A2 made the same way: one table for P, its
 * thread, A and A2. P also forks B (a copy of the table), and B makes B2
 * with CLONE_FILES: a second shared table. P's table holds a pipe at fd
 * 100 with 5 bytes in it. After restore (SIGTERM): kcmp(KCMP_FILES) says
 * the same sharing as before; P dup2()s a file to fd 150 and asks each
 * child (SIGUSR1) whether it sees fd 150: A and A2 must, B and B2 not;
 * B dup2()s to fd 151 before it answers, and B2 must see that one; A
 * reads the pipe's 5 bytes through fd 100 (P's fd, opened before dump).
 *
 * Refused by a dump (the tree must run on untouched; SIGTERM then checks
 * the sharing is still as it was and prints PASS):
 *   orphan  P forks Q, Q makes R1 and R2 with CLONE_FILES, then Q
 *           unshare(CLONE_FILES)s: R1 and R2 share a table their parent
 *           does not (restore could not make it shared again).
 *   thread  a thread of P unshare(CLONE_FILES)s: its own fd table.
 * READY prints the pids: "READY pid=P q=Q r1=R1 r2=R2 tid=T".
 */
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <linux/kcmp.h>

#include "zdtm.h"

enum { KID_A, KID_A2, KID_B, KID_B2, NKIDS };

static int rep[2];		/* children -> P: "pid" at start, answers later */
static volatile sig_atomic_t asked;
static volatile pid_t thread_tid;
static int thread_unshare;

static void on_usr1(int sig)
{
	(void)sig;
	asked = 1;
}

static pid_t clone_files(void)
{
	return syscall(SYS_clone, CLONE_FILES | SIGCHLD, NULL, NULL, NULL, 0);
}

static int same_table(pid_t a, pid_t b)
{
	return syscall(SYS_kcmp, a, b, KCMP_FILES, 0, 0) == 0;
}

struct msg {
	int kid;
	pid_t pid;
	char sees150, sees151;
	char data[6];
};

static void say(const struct msg *m)
{
	if (write(rep[1], m, sizeof(*m)) != sizeof(*m))
		_exit(3);
}

/* A child's life: say its pid, wait for SIGUSR1, answer, wait to be killed. */
static void __attribute__((noreturn)) kid(int idx)
{
	struct msg m = { .kid = idx, .pid = getpid() };
	sigset_t none;

	sigemptyset(&none);
	say(&m);
	while (!asked)
		sigsuspend(&none);
	if (idx == KID_B && dup2(2, 151) != 151)
		_exit(4);
	m.sees150 = fcntl(150, F_GETFD) >= 0 ? 'y' : 'n';
	m.sees151 = fcntl(151, F_GETFD) >= 0 ? 'y' : 'n';
	if (idx == KID_A && read(100, m.data, 5) != 5)
		memcpy(m.data, "none", 5);
	say(&m);
	for (;;)
		pause();
}

static void *thread_main(void *arg)
{
	(void)arg;
	if (thread_unshare && unshare(CLONE_FILES))
		zdtm_fail("unshare(CLONE_FILES)");
	thread_tid = syscall(SYS_gettid);
	for (;;)
		pause();
	return NULL;
}

static void read_msg(struct msg *m)
{
	if (read(rep[0], m, sizeof(*m)) != sizeof(*m))
		zdtm_fail("read a child's message");
}

static void expect(pid_t a, pid_t b, int want, const char *what)
{
	if (same_table(a, b) != want)
		zdtm_fail("%s: pids %d and %d %s one fd table", what, a, b,
			  want ? "do not share" : "share");
}

/* orphan: R1 and R2 share a table their parent Q gave up. */
static pid_t orphan(pid_t *r1, pid_t *r2)
{
	struct msg m;
	pid_t q = fork();

	if (q < 0)
		zdtm_fail("fork");
	if (q == 0) {
		pid_t a = clone_files(), b;

		if (a == 0)
			kid(0);
		b = clone_files();
		if (b == 0)
			kid(1);
		if (a < 0 || b < 0 || unshare(CLONE_FILES))
			_exit(5);
		for (;;)
			pause();
	}
	read_msg(&m);
	*r1 = m.pid;
	read_msg(&m);
	*r2 = m.pid;
	if (*r1 > *r2) {
		pid_t t = *r1;

		*r1 = *r2;
		*r2 = t;
	}
	return q;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	pid_t pids[NKIDS] = { 0 }, q = 0, r1 = 0, r2 = 0, p = getpid();
	struct sigaction sa;
	struct msg m;
	pthread_t th;
	int pp[2], i;

	zdtm_init();
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	if (sigaction(SIGUSR1, &sa, NULL))
		zdtm_fail("sigaction(SIGUSR1)");
	if (pipe(rep))
		zdtm_fail("pipe");
	thread_unshare = !strcmp(mode, "thread");
	if (pthread_create(&th, NULL, thread_main, NULL))
		zdtm_fail("pthread_create");
	while (!thread_tid)
		usleep(1000);
	if (!strcmp(mode, "orphan")) {
		q = orphan(&r1, &r2);
	} else if (!*mode) {
		if (pipe(pp) || dup2(pp[0], 100) != 100 || write(pp[1], "hello", 5) != 5)
			zdtm_fail("the pipe at fd 100");
		close(pp[0]);
		pids[KID_A] = clone_files();
		if (pids[KID_A] == 0) {
			pid_t a2 = clone_files();

			if (a2 == 0)
				kid(KID_A2);
			if (a2 < 0)
				_exit(6);
			kid(KID_A);
		}
		pids[KID_B] = fork();
		if (pids[KID_B] == 0) {
			pid_t b2 = clone_files();

			if (b2 == 0)
				kid(KID_B2);
			if (b2 < 0)
				_exit(6);
			kid(KID_B);
		}
		if (pids[KID_A] < 0 || pids[KID_B] < 0)
			zdtm_fail("clone");
		for (i = 0; i < NKIDS; i++) {
			read_msg(&m);
			pids[m.kid] = m.pid;
		}
	} else if (!thread_unshare) {
		zdtm_fail("unknown mode %s", mode);
	}
	printf("READY pid=%d q=%d r1=%d r2=%d tid=%d\n", p, q, r1, r2, thread_tid);
	fflush(stdout);
	zdtm_wait_term();

	expect(p, thread_tid, !thread_unshare, "P and its thread");
	if (q) {
		expect(r1, r2, 1, "R1 and R2");
		expect(q, r1, 0, "Q and R1");
		expect(p, q, 0, "P and Q");
		kill(r1, SIGKILL);
		kill(r2, SIGKILL);
		kill(q, SIGKILL);
		return zdtm_pass();
	}
	if (!*mode) {
		expect(p, pids[KID_A], 1, "P and A");
		expect(p, pids[KID_A2], 1, "P and A2");
		expect(p, pids[KID_B], 0, "P and B");
		expect(pids[KID_B], pids[KID_B2], 1, "B and B2");
		expect(p, pids[KID_B2], 0, "P and B2");
		if (dup2(2, 150) != 150)
			zdtm_fail("dup2 150");
		for (i = 0; i < NKIDS; i++) {
			static const char *const names[] = { "A", "A2", "B", "B2" };
			char want150 = i == KID_A || i == KID_A2 ? 'y' : 'n';
			char want151 = i == KID_B || i == KID_B2 ? 'y' : 'n';

			kill(pids[i], SIGUSR1);
			read_msg(&m);
			if (m.kid != i)
				zdtm_fail("answer of child %d, not %d", m.kid, i);
			if (m.sees150 != want150 || m.sees151 != want151)
				zdtm_fail("%s sees fd 150: %c, fd 151: %c", names[i], m.sees150,
					  m.sees151);
			if (i == KID_A && memcmp(m.data, "hello", 5))
				zdtm_fail("A read '%.5s' from fd 100, not hello", m.data);
		}
		for (i = 0; i < NKIDS; i++)
			kill(pids[i], SIGKILL);
	}
	return zdtm_pass();
}
