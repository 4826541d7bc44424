// SPDX-License-Identifier: GPL-2.0
/*
 * sig_default - run a command with every signal's action the default and
 * none blocked:
 *
 *   sig_default CMD [ARG...]
 *
 * An ignored signal and the signal mask survive exec: a runner started
 * with SIGPIPE or SIGCHLD ignored, or SIGTERM blocked (a service, a CI
 * agent, nohup), hands them to every test, and a test that kills its
 * helper with SIGTERM or reads its children's exit statuses would fail
 * for that alone. bash cannot undo it (a signal ignored on entry cannot
 * be trapped), so tests/run.sh starts each test through this. What
 * pidtrace itself does under such conditions is tested on purpose
 * (cr_inherit.sh, cr_signals_pidtrace.sh), not by accident.
 */
#include <signal.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	/* The kernel's struct sigaction, all zero: SIG_DFL, no flags, no mask. */
	const unsigned long dfl[4] = { 0 };
	unsigned long long none = 0;
	int sig;

	if (argc < 2) {
		fprintf(stderr, "usage: sig_default CMD [ARG...]\n");
		return 2;
	}
	for (sig = 1; sig < 65; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			syscall(SYS_rt_sigaction, sig, dfl, NULL, 8);
	/* Raw: glibc's sigprocmask() leaves its own two (32, 33) as they are. */
	syscall(SYS_rt_sigprocmask, SIG_SETMASK, &none, NULL, sizeof(none));
	execvp(argv[1], argv + 1);
	fprintf(stderr, "sig_default: %s: %m\n", argv[1]);
	return 127;
}
