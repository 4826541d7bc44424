// SPDX-License-Identifier: GPL-2.0
/*
 * dump_threads.c - the threads of a multithreaded process (see dump_threads.h).
 *
 * Freeze: once the leader is held, every thread listed in
 * /proc/PID/task is seized, and the list is read again until a pass finds
 * no new thread (a held thread cannot create one, a running one can). A
 * thread that exits meanwhile is simply not there any more. Restore
 * recreates threads that share everything with their leader but their
 * registers, signal state and credentials, so a thread with its own fd
 * table or fs (unshare), tracer or group stop is refused (seccomp filters
 * may differ: dump_seccomp.c reads each thread's).
 *
 * Collect: for each thread what the kernel keeps per thread: registers,
 * FPU state, rseq (ptrace); blocked mask and private queue (ptrace);
 * sigaltstack, clear_child_tid (PR_GET_TID_ADDRESS) and the parent-death
 * signal (injected calls in the thread, results in the leader's scratch
 * area: the memory is shared); the robust list (get_robust_list() from
 * pidtrace: it takes a tid); nice (/proc/TID/stat); its credentials and
 * personality, only when they differ from the leader's (raw setresuid(),
 * setgroups(), capset(), personality() change the calling thread only). The leader's clear_child_tid
 * and robust list are filled here as well.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/kcmp.h>

#include "dump_ctx.h"
#include "dump_seccomp.h"
#include "dump_signals.h"
#include "dump_task.h"
#include "dump_threads.h"
#include "log.h"
#include "ptrace.h"

#ifndef PR_GET_TID_ADDRESS
#define PR_GET_TID_ADDRESS 40
#endif
/* Seize passes before we give up on a process that keeps making threads. */
#define MAX_ROUNDS 64

struct dump_thread {
	pid_t tid;
	struct ptrace_task *pt;
};

struct dump_threads {
	struct dump_thread *v;
	size_t n;
};

/* Status lines of a thread's credentials: any differing, it gets its own in the image. */
static const char *const cred_keys[] = {
	"Uid:", "Gid:", "Groups:", "CapInh:", "CapPrm:", "CapEff:", "CapBnd:", "CapAmb:",
	"NoNewPrivs:",
};

static bool known(const struct dump_task *t, pid_t tid)
{
	size_t i;

	for (i = 0; t->threads && i < t->threads->n; i++)
		if (t->threads->v[i].tid == tid)
			return true;
	return tid == t->pid;
}

static bool same_line(const char *a, const char *b, const char *key)
{
	const char *x = procfs__field(a, key), *y = procfs__field(b, key);
	size_t lx, ly;

	if (!x || !y)
		return !x && !y;
	lx = strcspn(x, "\n");
	ly = strcspn(y, "\n");
	return lx == ly && !memcmp(x, y, lx);
}

/* Refuse (printed) what restore cannot recreate for thread @tid of @t. */
static int check_thread(struct dump_task *t, pid_t tid)
{
	static const struct {
		int type;
		const char *what;
	} kinds[] = {
		{ KCMP_FILES, "its own fd table (unshare(CLONE_FILES))" },
		{ KCMP_FS, "its own cwd and root (unshare(CLONE_FS))" },
	};
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if (!syscall(SYS_kcmp, t->pid, tid, kinds[i].type, 0, 0))
			continue;
		pr_err("pid %d thread %d has %s: not supported", t->pid, tid, kinds[i].what);
		return -EOPNOTSUPP;
	}
	return 0;
}

/* personality(2) is per thread too: does @tid's differ from the leader's? */
static int other_personality(struct dump_task *t, pid_t tid, bool *other)
{
	char name[64], *mine = NULL, *leader = NULL;
	int err;

	snprintf(name, sizeof(name), "task/%d/personality", tid);
	err = procfs__read(t->pid, name, &mine, NULL);
	if (!err)
		err = procfs__read(t->pid, "personality", &leader, NULL);
	if (!err)
		*other = strtoul(mine, NULL, 16) != strtoul(leader, NULL, 16);
	free(mine);
	free(leader);
	return err;
}

