// SPDX-License-Identifier: GPL-2.0
/*
 * fault_target - a process that checks its own state all the time, for the
 * tests that kill pidtrace (or fail it on purpose) in the middle of a dump:
 * whatever happened, the target must run on exactly as it was.
 *
 *   fault_target REPORT [tree] [spin|sleep]
 *
 * Writes REPORT (key=value, appears complete) and counts in
 * REPORT.counter. Each round it spins in registers it then checks (general
 * purpose, SSE, AVX when present), sleeps (clock_nanosleep must return 0:
 * an interrupted sleep comes back restarted, never -EINTR or -ERESTART*),
 * and checks its signal mask, pending signals, alternate stack, a signal
 * action, a limit and its memory map against what they were at start. The
 * first difference is written to REPORT.broken and the process exits 3.
 *
 * tree: a child does the same (REPORT.child, REPORT.child.counter). In
 * the child SIGUSR1 forks a grandchild that sleeps, SIGHUP makes it exec
 * itself again, SIGINT makes it exit(7): what a test does to a tree that
 * pidtrace is walking.
 * spin / sleep: only one of the two halves of a round (default: both).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *report;
static int counter_fd = -1;
static char maps0[65536];
static stack_t alt0;
static struct sigaction usr2_0;
static struct rlimit nofile0;
static volatile sig_atomic_t want_fork, want_exec, want_exit, handled;
static char **saved_argv;

static void broken(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void broken(const char *fmt, ...)
{
	char path[4200], msg[512];
	va_list ap;
	FILE *f;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(path, sizeof(path), "%s.broken", report);
	f = fopen(path, "w");
	if (f) {
		fprintf(f, "pid %d: %s\n", getpid(), msg);
		fclose(f);
	}
	_exit(3);
}

static void read_maps(char *buf, size_t len)
{
	int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
	ssize_t n, got = 0;

	if (fd < 0)
		broken("open maps: %s", strerror(errno));
	while ((n = read(fd, buf + got, len - 1 - got)) > 0)
		got += n;
	close(fd);
	buf[got] = '\0';
}

/*
 * Known values in registers across a busy loop: a tracer that puts back the
 * wrong registers (or FPU state) after a remote call is caught here.
 */
static void spin_check(unsigned long loops)
{
	static const uint64_t pat[8] = { 0x1111111122222222ULL, 0x3333333344444444ULL,
					 0x5555555566666666ULL, 0x7777777788888888ULL,
					 0x99999999aaaaaaaaULL, 0xbbbbbbbbccccccccULL,
					 0xddddddddeeeeeeeeULL, 0x0123456789abcdefULL };
	uint64_t gpr[5], vec[8] __attribute__((aligned(32)));
	int i;

	__asm__ volatile("movq 0(%[pat]), %%rbx\n\t"
			 "movq 8(%[pat]), %%r12\n\t"
			 "movq 16(%[pat]), %%r13\n\t"
			 "movq 24(%[pat]), %%r14\n\t"
			 "movq 32(%[pat]), %%r15\n\t"
			 "movdqu 0(%[pat]), %%xmm8\n\t"
			 "movdqu 16(%[pat]), %%xmm9\n\t"
			 "movdqu 32(%[pat]), %%xmm10\n\t"
			 "movdqu 48(%[pat]), %%xmm11\n\t"
			 "1: dec %[n]\n\t"
			 "jnz 1b\n\t"
			 "movq %%rbx, 0(%[gpr])\n\t"
			 "movq %%r12, 8(%[gpr])\n\t"
			 "movq %%r13, 16(%[gpr])\n\t"
			 "movq %%r14, 24(%[gpr])\n\t"
			 "movq %%r15, 32(%[gpr])\n\t"
			 "movdqu %%xmm8, 0(%[vec])\n\t"
			 "movdqu %%xmm9, 16(%[vec])\n\t"
			 "movdqu %%xmm10, 32(%[vec])\n\t"
			 "movdqu %%xmm11, 48(%[vec])\n\t"
			 : [n] "+r"(loops)
			 : [pat] "r"(pat), [gpr] "r"(gpr), [vec] "r"(vec)
			 : "rbx", "r12", "r13", "r14", "r15", "xmm8", "xmm9", "xmm10", "xmm11",
			   "memory", "cc");
	for (i = 0; i < 5; i++)
		if (gpr[i] != pat[i])
			broken("register %d changed: 0x%lx", i, (unsigned long)gpr[i]);
	if (memcmp(vec, pat, sizeof(vec)))
		broken("an SSE register changed");
	if (__builtin_cpu_supports("avx")) {
		loops = 200000;
		__asm__ volatile("vmovdqu 0(%[pat]), %%ymm12\n\t"
				 "vmovdqu 32(%[pat]), %%ymm13\n\t"
				 "1: dec %[n]\n\t"
				 "jnz 1b\n\t"
				 "vmovdqu %%ymm12, 0(%[vec])\n\t"
				 "vmovdqu %%ymm13, 32(%[vec])\n\t"
				 "vzeroupper\n\t"
				 : [n] "+r"(loops)
				 : [pat] "r"(pat), [vec] "r"(vec)
				 : "xmm12", "xmm13", "memory", "cc");
		if (memcmp(vec, pat, sizeof(vec)))
			broken("an AVX register changed");
	}
}

