// SPDX-License-Identifier: GPL-2.0
/*
 * ptrace_core.c - seize, registers, signals, memory, detach and kill (see
 * ptrace.h for the contract; remote syscalls are in ptrace_inject.c).
 *
 * If pidtrace dies, the kernel detaches every task it held and each runs on
 * from where it was held: nothing here changes a task's state but the
 * remote syscalls of ptrace_inject.c, which are written to survive that.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/elf.h>

#include "log.h"
#include "ptrace_int.h"

#ifndef PTRACE_GET_RSEQ_CONFIGURATION
#define PTRACE_GET_RSEQ_CONFIGURATION 0x420f
#endif

/* Kernel-side siginfo is 128 bytes on every architecture. */
_Static_assert(sizeof(siginfo_t) == 128, "siginfo_t size");

pid_t ptrace__pid(const struct ptrace_task *t)
{
	return t->pid;
}

bool ptrace__exited(const struct ptrace_task *t, int *status)
{
	if (t->exited && status)
		*status = t->exit_status;
	return t->exited;
}

/* Is @tid a thread of @pid's thread group, other than @pid itself? */
static bool sibling_thread(pid_t pid, pid_t tid)
{
	char path[64];

	if (tid == pid)
		return false;
	snprintf(path, sizeof(path), "/proc/%d/task/%d", pid, tid);
	return access(path, F_OK) == 0;
}

/*
 * Wait for the next state change of @t into @status. A plain blocking
 * waitpid() on a thread-group leader can hang for ever: once the group is
 * SIGKILLed, the leader's exit is reported only after its other threads
 * are reaped, and those threads are our tracees, waiting for us. So peek
 * first (WNOWAIT) at whatever is pending: an exited sibling thread is
 * reaped here (its own ptrace_task then finds it gone: ECHILD), and only
 * an unrelated tracee's event (restore's helpers, another task killed
 * meanwhile), which is not ours to take, falls back to the blocking wait.
 * Return: 0, or -errno (-ECHILD: @t was reaped by a sibling's wait).
 */
