// SPDX-License-Identifier: GPL-2.0
/*
 * ptrace_core.c - seize, registers, remote syscalls and memory (see
 * ptrace_core.h for the contract).
 *
 * Where a held task sits matters. After PTRACE_INTERRUPT it stops inside
 * get_signal(); an interrupted syscall has returned -ERESTART* and the
 * kernel decides whether to restart it only after get_signal() returns.
 * A remote syscall therefore runs like this: from the interrupt stop, set
 * orig_rax = -1 (so nothing is "restarted" on our behalf), jump to a
 * `syscall` instruction with PTRACE_SYSCALL, stop at entry and at exit, put
 * the saved registers back, then PTRACE_INTERRUPT + PTRACE_CONT so that the
 * task stops in get_signal() again with the registers it had. On detach the
 * kernel's restart logic then sees the original -ERESTART* value.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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
#include "ptrace_core.h"

#ifndef PTRACE_GET_RSEQ_CONFIGURATION
#define PTRACE_GET_RSEQ_CONFIGURATION 0x420f
#endif

/* Kernel-side siginfo is 128 bytes on every architecture. */
_Static_assert(sizeof(siginfo_t) == 128, "siginfo_t size");

struct ptrace_task {
	pid_t pid;
	bool exited;
	int exit_status;
	int mem_fd;		/* /proc/PID/mem, opened on first use */
	unsigned long sys_ip;	/* a known `syscall` instruction, 0: unknown */
	bool vdso_searched;
	unsigned long scratch;	/* scratch area in the task, 0: none */
	size_t scratch_len;
	int deferred_sig;	/* a stop signal held back during a remote call */
};

static const uint8_t syscall_insn[2] = { 0x0f, 0x05 };

pid_t ptrace_core__pid(const struct ptrace_task *t)
{
	return t->pid;
}

bool ptrace_core__exited(const struct ptrace_task *t, int *status)
{
	if (t->exited && status)
		*status = t->exit_status;
	return t->exited;
}

/*
 * A held task only stops being held by dying (SIGKILL), so after an ESRCH
 * from ptrace() wait for its exit notification and remember it.
 */
static int note_gone(struct ptrace_task *t)
{
	int st;

	if (t->exited)
		return -ESRCH;
	while (waitpid(t->pid, &st, __WALL) < 0) {
		if (errno != EINTR) {
			st = 0;
			break;
		}
	}
	if (WIFSTOPPED(st))
		return -ESRCH;
	t->exited = true;
	t->exit_status = st;
	return -ESRCH;
}

static int pt_err(struct ptrace_task *t)
{
	int err = -errno;

	if (err == -ESRCH)
		return note_gone(t);
	return err;
}

