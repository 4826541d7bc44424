// SPDX-License-Identifier: GPL-2.0
/*
 * dump_stopped.c - tasks in a group stop. PTRACE_SEIZE and
 * PTRACE_INTERRUPT work on a stopped task: it reports an interrupt stop
 * whose signal is the group's stop signal instead of SIGTRAP (and every
 * later one does too, while the group stays stopped), and remote syscalls
 * run in it as in any held task (ptrace_core.c knows both). The stop
 * signal goes into the image; a detached task of a stopped group goes
 * back into the stop by itself, so a failed or --leave-running dump
 * leaves it stopped, as it was.
 *
 * Whether the parent had collected the stop (waitpid WUNTRACED) goes in
 * too: the kernel keeps the stop's code for the parent until it does.
 *
 * Refused: a tracing stop (state 't': the task is another tracer's, or was
 * left in a ptrace stop), and a stopped process with several threads
 * (each thread's share of the group stop is not restored yet).
 */
#include <errno.h>

#include "dump_stopped.h"
#include "log.h"
#include "ptrace.h"

int dump_stopped__seize(struct dump_task *t)
{
	struct procfs_stat st;
	int err;

	if (t->stat.state == 't') {
		pr_err("pid %d is in a tracing stop (state t): not supported", t->pid);
		return -EOPNOTSUPP;
	}
	if (t->stat.state == 'T' && t->stat.threads > 1) {
		pr_err("pid %d is stopped with %ld threads: stopped multithreaded processes are not supported",
		       t->pid, t->stat.threads);
		return -EOPNOTSUPP;
	}
	err = ptrace__seize_stopped(t->pid, &t->pt);
	if (err || !ptrace__stop_sig(t->pt))
		return err;
	/* Stopped between our look and the seize: the same limits. */
	err = procfs__stat(t->pid, &st);
	if (err || st.threads > 1) {
		ptrace__detach(t->pt);
		t->pt = NULL;
		if (err)
			return err;
		pr_err("pid %d is stopped with %ld threads: stopped multithreaded processes are not supported",
		       t->pid, st.threads);
		return -EOPNOTSUPP;
	}
	/*
	 * The group's stop code (stat's exit code while the group is
	 * stopped): 0 once the parent collected the stop with
	 * waitpid(WUNTRACED). Read held, so the parent cannot change it now.
	 */
	t->stat.exit_code = st.exit_code;
	pr_debug("pid %d: held in its group stop (signal %d, code %d)", t->pid,
		 ptrace__stop_sig(t->pt), st.exit_code);
	return 0;
}

void dump_stopped__core(const struct dump_task *t, TaskCore *core)
{
	int sig = ptrace__stop_sig(t->pt);

	if (!sig)
		return;
	core->has_stop_sig = true;
	core->stop_sig = sig;
	if (!t->stat.exit_code) {
		core->has_stop_reported = true;
		core->stop_reported = true;
	}
}
