// SPDX-License-Identifier: GPL-2.0
/*
 * ptrace_gstop.c - put a held task into a group stop while pidtrace still
 * holds it, so that the stop's report to the real parent (SIGCHLD
 * CLD_STOPPED, the exit code waitpid(WUNTRACED) collects) is made now,
 * while pidtrace can still shape what the parent keeps of it, and not at
 * detach. The task ends as ptrace__seize_stopped() leaves a task found
 * stopped: held in the group stop, remote syscalls run as there, and a
 * detach leaves it stopped without a second report (the kernel notifies
 * the parent only when the group stop completes).
 *
 * The signal is sent, taken by the task (a signal-delivery stop), then
 * let through with an interrupt asked first: if the kernel drops it (a
 * terminal stop signal in a process group that has become orphaned), the
 * task stops in that interrupt instead of running its code.
 */
#include <errno.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "ptrace_int.h"

int ptrace__group_stop(struct ptrace_task *t, int sig)
{
	int status, err, inj = 0, tries;
	bool sent = false;

	if (t->exited)
		return -ESRCH;
	if (t->stop_sig || !ptrace__is_stop_signal(sig))
		return -EINVAL;
	if (syscall(SYS_tgkill, t->pid, t->pid, sig))
		return -errno;
	for (tries = 0; tries < 64; tries++) {
		if (inj && ptrace(PTRACE_INTERRUPT, t->pid, 0, 0))
			return ptrace__pt_err(t);
		if (ptrace(PTRACE_CONT, t->pid, 0, inj))
			return ptrace__pt_err(t);
		err = ptrace__wait_stop(t, &status);
		if (err)
			return err;
		if (ptrace__is_event_stop(status)) {
			if (WSTOPSIG(status) == sig) {
				t->stop_sig = sig;
				return 0;
			}
			/* Our interrupt: the signal was let through and dropped. */
			if (sent)
				return -EAGAIN;
			inj = 0;
			continue;
		}
		if (WSTOPSIG(status) == sig) {
			inj = sig;
			sent = true;
			continue;
		}
		/*
		 * Another signal pending before ours (a SIGCHLD of this
		 * restore's own doing): not the task's, dropped; the image's
		 * pending signals are queued later.
		 */
		pr_debug("pid %d: signal %d dropped before its group stop", t->pid, WSTOPSIG(status));
		inj = 0;
	}
	return -EAGAIN;
}
