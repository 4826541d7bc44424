// SPDX-License-Identifier: GPL-2.0
/*
 * restore_taskstate.c - a thread's scheduling, I/O priority, timer slack
 * and loginuid, a process's oom_score_adj, THP disable, child subreaper,
 * membarrier registrations, coredump_filter and KSM merge-any, the
 * session autogroup's nice (see
 * restore_taskstate.h).
 *
 * A stub starts with pidtrace's own values; only what differs from them is
 * set (one call for an ordinary process: none at all). All of it comes
 * before the credentials are lowered: a real-time policy needs
 * CAP_SYS_NICE, a loginuid already set needs CAP_AUDIT_CONTROL.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/membarrier.h>

#include "log.h"
#include "procfs.h"
#include "ptrace.h"
#include "restore_ctx.h"
#include "restore_numa.h"
#include "restore_taskstate.h"
#include "sched_attr.h"

#define SCHED_DEADLINE_POLICY 6

/* The registrations restore knows how to make, in the order it makes them. */
static const int membarrier_regs[] = {
	MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED,
	MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED,
	MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE,
	MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_RSEQ,
};

static int sched(struct restore_ctx *ctx, struct rtask *tt, pid_t pid, const ThreadCore *th)
{
	struct taskstate_sched_attr a, own;
	unsigned long addr;
	long r;
	int err;

	if (!th->has_sched_policy)
		return 0;
	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.sched_policy = th->sched_policy;
	a.sched_priority = th->has_sched_priority ? th->sched_priority : 0;
	a.sched_flags = th->has_sched_flags ? th->sched_flags : 0;
	/* SCHED_OTHER/BATCH/IDLE carry the nice value: keep the image's. */
	a.sched_nice = th->has_nice ? th->nice : 0;
	/* ... and their slice (ignored by kernels before 6.12, which report none). */
	a.sched_runtime = th->has_sched_runtime ? th->sched_runtime : 0;
	if (a.sched_policy == SCHED_DEADLINE_POLICY || (a.sched_flags & ~SCHED_FLAG_RESET_ON_FORK))
		return restore_ctx__fail(ctx, pid, -EINVAL,
				     "pid %d thread %d: scheduling policy %u flags 0x%llx in the image: not supported",
				     pid, tt->pid, a.sched_policy, (unsigned long long)a.sched_flags);
	/* The stub has pidtrace's scheduling: nothing to do when it is the image's. */
	memset(&own, 0, sizeof(own));
	if (!syscall(SYS_sched_getattr, 0, &own, sizeof(own), 0) &&
	    own.sched_policy == a.sched_policy && own.sched_priority == a.sched_priority &&
	    (own.sched_flags & SCHED_FLAG_RESET_ON_FORK) == a.sched_flags &&
	    (!th->has_sched_runtime || own.sched_runtime == a.sched_runtime))
		return 0;
	err = restore_ctx__put(tt, 0, &a, sizeof(a), &addr);
	r = err ? err : restore_ctx__sys(tt, SYS_sched_setattr, 0, addr, 0, 0, 0, 0);
	if (r)
		return restore_ctx__fail(ctx, pid, (int)r,
				     "pid %d thread %d: sched_setattr(policy %u, priority %u): %s", pid,
				     tt->pid, a.sched_policy, a.sched_priority, strerror((int)-r));
	return 0;
}

/* /proc/thread-self/loginuid, written by the thread itself (the kernel's rule). */
static int loginuid(struct restore_ctx *ctx, struct rtask *tt, pid_t pid, const TaskCore *c)
{
	static const char path[] = "/proc/thread-self/loginuid";
	char buf[16], *own = NULL;
	unsigned long addr;
	long fd, r;
	int err, len;

	if (!c->has_loginuid)
		return 0;
	len = snprintf(buf, sizeof(buf), "%u", c->loginuid);
	/* Inherited from pidtrace: nothing to do when it is the image's. */
	if (!procfs__read(0, "loginuid", &own, NULL) && (size_t)len == strcspn(own, "\n") &&
	    !memcmp(own, buf, len)) {
		free(own);
		return 0;
	}
	free(own);
	err = restore_ctx__put(tt, 0, path, sizeof(path), &addr);
	if (!err)
		err = restore_ctx__put(tt, 64, buf, len, NULL);
	fd = err ? err : restore_ctx__sys(tt, SYS_openat, AT_FDCWD, addr, O_WRONLY | O_CLOEXEC, 0, 0, 0);
	if (fd < 0)
		return restore_ctx__fail(ctx, pid, (int)fd, "pid %d thread %d: open %s: %s", pid,
				     tt->pid, path, strerror((int)-fd));
	r = restore_ctx__sys(tt, SYS_write, fd, addr + 64, len, 0, 0, 0);
	restore_ctx__sys(tt, SYS_close, fd, 0, 0, 0, 0, 0);
	if (r == len)
		return 0;
	return restore_ctx__fail(ctx, pid, r < 0 ? (int)r : -EIO,
			     "pid %d thread %d: loginuid %u: %s", pid, tt->pid, c->loginuid,
			     strerror(r < 0 ? (int)-r : EIO));
}

