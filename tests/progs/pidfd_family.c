// SPDX-License-Identifier: GPL-2.0
/*
 * pidfd_family - a process holding pidfds in every state a dump must handle.
 *
 * It opens 8 pidfds: to itself, to a live child, to a zombie child, two to
 * the same reaped child (killed by SIGKILL, as CRIU's restore helper is),
 * to a reaped child that exited with 3, to a reaped child killed by SIGTERM,
 * and a PIDFD_THREAD pidfd to one of its threads. It then prints what it
 * knows as key=value lines, "ready=1" last, and waits for SIGTERM; on
 * SIGTERM it kills and reaps its children and exits 0.
 *
 * Wait statuses are printed as the kernel gave them to this program, so a
 * checker compares against facts, not against constants it also assumed.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL
#endif

static void die(const char *what)
{
	fprintf(stderr, "pidfd_family: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int open_pidfd(pid_t pid, unsigned int flags)
{
	int fd = pidfd_open(pid, flags);

	if (fd < 0)
		die("pidfd_open");
	return fd;
}

/* A child that runs @fn (never returns) and dies with its parent. */
static pid_t spawn(void (*fn)(void))
{
	pid_t pid = fork();

	if (pid < 0)
		die("fork");
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		fn();
		_exit(0);
	}
	return pid;
}

static void child_wait(void)
{
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (;;)
		pause();
}

static void child_exit5(void)
{
	_exit(5);
}

static void child_exit3(void)
{
	_exit(3);
}

static int reap(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		die("waitpid");
	return status;
}

static void *thread_main(void *arg)
{
	int *tid = arg;

	__atomic_store_n(tid, gettid(), __ATOMIC_RELEASE);
	for (;;)
		pause();
	return NULL;
}

int main(void)
{
	int self_fd, live_fd, zombie_fd, shared_fd1, shared_fd2, exit3_fd, sigterm_fd, thread_fd;
	pid_t live, zombie, shared, exit3, sigterm;
	int shared_status, exit3_status, sigterm_status, zombie_status;
	int thread_tid = 0, sig;
	pthread_t th;
	siginfo_t si;
	sigset_t set;

	setvbuf(stdout, NULL, _IOLBF, 0);
	/* SIGTERM is taken with sigwait() by the main thread only. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);

	self_fd = open_pidfd(getpid(), 0);

	live = spawn(child_wait);
	live_fd = open_pidfd(live, 0);

	zombie = spawn(child_exit5);
	zombie_fd = open_pidfd(zombie, 0);
	/* Wait until it is a zombie, and leave it one. */
	memset(&si, 0, sizeof(si));
	if (waitid(P_PID, zombie, &si, WEXITED | WNOWAIT) < 0)
		die("waitid");
	zombie_status = (si.si_status & 0xff) << 8;

	shared = spawn(child_wait);
	shared_fd1 = open_pidfd(shared, 0);
	shared_fd2 = open_pidfd(shared, 0);
	if (pidfd_send_signal(shared_fd1, SIGKILL, NULL, 0) < 0)
		die("pidfd_send_signal");
	shared_status = reap(shared);

	exit3 = spawn(child_exit3);
	exit3_fd = open_pidfd(exit3, 0);
	exit3_status = reap(exit3);

	sigterm = spawn(child_wait);
	sigterm_fd = open_pidfd(sigterm, 0);
	if (pidfd_send_signal(sigterm_fd, SIGTERM, NULL, 0) < 0)
		die("pidfd_send_signal");
	sigterm_status = reap(sigterm);

	if (pthread_create(&th, NULL, thread_main, &thread_tid))
		die("pthread_create");
	while (!__atomic_load_n(&thread_tid, __ATOMIC_ACQUIRE))
		usleep(1000);
	thread_fd = open_pidfd(thread_tid, PIDFD_THREAD);

	printf("pid=%d\n", getpid());
	printf("self_fd=%d\n", self_fd);
	printf("live_fd=%d\nlive_pid=%d\n", live_fd, live);
	printf("zombie_fd=%d\nzombie_pid=%d\nzombie_status=%d\n", zombie_fd, zombie, zombie_status);
	printf("shared_fd1=%d\nshared_fd2=%d\nshared_pid=%d\nshared_status=%d\n", shared_fd1,
	       shared_fd2, shared, shared_status);
	printf("exit3_fd=%d\nexit3_pid=%d\nexit3_status=%d\n", exit3_fd, exit3, exit3_status);
	printf("sigterm_fd=%d\nsigterm_pid=%d\nsigterm_status=%d\n", sigterm_fd, sigterm,
	       sigterm_status);
	printf("thread_fd=%d\nthread_tid=%d\n", thread_fd, thread_tid);
	printf("ready=1\n");

	do
		sig = sigwaitinfo(&set, NULL);
	while (sig < 0 && errno == EINTR);

	kill(live, SIGKILL);
	reap(live);
	reap(zombie);
	return 0;
}
