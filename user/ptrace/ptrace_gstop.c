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
 * Every other signal is blocked meanwhile (they stay pending). The
 * signal is sent, taken by the task (a signal-delivery stop), then
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

static int take_stop(struct ptrace_task *t, int sig)
{
	int status, err, inj = 0, tries;
	bool sent = false;

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
		/* Every other signal is blocked: nothing else can come but a kill. */
		pr_debug("pid %d: signal %d before its group stop", t->pid, WSTOPSIG(status));
		return -EIO;
	}
	return -EAGAIN;
}

int ptrace__group_stop(struct ptrace_task *t, int sig)
{
	uint64_t mask;
	int err, err2;

	if (t->exited)
		return -ESRCH;
	if (t->stop_sig || !ptrace__is_stop_signal(sig))
		return -EINVAL;
	/*
	 * Only @sig may be taken: signals already pending stay so (the
	 * kernel takes the lowest first, and would hand them to us).
	 */
	err = ptrace__get_sigmask(t, &mask);
	if (!err)
		err = ptrace__set_sigmask(t, ~(1ULL << (sig - 1)));
	if (err)
		return err;
	if (syscall(SYS_tgkill, t->pid, t->pid, sig))
		err = -errno;
	else
		err = take_stop(t, sig);
	err2 = ptrace__set_sigmask(t, mask);
	return err ? err : err2;
}