/*
 * CPU affinity, when it is not pidtrace's own. The kernel keeps only the
 * CPUs that exist and the cpuset allows: read back, a mask it narrowed is
 * a failed restore, not a silently different one.
 */
static int affinity(struct restore_ctx *ctx, struct rtask *tt, pid_t pid, const ThreadCore *th)
{
	uint8_t own[512], now[512];
	unsigned long addr;
	long n, r;
	int err;

	if (!th->has_cpu_affinity)
		return 0;
	if (!th->cpu_affinity.len || th->cpu_affinity.len > sizeof(own))
		return restore_ctx__fail(ctx, pid, -EINVAL,
				     "pid %d thread %d: a CPU affinity mask of %zu bytes in the image",
				     pid, tt->pid, th->cpu_affinity.len);
	n = syscall(SYS_sched_getaffinity, 0, sizeof(own), own);
	if (n == (long)th->cpu_affinity.len && !memcmp(own, th->cpu_affinity.data, n))
		return 0;
	err = restore_ctx__put(tt, 0, th->cpu_affinity.data, th->cpu_affinity.len, &addr);
	r = err ? err : restore_ctx__sys(tt, SYS_sched_setaffinity, 0, th->cpu_affinity.len, addr, 0, 0, 0);
	if (!r) {
		r = restore_ctx__sys(tt, SYS_sched_getaffinity, 0, sizeof(now), addr + 1024, 0, 0, 0);
		if (r == (long)th->cpu_affinity.len &&
		    !ptrace__read_mem(tt->pt, addr + 1024, now, r) &&
		    !memcmp(now, th->cpu_affinity.data, r))
			return 0;
		r = r < 0 ? r : -EINVAL;
	}
	return restore_ctx__fail(ctx, pid, (int)r,
			     "pid %d thread %d: its CPU affinity cannot be set here (CPUs missing or outside the cpuset): %s",
			     pid, tt->pid, strerror((int)-r));
}

/*
 * The thread's I/O priority (compared from outside: ioprio_get works on
 * any task) and timer slack (a stub has pidtrace's). Both are set by the
 * thread itself: ioprio_set(IOPRIO_WHO_PROCESS, 0) and PR_SET_TIMERSLACK
 * act on the calling thread. The slack comes before sched(): a real-time
 * policy zeroes it (its image value is then 0, and nothing is set).
 */
static int io_and_slack(struct restore_ctx *ctx, struct rtask *tt, pid_t pid, const ThreadCore *th)
{
	long r;

	if (th->has_ioprio && syscall(SYS_ioprio_get, 1, tt->opid) != (long)th->ioprio) {
		r = restore_ctx__sys(tt, SYS_ioprio_set, 1, 0, th->ioprio, 0, 0, 0);
		if (r)
			return restore_ctx__fail(ctx, pid, (int)r,
					     "pid %d thread %d: ioprio_set(class %u, data %u): %s", pid,
					     tt->pid, th->ioprio >> 13, th->ioprio & 0x1fff,
					     strerror((int)-r));
	}
	if (th->has_timer_slack_ns && th->timer_slack_ns &&
	    (unsigned long)prctl(PR_GET_TIMERSLACK) != th->timer_slack_ns) {
		r = restore_ctx__sys(tt, SYS_prctl, PR_SET_TIMERSLACK, th->timer_slack_ns, 0, 0, 0, 0);
		if (r)
			return restore_ctx__fail(ctx, pid, (int)r,
					     "pid %d thread %d: PR_SET_TIMERSLACK %llu: %s", pid,
					     tt->pid, (unsigned long long)th->timer_slack_ns,
					     strerror((int)-r));
	}
	return 0;
}

