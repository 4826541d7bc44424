// SPDX-License-Identifier: GPL-2.0
/*
 * ptrace_inject.c - system calls run inside a held task (see ptrace.h).
 *
 * Where a held task sits matters. After PTRACE_INTERRUPT it stops inside
 * get_signal(); an interrupted syscall has returned -ERESTART* and the
 * kernel decides whether to restart it only after get_signal() returns.
 *
 * The plain way (restore, which owns its tasks): from the interrupt stop,
 * set orig_rax = -1 (so nothing is "restarted" on our behalf), jump to a
 * `syscall` instruction with PTRACE_SYSCALL, stop at entry and at exit, put
 * the saved registers back, then PTRACE_INTERRUPT + PTRACE_CONT so that the
 * task stops in get_signal() again with the registers it had. On detach the
 * kernel's restart logic then sees the original -ERESTART* value. If
 * pidtrace dies in the middle, the task runs on with our registers.
 *
 * The crash-safe way (dump, whose tasks must survive pidtrace being killed
 * at any instant) is in ptrace_safe.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "ptrace_int.h"

static const uint8_t syscall_insn[2] = { 0x0f, 0x05 };

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
	if (!buf || ptrace__read_mem(t, start, buf, end - start)) {
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
	if (t->sys_ip && !ptrace__read_mem(t, t->sys_ip, insn, 2) &&
	    !memcmp(insn, syscall_insn, 2))
		return t->sys_ip;
	if (t->sys_ip)
		t->vdso_searched = false;
	t->sys_ip = 0;
	if ((long)r->orig_rax >= 0 && r->rip >= 2 &&
	    !ptrace__read_mem(t, r->rip - 2, insn, 2) && !memcmp(insn, syscall_insn, 2)) {
		t->sys_ip = r->rip - 2;
		return t->sys_ip;
	}
	if (!t->vdso_searched) {
		t->vdso_searched = true;
		t->sys_ip = vdso_syscall(t);
	}
	return t->sys_ip;
}

/*
 * A task stopped inside a syscall that the kernel will restart, or end with
 * EINTR if a handler runs first, when it goes on: remember the registers
 * that say so. A remote call turns them into a plain restart (rip back on
 * the `syscall`, orig_rax -1); a signal that then comes before the task is
 * back in the call would run its handler and the call would sleep on: a
 * sigsuspend() woken by that very signal never returns. Not for
 * -ERESTART_RESTARTBLOCK: the restart block (a sleep's remaining time) is
 * reset by the rt_sigreturn of a crash-safe call, so those restart whole.
 */
void ptrace__note_restart(struct ptrace_task *t)
{
	struct user_regs_struct r;

	if (ptrace__get_regs(t, &r) || (long)r.orig_rax < 0)
		return;
	if ((long)r.rax == -ERESTARTSYS || (long)r.rax == -ERESTARTNOINTR ||
	    (long)r.rax == -ERESTARTNOHAND) {
		t->seized = r;
		t->in_restart = true;
	}
}

void ptrace__native_restart(struct ptrace_task *t)
{
	struct user_regs_struct now, plain = t->seized;

	if (!t->in_restart || t->exited)
		return;
	ptrace__normalize_restart(&plain);
	/* Only if nobody gave the task other registers since (a restore does). */
	if (ptrace__get_regs(t, &now) || !ptrace__regs_match(&now, &plain))
		return;
	if (ptrace__set_regs(t, &t->seized))
		pr_debug("pid %d: the interrupted call is restarted by pidtrace, not the kernel",
			 t->pid);
}

/* Resume to the next syscall stop; stop signals that arrive are held back. */
int ptrace__to_syscall_stop(struct ptrace_task *t)
{
	int status, err, sig = 0;

	for (;;) {
		if (ptrace(PTRACE_SYSCALL, t->pid, 0, sig))
			return ptrace__pt_err(t);
		err = ptrace__wait_stop(t, &status);
		if (err)
			return err;
		if (ptrace__is_syscall_stop(status))
			return 0;
		sig = 0;
		if (ptrace__is_event_stop(status))
			continue;
		/* Only SIGSTOP (unblockable) or a synchronous fault gets here. */
		if (ptrace__is_stop_signal(WSTOPSIG(status))) {
			t->deferred_sig = WSTOPSIG(status);
			continue;
		}
		pr_debug("pid %d: signal %d during a remote syscall", t->pid, WSTOPSIG(status));
		return -EFAULT;
	}
}

/* From a syscall stop back to the interrupt stop inside get_signal(). */
int ptrace__to_interrupt_stop(struct ptrace_task *t)
{
	int status, err, sig = 0;

	if (ptrace(PTRACE_INTERRUPT, t->pid, 0, 0))
		return ptrace__pt_err(t);
	for (;;) {
		if (ptrace(PTRACE_CONT, t->pid, 0, sig))
			return ptrace__pt_err(t);
		err = ptrace__wait_stop(t, &status);
		if (err)
			return err;
		sig = 0;
		/*
		 * In a stopped group every interrupt stop reports the stop
		 * signal, not SIGTRAP (the kernel's do_jobctl_trap()).
		 */
		if (ptrace__is_event_stop(status)) {
			if (WSTOPSIG(status) == SIGTRAP ||
			    (t->stop_sig && ptrace__is_stop_signal(WSTOPSIG(status))))
				return 0;
			continue;
		}
		if (ptrace__is_stop_signal(WSTOPSIG(status)))
			t->deferred_sig = WSTOPSIG(status);
		else if (!ptrace__is_syscall_stop(status))
			sig = WSTOPSIG(status);
	}
}

