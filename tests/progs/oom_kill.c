// SPDX-License-Identifier: GPL-2.0
/*
 * oom_kill - the OOM killer kills a task in a small cgroup v1 memory group.
 *
 * Usage: oom_kill [CGROUP_DIR]   (default /sys/fs/cgroup/memory/pidtrace-oom-PID)
 * Creates the group with a 32 MiB limit (memory and memory+swap), moves a
 * child into it that touches memory until the OOM killer kills it, then
 * removes the group.
 * Expected: cause oom-kill, SIGKILL from the kernel, oom.memcg the group.
 * Prints: victim=PID memcg=CGROUP_DIR
 */
#include <limits.h>
#include <sys/mman.h>

#include "scen.h"

#define V1_MEMORY "/sys/fs/cgroup/memory"
#define LIMIT "33554432" /* 32 MiB */
#define CHUNK (1L << 20)
#define MAX_ALLOC (1L << 30) /* give up (and fail) after 1 GiB */

static int setup_group(const char *dir)
{
	char path[PATH_MAX];
	int err;

	if (mkdir(dir, 0755)) {
		scen_msg("mkdir %s: %s", dir, strerror(errno));
		return -1;
	}
	snprintf(path, sizeof(path), "%s/memory.limit_in_bytes", dir);
	err = scen_write_file(path, LIMIT);
	if (err) {
		scen_msg("%s: %s", path, strerror(-err));
		return -1;
	}
	/* Without swap accounting the limit above is all there is. */
	snprintf(path, sizeof(path), "%s/memory.memsw.limit_in_bytes", dir);
	err = scen_write_file(path, LIMIT);
	if (err && err != -ENOENT) {
		scen_msg("%s: %s", path, strerror(-err));
		return -1;
	}
	return 0;
}

static void __attribute__((noreturn)) hog(const char *dir)
{
	char path[PATH_MAX], pid[32];
	long done;
	int err;

	scen_name("sc-oom-v");
	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	snprintf(pid, sizeof(pid), "%d", getpid());
	err = scen_write_file(path, pid);
	if (err) {
		scen_msg("%s: %s", path, strerror(-err));
		_exit(1);
	}
	for (done = 0; done < MAX_ALLOC; done += CHUNK) {
		char *p = mmap(NULL, CHUNK, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			scen_die("mmap");
		memset(p, 0xa5, CHUNK);
	}
	scen_msg("allocated %ld MiB in a %s byte group and was not killed", done >> 20, LIMIT);
	_exit(3);
}

int main(int argc, char **argv)
{
	char dir[PATH_MAX];
	pid_t victim;
	int ret;

	scen_prog = "oom_kill";
	if (access(V1_MEMORY "/memory.limit_in_bytes", F_OK)) {
		scen_msg("no cgroup v1 memory controller at " V1_MEMORY);
		return SCEN_SKIP;
	}
	if (argc > 1)
		snprintf(dir, sizeof(dir), "%s", argv[1]);
	else
		snprintf(dir, sizeof(dir), V1_MEMORY "/pidtrace-oom-%d", getpid());
	if (setup_group(dir)) {
		scen_rmdir_cgroup(dir);
		return 1;
	}
	victim = scen_fork();
	if (victim == 0)
		hog(dir);
	printf("victim=%d memcg=%s\n", victim, dir);
	fflush(stdout);
	ret = scen_expect_signal(victim, SIGKILL);
	if (scen_rmdir_cgroup(dir))
		ret = -1;
	return ret ? 1 : 0;
}
