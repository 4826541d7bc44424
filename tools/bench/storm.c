// SPDX-License-Identifier: GPL-2.0
/*
 * storm MODE N - one process doing N operations back to back, timed:
 *
 *   kill9    fork a child that blocks in pause(), SIGKILL it, reap it
 *   forkexit fork a child that exits 0 at once, reap it
 *   sigign   send SIGUSR1 to a child that ignores it (N kill() calls)
 *
 * Prints "mode=M ops=N ns=T ns_per_op=X cpu_ns_per_op=C". A tracer's cost
 * shows up as a larger ns_per_op: sequential operations measure the
 * latency each event adds, which is what a busy process manager feels.
 * cpu_ns_per_op is the CPU time of the storm and its children (BPF
 * programs run in their context), less sensitive to other load.
 */
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

static void child_wait(void)
{
	/* An orphan never lingers: the parent's death ends it too. */
	alarm(600);
	for (;;)
		pause();
}

static uint64_t kill9(unsigned long n)
{
	uint64_t t0 = bench_now_ns();
	unsigned long i;
	int st;

	for (i = 0; i < n; i++) {
		pid_t p = fork();

		if (p < 0)
			bench_die("fork");
		if (p == 0)
			child_wait();
		if (kill(p, SIGKILL))
			bench_die("kill %d", p);
		if (waitpid(p, &st, 0) != p || !WIFSIGNALED(st) || WTERMSIG(st) != SIGKILL)
			bench_die("child %d did not die by SIGKILL (status %#x)", p, st);
	}
	return bench_now_ns() - t0;
}

static uint64_t forkexit(unsigned long n)
{
	uint64_t t0 = bench_now_ns();
	unsigned long i;
	int st;

	for (i = 0; i < n; i++) {
		pid_t p = fork();

		if (p < 0)
			bench_die("fork");
		if (p == 0)
			_exit(0);
		if (waitpid(p, &st, 0) != p || st != 0)
			bench_die("child %d: status %#x", p, st);
	}
	return bench_now_ns() - t0;
}

static uint64_t sigign(unsigned long n)
{
	uint64_t t0, t1;
	unsigned long i;
	int st, pfd[2];
	char c;
	pid_t p;

	if (pipe(pfd))
		bench_die("pipe");
	p = fork();
	if (p < 0)
		bench_die("fork");
	if (p == 0) {
		signal(SIGUSR1, SIG_IGN);
		close(pfd[0]);
		if (write(pfd[1], "r", 1) != 1)
			_exit(1);
		child_wait();
	}
	close(pfd[1]);
	if (read(pfd[0], &c, 1) != 1)
		bench_die("child %d did not start", p);
	t0 = bench_now_ns();
	for (i = 0; i < n; i++)
		if (kill(p, SIGUSR1))
			bench_die("kill %d", p);
	t1 = bench_now_ns();
	kill(p, SIGKILL);
	waitpid(p, &st, 0);
	return t1 - t0;
}

static uint64_t tv_ns(const struct timeval *tv)
{
	return tv->tv_sec * 1000000000ULL + tv->tv_usec * 1000ULL;
}

static uint64_t cpu_ns(void)
{
	struct rusage self, kids;

	getrusage(RUSAGE_SELF, &self);
	getrusage(RUSAGE_CHILDREN, &kids);
	return tv_ns(&self.ru_utime) + tv_ns(&self.ru_stime) + tv_ns(&kids.ru_utime) +
	       tv_ns(&kids.ru_stime);
}

int main(int argc, char **argv)
{
	unsigned long n;
	uint64_t ns, cpu0;

	bench_prog = "storm";
	if (argc != 3) {
		fprintf(stderr, "usage: storm kill9|forkexit|sigign N\n");
		return 2;
	}
	n = bench_num(argv[2], "N");
	/* SIGUSR1 must be ignored by the child, not by us: a fresh default. */
	signal(SIGUSR1, SIG_DFL);
	cpu0 = cpu_ns();
	if (!strcmp(argv[1], "kill9"))
		ns = kill9(n);
	else if (!strcmp(argv[1], "forkexit"))
		ns = forkexit(n);
	else if (!strcmp(argv[1], "sigign"))
		ns = sigign(n);
	else {
		fprintf(stderr, "storm: unknown mode '%s'\n", argv[1]);
		return 2;
	}
	printf("mode=%s ops=%lu ns=%llu ns_per_op=%.0f cpu_ns_per_op=%.0f\n", argv[1], n,
	       (unsigned long long)ns, (double)ns / n, (double)(cpu_ns() - cpu0) / n);
	return 0;
}