/* The thread's NUMA policy, set by the thread (set_mempolicy acts on the caller). */
static int mempolicy(struct restore_ctx *ctx, struct rtask *tt, pid_t pid, const ThreadCore *th)
{
	unsigned long addr = 0;
	long r;
	int err = 0;

	if (!th->has_mempolicy_mode || !th->mempolicy_mode)
		return 0;
	if (th->has_mempolicy_nodes && th->mempolicy_nodes.len)
		err = restore_ctx__put(tt, 0, th->mempolicy_nodes.data, th->mempolicy_nodes.len,
				       &addr);
	r = err ? err : restore_ctx__sys(tt, SYS_set_mempolicy, th->mempolicy_mode, addr,
				       addr ? th->mempolicy_nodes.len * 8 : 0, 0, 0, 0);
	if (r)
		return restore_ctx__fail(ctx, pid, (int)r,
				     "pid %d thread %d: NUMA policy (set_mempolicy mode 0x%x): %s",
				     pid, tt->pid, th->mempolicy_mode, strerror((int)-r));
	return 0;
}

int restore_taskstate__thread(struct restore_ctx *ctx, struct rtask *tt, pid_t pid,
			      const ThreadCore *th)
{
	int err;

	err = io_and_slack(ctx, tt, pid, th);
	if (!err)
		err = mempolicy(ctx, tt, pid, th);
	if (!err)
		err = sched(ctx, tt, pid, th);
	if (!err)
		err = affinity(ctx, tt, pid, th);
	if (!err)
		err = loginuid(ctx, tt, pid, tt->core);
	return err;
}

/* Written from pidtrace: the kernel allows it from outside. */
static int oom_score_adj(struct restore_ctx *ctx, struct rtask *t)
{
	char buf[16], *cur = NULL;
	int len, err;

	if (!t->core->has_oom_score_adj)
		return 0;
	len = snprintf(buf, sizeof(buf), "%d", t->core->oom_score_adj);
	if (!procfs__read(t->opid, "oom_score_adj", &cur, NULL) &&
	    (size_t)len == strcspn(cur, "\n") && !memcmp(cur, buf, len)) {
		free(cur);
		return 0;
	}
	free(cur);
	err = procfs__write(t->opid, "oom_score_adj", buf, len);
	if (err)
		return restore_ctx__fail(ctx, t->pid, err, "pid %d: oom_score_adj %d: %s", t->pid,
				     t->core->oom_score_adj, strerror(-err));
	return 0;
}

/*
 * coredump_filter, written from pidtrace like oom_score_adj; KSM merge-any
 * by the task (PR_SET_MEMORY_MERGE: it marks every mapping mergeable, as
 * they were at dump).
 */
static int mm_knobs(struct restore_ctx *ctx, struct rtask *t)
{
	const TaskCore *c = t->core;
	char buf[16], *cur = NULL;
	int len, err = 0;
	long r;

	if (c->has_coredump_filter) {
		len = snprintf(buf, sizeof(buf), "%08x", c->coredump_filter);
		if (procfs__read(t->opid, "coredump_filter", &cur, NULL) ||
		    (size_t)len != strcspn(cur, "\n") || memcmp(cur, buf, len)) {
			len = snprintf(buf, sizeof(buf), "0x%x", c->coredump_filter);
			err = procfs__write(t->opid, "coredump_filter", buf, len);
		}
		free(cur);
		if (err)
			return restore_ctx__fail(ctx, t->pid, err, "pid %d: coredump_filter 0x%x: %s",
					     t->pid, c->coredump_filter, strerror(-err));
	}
	if (c->has_ksm_merge_any && c->ksm_merge_any) {
		r = restore_ctx__sys(t, SYS_prctl, 67 /* PR_SET_MEMORY_MERGE */, 1, 0, 0, 0, 0);
		if (r)
			return restore_ctx__fail(ctx, t->pid, (int)r, "pid %d: PR_SET_MEMORY_MERGE: %s",
					     t->pid, strerror((int)-r));
	}
	return 0;
}

/*
 * The nice of the session's autogroup, written from pidtrace once the
 * session is made (setsid() made the autogroup). An autogroup that is
 * not the tree's own (the task is in pidtrace's, or the --pidns init's:
 * its session was not made by the restore; or in PID 1's, whose nice
 * cannot be set) is not changed: that would change the nice of processes
 * outside the tree. Said in one line.
 */
