// SPDX-License-Identifier: GPL-2.0
/*
 * dump_taskstate.c - scheduling (per thread) and the per-process knobs a
 * program sets once and relies on: oom_score_adj, loginuid, THP disable,
 * child subreaper, membarrier registrations, coredump_filter, KSM merge-any;
 * per thread its I/O priority and timer slack (see dump_taskstate.h).
 *
 * Whatever restore could not set back from pidtrace's own position is
 * refused here, before the tree is killed: a SCHED_DEADLINE thread, an
 * oom_score_adj below what a child of pidtrace may take without
 * CAP_SYS_RESOURCE, a loginuid pidtrace may not give, threads with
 * different loginuids, THP flags this pidtrace does not know. The last
 * two are tried in a short-lived child of pidtrace: stubs are its
 * children and inherit what decides (oom_score_adj_min, loginuid).
 */
#include <errno.h>
#include <sched.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/membarrier.h>

#include "dump_ctx.h"
#include "dump_numa.h"
#include "dump_taskstate.h"
#include "log.h"
#include "procfs.h"
#include "ptrace.h"
#include "sched_attr.h"

#ifndef SCHED_DEADLINE
#define SCHED_DEADLINE 6
#endif
#ifndef MEMBARRIER_CMD_GET_REGISTRATIONS
#define MEMBARRIER_CMD_GET_REGISTRATIONS (1 << 9)
#endif

#define DUMP_TASKSTATE_MEMBARRIER_KNOWN                                                     \
	(MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED | MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED |    \
	 MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE |                                   \
	 MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_RSEQ)

static int proc_long(pid_t pid, const char *name, long long *v);

/* The CPUs @tid may run on, as the kernel's mask (readable from outside). */
static int affinity(pid_t tid, ThreadCore *th)
{
	uint8_t mask[512];
	long n;

	n = syscall(SYS_sched_getaffinity, tid, sizeof(mask), mask);
	if (n < 0)
		return errno == ESRCH ? -ESRCH : -errno;
	th->cpu_affinity.data = malloc(n);
	if (!th->cpu_affinity.data)
		return -ENOMEM;
	memcpy(th->cpu_affinity.data, mask, n);
	th->cpu_affinity.len = n;
	th->has_cpu_affinity = true;
	return 0;
}

/*
 * I/O priority and timer slack, both per thread and both readable from
 * outside (ioprio_get, /proc/TID/timerslack_ns). The slack needs
 * CAP_SYS_NICE to be read from another task: without it the image has
 * none and restore leaves pidtrace's, as before these fields existed.
 */
static int io_and_slack(pid_t tid, ThreadCore *th)
{
	long long slack;
	long r;
	int err;

	r = syscall(SYS_ioprio_get, 1 /* IOPRIO_WHO_PROCESS */, tid);
	if (r < 0)
		return errno == ESRCH ? -ESRCH : -errno;
	th->has_ioprio = true;
	th->ioprio = r;
	err = proc_long(tid, "timerslack_ns", &slack);
	if (err == -EPERM || err == -EACCES || err == -ENOENT)
		return 0;
	if (err)
		return err;
	th->has_timer_slack_ns = true;
	th->timer_slack_ns = slack;
	return 0;
}

int dump_taskstate__thread(pid_t pid, pid_t tid, ThreadCore *th)
{
	struct taskstate_sched_attr a;
	int err;

	memset(&a, 0, sizeof(a));
	/* Any task's attributes can be read from outside: no call in the task. */
	if (syscall(SYS_sched_getattr, tid, &a, sizeof(a), 0))
		return errno == ESRCH ? -ESRCH : -errno;
	if (a.sched_policy == SCHED_DEADLINE) {
		if (tid == pid)
			pr_err("pid %d runs under SCHED_DEADLINE: not supported", pid);
		else
			pr_err("pid %d thread %d runs under SCHED_DEADLINE: not supported", pid, tid);
		return -EOPNOTSUPP;
	}
	th->has_sched_policy = th->has_sched_priority = th->has_sched_flags = true;
	th->sched_policy = a.sched_policy;
	th->sched_priority = a.sched_priority;
	th->sched_flags = a.sched_flags & SCHED_FLAG_RESET_ON_FORK;
	/* The fair policies' slice, which sched_setattr takes back (6.12+). */
	if (a.sched_policy != SCHED_FIFO && a.sched_policy != SCHED_RR && a.sched_runtime) {
		th->has_sched_runtime = true;
		th->sched_runtime = a.sched_runtime;
	}
	err = io_and_slack(tid, th);
	return err ? err : affinity(tid, th);
}

/* Read /proc/@pid/@name (pid 0: ourselves) as one decimal number. */
static int proc_long(pid_t pid, const char *name, long long *v)
{
	char *buf = NULL, *end;
	int err;

	err = procfs__read(pid, name, &buf, NULL);
	if (err)
		return err;
	errno = 0;
	*v = strtoll(buf, &end, 10);
	err = (end == buf || errno) ? -EINVAL : 0;
	free(buf);
	return err;
}