/* Thread @tid's credentials into @th when they are not the leader's. */
static int fill_creds(struct dump_task *t, pid_t tid, const char *leader_status, ThreadCore *th)
{
	char name[64], *status = NULL;
	bool other = false;
	size_t i;
	int err;

	snprintf(name, sizeof(name), "task/%d/status", tid);
	err = procfs__read(t->pid, name, &status, NULL);
	if (err)
		return err;
	for (i = 0; i < sizeof(cred_keys) / sizeof(cred_keys[0]); i++)
		if (!same_line(status, leader_status, cred_keys[i]))
			other = true;
	if (!other)
		err = other_personality(t, tid, &other);
	if (!err && other)
		err = dump_task__creds(t->pid, tid, status, &th->creds);
	free(status);
	return err;
}

static int add_thread(struct dump_task *t, pid_t tid)
{
	struct dump_threads *ts = t->threads;
	struct dump_thread *arr;
	struct ptrace_task *pt = NULL;
	char name[64], *status = NULL;
	struct procfs_stat st;
	uint64_t tracer = 0;
	int err;

	arr = realloc(ts->v, (ts->n + 1) * sizeof(*arr));
	if (!arr) {
		pr_err("pid %d: out of memory", t->pid);
		return -ENOMEM;
	}
	ts->v = arr;
	err = ptrace__seize(tid, &pt);
	/* EPERM for a thread that is exiting: it will not be part of the process. */
	if (err == -EPERM && (procfs__stat(tid, &st) || st.state == 'Z' || st.state == 'X'))
		err = -ESRCH;
	if (err == -ESRCH)
		return 0; /* it exited: it is not part of the process any more */
	if (err == -EBUSY) {
		pr_err("pid %d thread %d is stopped: stopped tasks are not supported", t->pid, tid);
		return err;
	}
	if (err == -EPERM) {
		snprintf(name, sizeof(name), "task/%d/status", tid);
		if (!procfs__read(t->pid, name, &status, NULL))
			procfs__field_u64(status, "TracerPid:", 10, &tracer);
		free(status);
		if (tracer)
			pr_err("pid %d thread %d is already traced by pid %lu", t->pid, tid,
			       (unsigned long)tracer);
		else
			pr_err("pid %d thread %d: cannot freeze it: %s", t->pid, tid, strerror(-err));
		return err;
	}
	if (err) {
		pr_err("pid %d thread %d: cannot freeze it: %s", t->pid, tid, strerror(-err));
		return err;
	}
	ts->v[ts->n].tid = tid;
	ts->v[ts->n].pt = pt;
	ts->n++;
	ptrace__set_crash_safe(pt);
	/* Its seccomp filters must not judge the syscalls dump runs in it (dump_seccomp.c). */
	err = dump_seccomp__hold(pt, t->pid, tid);
	if (err)
		return err;
	/* Held: its tables cannot change any more. */
	return check_thread(t, tid);
}

/* One pass over /proc/PID/task; @added: threads seized in it. */
static int seize_pass(struct dump_task *t, size_t *added)
{
	char path[64];
	struct dirent *d;
	size_t before = t->threads->n;
	DIR *dir;
	int err = 0;

	snprintf(path, sizeof(path), "/proc/%d/task", t->pid);
	dir = opendir(path);
	if (!dir && errno == ENOENT)
		return -ESRCH;
	if (!dir) {
		err = -errno;
		pr_err("pid %d: cannot list its threads: %s", t->pid, strerror(-err));
		return err;
	}
	while (!err && (d = readdir(dir))) {
		char *end;
		long tid = strtol(d->d_name, &end, 10);

		if (*end || tid <= 0 || known(t, tid))
			continue;
		err = add_thread(t, tid);
	}
	closedir(dir);
	*added = t->threads->n - before;
	return err;
}

static int cmp_thread(const void *a, const void *b)
{
	const struct dump_thread *x = a, *y = b;

	return x->tid - y->tid;
}

