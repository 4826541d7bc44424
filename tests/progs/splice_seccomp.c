// SPDX-License-Identifier: GPL-2.0
/*
 * splice_seccomp [MiB] - a process whose seccomp filter kills it for any
 * of the calls the dump's splice path makes in it (clone, close_range,
 * pipe2, vmsplice, getpid), with MiB (default 8) of memory in a pattern.
 * The dump suspends its filters while it holds it (PTRACE_O_SUSPEND_SECCOMP,
 * which the helper thread inherits): it must live on. After SIGTERM: the
 * pattern checked, PASS or FAIL: why.
 */
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include "zdtm.h"

#ifndef SYS_close_range
#define SYS_close_range 436
#endif

#define KILL_IF(nr) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 1), \
	BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS)

int main(int argc, char **argv)
{
	size_t len = (argc > 1 ? strtoul(argv[1], NULL, 0) : 8) << 20, i;
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		KILL_IF(SYS_clone), KILL_IF(SYS_close_range), KILL_IF(SYS_pipe2),
		KILL_IF(SYS_vmsplice), KILL_IF(SYS_getpid),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog p = { sizeof(f) / sizeof(f[0]), f };
	uint64_t *m;
	pid_t pid;

	zdtm_init();
	m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		zdtm_fail("mmap");
	for (i = 0; i < len / 8; i++)
		m[i] = i * 0x9e3779b97f4a7c15ULL;
	pid = getpid();
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) || syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &p))
		zdtm_fail("seccomp");
	printf("READY pid=%d\n", pid);
	fflush(stdout);
	zdtm_wait_term();
	for (i = 0; i < len / 8; i++)
		if (m[i] != i * 0x9e3779b97f4a7c15ULL)
			zdtm_fail("word %zu changed", i);
	return zdtm_pass();
}