/* Write @val to /proc/thread-self/@name in a child of pidtrace: 0 or -errno. */
static int try_in_child(const char *name, long long val)
{
	char path[64], buf[32];
	int len, status, fd;
	pid_t pid;

	snprintf(path, sizeof(path), "/proc/thread-self/%s", name);
	len = snprintf(buf, sizeof(buf), "%lld", val);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			_exit(errno);
		_exit(write(fd, buf, len) == len ? 0 : errno ? errno : EIO);
	}
	if (waitpid(pid, &status, 0) != pid)
		return -errno;
	if (!WIFEXITED(status))
		return -EIO;
	return -WEXITSTATUS(status);
}

static int oom_score_adj(struct dump_task *t, TaskCore *core)
{
	long long v, own;
	int err;

	err = proc_long(t->pid, "oom_score_adj", &v);
	if (err == -ENOENT)
		return 0;
	if (err)
		return err;
	core->has_oom_score_adj = true;
	core->oom_score_adj = v;
	/* At or above ours: always allowed. Below: it depends on oom_score_adj_min. */
	if (!proc_long(0, "oom_score_adj", &own) && v >= own)
		return 0;
	err = try_in_child("oom_score_adj", v);
	if (!err)
		return 0;
	pr_err("pid %d: oom_score_adj %lld: restore could not set it (%s: needs CAP_SYS_RESOURCE): not supported",
	       t->pid, v, strerror(-err));
	return -EOPNOTSUPP;
}

static int loginuid(struct dump_task *t, TaskCore *core)
{
	long long v, w, own;
	char name[64];
	size_t i;
	int err;

	err = proc_long(t->pid, "loginuid", &v);
	if (err == -ENOENT)
		return 0; /* a kernel without audit */
	if (err)
		return err;
	/* It is per thread, and restore gives the process one. */
	for (i = 0; i < core->n_threads; i++) {
		snprintf(name, sizeof(name), "task/%u/loginuid", core->threads[i]->tid);
		err = proc_long(t->pid, name, &w);
		if (err)
			return err;
		if (w != v) {
			pr_err("pid %d thread %u: its loginuid %lld differs from the main thread's %lld: not supported",
			       t->pid, core->threads[i]->tid, w, v);
			return -EOPNOTSUPP;
		}
	}
	core->has_loginuid = true;
	core->loginuid = (uint32_t)v;
	if (!proc_long(0, "loginuid", &own) && own == v)
		return 0; /* the stubs inherit it */
	err = try_in_child("loginuid", v);
	if (!err)
		return 0;
	pr_err("pid %d: loginuid %lld: restore could not set it (%s): not supported", t->pid, v,
	       strerror(-err));
	return -EOPNOTSUPP;
}

/* A batch's call result: 0 or the remote call's -errno (as dump_ctx__syscall()). */
static int call_err(const struct ptrace_call *c)
{
	return c->ret < 0 && c->ret > -4096 ? (int)c->ret : 0;
}

/*
 * Securebits and memory-deny-write-execute (the second and third calls of
 * in_task()'s batch): KEEP_CAPS and MDWE come back, any other securebit is
 * refused (restore lowers the credentials by setresuid, which those change).
 */
static int secure_mdwe(struct dump_task *t, TaskCore *core, const struct ptrace_call *c)
{
	int err = call_err(&c[0]);

	if (err)
		return err;
	if (c[0].ret & ~(long)(1 << 4) /* SECBIT_KEEP_CAPS */) {
		pr_err("pid %d: securebits 0x%lx (PR_SET_SECUREBITS): not supported", t->pid,
		       c[0].ret);
		return -EOPNOTSUPP;
	}
	core->has_keep_caps = true;
	core->keep_caps = !!c[0].ret;
	err = call_err(&c[1]);
	if (err == -EINVAL)
		return 0; /* a kernel before 6.3: no MDWE to have */
	if (err)
		return err;
	if (c[1].ret & ~3L) {
		pr_err("pid %d: memory-deny-write-execute flags 0x%lx: not supported", t->pid,
		       c[1].ret);
		return -EOPNOTSUPP;
	}
	core->has_mdwe = true;
	core->mdwe = c[1].ret;
	return 0;
}

/*
 * THP disable, subreaper, membarrier, securebits, MDWE: calls in the task
 * (per process), in one batch (ptrace__syscalls()).
 */