int dump_threads__seize(struct dump_ctx *ctx, struct dump_task *t)
{
	size_t added = 1, round;
	int err = 0;

	(void)ctx;
	t->threads = calloc(1, sizeof(*t->threads));
	if (!t->threads) {
		pr_err("pid %d: out of memory", t->pid);
		return -ENOMEM;
	}
	for (round = 0; !err && added; round++) {
		if (round == MAX_ROUNDS) {
			pr_err("pid %d keeps creating threads: cannot freeze them all", t->pid);
			err = -EAGAIN;
			break;
		}
		err = seize_pass(t, &added);
	}
	/* Every failure was said but -ESRCH: the process is gone, the caller says so. */
	if (!err)
		qsort(t->threads->v, t->threads->n, sizeof(*t->threads->v), cmp_thread);
	return err;
}

/* A call in the thread; a failing remote call is this call's -errno. */
static int thread_syscall(struct ptrace_task *pt, long nr, long a0, long a1)
{
	long args[6] = { a0, a1 }, r = 0;
	int err;

	err = ptrace__syscall(pt, nr, args, &r);
	if (err)
		return err;
	return r < 0 && r > -4096 ? (int)r : 0;
}

/*
 * The thread's NUMA policy (get_mempolicy(): only the thread itself can
 * ask), kept when not the default. A kernel without NUMA says ENOSYS:
 * nothing to keep.
 */
static int mempolicy(struct ptrace_task *pt, unsigned long scratch, ThreadCore *th)
{
	long args[6] = { (long)scratch, (long)scratch + 64, 1024, 0, 0 }, r = 0;
	uint8_t nodes[128];
	int32_t mode = 0;
	int err;

	err = ptrace__syscall(pt, SYS_get_mempolicy, args, &r);
	if (!err && r == -ENOSYS)
		return 0;
	if (!err && r < 0 && r > -4096)
		err = (int)r;
	if (!err)
		err = ptrace__read_mem(pt, scratch, &mode, sizeof(mode));
	if (err || !mode)
		return err;
	err = ptrace__read_mem(pt, scratch + 64, nodes, sizeof(nodes));
	if (err)
		return err;
	th->mempolicy_nodes.data = malloc(sizeof(nodes));
	if (!th->mempolicy_nodes.data)
		return -ENOMEM;
	memcpy(th->mempolicy_nodes.data, nodes, sizeof(nodes));
	th->mempolicy_nodes.len = sizeof(nodes);
	th->has_mempolicy_nodes = th->has_mempolicy_mode = true;
	th->mempolicy_mode = mode;
	return 0;
}

/* clear_child_tid and the robust list: what thread exit and futexes rely on. */
static int fill_exit_state(pid_t tid, struct ptrace_task *pt, unsigned long scratch,
			   ThreadCore *th)
{
	uint64_t addr = 0;
	void *head = NULL;
	size_t len = 0;
	int err;

	err = thread_syscall(pt, SYS_prctl, PR_GET_TID_ADDRESS, scratch);
	if (!err)
		err = ptrace__read_mem(pt, scratch, &addr, sizeof(addr));
	if (!err) {
		th->has_clear_child_tid = true;
		th->clear_child_tid = addr;
	} else if (err != -EINVAL) {
		return err;
	}
	/* -EINVAL: a kernel without CONFIG_CHECKPOINT_RESTORE; the field stays absent. */
	if (syscall(SYS_get_robust_list, tid, &head, &len))
		return errno == ESRCH ? -ESRCH : -errno;
	th->has_robust_list = th->has_robust_list_len = true;
	th->robust_list = (uintptr_t)head;
	th->robust_list_len = len;
	return mempolicy(pt, scratch, th);
}

