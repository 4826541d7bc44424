// SPDX-License-Identifier: GPL-2.0
/*
 * restore_stopped.c - tasks that were stopped (SIGSTOP, SIGTSTP, SIGTTIN,
 * SIGTTOU) at dump.
 *
 * A task whose parent is in the tree is stopped early, before the tasks'
 * state (signal actions, pending signals) is restored: pidtrace, still
 * holding it, has it take its stop signal (ptrace__group_stop()). The
 * kernel reports the stop to the parent then, once, as it did when the
 * task first stopped: SIGCHLD (CLD_STOPPED), and the group's stop code
 * that waitpid(WUNTRACED) collects. What the parent kept of that report
 * at dump is what it gets back:
 * - the code: if the parent had collected it (stop_reported), the parent,
 *   held, collects it now by an injected waitpid(WUNTRACED|WNOHANG); else
 *   it stays for the parent's own waitpid, reported once;
 * - the SIGCHLD: the one this stop queued is discarded (SIGCHLD set to
 *   SIG_IGN and back to SIG_DFL, still the stub's action then); a SIGCHLD
 *   pending at dump is in the image and queued later with the others.
 * The task is then held in its group stop like one a dump found stopped;
 * detached, it stays stopped with no second report (the kernel notifies
 * only when a group stop completes), and SIGCONT resumes it.
 *
 * The root, whose parent is not in the tree, and a task whose terminal
 * stop signal the kernel drops (an orphaned process group) get the old
 * way: the stop signal is queued just before detach and taken once let
 * go; its parent is told as when it first stopped.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include "log.h"
#include "procfs.h"
#include "ptrace.h"
#include "restore_ctx.h"
#include "restore_stopped.h"

/* How long the kernel may take to queue the parent's SIGCHLD after the stop. */
#define SIGCHLD_WAIT_MS 2000

static bool valid_sig(int sig)
{
	return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

/* Is SIGCHLD pending for the whole process @opid (ShdPnd)? */
static int sigchld_pending(pid_t opid, bool *pending)
{
	uint64_t mask = 0;
	size_t len;
	char *buf;
	int err;

	err = procfs__read(opid, "status", &buf, &len);
	if (err)
		return err;
	err = procfs__field_u64(buf, "ShdPnd:", 16, &mask);
	free(buf);
	*pending = mask & (1ULL << (SIGCHLD - 1));
	return err;
}

/* rt_sigaction(SIGCHLD) in @t, to @handler with no flags. */
static long set_sigchld(struct rtask *t, unsigned long handler)
{
	unsigned long ka[4] = { handler, 0, 0, 0 }, addr;
	int err;

	err = restore_ctx__put(t, 0, ka, sizeof(ka), &addr);
	return err ? err : restore_ctx__sys(t, SYS_rt_sigaction, SIGCHLD, addr, 0, 8, 0, 0);
}

/* The reports of its children's stops, as @p had kept them at dump. */
static int settle_parent(struct restore_ctx *ctx, struct rtask *p)
{
	struct timespec ms = { 0, 1000 * 1000 };
	bool pending = false;
	size_t i;
	long r;
	int err, n;

	/* Queued by the stopping child right after its trap was reported to us. */
	for (n = 0; n < SIGCHLD_WAIT_MS; n++) {
		err = sigchld_pending(p->opid, &pending);
		if (err || pending)
			break;
		nanosleep(&ms, NULL);
	}
	if (!err && !pending)
		err = -ETIMEDOUT;
	if (err)
		return restore_ctx__fail(ctx, p->pid, err, "pid %d: its child's stop was not reported to it: %s",
				     p->pid, strerror(-err));
	for (i = 0; i < ctx->ntasks; i++) {
		struct rtask *c = &ctx->tasks[i];

		if (c->zombie || c->parent < 0 || &ctx->tasks[c->parent] != p || !c->pt ||
		    !ptrace__stop_sig(c->pt) || !c->core->stop_reported)
			continue;
		r = restore_ctx__sys(p, SYS_wait4, c->pid, 0, WUNTRACED | WNOHANG, 0, 0, 0);
		if (r != c->pid)
			return restore_ctx__fail(ctx, p->pid, r < 0 ? (int)r : -EAGAIN,
					     "pid %d: cannot collect the stop of its child %d as it had: %s",
					     p->pid, c->pid, r < 0 ? strerror((int)-r) : "not reported");
	}
	/* SIG_IGN discards a pending SIGCHLD; the stub had SIG_DFL. */
	r = set_sigchld(p, (unsigned long)SIG_IGN);
	if (!r)
		r = set_sigchld(p, (unsigned long)SIG_DFL);
	if (!r)
		r = sigchld_pending(p->opid, &pending);
	if (!r && pending)
		r = -EBUSY;
	if (r)
		return restore_ctx__fail(ctx, p->pid, (int)r, "pid %d: cannot discard the SIGCHLD of its child's stop: %s",
				     p->pid, strerror((int)-r));
	return 0;
}

int restore_stopped__tree(struct restore_ctx *ctx)
{
	bool *told;
	size_t i;
	int err = 0;

	told = calloc(ctx->ntasks ? ctx->ntasks : 1, sizeof(*told));
	if (!told)
		return restore_ctx__fail(ctx, 0, -ENOMEM, "stopped tasks: out of memory");
	for (i = 0; !err && i < ctx->ntasks; i++) {
		struct rtask *t = &ctx->tasks[i];
		int sig;

		if (t->zombie || !t->pt || !t->core || !t->core->has_stop_sig || t->parent < 0 ||
		    ctx->tasks[t->parent].zombie || !ctx->tasks[t->parent].pt)
			continue;
		sig = t->core->stop_sig;
		if (!valid_sig(sig)) {
			err = restore_ctx__fail(ctx, t->pid, -EINVAL, "pid %d: stop signal %d is not one",
						t->pid, sig);
			break;
		}
		err = ptrace__group_stop(t->pt, sig);
		if (err == -EAGAIN) {
			/* Dropped (orphaned group): before_detach tries as before. */
			pr_debug("pid %d: stop signal %d dropped by the kernel", t->pid, sig);
			err = 0;
			continue;
		}
		if (err) {
			err = restore_ctx__fail(ctx, t->pid, err, "pid %d: cannot stop it again (signal %d): %s",
						t->pid, sig, strerror(-err));
			break;
		}
		told[t->parent] = true;
	}
	for (i = 0; !err && i < ctx->ntasks; i++)
		if (told[i])
			err = settle_parent(ctx, &ctx->tasks[i]);
	free(told);
	return err;
}

int restore_stopped__before_detach(struct restore_ctx *ctx, struct rtask *t)
{
	int sig;

	/* Already in its stop (restore_stopped__tree()): a detach leaves it there. */
	if (!t->core || !t->core->has_stop_sig || ptrace__stop_sig(t->pt))
		return 0;
	sig = t->core->stop_sig;
	if (!valid_sig(sig))
		return restore_ctx__fail(ctx, t->pid, -EINVAL, "pid %d: stop signal %d is not one",
				     t->pid, sig);
	if (kill(t->opid, sig))
		return restore_ctx__fail(ctx, t->pid, -errno, "pid %d: cannot stop it again (signal %d): %s",
				     t->pid, sig, strerror(errno));
	return 0;
}
