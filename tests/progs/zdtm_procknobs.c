// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_procknobs - settings tools/procdiff found a restore did not bring
 * back, while the restore said it had: the I/O priority and the timer
 * slack of each thread (ioprio_set, PR_SET_TIMERSLACK: best-effort 3 and
 * 777777 ns for the main thread, idle and 123456 ns for the other), the
 * process's coredump_filter (0x7f) and KSM merge-any (PR_SET_MEMORY_MERGE);
 * the other thread's time slice (sched_setattr's sched_runtime for
 * SCHED_OTHER, 3 ms: Linux 6.12+, else not checked); a mapping sealed
 * with mseal() (Linux 6.10+), which munmap must still refuse; KEEP_CAPS and
 * memory-deny-write-execute (PR_SET_MDWE, Linux 6.3+), which no /proc file
 * shows; the main thread's NUMA policy (MPOL_INTERLEAVE on node 0, as
 * numactl --interleave=all) and a mapping's own (mbind MPOL_BIND). With the argument "securebits": SECBIT_NOROOT too, which a dump
 * must refuse (the test then only checks that it still has it). With
 * "tmpfile": a file made by open(O_TMPFILE), written, which after the
 * restore must still be linkable into a directory (linkat AT_EMPTY_PATH),
 * with its bytes (zdtm fd01's tmpfile(): ENOENT before).
 *
 * After SIGTERM each thread reads its own back. PASS or FAIL: why.
 */
#include <fcntl.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include "../../user/base/sched_attr.h"
#include "zdtm.h"

#define IOPRIO(class, data) ((class) << 13 | (data))
#define IOPRIO_WHO_PROCESS 1
#define MAIN_IO IOPRIO(2, 3)	/* best-effort, level 3 */
#define THR_IO IOPRIO(3, 0)	/* idle */
#define MAIN_SLACK 777777UL
#define THR_SLACK 123456UL
#define FILTER 0x7f
#ifndef PR_SET_MEMORY_MERGE
#define PR_SET_MEMORY_MERGE 67
#define PR_GET_MEMORY_MERGE 68
#endif

#define THR_SLICE 3000000ULL

static volatile int thr_ready, thr_check, thr_slice;
static char thr_err[128];

/* The calling thread's: 0, or a message in @err. */
static int check_own(int io, unsigned long slack, char *err, size_t len)
{
	long r = syscall(SYS_ioprio_get, IOPRIO_WHO_PROCESS, 0);

	if (r != io) {
		snprintf(err, len, "ioprio 0x%lx, expected 0x%x", r, io);
		return -1;
	}
	r = prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0);
	if ((unsigned long)r != slack) {
		snprintf(err, len, "timer slack %ld, expected %lu", r, slack);
		return -1;
	}
	return 0;
}

/*
 * @ns: set the calling thread's slice (0 if the kernel took it); 0: read
 * it back.
 */
static unsigned long long slice(unsigned long long ns)
{
	struct taskstate_sched_attr a;

	memset(&a, 0, sizeof(a));
	if (syscall(SYS_sched_getattr, 0, &a, sizeof(a), 0))
		return -1ULL;
	if (!ns)
		return a.sched_runtime;
	a.size = sizeof(a);
	a.sched_runtime = ns;
	if (syscall(SYS_sched_setattr, 0, &a, 0))
		return -1ULL;
	/* Before 6.12 the kernel ignores it for SCHED_OTHER. */
	return slice(0) == ns ? 0 : -1ULL;
}

static void *thread(void *arg)
{
	(void)arg;
	if (syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, THR_IO) ||
	    prctl(PR_SET_TIMERSLACK, THR_SLACK, 0, 0, 0))
		snprintf(thr_err, sizeof(thr_err), "thread setup failed");
	thr_slice = slice(THR_SLICE) == 0;
	thr_ready = 1;
	while (!thr_check)
		usleep(1000);
	if (thr_err[0] || check_own(THR_IO, THR_SLACK, thr_err, sizeof(thr_err)))
		return (void *)1;
	if (thr_slice && slice(0) != THR_SLICE) {
		snprintf(thr_err, sizeof(thr_err), "time slice %llu, expected %llu", slice(0),
			 THR_SLICE);
		return (void *)1;
	}
	return NULL;
}

