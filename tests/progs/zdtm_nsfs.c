// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_nsfs [PID] - fds on the task's own namespace files (zdtm
 * proc-self): /proc/self/ns/NAME for net, uts, ipc, mnt, pid, cgroup and
 * user, the uts one close-on-exec. After restore: each fd names the
 * namespace /proc/self/ns/NAME names now (the same link), keeps its
 * close-on-exec flag, and setns() through the net one succeeds.
 *   PID  also an fd on /proc/PID/ns/net (a namespace the task is not
 *        in): dump must refuse; after SIGTERM it still names PID's.
 */
#include <fcntl.h>
#include <sched.h>

#include "zdtm.h"

static const char *const names[] = { "net", "uts", "ipc", "mnt", "pid", "cgroup", "user" };
#define N (sizeof(names) / sizeof(names[0]))

static void link_of(const char *path, char *buf, size_t len)
{
	ssize_t n = readlink(path, buf, len - 1);

	if (n < 0)
		zdtm_fail("readlink %s", path);
	buf[n] = 0;
}

int main(int argc, char **argv)
{
	char p[64], a[128], b[128], other[128] = "";
	int fd[N], ofd = -1;
	size_t i;

	zdtm_init();
	for (i = 0; i < N; i++) {
		snprintf(p, sizeof(p), "/proc/self/ns/%s", names[i]);
		fd[i] = open(p, O_RDONLY | (i == 1 ? O_CLOEXEC : 0));
		if (fd[i] < 0)
			zdtm_fail("open %s", p);
	}
	if (argc > 1) {
		snprintf(p, sizeof(p), "/proc/%s/ns/net", argv[1]);
		ofd = open(p, O_RDONLY);
		if (ofd < 0)
			zdtm_fail("open %s", p);
		link_of(p, other, sizeof(other));
	}
	zdtm_ready();
	zdtm_wait_term();

	for (i = 0; i < N; i++) {
		snprintf(p, sizeof(p), "/proc/self/fd/%d", fd[i]);
		link_of(p, a, sizeof(a));
		snprintf(p, sizeof(p), "/proc/self/ns/%s", names[i]);
		link_of(p, b, sizeof(b));
		if (strcmp(a, b))
			zdtm_fail("fd %d is %s, /proc/self/ns/%s %s", fd[i], a, names[i], b);
		if (!(fcntl(fd[i], F_GETFD) & FD_CLOEXEC) != (i != 1))
			zdtm_fail("fd %d: close-on-exec changed", fd[i]);
	}
	if (setns(fd[0], CLONE_NEWNET))
		zdtm_fail("setns through the net fd");
	if (ofd >= 0) {
		snprintf(p, sizeof(p), "/proc/self/fd/%d", ofd);
		link_of(p, a, sizeof(a));
		if (strcmp(a, other))
			zdtm_fail("the other net fd is %s, expected %s", a, other);
	}
	return zdtm_pass();
}
