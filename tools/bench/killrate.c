// SPDX-License-Identifier: GPL-2.0
/*
 * killrate MODE SECS WORKERS - generate SIGKILLs as fast as the machine
 * can, from WORKERS processes at once (one per CPU gives the highest rate),
 * for SECS seconds:
 *
 *   fork   each worker: fork a child, SIGKILL it, reap it (a real death
 *          per kill: what a busy supervisor or a fork bomb killer does)
 *   burst  each worker forks 64 children, SIGKILLs all of them, then reaps
 *          them (deaths arrive in bursts, the ring buffer's worst case)
 *   flood  each worker SIGKILLs a child that is already dead and not yet
 *          reaped (a zombie), over and over: every kill() still generates
 *          a SIGKILL in the kernel (result "ignored"), at syscall speed,
 *          with no fork in between - the highest SIGKILL generation rate
 *
 * Prints "mode=M workers=W secs=S kills=K deaths=D rate=R" with R in
 * kills per second.
 */
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

#define BURST 64

struct counts {
	volatile uint64_t kills, deaths;
};

static void child_wait(void)
{
	alarm(600);
	for (;;)
		pause();
}

static pid_t spawn(void)
{
	pid_t p = fork();

	if (p < 0)
		bench_die("fork");
	if (p == 0)
		child_wait();
	return p;
}

static void reap(pid_t p, struct counts *c)
{
	int st;

	if (waitpid(p, &st, 0) != p)
		bench_die("waitpid %d", p);
	if (WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL)
		c->deaths++;
}

static void work(const char *mode, uint64_t end, struct counts *c)
{
	pid_t kids[BURST];
	int i;

	if (!strcmp(mode, "fork")) {
		while (bench_now_ns() < end) {
			pid_t p = spawn();

			kill(p, SIGKILL);
			c->kills++;
			reap(p, c);
		}
	} else if (!strcmp(mode, "burst")) {
		while (bench_now_ns() < end) {
			for (i = 0; i < BURST; i++)
				kids[i] = spawn();
			for (i = 0; i < BURST; i++) {
				kill(kids[i], SIGKILL);
				c->kills++;
			}
			for (i = 0; i < BURST; i++)
				reap(kids[i], c);
		}
	} else {
		pid_t z = fork();
		int n = 0;

		if (z < 0)
			bench_die("fork");
		if (z == 0)
			_exit(0);
		/* Wait until it is a zombie: waitid with WNOWAIT leaves it so. */
		{
			siginfo_t si;

			if (waitid(P_PID, z, &si, WEXITED | WNOWAIT))
				bench_die("waitid %d", z);
		}
		while (n || bench_now_ns() < end) {
			kill(z, SIGKILL);
			c->kills++;
			/* Read the clock once per 64 kills: it costs as much. */
			n = (n + 1) & 63;
		}
		reap(z, c);
	}
}

int main(int argc, char **argv)
{
	unsigned long secs, workers, w;
	struct counts *c;
	uint64_t kills = 0, deaths = 0, t0, t1, end;
	const char *mode;
	int st;

	bench_prog = "killrate";
	if (argc != 4) {
		fprintf(stderr, "usage: killrate fork|burst|flood SECS WORKERS\n");
		return 2;
	}
	mode = argv[1];
	if (strcmp(mode, "fork") && strcmp(mode, "burst") && strcmp(mode, "flood")) {
		fprintf(stderr, "killrate: unknown mode '%s'\n", mode);
		return 2;
	}
	secs = bench_num(argv[2], "SECS");
	workers = bench_num(argv[3], "WORKERS");
	c = mmap(NULL, workers * sizeof(*c), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1,
		 0);
	if (c == MAP_FAILED)
		bench_die("mmap");
	t0 = bench_now_ns();
	end = t0 + secs * 1000000000ULL;
	for (w = 0; w < workers; w++) {
		pid_t p = fork();

		if (p < 0)
			bench_die("fork");
		if (p == 0) {
			work(mode, end, &c[w]);
			_exit(0);
		}
	}
	for (w = 0; w < workers; w++)
		if (wait(&st) < 0 || st != 0)
			bench_die("a worker failed (status %#x)", st);
	t1 = bench_now_ns();
	for (w = 0; w < workers; w++) {
		kills += c[w].kills;
		deaths += c[w].deaths;
	}
	printf("mode=%s workers=%lu secs=%.3f kills=%llu deaths=%llu rate=%.0f\n", mode, workers,
	       (t1 - t0) / 1e9, (unsigned long long)kills, (unsigned long long)deaths,
	       kills / ((t1 - t0) / 1e9));
	return 0;
}
