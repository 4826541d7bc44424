// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_pidfd - the pidfd family, checked after restore:
 *   - a pidfd to itself, and a PIDFD_THREAD one to itself;
 *   - a pidfd to a live child L, then used to SIGKILL it;
 *   - two pidfds (two open files, one pidfs inode) to a child R that was
 *     SIGKILLed and reaped before the dump: PIDFD_GET_INFO says 9;
 *   - a child X with a grandchild G that exited with 3 and was reaped by
 *     X: both the root and X hold a pidfd to G (the CRIU #2496 case);
 *     after restore both pidfds must share one inode and PIDFD_GET_INFO
 *     must say 0x300 (CRIU's restore says 9 here).
 */
#include <fcntl.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "zdtm.h"

#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL
#endif

struct zpidfd_info {
	uint64_t mask, cgroupid;
	uint32_t pid, tgid, ppid, ruid, rgid, euid, egid, suid, sgid, fsuid, fsgid;
	int32_t exit_code;
	uint32_t coredump_mask, spare1;
};

#define ZPIDFD_GET_INFO _IOWR(0xFF, 11, struct zpidfd_info)
#define ZPIDFD_INFO_PID 1ULL
#define ZPIDFD_INFO_EXIT (1ULL << 3)

static int popen_fd(pid_t pid, unsigned int flags)
{
	int fd = syscall(SYS_pidfd_open, pid, flags);

	if (fd < 0)
		zdtm_fail("pidfd_open(%d)", pid);
	return fd;
}

static int exit_of(int fd)
{
	struct zpidfd_info info = { .mask = ZPIDFD_INFO_EXIT };

	if (ioctl(fd, ZPIDFD_GET_INFO, &info) < 0)
		zdtm_fail("PIDFD_GET_INFO");
	if (!(info.mask & ZPIDFD_INFO_EXIT))
		return -1;
	return info.exit_code;
}

static uint32_t pid_of(int fd)
{
	struct zpidfd_info info = { .mask = ZPIDFD_INFO_PID };

	if (ioctl(fd, ZPIDFD_GET_INFO, &info) < 0)
		zdtm_fail("PIDFD_GET_INFO(pid)");
	return info.pid;
}

static ino_t ino_of(int fd)
{
	struct stat st;

	if (fstat(fd, &st))
		zdtm_fail("fstat");
	return st.st_ino;
}

struct x_report {
	ino_t ino;
	int exit_code;
};

/* X: fork G, hold a pidfd to it, let it exit(3), reap it; report after restore. */
static void __attribute__((noreturn)) task_x(int to_root, int from_root)
{
	struct x_report rep;
	int go[2], xg;
	pid_t g;
	char c;

	if (pipe(go))
		zdtm_fail("X: pipe");
	g = fork();
	if (g == 0) {
		close(go[1]);
		if (read(go[0], &c, 1) != 1)
			_exit(1);
		_exit(3);
	}
	xg = popen_fd(g, 0);
	if (write(to_root, &g, sizeof(g)) != sizeof(g) || read(from_root, &c, 1) != 1)
		zdtm_fail("X: sync");
	if (write(go[1], "x", 1) != 1 || waitpid(g, NULL, 0) != g)
		zdtm_fail("X: reap G");
	close(go[0]);
	close(go[1]);
	if (write(to_root, &g, sizeof(g)) != sizeof(g))
		zdtm_fail("X: sync");
	zdtm_wait_term();
	rep.ino = ino_of(xg);
	rep.exit_code = exit_of(xg);
	if (write(to_root, &rep, sizeof(rep)) != sizeof(rep))
		zdtm_fail("X: report");
	exit(0);
}

int main(void)
{
	int self, self_thread, live, r1, r2, gfd, xfd, up[2], down[2], st;
	struct x_report rep;
	siginfo_t si;
	pid_t l, r, x, g;
	char path[64], *info = NULL, buf[512];
	FILE *f;

	zdtm_init();
	self = popen_fd(getpid(), 0);
	self_thread = popen_fd(getpid(), PIDFD_THREAD);
	fflush(stdout);
	l = fork();
	if (l == 0) {
		for (;;)
			pause();
	}
	live = popen_fd(l, 0);
	r = fork();
	if (r == 0) {
		for (;;)
			pause();
	}
	r1 = popen_fd(r, 0);
	r2 = popen_fd(r, 0);
	kill(r, SIGKILL);
	if (waitpid(r, &st, 0) != r || st != SIGKILL)
		zdtm_fail("reaping R");
	if (pipe(up) || pipe(down))
		zdtm_fail("pipe");
	x = fork();
	if (x == 0) {
		close(up[0]);
		close(down[1]);
		task_x(up[1], down[0]);
	}
	close(up[1]);
	close(down[0]);
	xfd = popen_fd(x, 0);
	if (read(up[0], &g, sizeof(g)) != sizeof(g))
		zdtm_fail("waiting for X");
	gfd = popen_fd(g, 0);
	if (write(down[1], "x", 1) != 1 || read(up[0], &g, sizeof(g)) != sizeof(g))
		zdtm_fail("waiting for G's end");
	zdtm_ready();
	zdtm_wait_term();

	if (pid_of(self) != (uint32_t)getpid())
		zdtm_fail("pidfd to self names pid %u", pid_of(self));
	if (!(fcntl(self_thread, F_GETFL) & O_EXCL) || pid_of(self_thread) != (uint32_t)getpid())
		zdtm_fail("PIDFD_THREAD pidfd to self lost its flag or target");
	if (pid_of(live) != (uint32_t)l)
		zdtm_fail("pidfd to live child names %u, not %d", pid_of(live), l);
	if (ino_of(r1) != ino_of(r2) || ino_of(r1) == ino_of(gfd))
		zdtm_fail("pidfds to R do not share one inode");
	if (exit_of(r1) != SIGKILL || exit_of(r2) != SIGKILL)
		zdtm_fail("R's exit status is 0x%x, expected 0x9", exit_of(r1));
	if (exit_of(gfd) != 0x300)
		zdtm_fail("G's exit status is 0x%x, expected 0x300", exit_of(gfd));
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", gfd);
	f = fopen(path, "r");
	while (f && fgets(buf, sizeof(buf), f))
		if (!strncmp(buf, "Pid:", 4))
			info = strdup(buf);
	if (f)
		fclose(f);
	if (!info || atoi(info + 4) != -1)
		zdtm_fail("fdinfo of the dead pidfd: %s", info ? info : "no Pid:");
	/* Kill L through the restored pidfd. */
	if (syscall(SYS_pidfd_send_signal, live, SIGKILL, NULL, 0))
		zdtm_fail("pidfd_send_signal");
	memset(&si, 0, sizeof(si));
	if (waitid(P_PIDFD, live, &si, WEXITED) || si.si_pid != l || si.si_code != CLD_KILLED ||
	    si.si_status != SIGKILL)
		zdtm_fail("L did not die by SIGKILL through the pidfd");
	kill(x, SIGTERM);
	if (read(up[0], &rep, sizeof(rep)) != sizeof(rep))
		zdtm_fail("X did not report");
	if (rep.ino != ino_of(gfd))
		zdtm_fail("X's pidfd to G is another inode");
	if (rep.exit_code != 0x300)
		zdtm_fail("X sees G's exit status 0x%x", rep.exit_code);
	memset(&si, 0, sizeof(si));
	if (waitid(P_PIDFD, xfd, &si, WEXITED) || si.si_code != CLD_EXITED || si.si_status != 0)
		zdtm_fail("X failed");
	return zdtm_pass();
}
