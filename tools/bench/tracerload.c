// SPDX-License-Identifier: GPL-2.0
/*
 * tracerload [N] - the fixed pieces of a restore's start, each timed alone,
 * N times (default 5), one line each:
 *
 *   load_ms      loading the restore's tracer (the light skeleton of
 *                bpf/watchdog.bpf.c, sized as user/trace/tracer.c sizes it): the
 *                kernel relocates (CO-RE) and verifies every program then
 *   load_cpu_ms  the CPU time of that load (the thread's own, kernel
 *                included): steadier than load_ms on a shared machine
 *   attach_ms    attaching its programs
 *   destroy_ms   closing it (a restore's tear-down)
 *   kallsyms_ms  reading all of /proc/kallsyms, what a first kernel stack
 *                costs (pidtrace reads it only for a record with one)
 *
 * A restore reads its image while the tracer loads in a thread, then
 * waits for it: load_ms is the floor of a small restore.
 */
#include <fcntl.h>
#include <unistd.h>

#include "bench.h"
#include "pidtrace.h"
#include "watchdog.lskel.h"

static double ms_since(uint64_t t0)
{
	return (bench_now_ns() - t0) / 1e6;
}

/* This thread's CPU time (user + system), ns. */
static uint64_t thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static double read_kallsyms(void)
{
	uint64_t t0 = bench_now_ns();
	char buf[1 << 16];
	int fd = open("/proc/kallsyms", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		bench_die("/proc/kallsyms");
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	close(fd);
	return ms_since(t0);
}

int main(int argc, char **argv)
{
	unsigned long n = argc > 1 ? bench_num(argv[1], "N") : 5, i;
	struct watchdog_lbpf *s;
	double load, load_cpu, attach, destroy;
	uint64_t t0, c0;

	bench_prog = "tracerload";
	for (i = 0; i < n; i++) {
		t0 = bench_now_ns();
		c0 = thread_cpu_ns();
		s = watchdog_lbpf__open();
		if (!s)
			bench_die("open");
		s->maps.deaths.max_entries = 1;
		s->maps.kills.max_entries = 1;
		if (watchdog_lbpf__load(s))
			bench_die("load (as root?)");
		load = ms_since(t0);
		load_cpu = (thread_cpu_ns() - c0) / 1e6;
		t0 = bench_now_ns();
		if (watchdog_lbpf__attach(s))
			bench_die("attach");
		attach = ms_since(t0);
		t0 = bench_now_ns();
		watchdog_lbpf__destroy(s);
		destroy = ms_since(t0);
		printf("load_ms=%.2f load_cpu_ms=%.2f attach_ms=%.2f destroy_ms=%.2f kallsyms_ms=%.2f\n",
		       load, load_cpu, attach, destroy, read_kallsyms());
	}
	return 0;
}