static int fill_one(struct dump_task *t, struct dump_thread *d, unsigned long scratch,
		    const char *leader_status, ThreadCore **out)
{
	struct procfs_stat st;
	int32_t pdeath = 0;
	int err;

	err = dump_task__thread(d->tid, d->pt, out);
	if (!err)
		err = dump_seccomp__thread(d->pt, t->pid, d->tid, *out);
	if (!err)
		err = dump_signals__thread(d->pt, scratch, *out);
	if (!err)
		err = fill_exit_state(d->tid, d->pt, scratch, *out);
	if (!err)
		err = thread_syscall(d->pt, SYS_prctl, PR_GET_PDEATHSIG, scratch);
	if (!err)
		err = ptrace__read_mem(d->pt, scratch, &pdeath, sizeof(pdeath));
	if (!err)
		err = procfs__stat(d->tid, &st);
	if (!err)
		err = fill_creds(t, d->tid, leader_status, *out);
	/* A SIGKILL to the process releases its threads and the leader alike. */
	err = dump_ctx__gone_err(t, err);
	if (err) {
		if (err != -ESRCH)
			pr_err("pid %d thread %d: cannot read its state: %s", t->pid, d->tid,
			       strerror(-err));
		return err;
	}
	(*out)->has_pdeath_sig = true;
	(*out)->pdeath_sig = pdeath;
	(*out)->has_nice = true;
	(*out)->nice = st.nice;
	return 0;
}

int dump_threads__core(struct dump_ctx *ctx, struct dump_task *t, TaskCore *core)
{
	struct dump_threads *ts = t->threads;
	char *leader_status = NULL;
	unsigned long scratch;
	size_t i;
	int err;

	(void)ctx;
	/* The leader's scratch area: every thread of the process can write there. */
	err = ptrace__scratch(t->pt, 4096, &scratch);
	if (!err)
		err = fill_exit_state(t->pid, t->pt, scratch, core->thread);
	err = dump_ctx__gone_err(t, err);
	if (err) {
		if (err != -ESRCH)
			pr_err("pid %d: cannot read its thread state: %s", t->pid, strerror(-err));
		return err;
	}
	core->thread->has_nice = core->has_nice;
	core->thread->nice = core->nice;
	if (!ts || !ts->n)
		return 0;
	core->threads = calloc(ts->n, sizeof(*core->threads));
	if (!core->threads)
		return -ENOMEM;
	/* Every thread is held: the leader's credentials are those dump_task.c saved. */
	err = procfs__read(t->pid, "status", &leader_status, NULL);
	err = dump_ctx__gone_err(t, err);
	if (err) {
		if (err != -ESRCH)
			pr_err("pid %d: cannot read its status: %s", t->pid, strerror(-err));
		return err;
	}
	for (i = 0; !err && i < ts->n; i++) {
		err = fill_one(t, &ts->v[i], scratch, leader_status, &core->threads[i]);
		/* Counted even when half filled: the caller frees it. */
		if (core->threads[i])
			core->n_threads++;
	}
	free(leader_status);
	return err;
}

int dump_threads__release(struct dump_task *t, bool kill)
{
	struct dump_threads *ts = t->threads;
	size_t i;
	int err = 0, e;

	if (!ts)
		return 0;
	/*
	 * Killed: each thread's exit is collected here; the leader's exit is
	 * reported only once all of them are, so they go first.
	 */
	for (i = 0; i < ts->n; i++) {
		e = kill ? ptrace__kill(ts->v[i].pt) : ptrace__detach(ts->v[i].pt);
		if (e && e != -ESRCH && !err) {
			err = e;
			pr_err("pid %d thread %d: cannot %s it: %s", t->pid, ts->v[i].tid,
			       kill ? "kill" : "detach", strerror(-e));
		}
	}
	free(ts->v);
	free(ts);
	t->threads = NULL;
	return err;
}

struct dump_task *dump_threads__find(struct dump_ctx *ctx, pid_t tid)
{
	size_t i, j;

	for (i = 0; i < ctx->ntasks; i++) {
		struct dump_threads *ts = ctx->tasks[i].threads;

		for (j = 0; ts && j < ts->n; j++)
			if (ts->v[j].tid == tid)
				return &ctx->tasks[i];
	}
	return NULL;
}