int ptrace__plain_syscall(struct ptrace_task *t, long nr, const long args[6], long *ret)
{
	struct user_regs_struct saved, r;
	uint8_t old_insn[2];
	bool patched = false;
	uint64_t mask;
	unsigned long ip;
	int err, err2;

	if (t->exited)
		return -ESRCH;
	err = ptrace__get_regs(t, &saved);
	if (err)
		return err;
	err = ptrace__get_sigmask(t, &mask);
	if (err)
		return err;
	ip = find_syscall_ip(t, &saved);
	if (!ip) {
		ip = saved.rip;
		err = ptrace__read_mem(t, ip, old_insn, 2);
		if (!err)
			err = ptrace__write_mem(t, ip, syscall_insn, 2);
		if (err)
			return err;
		patched = true;
	}
	err = ptrace__set_sigmask(t, ~0ULL);
	if (err)
		goto restore;
	r = saved;
	r.rip = ip;
	ptrace__load_syscall(&r, nr, args);
	err = ptrace__set_regs(t, &r);
	if (err)
		goto restore;
	err = ptrace__to_syscall_stop(t);
	if (err)
		goto restore;
	err = ptrace__get_regs(t, &r);
	if (!err && (long)r.orig_rax != nr)
		err = -EIO;
	if (!err)
		err = ptrace__to_syscall_stop(t);
	if (!err)
		err = ptrace__get_regs(t, &r);
	if (!err)
		*ret = (long)r.rax;
restore:
	if (t->exited)
		return -ESRCH;
	err2 = ptrace__set_regs(t, &saved);
	if (!err2)
		err2 = ptrace__set_sigmask(t, mask);
	if (!err2 && patched)
		err2 = ptrace__write_mem(t, ip, old_insn, 2);
	if (!err2)
		err2 = ptrace__to_interrupt_stop(t);
	return err ? err : err2;
}

/*
 * A stop signal the call held back is queued again at once, the task back
 * in its interrupt stop: pending, it stops the task as soon as we let it go
 * (a signal given to PTRACE_DETACH from that stop would be dropped), and a
 * pidtrace killed meanwhile cannot lose it.
 */
void ptrace__requeue_stop(struct ptrace_task *t)
{
	if (t->deferred_sig && !t->exited)
		kill(t->pid, t->deferred_sig);
	t->deferred_sig = 0;
}

int ptrace__syscalls(struct ptrace_task *t, struct ptrace_call *calls, size_t n)
{
	size_t i;
	int err = 0;

	if (t->exited)
		return -ESRCH;
	if (t->safe && !t->safe_failed)
		err = ptrace__safe_syscalls(t, calls, n);
	else
		for (i = 0; !err && i < n; i++)
			err = ptrace__plain_syscall(t, calls[i].nr, calls[i].args, &calls[i].ret);
	ptrace__requeue_stop(t);
	return err;
}

int ptrace__syscall(struct ptrace_task *t, long nr, const long args[6], long *ret)
{
	struct ptrace_call c = { .nr = nr };
	int err;

	memcpy(c.args, args, sizeof(c.args));
	err = ptrace__syscalls(t, &c, 1);
	if (!err)
		*ret = c.ret;
	return err;
}

int ptrace__scratch(struct ptrace_task *t, size_t len, unsigned long *addr)
{
	long args[6] = { 0 }, ret;
	size_t want;
	int err;

	if (t->scratch && t->scratch_len >= len) {
		*addr = t->scratch;
		return 0;
	}
	/* Crash-safe mode: below the signal frame on the stack, nothing to map. */
	if (!ptrace__safe_scratch(t, len, addr))
		return 0;
	err = ptrace__unmap_scratch(t);
	if (err)
		return err;
	want = (len + 4095) & ~4095UL;
	args[1] = want;
	args[2] = PROT_READ | PROT_WRITE;
	args[3] = MAP_PRIVATE | MAP_ANONYMOUS;
	args[4] = -1;
	err = ptrace__syscall(t, SYS_mmap, args, &ret);
	if (err)
		return err;
	if (ret < 0 && ret > -4096)
		return (int)ret;
	t->scratch = ret;
	t->scratch_len = want;
	*addr = t->scratch;
	return 0;
}

int ptrace__unmap_scratch(struct ptrace_task *t)
{
	long args[6] = { 0 }, ret;
	int err;

	if (!t->scratch)
		return 0;
	args[0] = t->scratch;
	args[1] = t->scratch_len;
	err = ptrace__syscall(t, SYS_munmap, args, &ret);
	if (err)
		return err;
	t->scratch = 0;
	t->scratch_len = 0;
	return ret ? (int)ret : 0;
}