static void sleep_check(void)
{
	struct timespec ts = { 0, 3 * 1000 * 1000 };
	int r;

	handled = 0;
	r = clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, NULL);
	/* Only a handler we ran ourselves may interrupt the sleep. */
	if (r && !(r == EINTR && handled))
		broken("clock_nanosleep returned %d", r);
}

static void state_check(void)
{
	static char maps[65536];
	struct sigaction sa;
	struct rlimit rl;
	sigset_t cur, pend;
	stack_t alt;

	if (sigprocmask(SIG_BLOCK, NULL, &cur) || !sigismember(&cur, SIGUSR2) ||
	    sigismember(&cur, SIGTERM) || sigismember(&cur, SIGUSR1))
		broken("signal mask changed");
	if (sigpending(&pend) || !sigismember(&pend, SIGUSR2))
		broken("pending SIGUSR2 lost");
	if (sigaltstack(NULL, &alt) || alt.ss_sp != alt0.ss_sp || alt.ss_size != alt0.ss_size ||
	    alt.ss_flags != alt0.ss_flags)
		broken("alternate signal stack changed (%p %zu %d)", alt.ss_sp, alt.ss_size,
		       alt.ss_flags);
	if (sigaction(SIGUSR2, NULL, &sa) || sa.sa_handler != usr2_0.sa_handler ||
	    sa.sa_flags != usr2_0.sa_flags)
		broken("SIGUSR2 action changed");
	if (getrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur != nofile0.rlim_cur)
		broken("RLIMIT_NOFILE changed");
	read_maps(maps, sizeof(maps));
	if (strcmp(maps, maps0)) {
		char path[4200];
		FILE *f;

		snprintf(path, sizeof(path), "%s.maps", report);
		f = fopen(path, "w");
		if (f) {
			fprintf(f, "before:\n%s\nnow:\n%s", maps0, maps);
			fclose(f);
		}
		broken("memory map changed (REPORT.maps)");
	}
}

static void on_usr2(int sig)
{
	(void)sig;
}

static void on_request(int sig)
{
	handled = 1;
	if (sig == SIGUSR1)
		want_fork = 1;
	else if (sig == SIGHUP)
		want_exec = 1;
	else if (sig == SIGINT)
		want_exit = 1;
}

static void setup_state(void)
{
	struct sigaction sa;
	sigset_t set;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr2;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGUSR2, &sa, NULL);
	sigaction(SIGUSR2, NULL, &usr2_0);
	sa.sa_handler = on_request;
	sa.sa_flags = 0;
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, NULL);
	raise(SIGUSR2);
	alt0.ss_sp = malloc(65536);
	alt0.ss_size = 65536;
	alt0.ss_flags = 0;
	if (!alt0.ss_sp || sigaltstack(&alt0, NULL))
		broken("sigaltstack: %s", strerror(errno));
	sigaltstack(NULL, &alt0);
	getrlimit(RLIMIT_NOFILE, &nofile0);
}

static void write_report(const char *path, pid_t child)
{
	char tmp[4200];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f)
		broken("report: %s", strerror(errno));
	fprintf(f, "pid=%d\nppid=%d\n", getpid(), getppid());
	if (child)
		fprintf(f, "child_pid=%d\n", child);
	fclose(f);
	rename(tmp, path);
}

static void open_counter(const char *path)
{
	char p[4200];

	snprintf(p, sizeof(p), "%s.counter", path);
	counter_fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (counter_fd < 0)
		broken("counter: %s", strerror(errno));
}

static void run(int mode)
{
	unsigned long count = 0;
	char buf[32];
	pid_t g;
	int n;

	/* The first round settles the memory map (stdio, lazy binding). */
	spin_check(1000);
	sleep_check();
	read_maps(maps0, sizeof(maps0));
	state_check();
	for (;;) {
		if (mode != 2)
			spin_check(2000000);
		if (mode != 1)
			sleep_check();
		if (want_fork) {
			want_fork = 0;
			g = fork();
			if (g == 0) {
				sleep(2);
				_exit(0);
			}
		}
		if (want_exec) {
			want_exec = 0;
			execv("/proc/self/exe", saved_argv);
			broken("exec: %s", strerror(errno));
		}
		if (want_exit)
			exit(7);
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		state_check();
		n = snprintf(buf, sizeof(buf), "%lu\n", ++count);
		if (pwrite(counter_fd, buf, n, 0) != n)
			broken("counter write: %s", strerror(errno));
	}
}

int main(int argc, char **argv)
{
	char child_rep[4200];
	int i, mode = 0;
	bool tree = false;
	pid_t child = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: fault_target REPORT [tree] [spin|sleep]\n");
		return 2;
	}
	report = argv[1];
	for (i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "tree"))
			tree = true;
		else if (!strcmp(argv[i], "spin"))
			mode = 1;
		else if (!strcmp(argv[i], "sleep"))
			mode = 2;
	}
	setup_state();
	if (tree) {
		snprintf(child_rep, sizeof(child_rep), "%s.child", report);
		child = fork();
		if (child < 0)
			broken("fork: %s", strerror(errno));
		if (child == 0) {
			char *args[] = { argv[0], child_rep, argc > 2 && mode == 1 ? "spin" :
					 mode == 2 ? "sleep" : "both", NULL };

			prctl(PR_SET_PDEATHSIG, SIGKILL);
			/* The child runs as a program of its own: it can exec itself again. */
			execv("/proc/self/exe", args);
			broken("exec: %s", strerror(errno));
		}
	}
	saved_argv = argv;
	open_counter(report);
	write_report(report, child);
	run(mode);
	return 0;
}