static int autogroup_nice(struct restore_ctx *ctx, struct rtask *t)
{
	const TaskCore *c = t->core;
	unsigned long id, other;
	char buf[16];
	int nice, onice, len, err;

	if (!c->has_autogroup_nice)
		return 0;
	err = procfs__autogroup(t->opid, &id, &nice);
	if (err == -ENOENT)
		return 0;
	if (!err && nice == c->autogroup_nice)
		return 0;
	if (err == -ENODATA ||
	    (!err && ((!procfs__autogroup(0, &other, &onice) && other == id) ||
		      (ctx->init_opid && !procfs__autogroup(ctx->init_opid, &other, &onice) &&
		       other == id)))) {
		pr_warn("pid %d: autogroup nice %d not restored: its session's autogroup is not the tree's",
			t->pid, c->autogroup_nice);
		return 0;
	}
	if (!err) {
		len = snprintf(buf, sizeof(buf), "%d", c->autogroup_nice);
		err = procfs__write(t->opid, "autogroup", buf, len);
	}
	if (!err)
		err = procfs__autogroup(t->opid, &id, &nice);
	if (!err && nice != c->autogroup_nice)
		err = -EIO;
	if (err)
		return restore_ctx__fail(ctx, t->pid, err, "pid %d: autogroup nice %d: %s", t->pid,
				     c->autogroup_nice, strerror(-err));
	return 0;
}

int restore_taskstate__task(struct restore_ctx *ctx, struct rtask *t)
{
	const TaskCore *c = t->core;
	size_t i;
	long r = 0;
	int err;

	err = oom_score_adj(ctx, t);
	if (!err)
		err = mm_knobs(ctx, t);
	if (!err)
		err = autogroup_nice(ctx, t);
	if (!err)
		err = restore_numa__vmas(ctx, t);
	if (err)
		return err;
	/* The stub has pidtrace's own (inherited from whoever started it). */
	if (c->has_thp_disable && c->thp_disable != (prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0) == 1)) {
		r = restore_ctx__sys(t, SYS_prctl, PR_SET_THP_DISABLE, c->thp_disable, 0, 0, 0, 0);
		if (r)
			return restore_ctx__fail(ctx, t->pid, (int)r, "pid %d: PR_SET_THP_DISABLE: %s",
					     t->pid, strerror((int)-r));
	}
	if (c->has_child_subreaper && c->child_subreaper) {
		r = restore_ctx__sys(t, SYS_prctl, PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0, 0);
		if (r)
			return restore_ctx__fail(ctx, t->pid, (int)r,
					     "pid %d: PR_SET_CHILD_SUBREAPER: %s", t->pid,
					     strerror((int)-r));
	}
	if (!c->has_membarrier || !c->membarrier)
		return 0;
	r = c->membarrier;
	for (i = 0; i < sizeof(membarrier_regs) / sizeof(membarrier_regs[0]); i++)
		r &= ~(long)membarrier_regs[i];
	if (r)
		return restore_ctx__fail(ctx, t->pid, -EINVAL,
				     "pid %d: membarrier registrations 0x%lx in the image: not supported",
				     t->pid, r);
	for (i = 0; i < sizeof(membarrier_regs) / sizeof(membarrier_regs[0]); i++) {
		if (!(c->membarrier & membarrier_regs[i]))
			continue;
		r = restore_ctx__sys(t, SYS_membarrier, membarrier_regs[i], 0, 0, 0, 0, 0);
		if (r)
			return restore_ctx__fail(ctx, t->pid, (int)r,
					     "pid %d: membarrier registration 0x%x: %s", t->pid,
					     membarrier_regs[i], strerror((int)-r));
	}
	return 0;
}

/*
 * Last of the task's state: SECBIT_KEEP_CAPS (creds() leaves it cleared),
 * then memory-deny-write-execute, which no later step may trip over (it
 * refuses new executable mappings; pidtrace makes none after this).
 */
int restore_taskstate__last(struct restore_ctx *ctx, struct rtask *t)
{
	const TaskCore *c = t->core;
	long r;

	if (c->has_keep_caps && c->keep_caps) {
		r = restore_ctx__sys(t, SYS_prctl, PR_SET_KEEPCAPS, 1, 0, 0, 0, 0);
		if (r)
			return restore_ctx__fail(ctx, t->pid, (int)r, "pid %d: PR_SET_KEEPCAPS: %s",
					     t->pid, strerror((int)-r));
	}
	if (c->has_mdwe && c->mdwe) {
		r = restore_ctx__sys(t, SYS_prctl, 65 /* PR_SET_MDWE */, c->mdwe, 0, 0, 0, 0);
		if (r)
			return restore_ctx__fail(ctx, t->pid, (int)r,
					     "pid %d: PR_SET_MDWE 0x%x: %s", t->pid, c->mdwe,
					     strerror((int)-r));
	}
	return 0;
}
