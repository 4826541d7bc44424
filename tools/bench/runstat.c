// SPDX-License-Identifier: GPL-2.0
/*
 * runstat RESULT CMD [ARG..] - run CMD, then write to the file RESULT
 * "ns=T out_ns=O maxrss_kb=M anon_kb=A status=S cpu_ns=C":
 *
 *   ns         its wall time
 *   out_ns     when it wrote the last byte of its stdout (a command that
 *              prints its report and then tears down shows both parts)
 *   maxrss_kb  the kernel's peak resident set (wait4(); it counts the pages
 *              of files the command maps, such as an image it copies from)
 *   anon_kb    the peak of RssAnon in /proc/PID/status, sampled every
 *              millisecond: the command's own memory
 *   status     its exit status (128 + signal when killed)
 *   cpu_ns     its user + system CPU time (its own threads; on a shared
 *              machine this moves less than the wall time)
 *
 * The command's stdout passes through a pipe to runstat's, unchanged.
 * Exits with the command's status.
 */
#include <fcntl.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

static long rss_anon_kb(pid_t pid)
{
	char path[64], line[256];
	long kb = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "RssAnon: %ld", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/* Copy what is in the pipe to stdout; 0 at end of file. */
static ssize_t pass_output(int fd)
{
	char buf[65536];
	ssize_t n = read(fd, buf, sizeof(buf));

	if (n > 0 && write(1, buf, n) != n)
		bench_die("write");
	return n;
}

int main(int argc, char **argv)
{
	struct pollfd pfd[2] = {{.events = POLLIN}, {.events = POLLIN}};
	uint64_t t0, t1, out = 0;
	long anon, peak_anon = 0;
	struct rusage ru;
	int st, pipefd[2];
	FILE *res;
	pid_t p, r;

	bench_prog = "runstat";
	if (argc < 3) {
		fprintf(stderr, "usage: runstat RESULT CMD [ARG..]\n");
		return 2;
	}
	if (pipe2(pipefd, O_CLOEXEC))
		bench_die("pipe");
	t0 = bench_now_ns();
	p = fork();
	if (p < 0)
		bench_die("fork");
	if (p == 0) {
		dup2(pipefd[1], 1);
		execvp(argv[2], argv + 2);
		bench_die("exec %s", argv[2]);
	}
	close(pipefd[1]);
	/* Non-blocking: a process the command leaves behind may hold the pipe. */
	fcntl(pipefd[0], F_SETFL, O_NONBLOCK);
	/* A pidfd wakes us the moment it exits: the wall time stays exact. */
	pfd[0].fd = syscall(SYS_pidfd_open, p, 0);
	pfd[1].fd = pipefd[0];
	while ((r = wait4(p, &st, WNOHANG, &ru)) == 0) {
		anon = rss_anon_kb(p);
		if (anon > peak_anon)
			peak_anon = anon;
		if (poll(pfd, 2, 1) > 0 && (pfd[1].revents & (POLLIN | POLLHUP))) {
			ssize_t n = pass_output(pipefd[0]);

			if (n > 0)
				out = bench_now_ns();
			else if (n == 0 || errno != EAGAIN)
				pfd[1].fd = -1; /* closed early: stop polling it */
		}
	}
	if (r != p)
		bench_die("wait4");
	t1 = bench_now_ns();
	/* What is left was written before the exit. */
	while (pfd[1].fd >= 0 && pass_output(pipefd[0]) > 0)
		out = out ? out : t1;
	res = fopen(argv[1], "we");
	if (!res)
		bench_die("%s", argv[1]);
	fprintf(res, "ns=%llu out_ns=%llu maxrss_kb=%ld anon_kb=%ld status=%d cpu_ns=%llu\n",
		(unsigned long long)(t1 - t0), (unsigned long long)(out ? out - t0 : 0),
		ru.ru_maxrss, peak_anon, WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st),
		(unsigned long long)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000ULL +
			(unsigned long long)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000ULL);
	fclose(res);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