static int wait_task(struct ptrace_task *t, int *status)
{
	siginfo_t si;
	pid_t r;
	int st;

	for (;;) {
		r = waitpid(t->pid, status, __WALL | WNOHANG);
		if (r == t->pid)
			return 0;
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		memset(&si, 0, sizeof(si));
		if (waitid(P_ALL, 0, &si, WEXITED | WSTOPPED | WNOWAIT | __WALL) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (si.si_pid == t->pid)
			continue;
		if ((si.si_code == CLD_EXITED || si.si_code == CLD_KILLED ||
		     si.si_code == CLD_DUMPED) && sibling_thread(t->pid, si.si_pid)) {
			waitpid(si.si_pid, &st, __WALL | WNOHANG);
			continue;
		}
		while (waitpid(t->pid, status, __WALL) < 0)
			if (errno != EINTR)
				return -errno;
		return 0;
	}
}

/* @t is gone: remember how (unknown, 0, if a sibling's wait reaped it). */
static int mark_exited(struct ptrace_task *t, int status)
{
	t->exited = true;
	t->exit_status = status;
	return -ESRCH;
}

/*
 * A held task only stops being held by dying (SIGKILL), so after an ESRCH
 * from ptrace() wait for its exit notification and remember it.
 */
static int note_gone(struct ptrace_task *t)
{
	int st = 0;

	if (t->exited)
		return -ESRCH;
	if (wait_task(t, &st))
		return mark_exited(t, 0);
	if (WIFSTOPPED(st))
		return -ESRCH;
	return mark_exited(t, st);
}

int ptrace__pt_err(struct ptrace_task *t)
{
	int err = -errno;

	if (err == -ESRCH)
		return note_gone(t);
	return err;
}

int ptrace__wait_stop(struct ptrace_task *t, int *status)
{
	int err;

	for (;;) {
		err = wait_task(t, status);
		if (err == -ECHILD)
			return mark_exited(t, 0);
		if (err)
			return err;
		if (WIFEXITED(*status) || WIFSIGNALED(*status))
			return mark_exited(t, *status);
		if (WIFSTOPPED(*status))
			return 0;
	}
}

bool ptrace__is_event_stop(int status)
{
	return (status >> 16) == PTRACE_EVENT_STOP;
}

bool ptrace__is_syscall_stop(int status)
{
	return (status >> 16) == 0 && WSTOPSIG(status) == (SIGTRAP | 0x80);
}

bool ptrace__is_stop_signal(int sig)
{
	return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

static int seize(pid_t pid, bool stopped_ok, struct ptrace_task **out)
{
	struct ptrace_task *t;
	int err, status, tries;

	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->pid = pid;
	t->mem_fd = -1;
	if (ptrace(PTRACE_SEIZE, pid, 0, PTRACE_O_TRACESYSGOOD)) {
		err = -errno;
		free(t);
		return err;
	}
	if (ptrace(PTRACE_INTERRUPT, pid, 0, 0)) {
		err = ptrace__pt_err(t);
		goto fail;
	}
	for (tries = 0;; tries++) {
		err = ptrace__wait_stop(t, &status);
		if (err)
			goto fail;
		if (ptrace__is_event_stop(status)) {
			if (WSTOPSIG(status) == SIGTRAP)
				break;
			/*
			 * A group stop (the task was stopped, or is being
			 * stopped): held in it, or left stopped, as it was.
			 */
			if (stopped_ok && ptrace__is_stop_signal(WSTOPSIG(status))) {
				t->stop_sig = WSTOPSIG(status);
				break;
			}
			err = -EBUSY;
			goto fail;
		}
		/*
		 * A signal the task was dequeuing when we seized it: deliver it
		 * (the pending interrupt stops the task right after), so that
		 * the task looks as if it was frozen a moment later.
		 */
		if (tries > 32) {
			err = -EAGAIN;
			goto fail;
		}
		if (ptrace(PTRACE_CONT, pid, 0, ptrace__is_syscall_stop(status) ? 0 : WSTOPSIG(status))) {
			err = ptrace__pt_err(t);
			goto fail;
		}
	}
	ptrace__note_restart(t);
	*out = t;
	return 0;
fail:
	if (!t->exited)
		ptrace(PTRACE_DETACH, pid, 0, 0);
	free(t);
	return err;
}

int ptrace__seize(pid_t pid, struct ptrace_task **out)
{
	return seize(pid, false, out);
}

int ptrace__seize_stopped(pid_t pid, struct ptrace_task **out)
{
	return seize(pid, true, out);
}

int ptrace__stop_sig(const struct ptrace_task *t)
{
	return t ? t->stop_sig : 0;
}

int ptrace__check(struct ptrace_task *t)
{
	uint64_t mask;

	if (t->exited)
		return -ESRCH;
	/* Any request fails with ESRCH once the tracee left its stop. */
	return ptrace__get_sigmask(t, &mask);
}

int ptrace__get_regs(struct ptrace_task *t, struct user_regs_struct *regs)
{
	struct iovec iov = { regs, sizeof(*regs) };

	if (ptrace(PTRACE_GETREGSET, t->pid, NT_PRSTATUS, &iov))
		return ptrace__pt_err(t);
	return iov.iov_len == sizeof(*regs) ? 0 : -EIO;
}

int ptrace__set_regs(struct ptrace_task *t, const struct user_regs_struct *regs)
{
	struct iovec iov = { (void *)regs, sizeof(*regs) };

	if (ptrace(PTRACE_SETREGSET, t->pid, NT_PRSTATUS, &iov))
		return ptrace__pt_err(t);
	return 0;
}

int ptrace__get_xstate(struct ptrace_task *t, void **buf, size_t *len)
{
	/* Larger than any XSAVE area so far (AMX makes it ~11 KiB). */
	const size_t max = 64 * 1024;
	struct iovec iov;
	void *tmp, *copy;
	int err = 0;

	tmp = calloc(1, max);
	if (!tmp)
		return -ENOMEM;
	iov.iov_base = tmp;
	iov.iov_len = max;
	if (ptrace(PTRACE_GETREGSET, t->pid, NT_X86_XSTATE, &iov)) {
		err = ptrace__pt_err(t);
		goto out;
	}
	copy = malloc(iov.iov_len);
	if (!copy) {
		err = -ENOMEM;
		goto out;
	}
	memcpy(copy, tmp, iov.iov_len);
	*buf = copy;
	*len = iov.iov_len;
out:
	free(tmp);
	return err;
}

int ptrace__set_xstate(struct ptrace_task *t, const void *buf, size_t len)
{
	struct iovec iov = { (void *)buf, len };

	if (ptrace(PTRACE_SETREGSET, t->pid, NT_X86_XSTATE, &iov))
		return ptrace__pt_err(t);
	return 0;
}

int ptrace__get_sigmask(struct ptrace_task *t, uint64_t *mask)
{
	if (ptrace(PTRACE_GETSIGMASK, t->pid, sizeof(*mask), mask))
		return ptrace__pt_err(t);
	return 0;
}

int ptrace__set_sigmask(struct ptrace_task *t, uint64_t mask)
{
	if (ptrace(PTRACE_SETSIGMASK, t->pid, sizeof(mask), &mask))
		return ptrace__pt_err(t);
	return 0;
}

int ptrace__peek_siginfo(struct ptrace_task *t, bool shared, siginfo_t **out, size_t *n)
{
	struct __ptrace_peeksiginfo_args args = {
		.off = 0,
		.flags = shared ? PTRACE_PEEKSIGINFO_SHARED : 0,
		.nr = 64,
	};
	siginfo_t *arr = NULL, *tmp;
	size_t cnt = 0;
	long got;

	for (;;) {
		tmp = realloc(arr, (cnt + args.nr) * sizeof(*arr));
		if (!tmp) {
			free(arr);
			return -ENOMEM;
		}
		arr = tmp;
		args.off = cnt;
		got = ptrace(PTRACE_PEEKSIGINFO, t->pid, &args, arr + cnt);
		if (got < 0) {
			int err = ptrace__pt_err(t);

			free(arr);
			return err;
		}
		cnt += got;
		if (got < (long)args.nr)
			break;
	}
	if (!cnt) {
		free(arr);
		arr = NULL;
	}
	*out = arr;
	*n = cnt;
	return 0;
}

int ptrace__get_rseq(struct ptrace_task *t, struct ptrace_core_rseq *rseq)
{
	memset(rseq, 0, sizeof(*rseq));
	if (ptrace(PTRACE_GET_RSEQ_CONFIGURATION, t->pid, sizeof(*rseq), rseq) < 0)
		return ptrace__pt_err(t);
	return 0;
}

static int mem_fd(struct ptrace_task *t)
{
	char path[64];

	if (t->mem_fd >= 0)
		return t->mem_fd;
	snprintf(path, sizeof(path), "/proc/%d/mem", t->pid);
	t->mem_fd = open(path, O_RDWR | O_CLOEXEC);
	return t->mem_fd >= 0 ? t->mem_fd : -errno;
}

static int mem_pread(struct ptrace_task *t, unsigned long addr, void *buf, size_t len)
{
	int fd = mem_fd(t);
	ssize_t n;

	if (fd < 0)
		return fd;
	while (len) {
		n = pread(fd, buf, len, (off_t)addr);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EIO ? -EFAULT : -errno;
		if (n == 0)
			return -EFAULT;
		buf = (char *)buf + n;
		addr += n;
		len -= n;
	}
	return 0;
}

int ptrace__read_iov(struct ptrace_task *t, const struct iovec *local,
			  const struct iovec *remote, size_t n)
{
	size_t i = 0, cnt;
	ssize_t got;
	int err;

	while (i < n) {
		cnt = n - i < IOV_MAX ? n - i : IOV_MAX;
		got = process_vm_readv(t->pid, local + i, cnt, remote + i, cnt, 0);
		if (got < 0) {
			if (errno == ESRCH)
				return -ESRCH;
			got = 0;
		}
		while (cnt && (size_t)got >= remote[i].iov_len) {
			got -= remote[i].iov_len;
			i++;
			cnt--;
		}
		if (!cnt)
			continue;
		/* What process_vm_readv() stopped at: unreadable or a fault. */
		err = mem_pread(t, (unsigned long)remote[i].iov_base + got,
				(char *)local[i].iov_base + got, remote[i].iov_len - got);
		if (err)
			return err;
		i++;
	}
	return 0;
}

int ptrace__read_mem(struct ptrace_task *t, unsigned long addr, void *buf, size_t len)
{
	struct iovec l = { buf, len }, r = { (void *)addr, len };

	return ptrace__read_iov(t, &l, &r, 1);
}

int ptrace__write_mem(struct ptrace_task *t, unsigned long addr, const void *buf, size_t len)
{
	int fd = mem_fd(t);
	ssize_t n;

	if (fd < 0)
		return fd;
	while (len) {
		n = pwrite(fd, buf, len, (off_t)addr);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? (errno == EIO ? -EFAULT : -errno) : -EFAULT;
		buf = (const char *)buf + n;
		addr += n;
		len -= n;
	}
	return 0;
}

static int add_option(struct ptrace_task *t, int opt)
{
	if (t->exited)
		return -ESRCH;
	if (ptrace(PTRACE_SETOPTIONS, t->pid, 0, PTRACE_O_TRACESYSGOOD | t->opts | opt))
		return ptrace__pt_err(t);
	t->opts |= opt;
	return 0;
}

int ptrace__set_exitkill(struct ptrace_task *t)
{
	return add_option(t, PTRACE_O_EXITKILL);
}

int ptrace__suspend_seccomp(struct ptrace_task *t)
{
	return add_option(t, PTRACE_O_SUSPEND_SECCOMP);
}

int ptrace__seccomp_filter(struct ptrace_task *t, unsigned int idx, void **prog, size_t *len)
{
	long n, m;
	void *buf;

	*prog = NULL;
	*len = 0;
	if (t->exited)
		return -ESRCH;
	n = ptrace(PTRACE_SECCOMP_GET_FILTER, t->pid, idx, NULL);
	if (n < 0)
		return ptrace__pt_err(t);
	buf = calloc(n ? n : 1, 8);
	if (!buf)
		return -ENOMEM;
	m = ptrace(PTRACE_SECCOMP_GET_FILTER, t->pid, idx, buf);
	if (m < 0 || m != n) {
		int err = m < 0 ? ptrace__pt_err(t) : -EIO;

		free(buf);
		return err;
	}
	*prog = buf;
	*len = (size_t)n * 8;
	return 0;
}

int ptrace__seccomp_flags(struct ptrace_task *t, unsigned int idx, uint64_t *flags)
{
	struct __ptrace_seccomp_metadata md = { .filter_off = idx };

	if (t->exited)
		return -ESRCH;
	if (ptrace(PTRACE_SECCOMP_GET_METADATA, t->pid, sizeof(md), &md) < 0)
		return ptrace__pt_err(t);
	*flags = md.flags;
	return 0;
}

static void release(struct ptrace_task *t)
{
	if (t->mem_fd >= 0)
		close(t->mem_fd);
	free(t);
}

int ptrace__detach(struct ptrace_task *t)
{
	int err = 0;

	if (!t)
		return 0;
	if (!t->exited) {
		err = ptrace__unmap_scratch(t);
		ptrace__native_restart(t);
		ptrace__requeue_stop(t);
		if (ptrace(PTRACE_DETACH, t->pid, 0, 0) && !err)
			err = ptrace__pt_err(t);
	}
	release(t);
	return err;
}

int ptrace__kill(struct ptrace_task *t)
{
	int err = 0, status;

	if (!t)
		return 0;
	if (!t->exited) {
		if (kill(t->pid, SIGKILL) && errno != ESRCH)
			err = -errno;
		while (!err && !t->exited) {
			err = ptrace__wait_stop(t, &status);
			if (err == -ESRCH)
				err = 0;
			else if (!err && !t->exited)
				ptrace(PTRACE_CONT, t->pid, 0, 0);
		}
	}
	release(t);
	return err;
}