/* Wait for the next stop of @t; -ESRCH when it exited instead. */
static int wait_stop(struct ptrace_task *t, int *status)
{
	for (;;) {
		if (waitpid(t->pid, status, __WALL) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (WIFEXITED(*status) || WIFSIGNALED(*status)) {
			t->exited = true;
			t->exit_status = *status;
			return -ESRCH;
		}
		if (WIFSTOPPED(*status))
			return 0;
	}
}

static bool is_event_stop(int status)
{
	return (status >> 16) == PTRACE_EVENT_STOP;
}

static bool is_syscall_stop(int status)
{
	return (status >> 16) == 0 && WSTOPSIG(status) == (SIGTRAP | 0x80);
}

static bool is_stop_signal(int sig)
{
	return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

int ptrace_core__seize(pid_t pid, struct ptrace_task **out)
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
		err = pt_err(t);
		goto fail;
	}
	for (tries = 0;; tries++) {
		err = wait_stop(t, &status);
		if (err)
			goto fail;
		if (is_event_stop(status)) {
			if (WSTOPSIG(status) == SIGTRAP)
				break;
			/* A group stop: leave it stopped, as it was. */
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
		if (ptrace(PTRACE_CONT, pid, 0, is_syscall_stop(status) ? 0 : WSTOPSIG(status))) {
			err = pt_err(t);
			goto fail;
		}
	}
	*out = t;
	return 0;
fail:
	if (!t->exited)
		ptrace(PTRACE_DETACH, pid, 0, 0);
	free(t);
	return err;
}

int ptrace_core__check(struct ptrace_task *t)
{
	uint64_t mask;

	if (t->exited)
		return -ESRCH;
	/* Any request fails with ESRCH once the tracee left its stop. */
	return ptrace_core__get_sigmask(t, &mask);
}

int ptrace_core__get_regs(struct ptrace_task *t, struct user_regs_struct *regs)
{
	struct iovec iov = { regs, sizeof(*regs) };

	if (ptrace(PTRACE_GETREGSET, t->pid, NT_PRSTATUS, &iov))
		return pt_err(t);
	return iov.iov_len == sizeof(*regs) ? 0 : -EIO;
}

int ptrace_core__set_regs(struct ptrace_task *t, const struct user_regs_struct *regs)
{
	struct iovec iov = { (void *)regs, sizeof(*regs) };

	if (ptrace(PTRACE_SETREGSET, t->pid, NT_PRSTATUS, &iov))
		return pt_err(t);
	return 0;
}

int ptrace_core__get_xstate(struct ptrace_task *t, void **buf, size_t *len)
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
		err = pt_err(t);
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

int ptrace_core__set_xstate(struct ptrace_task *t, const void *buf, size_t len)
{
	struct iovec iov = { (void *)buf, len };

	if (ptrace(PTRACE_SETREGSET, t->pid, NT_X86_XSTATE, &iov))
		return pt_err(t);
	return 0;
}

int ptrace_core__get_sigmask(struct ptrace_task *t, uint64_t *mask)
{
	if (ptrace(PTRACE_GETSIGMASK, t->pid, sizeof(*mask), mask))
		return pt_err(t);
	return 0;
}

int ptrace_core__set_sigmask(struct ptrace_task *t, uint64_t mask)
{
	if (ptrace(PTRACE_SETSIGMASK, t->pid, sizeof(mask), &mask))
		return pt_err(t);
	return 0;
}

int ptrace_core__peek_siginfo(struct ptrace_task *t, bool shared, siginfo_t **out, size_t *n)
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
			int err = pt_err(t);

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

int ptrace_core__get_rseq(struct ptrace_task *t, struct ptrace_core_rseq *rseq)
{
	memset(rseq, 0, sizeof(*rseq));
	if (ptrace(PTRACE_GET_RSEQ_CONFIGURATION, t->pid, sizeof(*rseq), rseq) < 0)
		return pt_err(t);
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

int ptrace_core__read_iov(struct ptrace_task *t, const struct iovec *local,
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

int ptrace_core__read_mem(struct ptrace_task *t, unsigned long addr, void *buf, size_t len)
{
	struct iovec l = { buf, len }, r = { (void *)addr, len };

	return ptrace_core__read_iov(t, &l, &r, 1);
}

int ptrace_core__write_mem(struct ptrace_task *t, unsigned long addr, const void *buf, size_t len)
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

/* The address of a `syscall` instruction in the task's vDSO, or 0. */
static unsigned long vdso_syscall(struct ptrace_task *t)
{
	unsigned long start = 0, end = 0, a, b;
	char path[64], line[512];
	uint8_t *buf = NULL, *hit;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", t->pid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (strstr(line, "[vdso]") && sscanf(line, "%lx-%lx", &a, &b) == 2) {
			start = a;
			end = b;
			break;
		}
	}
	fclose(f);
	if (!start || end - start > (1 << 20))
		return 0;
	buf = malloc(end - start);
	if (!buf || ptrace_core__read_mem(t, start, buf, end - start)) {
		free(buf);
		return 0;
	}
	hit = memmem(buf, end - start, syscall_insn, sizeof(syscall_insn));
	a = hit ? start + (hit - buf) : 0;
	free(buf);
	return a;
}

/*
 * Where to run a syscall from: rip-2 when the task stopped in a syscall
 * (that instruction brought it there), else the vDSO's, else 0 and the
 * caller writes one over the current instruction.
 */
static unsigned long find_syscall_ip(struct ptrace_task *t, const struct user_regs_struct *r)
{
	uint8_t insn[2];

	/* Restore rewrites memory: check the one we remembered is still there. */
	if (t->sys_ip && !ptrace_core__read_mem(t, t->sys_ip, insn, 2) &&
	    !memcmp(insn, syscall_insn, 2))
		return t->sys_ip;
	if (t->sys_ip)
		t->vdso_searched = false;
	t->sys_ip = 0;
	if ((long)r->orig_rax >= 0 && r->rip >= 2 &&
	    !ptrace_core__read_mem(t, r->rip - 2, insn, 2) && !memcmp(insn, syscall_insn, 2)) {
		t->sys_ip = r->rip - 2;
		return t->sys_ip;
	}
	if (!t->vdso_searched) {
		t->vdso_searched = true;
		t->sys_ip = vdso_syscall(t);
	}
	return t->sys_ip;
}

/* Resume to the next syscall stop; stop signals that arrive are held back. */
static int to_syscall_stop(struct ptrace_task *t)
{
	int status, err, sig = 0;

	for (;;) {
		if (ptrace(PTRACE_SYSCALL, t->pid, 0, sig))
			return pt_err(t);
		err = wait_stop(t, &status);
		if (err)
			return err;
		if (is_syscall_stop(status))
			return 0;
		sig = 0;
		if (is_event_stop(status))
			continue;
		/* Only SIGSTOP (unblockable) or a synchronous fault gets here. */
		if (is_stop_signal(WSTOPSIG(status))) {
			t->deferred_sig = WSTOPSIG(status);
			continue;
		}
		pr_debug("pid %d: signal %d during a remote syscall", t->pid, WSTOPSIG(status));
		return -EFAULT;
	}
}

/* From a syscall stop back to the interrupt stop inside get_signal(). */
static int to_interrupt_stop(struct ptrace_task *t)
{
	int status, err, sig = 0;

	if (ptrace(PTRACE_INTERRUPT, t->pid, 0, 0))
		return pt_err(t);
	for (;;) {
		if (ptrace(PTRACE_CONT, t->pid, 0, sig))
			return pt_err(t);
		err = wait_stop(t, &status);
		if (err)
			return err;
		sig = 0;
		if (is_event_stop(status)) {
			if (WSTOPSIG(status) == SIGTRAP)
				return 0;
			continue;
		}
		if (is_stop_signal(WSTOPSIG(status)))
			t->deferred_sig = WSTOPSIG(status);
		else if (!is_syscall_stop(status))
			sig = WSTOPSIG(status);
	}
}

int ptrace_core__syscall(struct ptrace_task *t, long nr, const long args[6], long *ret)
{
	struct user_regs_struct saved, r;
	uint8_t old_insn[2];
	bool patched = false;
	uint64_t mask;
	unsigned long ip;
	int err, err2;

	if (t->exited)
		return -ESRCH;
	err = ptrace_core__get_regs(t, &saved);
	if (err)
		return err;
	err = ptrace_core__get_sigmask(t, &mask);
	if (err)
		return err;
	ip = find_syscall_ip(t, &saved);
	if (!ip) {
		ip = saved.rip;
		err = ptrace_core__read_mem(t, ip, old_insn, 2);
		if (!err)
			err = ptrace_core__write_mem(t, ip, syscall_insn, 2);
		if (err)
			return err;
		patched = true;
	}
	err = ptrace_core__set_sigmask(t, ~0ULL);
	if (err)
		goto restore;
	r = saved;
	r.rip = ip;
	r.orig_rax = -1;
	r.rax = nr;
	r.rdi = args[0];
	r.rsi = args[1];
	r.rdx = args[2];
	r.r10 = args[3];
	r.r8 = args[4];
	r.r9 = args[5];
	err = ptrace_core__set_regs(t, &r);
	if (err)
		goto restore;
	err = to_syscall_stop(t);
	if (err)
		goto restore;
	err = ptrace_core__get_regs(t, &r);
	if (!err && (long)r.orig_rax != nr)
		err = -EIO;
	if (!err)
		err = to_syscall_stop(t);
	if (!err)
		err = ptrace_core__get_regs(t, &r);
	if (!err)
		*ret = (long)r.rax;
restore:
	if (t->exited)
		return -ESRCH;
	err2 = ptrace_core__set_regs(t, &saved);
	if (!err2)
		err2 = ptrace_core__set_sigmask(t, mask);
	if (!err2 && patched)
		err2 = ptrace_core__write_mem(t, ip, old_insn, 2);
	if (!err2)
		err2 = to_interrupt_stop(t);
	return err ? err : err2;
}

int ptrace_core__scratch(struct ptrace_task *t, size_t len, unsigned long *addr)
{
	long args[6] = { 0 }, ret;
	size_t want;
	int err;

	if (t->scratch && t->scratch_len >= len) {
		*addr = t->scratch;
		return 0;
	}
	err = ptrace_core__unmap_scratch(t);
	if (err)
		return err;
	want = (len + 4095) & ~4095UL;
	args[1] = want;
	args[2] = PROT_READ | PROT_WRITE;
	args[3] = MAP_PRIVATE | MAP_ANONYMOUS;
	args[4] = -1;
	err = ptrace_core__syscall(t, SYS_mmap, args, &ret);
	if (err)
		return err;
	if (ret < 0 && ret > -4096)
		return (int)ret;
	t->scratch = ret;
	t->scratch_len = want;
	*addr = t->scratch;
	return 0;
}

int ptrace_core__unmap_scratch(struct ptrace_task *t)
{
	long args[6] = { 0 }, ret;
	int err;

	if (!t->scratch)
		return 0;
	args[0] = t->scratch;
	args[1] = t->scratch_len;
	err = ptrace_core__syscall(t, SYS_munmap, args, &ret);
	if (err)
		return err;
	t->scratch = 0;
	t->scratch_len = 0;
	return ret ? (int)ret : 0;
}

static void release(struct ptrace_task *t)
{
	if (t->mem_fd >= 0)
		close(t->mem_fd);
	free(t);
}

int ptrace_core__detach(struct ptrace_task *t)
{
	int err = 0;

	if (!t)
		return 0;
	if (!t->exited) {
		err = ptrace_core__unmap_scratch(t);
		if (ptrace(PTRACE_DETACH, t->pid, 0, t->deferred_sig) && !err)
			err = pt_err(t);
	}
	release(t);
	return err;
}

int ptrace_core__kill(struct ptrace_task *t)
{
	int err = 0, status;

	if (!t)
		return 0;
	if (!t->exited) {
		if (kill(t->pid, SIGKILL) && errno != ESRCH)
			err = -errno;
		while (!err && !t->exited) {
			err = wait_stop(t, &status);
			if (err == -ESRCH)
				err = 0;
			else if (!err && !t->exited)
				ptrace(PTRACE_CONT, t->pid, 0, 0);
		}
	}
	release(t);
	return err;
}

void ptrace_core__free(struct ptrace_task *t)
{
	ptrace_core__detach(t);
}
