// SPDX-License-Identifier: GPL-2.0
/* run_job.c - `pidtrace run`'s command in a process group of its own (see run_job.h). */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "log.h"
#include "run_job.h"

/* Signals pidtrace forwards to the command's group, one bit each. */
static const int forwarded[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
static volatile sig_atomic_t pending[sizeof(forwarded) / sizeof(forwarded[0])];

static void on_signal(int sig)
{
	size_t i;

	for (i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		if (forwarded[i] == sig)
			pending[i] = 1;
}

/* Is @fd our controlling terminal, with our group in its foreground? */
static bool foreground_on(int fd)
{
	return fd >= 0 && tcgetpgrp(fd) == getpgrp();
}

void run_job__init(struct run_job *j)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct sigaction ign = { .sa_handler = SIG_IGN };
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	sigset_t unblock;
	size_t i;
	int sig, fd;

	j->pgid = 0;
	j->handed = false;
	j->tty = -1;
	/*
	 * Our controlling terminal, through the first of stdin, stdout and
	 * stderr that is it (`cmd | pidtrace run -- vim` has it on stdout).
	 */
	for (fd = STDIN_FILENO; fd <= STDERR_FILENO && j->tty < 0; fd++)
		if (isatty(fd) && tcgetsid(fd) == getsid(0))
			j->tty = fd;
	for (sig = 1; sig < NSIG; sig++)
		sigaction(sig, NULL, &j->orig[sig]);
	/*
	 * SIGCHLD ignored by whoever started us (it survives exec: a service,
	 * a CI runner): the kernel would reap the command itself and its exit
	 * status be lost ("waiting for CMD: No child processes", exit 1). The
	 * default for pidtrace; the command gets it as it was (run_job__child).
	 */
	sigaction(SIGCHLD, &dfl, NULL);
	sigemptyset(&sa.sa_mask);
	/*
	 * Blocked when we started (the mask survives exec: a service's, a CI
	 * runner's): the handler would never run, a SIGTERM never reach the
	 * command. Unblocked for pidtrace; the command gets the mask as it
	 * was (run_job__child).
	 */
	sigprocmask(SIG_BLOCK, NULL, &j->orig_mask);
	sigemptyset(&unblock);
	for (i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++) {
		/* Ignored when we started (nohup, a background job): stays so. */
		if (j->orig[forwarded[i]].sa_handler != SIG_IGN) {
			sigaction(forwarded[i], &sa, NULL);
			sigaddset(&unblock, forwarded[i]);
		}
	}
	sigprocmask(SIG_UNBLOCK, &unblock, NULL);
	/*
	 * In the background of our own terminal, writing (with TOSTOP) or
	 * tcsetpgrp() would stop pidtrace: it only does either on purpose.
	 */
	sigaction(SIGTTOU, &ign, NULL);
}

void run_job__child(struct run_job *j)
{
	int sig;

	setpgid(0, 0);
	for (sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			sigaction(sig, &j->orig[sig], NULL);
	sigprocmask(SIG_SETMASK, &j->orig_mask, NULL);
}

void run_job__start(struct run_job *j, pid_t child)
{
	/* Both sides call setpgid: whichever runs first, the group exists. */
	if (setpgid(child, child) && errno != EACCES)
		pr_debug("setpgid(%d): %s", child, strerror(errno));
	j->pgid = child;
	if (foreground_on(j->tty)) {
		if (tcsetpgrp(j->tty, j->pgid) == 0)
			j->handed = true;
		else
			pr_warn("cannot give the terminal to the command: %s", strerror(errno));
	}
}

void run_job__forward(struct run_job *j)
{
	size_t i;

	for (i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++) {
		if (!pending[i])
			continue;
		pending[i] = 0;
		if (j->pgid > 0)
			kill(-j->pgid, forwarded[i]);
	}
}

void run_job__stopped(struct run_job *j, int sig)
{
	/*
	 * Only a stop from the terminal is a job's stop: a SIGSTOP from
	 * someone else is theirs to continue, and pidtrace keeps tracing.
	 */
	if (j->tty < 0 || (sig != SIGTSTP && sig != SIGTTIN && sig != SIGTTOU))
		return;
	if (j->handed) {
		tcsetpgrp(j->tty, getpgrp());
		j->handed = false;
	}
	/* The same signal, as the shell would have seen it without us; SIGSTOP
	 * when ours is not at its default (the job must stop all the same). */
	raise(j->orig[sig].sa_handler == SIG_DFL && sig != SIGTTOU ? sig : SIGSTOP);
	/* Continued (fg or bg): the command too, with the terminal if it is ours. */
	if (foreground_on(j->tty) && tcsetpgrp(j->tty, j->pgid) == 0)
		j->handed = true;
	kill(-j->pgid, SIGCONT);
}

void run_job__finish(struct run_job *j)
{
	if (j->handed && tcsetpgrp(j->tty, getpgrp()) == 0)
		j->handed = false;
}
