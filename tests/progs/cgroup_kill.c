// SPDX-License-Identifier: GPL-2.0
/*
 * cgroup_kill - write "1" to cgroup.kill of a cgroup v2 group that holds a
 * sleeping child.
 *
 * Usage: cgroup_kill [CGROUP_DIR]   (default /sys/fs/cgroup/unified/pidtrace-kill-PID)
 * Creates the group, moves the child in, kills the group, removes it.
 * Expected: cause cgroup-kill, SIGKILL, sender us (syscall write).
 * Prints: victim=PID sender=PID cgroup=CGROUP_DIR
 */
#include <limits.h>

#include "scen.h"

#define V2_ROOT "/sys/fs/cgroup/unified"

int main(int argc, char **argv)
{
	char dir[1024], path[PATH_MAX];
	struct scen_sync ready;
	pid_t victim;
	int err, ret = 0;

	scen_prog = "cgroup_kill";
	if (access(V2_ROOT "/cgroup.procs", F_OK)) {
		scen_msg("no cgroup v2 hierarchy at " V2_ROOT);
		return SCEN_SKIP;
	}
	if (argc > 1)
		snprintf(dir, sizeof(dir), "%s", argv[1]);
	else
		snprintf(dir, sizeof(dir), V2_ROOT "/pidtrace-kill-%d", getpid());
	if (mkdir(dir, 0755))
		scen_die("mkdir %s", dir);
	snprintf(path, sizeof(path), "%s/cgroup.kill", dir);
	if (access(path, W_OK)) {
		scen_msg("%s: %s (kernel older than 5.14?)", path, strerror(errno));
		scen_rmdir_cgroup(dir);
		return SCEN_SKIP;
	}
	scen_name("sc-cgkill");
	scen_sync_init(&ready);
	victim = scen_fork();
	if (victim == 0) {
		char procs[PATH_MAX], pid[32];

		scen_name("sc-cgkill-v");
		snprintf(procs, sizeof(procs), "%s/cgroup.procs", dir);
		snprintf(pid, sizeof(pid), "%d", getpid());
		err = scen_write_file(procs, pid);
		if (err) {
			scen_msg("%s: %s", procs, strerror(-err));
			_exit(1);
		}
		scen_sync_post(&ready, 0);
		scen_sleep_forever();
	}
	scen_sync_wait(&ready);
	printf("victim=%d sender=%d cgroup=%s\n", victim, getpid(), dir);
	fflush(stdout);
	err = scen_write_file(path, "1");
	if (err) {
		scen_msg("%s: %s", path, strerror(-err));
		kill(victim, SIGKILL);
		ret = -1;
	}
	ret |= scen_expect_signal(victim, SIGKILL);
	ret |= scen_rmdir_cgroup(dir);
	return ret ? 1 : 0;
}
