// SPDX-License-Identifier: GPL-2.0
/*
 * dump_seccomp.c - a thread's seccomp state: strict mode, or its chain of
 * filters (PTRACE_SECCOMP_GET_FILTER, with the flags that
 * PTRACE_SECCOMP_GET_METADATA tells), see dump_seccomp.h.
 *
 * A task under seccomp would run pidtrace's remote syscalls through its
 * own filters (a filter may kill it for a prctl; strict mode kills it for
 * anything but read/write/exit/sigreturn), so every thread is held with
 * PTRACE_O_SUSPEND_SECCOMP from its seize on: the kernel skips its
 * filters while pidtrace traces it, and the detach ends that. Every
 * thread, not only those under seccomp at seize: a thread not yet seized
 * may still give its filters to a held one (SECCOMP_FILTER_FLAG_TSYNC).
 *
 * Refused: a filter that hands syscalls to a supervisor
 * (SECCOMP_RET_USER_NOTIF): the supervisor's end of it cannot be tied to
 * the restored filter.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/filter.h>
#include <linux/seccomp.h>

#include "dump_seccomp.h"
#include "log.h"
#include "procfs.h"
#include "ptrace.h"

/* A filter chain longer than the kernel allows (MAX_INSNS_PER_PATH) is corrupt. */
#define MAX_FILTERS (256 * 1024 / 4)

static int thread_status(pid_t pid, pid_t tid, uint64_t *mode, uint64_t *nfilters)
{
	char name[64], *status = NULL;
	int err;

	snprintf(name, sizeof(name), "task/%d/status", tid);
	err = procfs__read(pid, name, &status, NULL);
	if (err)
		return err;
	*mode = 0;
	procfs__field_u64(status, "Seccomp:", 10, mode);
	if (nfilters) {
		*nfilters = 0;
		procfs__field_u64(status, "Seccomp_filters:", 10, nfilters);
	}
	free(status);
	return 0;
}

/* "pid N" for a main thread, "pid N thread T" for another. */
static const char *who(pid_t pid, pid_t tid, char *buf, size_t len)
{
	if (tid == pid)
		snprintf(buf, len, "pid %d", pid);
	else
		snprintf(buf, len, "pid %d thread %d", pid, tid);
	return buf;
}

static const char *mode_name(uint64_t mode)
{
	return mode == SECCOMP_MODE_STRICT ? "strict" : "filter";
}

int dump_seccomp__hold(struct ptrace_task *pt, pid_t pid, pid_t tid)
{
	uint64_t mode = 0;
	char name[48];
	int err, serr;

	serr = ptrace__suspend_seccomp(pt);
	if (!serr || serr == -ESRCH)
		return serr;
	err = thread_status(pid, tid, &mode, NULL);
	if (err)
		return err;
	if (!mode)
		return 0;
	pr_err("%s runs under seccomp (%s mode) and pidtrace cannot suspend it for the dump (PTRACE_O_SUSPEND_SECCOMP: %s)",
	       who(pid, tid, name, sizeof(name)), mode_name(mode), strerror(-serr));
	return -EOPNOTSUPP;
}

/* Does the program ever give a syscall to a user-space supervisor? */
static bool user_notif(const void *prog, size_t len)
{
	const struct sock_filter *f = prog;
	size_t i;

	for (i = 0; i < len / sizeof(*f); i++)
		if (f[i].code == (BPF_RET | BPF_K) &&
		    (f[i].k & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_USER_NOTIF)
			return true;
	return false;
}

static SeccompFilterEntry *new_filter(void *prog, size_t len, uint64_t flags)
{
	SeccompFilterEntry *e = malloc(sizeof(*e));

	if (!e)
		return NULL;
	seccomp_filter_entry__init(e);
	e->prog.data = prog;
	e->prog.len = len;
	e->has_flags = true;
	e->flags = (uint32_t)flags;
	return e;
}

int dump_seccomp__thread(struct ptrace_task *pt, pid_t pid, pid_t tid, ThreadCore *th)
{
	uint64_t mode = 0, count = 0, flags;
	SeccompFilterEntry **v = NULL, *e;
	char name[48];
	size_t n = 0, len;
	void *prog;
	int err;

	err = thread_status(pid, tid, &mode, &count);
	if (err)
		return err;
	th->has_seccomp_mode = true;
	th->seccomp_mode = (uint32_t)mode;
	if (mode != SECCOMP_MODE_FILTER)
		return 0;
	/* Index 0 is the oldest filter (the kernel counts from the first installed). */
	for (;;) {
		if (n == MAX_FILTERS) {
			err = -E2BIG;
			break;
		}
		err = ptrace__seccomp_filter(pt, n, &prog, &len);
		if (err == -ENOENT && n) {
			err = 0;
			break;
		}
		if (err)
			break;
		flags = 0;
		err = ptrace__seccomp_flags(pt, n, &flags);
		if (!err && user_notif(prog, len)) {
			pr_err("%s: its seccomp filter %zu hands syscalls to a supervisor (SECCOMP_RET_USER_NOTIF): not supported",
			       who(pid, tid, name, sizeof(name)), n + 1);
			err = -EOPNOTSUPP;
		}
		e = err ? NULL : new_filter(prog, len, flags & SECCOMP_FILTER_FLAG_LOG);
		if (!e) {
			free(prog);
			err = err ? err : -ENOMEM;
			break;
		}
		if (!(n & (n + 1))) {
			SeccompFilterEntry **nv = realloc(v, (2 * n + 1) * sizeof(*v));

			if (!nv) {
				seccomp_filter_entry__free_unpacked(e, NULL);
				err = -ENOMEM;
				break;
			}
			v = nv;
		}
		v[n++] = e;
	}
	/* Handed over even on error: the caller frees the core. */
	th->seccomp_filters = v;
	th->n_seccomp_filters = n;
	if (err == -EOPNOTSUPP || err == -ESRCH)
		return err;
	if (err) {
		pr_err("%s: cannot read its seccomp filters: %s", who(pid, tid, name, sizeof(name)),
		       strerror(-err));
		return -EOPNOTSUPP;
	}
	if (count && count != n) {
		pr_err("%s: %zu seccomp filters read, /proc says %lu",
		       who(pid, tid, name, sizeof(name)), n, (unsigned long)count);
		return -EOPNOTSUPP;
	}
	return 0;
}
