// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_sigall - a different action for every signal but SIGKILL, SIGSTOP
 * and the test's own SIGTERM: handlers, ignored and default ones, each with
 * its own flags, restorer and mask (read back raw: glibc hides 32 and 33).
 * A dump reads them in one batch of remote calls (ptrace__syscalls()):
 * a result put in the wrong slot would show here as another signal's
 * action. After restore every action must be the one set.
 */
#include <stdbool.h>
#include <stdint.h>
#include <sys/syscall.h>

#include "zdtm.h"

struct ksigaction {
	uint64_t handler, flags, restorer, mask;
};

#define KSA_RESTORER 0x04000000ULL

static void handler(int sig)
{
	(void)sig;
}

static void restorer(void)
{
}

static struct ksigaction want(int sig)
{
	struct ksigaction a;

	switch (sig % 3) {
	case 0:
		a.handler = (uint64_t)(uintptr_t)handler;
		a.flags = SA_RESTART | SA_SIGINFO;
		break;
	case 1:
		a.handler = (uint64_t)(uintptr_t)SIG_IGN;
		a.flags = SA_NODEFER;
		break;
	default:
		a.handler = (uint64_t)(uintptr_t)SIG_DFL;
		a.flags = SA_RESTART | (sig & 4 ? SA_ONSTACK : 0);
		break;
	}
	a.flags |= KSA_RESTORER;
	a.restorer = (uint64_t)(uintptr_t)restorer + sig;
	/* The kernel drops SIGKILL and SIGSTOP (bits 8 and 18) from any mask. */
	a.mask = ((1ULL << ((sig * 7) % 64)) | (1ULL << (sig % 5))) & ~((1ULL << 8) | (1ULL << 18));
	return a;
}

static bool skipped(int sig)
{
	return sig == SIGKILL || sig == SIGSTOP || sig == SIGTERM;
}

int main(void)
{
	struct ksigaction a, got;
	int sig;

	zdtm_init();
	for (sig = 1; sig <= 64; sig++) {
		if (skipped(sig))
			continue;
		a = want(sig);
		if (syscall(SYS_rt_sigaction, sig, &a, NULL, 8))
			zdtm_fail("rt_sigaction(%d)", sig);
	}
	zdtm_ready();
	zdtm_wait_term();
	for (sig = 1; sig <= 64; sig++) {
		if (skipped(sig))
			continue;
		a = want(sig);
		if (syscall(SYS_rt_sigaction, sig, NULL, &got, 8))
			zdtm_fail("rt_sigaction(%d) read", sig);
		if (memcmp(&a, &got, sizeof(a)))
			zdtm_fail("signal %d: handler %#llx flags %#llx restorer %#llx mask %#llx, "
				  "expected %#llx %#llx %#llx %#llx", sig,
				  (unsigned long long)got.handler, (unsigned long long)got.flags,
				  (unsigned long long)got.restorer, (unsigned long long)got.mask,
				  (unsigned long long)a.handler, (unsigned long long)a.flags,
				  (unsigned long long)a.restorer, (unsigned long long)a.mask);
	}
	return zdtm_pass();
}
