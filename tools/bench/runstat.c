// SPDX-License-Identifier: GPL-2.0
/*
 * runstat RESULT CMD [ARG..] - run CMD, then write to the file RESULT
 * "ns=T maxrss_kb=M anon_kb=A status=S": its wall time, the peak resident
 * set of the command (the kernel's, from wait4(), in KiB: it counts the
 * pages of files the command maps, such as an image it copies from), the
 * peak of its anonymous memory alone (RssAnon of /proc/PID/status, sampled
 * every millisecond: the command's own memory) and its exit status. The
 * command's output passes through untouched. Exits with its status.
 */
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

int main(int argc, char **argv)
{
	long anon, peak_anon = 0;
	struct pollfd pfd = { .events = POLLIN };
	struct rusage ru;
	uint64_t t0, t1;
	FILE *out;
	pid_t p, r;
	int st;

	bench_prog = "runstat";
	if (argc < 3) {
		fprintf(stderr, "usage: runstat RESULT CMD [ARG..]\n");
		return 2;
	}
	t0 = bench_now_ns();
	p = fork();
	if (p < 0)
		bench_die("fork");
	if (p == 0) {
		execvp(argv[2], argv + 2);
		bench_die("exec %s", argv[2]);
	}
	/* A pidfd wakes us the moment it exits: the wall time stays exact. */
	pfd.fd = syscall(SYS_pidfd_open, p, 0);
	while ((r = wait4(p, &st, WNOHANG, &ru)) == 0) {
		anon = rss_anon_kb(p);
		if (anon > peak_anon)
			peak_anon = anon;
		if (pfd.fd < 0 || poll(&pfd, 1, 1) < 0) {
			const struct timespec ms = { 0, 1000000 };

			nanosleep(&ms, NULL);
		}
	}
	if (r != p)
		bench_die("wait4");
	t1 = bench_now_ns();
	out = fopen(argv[1], "we");
	if (!out)
		bench_die("%s", argv[1]);
	fprintf(out, "ns=%llu maxrss_kb=%ld anon_kb=%ld status=%d\n", (unsigned long long)(t1 - t0),
		ru.ru_maxrss, peak_anon, WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
	fclose(out);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
