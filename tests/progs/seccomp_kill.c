// SPDX-License-Identifier: GPL-2.0
/*
 * seccomp_kill - a child installs a seccomp filter that answers getppid()
 * with SECCOMP_RET_KILL_PROCESS, then calls getppid(): it dies by SIGSYS.
 * Expected: cause seccomp, SIGSYS, si_code SYS_SECCOMP.
 * Prints: victim=PID
 */
#include <stddef.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include "scen.h"

static void install_filter(void)
{
	struct sock_filter insns[] = {
		/* Another ABI could reuse the number: kill anything foreign too. */
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getppid, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {
		.len = sizeof(insns) / sizeof(insns[0]),
		.filter = insns,
	};

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		scen_die("prctl(PR_SET_NO_NEW_PRIVS)");
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog))
		scen_die("seccomp(SECCOMP_SET_MODE_FILTER)");
}

int main(void)
{
	pid_t victim;

	scen_prog = "seccomp_kill";
	victim = scen_fork();
	if (victim == 0) {
		scen_name("sc-seccomp");
		scen_no_core();
		install_filter();
		syscall(SYS_getppid);
		_exit(3);
	}
	printf("victim=%d\n", victim);
	fflush(stdout);
	return scen_expect_signal(victim, SIGSYS) ? 1 : 0;
}