static int in_task(struct dump_task *t, TaskCore *core)
{
	struct ptrace_call c[5];
	unsigned long scratch;
	int32_t sub = 0;
	long r;
	int err;

	err = ptrace__scratch(t->pt, 4096, &scratch);
	if (err)
		return err;
	memset(c, 0, sizeof(c));
	c[0].nr = SYS_prctl;
	c[0].args[0] = PR_GET_THP_DISABLE;
	c[1].nr = SYS_prctl;
	c[1].args[0] = PR_GET_CHILD_SUBREAPER;
	c[1].args[1] = (long)scratch;
	c[2].nr = SYS_membarrier;
	c[2].args[0] = MEMBARRIER_CMD_GET_REGISTRATIONS;
	c[3].nr = SYS_prctl;
	c[3].args[0] = PR_GET_SECUREBITS;
	c[4].nr = SYS_prctl;
	c[4].args[0] = 66; /* PR_GET_MDWE */
	err = ptrace__syscalls(t->pt, c, 5);
	if (!err)
		err = call_err(&c[0]);
	if (!err)
		err = secure_mdwe(t, core, &c[3]);
	if (err)
		return err;
	r = c[0].ret;
	if (r & ~1L) {
		pr_err("pid %d: THP disable flags 0x%lx: not supported", t->pid, r);
		return -EOPNOTSUPP;
	}
	core->has_thp_disable = true;
	core->thp_disable = r;
	err = call_err(&c[1]);
	if (!err)
		err = ptrace__read_mem(t->pt, scratch, &sub, sizeof(sub));
	if (err)
		return err;
	core->has_child_subreaper = true;
	core->child_subreaper = sub;
	err = call_err(&c[2]);
	r = c[2].ret;
	if (err == -ENOSYS)
		return 0; /* no membarrier(): nothing to register either */
	/* The task died under us: the caller says so, this is no refusal. */
	if (err == -ESRCH)
		return err;
	if (err == -EINVAL) {
		/* A kernel before 6.3 cannot tell: dump must not promise them back. */
		pr_err("pid %d: cannot read its membarrier registrations: %s: not supported", t->pid,
		       strerror(-err));
		return -EOPNOTSUPP;
	}
	if (err)
		return err;
	if (r & ~(long)DUMP_TASKSTATE_MEMBARRIER_KNOWN) {
		pr_err("pid %d: membarrier registrations 0x%lx: not supported", t->pid, r);
		return -EOPNOTSUPP;
	}
	core->has_membarrier = true;
	core->membarrier = r;
	return 0;
}

/*
 * coredump_filter (hex) and KSM merge-any (PR_SET_MEMORY_MERGE), both read
 * from /proc. A kernel without either file has neither to restore.
 */
static int mm_knobs(struct dump_task *t, TaskCore *core)
{
	char *buf = NULL, *end;
	const char *f;
	unsigned long v;
	int err;

	err = procfs__read(t->pid, "coredump_filter", &buf, NULL);
	if (!err) {
		errno = 0;
		v = strtoul(buf, &end, 16);
		if (end == buf || errno || v > UINT32_MAX)
			err = -EINVAL;
		core->has_coredump_filter = !err;
		core->coredump_filter = v;
	}
	free(buf);
	buf = NULL;
	if (err && err != -ENOENT)
		return err;
	err = procfs__read(t->pid, "ksm_stat", &buf, NULL);
	if (!err) {
		f = procfs__field(buf, "ksm_merge_any:");
		if (f) {
			core->has_ksm_merge_any = true;
			core->ksm_merge_any = !strncmp(f + strspn(f, " \t"), "yes", 3);
		}
	}
	free(buf);
	return err == -ENOENT ? 0 : err;
}

/*
 * The nice of the session's autogroup (setsid() makes one, children share
 * it), kept only while autogroups are on: otherwise the file says so but
 * schedules nothing. A task still in PID 1's autogroup (no setsid() since
 * boot on its line) has no nice to keep: that one's cannot be set.
 */
static int autogroup(struct dump_task *t, TaskCore *core)
{
	unsigned long id;
	char on = '0';
	int err, fd, nice;

	fd = open("/proc/sys/kernel/sched_autogroup_enabled", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (read(fd, &on, 1) != 1)
			on = '0';
		close(fd);
	}
	if (on != '1')
		return 0;
	err = procfs__autogroup(t->pid, &id, &nice);
	if (err == -ENOENT || err == -ENODATA)
		return 0;
	if (err == -EINVAL)
		pr_err("pid %d: cannot read its autogroup's nice", t->pid);
	if (err)
		return err;
	core->has_autogroup_nice = true;
	core->autogroup_nice = (int32_t)nice;
	return 0;
}

int dump_taskstate__task(struct dump_task *t, TaskCore *core)
{
	int err;

	err = mm_knobs(t, core);
	if (!err)
		err = autogroup(t, core);
	if (!err)
		err = oom_score_adj(t, core);
	if (!err)
		err = loginuid(t, core);
	if (!err)
		err = in_task(t, core);
	if (!err)
		err = dump_numa__vmas(t, core);
	return err;
}
