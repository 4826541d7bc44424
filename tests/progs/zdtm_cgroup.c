// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_cgroup - cgroups survive a checkpoint/restore: the process moves
 * itself into PROCDIR... (any number of cgroup directories, v1 or v2),
 * starts a thread that moves itself alone into THREADDIR (a v1 cgroup:
 * its "tasks" file), touches MIB MiB of anonymous memory, and after
 * restore finds /proc/self/cgroup and its thread's unchanged. With
 * ZDTM_CGROUP_FD=1 it holds a directory fd on the first PROCDIR (a cgroup
 * restore may have to make again), which must still be that cgroup: its
 * path, and the task in its cgroup.procs.
 *
 * usage: zdtm_cgroup MIB THREADDIR PROCDIR...   (THREADDIR "-": no thread move)
 */
#include <fcntl.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "zdtm.h"

static char proc_before[4096], thread_before[4096];
static pid_t thread_tid;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int thread_ready;

static void slurp(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		zdtm_fail("open %s", path);
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
}

static void enter(const char *dir, const char *file, long id)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	f = fopen(path, "w");
	if (!f || fprintf(f, "%ld\n", id) < 0 || fclose(f))
		zdtm_fail("cannot enter %s", path);
}

static void *thread_main(void *arg)
{
	const char *dir = arg;
	char path[64];

	thread_tid = syscall(SYS_gettid);
	if (strcmp(dir, "-"))
		enter(dir, "tasks", thread_tid);
	snprintf(path, sizeof(path), "/proc/self/task/%d/cgroup", thread_tid);
	slurp(path, thread_before, sizeof(thread_before));
	pthread_mutex_lock(&lock);
	thread_ready = 1;
	pthread_cond_signal(&cond);
	pthread_mutex_unlock(&lock);
	for (;;)
		pause();
	return NULL;
}

int main(int argc, char **argv)
{
	char now[4096], path[64], link[4096];
	size_t mib, i;
	ssize_t n;
	int dfd, pfd;
	pthread_t th;
	char *mem;

	zdtm_init();
	if (argc < 3)
		zdtm_fail("usage: zdtm_cgroup MIB THREADDIR PROCDIR...");
	mib = strtoul(argv[1], NULL, 10);
	for (i = 3; i < (size_t)argc; i++)
		enter(argv[i], "cgroup.procs", 0);
	dfd = argc > 3 && getenv("ZDTM_CGROUP_FD") ? open(argv[3], O_RDONLY | O_DIRECTORY) : -2;
	if (dfd == -1)
		zdtm_fail("open %s", argv[3]);
	/* Charged to the cgroups entered above, and after restore to the same. */
	mem = mmap(NULL, mib << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		zdtm_fail("mmap");
	for (i = 0; i < mib << 20; i += 4096)
		mem[i] = (char)(i >> 12) | 1;
	if (pthread_create(&th, NULL, thread_main, argv[2]))
		zdtm_fail("pthread_create");
	pthread_mutex_lock(&lock);
	while (!thread_ready)
		pthread_cond_wait(&cond, &lock);
	pthread_mutex_unlock(&lock);
	slurp("/proc/self/cgroup", proc_before, sizeof(proc_before));
	printf("thread=%d\n", thread_tid);
	zdtm_ready();
	zdtm_wait_term();

	slurp("/proc/self/cgroup", now, sizeof(now));
	if (strcmp(now, proc_before))
		zdtm_fail("process cgroups changed:\n%s---\n%s", proc_before, now);
	snprintf(path, sizeof(path), "/proc/self/task/%d/cgroup", thread_tid);
	slurp(path, now, sizeof(now));
	if (strcmp(now, thread_before))
		zdtm_fail("thread cgroups changed:\n%s---\n%s", thread_before, now);
	for (i = 0; i < mib << 20; i += 4096)
		if (mem[i] != ((char)(i >> 12) | 1))
			zdtm_fail("memory changed at +%zu", i);
	if (dfd >= 0) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", dfd);
		n = readlink(path, link, sizeof(link) - 1);
		if (n < 0 || (link[n] = '\0', strcmp(link, argv[3])))
			zdtm_fail("the cgroup fd is %s, not %s", n < 0 ? "gone" : link, argv[3]);
		pfd = openat(dfd, "cgroup.procs", O_RDONLY);
		n = pfd >= 0 ? read(pfd, now, sizeof(now) - 1) : -1;
		snprintf(path, sizeof(path), "%d\n", getpid());
		if (n < 0 || (now[n] = '\0', !strstr(now, path)))
			zdtm_fail("the cgroup fd's cgroup.procs does not list this task");
	}
	return zdtm_pass();
}