int main(int argc, char **argv)
{
	char buf[32] = "", err[128];
	pthread_t t;
	void *ret;
	unsigned long node0 = 1;
	char *sealed, *bound;
	int fd, ksm, mdwe, numa, mode = -1;

	zdtm_init();
	if (argc > 1 && !strcmp(argv[1], "securebits")) {
		if (prctl(PR_SET_SECUREBITS, 1 /* SECBIT_NOROOT */, 0, 0, 0))
			zdtm_fail("PR_SET_SECUREBITS");
		zdtm_ready();
		zdtm_wait_term();
		if (prctl(PR_GET_SECUREBITS, 0, 0, 0, 0) != 1)
			zdtm_fail("securebits lost");
		return zdtm_pass();
	}
	if (argc > 1 && !strcmp(argv[1], "tmpfile")) {
		char buf[8] = "";

		fd = open(".", O_TMPFILE | O_RDWR, 0600);
		if (fd < 0 || write(fd, "data", 4) != 4)
			zdtm_fail("O_TMPFILE");
		zdtm_ready();
		zdtm_wait_term();
		unlink("linked");
		if (linkat(fd, "", AT_FDCWD, "linked", AT_EMPTY_PATH))
			zdtm_fail("linkat of the O_TMPFILE file");
		close(fd);
		fd = open("linked", O_RDONLY);
		if (fd < 0 || read(fd, buf, sizeof(buf)) != 4 || memcmp(buf, "data", 4))
			zdtm_fail("the linked file has not its bytes");
		unlink("linked");
		return zdtm_pass();
	}
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0))
		zdtm_fail("PR_SET_KEEPCAPS");
	/* Before 6.3 there is none: then not checked. */
	mdwe = prctl(65 /* PR_SET_MDWE */, 1, 0, 0, 0) == 0;
	/* A kernel without NUMA: not checked. */
	numa = syscall(SYS_set_mempolicy, 3 /* MPOL_INTERLEAVE */, &node0, 64) == 0;
	bound = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (bound == MAP_FAILED)
		zdtm_fail("mmap");
	if (numa && syscall(SYS_mbind, bound, 4096, 2 /* MPOL_BIND */, &node0, 64, 0))
		zdtm_fail("mbind");
	if (syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, MAIN_IO))
		zdtm_fail("ioprio_set");
	if (prctl(PR_SET_TIMERSLACK, MAIN_SLACK, 0, 0, 0))
		zdtm_fail("PR_SET_TIMERSLACK");
	fd = open("/proc/self/coredump_filter", O_WRONLY);
	if (fd < 0 || write(fd, "0x7f", 4) != 4)
		zdtm_fail("write coredump_filter");
	close(fd);
	/* A kernel before 6.4 has no merge-any: then it is not checked. */
	ksm = prctl(PR_SET_MEMORY_MERGE, 1, 0, 0, 0) == 0;
	/* Between two unsealed pages, so that it is a mapping of its own. */
	sealed = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (sealed == MAP_FAILED)
		zdtm_fail("mmap");
	sealed += 4096;
	sealed[0] = 7;
	if (syscall(462 /* mseal */, sealed, 4096, 0))
		sealed = NULL; /* before 6.10: not checked */
	if (pthread_create(&t, NULL, thread, NULL))
		zdtm_fail("pthread_create");
	while (!thr_ready)
		usleep(1000);
	if (thr_err[0])
		zdtm_fail("%s", thr_err);
	zdtm_ready();
	zdtm_wait_term();

	if (check_own(MAIN_IO, MAIN_SLACK, err, sizeof(err)))
		zdtm_fail("main thread: %s", err);
	fd = open("/proc/self/coredump_filter", O_RDONLY);
	if (fd < 0 || read(fd, buf, sizeof(buf) - 1) <= 0)
		zdtm_fail("read coredump_filter");
	close(fd);
	if (strtoul(buf, NULL, 16) != FILTER)
		zdtm_fail("coredump_filter %s, expected %x", buf, FILTER);
	if (ksm && prctl(PR_GET_MEMORY_MERGE, 0, 0, 0, 0) != 1)
		zdtm_fail("PR_GET_MEMORY_MERGE %d, expected 1", prctl(PR_GET_MEMORY_MERGE, 0, 0, 0, 0));
	if (prctl(PR_GET_KEEPCAPS, 0, 0, 0, 0) != 1)
		zdtm_fail("PR_GET_KEEPCAPS %d, expected 1", prctl(PR_GET_KEEPCAPS, 0, 0, 0, 0));
	if (mdwe && prctl(66 /* PR_GET_MDWE */, 0, 0, 0, 0) != 1)
		zdtm_fail("PR_GET_MDWE %d, expected 1", prctl(66, 0, 0, 0, 0));
	if (numa && (syscall(SYS_get_mempolicy, &mode, NULL, 0, NULL, 0) || mode != 3))
		zdtm_fail("NUMA policy %d, expected MPOL_INTERLEAVE (3)", mode);
	if (numa && (syscall(SYS_get_mempolicy, &mode, NULL, 0, bound, 2 /* MPOL_F_ADDR */) ||
		     mode != 2))
		zdtm_fail("the mapping's NUMA policy %d, expected MPOL_BIND (2)", mode);
	if (sealed && (sealed[0] != 7 || munmap(sealed, 4096) != -1 || errno != EPERM))
		zdtm_fail("the sealed mapping could be unmapped (or lost its byte)");
	thr_check = 1;
	if (pthread_join(t, &ret) || ret)
		zdtm_fail("thread: %s", thr_err);
	return zdtm_pass();
}
