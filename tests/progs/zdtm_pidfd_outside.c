// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_pidfd_outside PID - a pidfd to a live process outside the dumped
 * tree. After restore it must name the same process (PIDFD_GET_INFO pid)
 * and still be usable (pidfd_send_signal with signal 0).
 */
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>

#include "zdtm.h"

struct zpidfd_info {
	uint64_t mask, cgroupid;
	uint32_t pid, tgid, ppid, ruid, rgid, euid, egid, suid, sgid, fsuid, fsgid;
	int32_t exit_code;
	uint32_t coredump_mask, spare1;
};

#define ZPIDFD_GET_INFO _IOWR(0xFF, 11, struct zpidfd_info)

int main(int argc, char **argv)
{
	struct zpidfd_info info = { .mask = 1 };
	pid_t target = argc > 1 ? atoi(argv[1]) : 0;
	int fd;

	zdtm_init();
	fd = syscall(SYS_pidfd_open, target, 0);
	if (fd < 0)
		zdtm_fail("pidfd_open(%d)", target);
	zdtm_ready();
	zdtm_wait_term();
	if (ioctl(fd, ZPIDFD_GET_INFO, &info) < 0 || info.pid != (uint32_t)target)
		zdtm_fail("the pidfd names %u, not %d", info.pid, target);
	if (syscall(SYS_pidfd_send_signal, fd, 0, NULL, 0))
		zdtm_fail("pidfd_send_signal(0)");
	return zdtm_pass();
}
