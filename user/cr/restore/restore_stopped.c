// SPDX-License-Identifier: GPL-2.0
/*
 * restore_stopped.c - tasks that were stopped (SIGSTOP, SIGTSTP, SIGTTIN,
 * SIGTTOU) at dump. The restored task is held like any other until the
 * end; just before it is detached its stop signal is sent to it. The
 * signal waits while pidtrace holds the task (a traced task's stop is
 * pidtrace's to see, not its parent's); once detached the task takes it
 * at once and enters the group stop: its parent gets SIGCHLD (CLD_STOPPED)
 * and waitpid(WUNTRACED) reports it stopped by that signal, and SIGCONT
 * resumes it where it was. A pending SIGCONT cannot undo it: a stop
 * signal discards pending SIGCONTs.
 *
 * The kernel drops a terminal stop signal (not SIGSTOP) sent to a process
 * group that has become orphaned; such a task would run on after restore.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>

#include "restore_ctx.h"
#include "restore_stopped.h"

int restore_stopped__before_detach(struct restore_ctx *ctx, struct rtask *t)
{
	int sig;

	if (!t->core || !t->core->has_stop_sig)
		return 0;
	sig = t->core->stop_sig;
	if (sig != SIGSTOP && sig != SIGTSTP && sig != SIGTTIN && sig != SIGTTOU)
		return restore_ctx__fail(ctx, t->pid, -EINVAL, "pid %d: stop signal %d is not one",
				     t->pid, sig);
	if (kill(t->opid, sig))
		return restore_ctx__fail(ctx, t->pid, -errno, "pid %d: cannot stop it again (signal %d): %s",
				     t->pid, sig, strerror(errno));
	return 0;
}
