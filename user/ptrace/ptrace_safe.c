// SPDX-License-Identifier: GPL-2.0
/*
 * ptrace_safe.c - remote syscalls that pidtrace's own death cannot leave
 * half done (see ptrace__set_crash_safe()).
 *
 * Killing pidtrace with SIGKILL makes the kernel detach every task it held,
 * and each runs on from where it stood. A plain remote syscall leaves the
 * task with our registers (and all signals blocked) for the whole call: a
 * task let go then would crash or run on changed. Here the task itself is
 * made to undo the call: it runs `syscall; ret` from its own code with rsp
 * on a signal frame we wrote below its red zone; `ret` lands on
 * `mov $15, %rax; syscall` (glibc's and ld.so's __restore_rt), and
 * rt_sigreturn puts every register, the signal mask and the FPU state back
 * from the frame. pidtrace watches each step from syscall stops and checks
 * the result; killed at any point, it leaves a task that finishes the same
 * sequence alone.
 */
#include <cpuid.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#include "log.h"
#include "procfs.h"
#include "ptrace_int.h"
#include "testfault.h"

#define RED_ZONE 128
#define SAFE_SCRATCH 4096
#define FP_XSTATE_MAGIC1 0x46505853U
#define FP_XSTATE_MAGIC2 0x46505845U
#define UC_FP_XSTATE 0x1
#define UC_SIGCONTEXT_SS 0x2
#define UC_STRICT_RESTORE_SS 0x4
/* Flags rt_sigreturn takes from the frame (FIX_EFLAGS, RF aside). */
#define USER_EFLAGS 0x40dd5UL
#define GADGET_SCAN_MAX (64UL << 20)

/* The frame rt_sigreturn reads on x86-64: struct rt_sigframe. */
struct frame_mcontext {
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
	uint16_t cs, gs, fs, ss;
	uint64_t err, trapno, oldmask, cr2;
	uint64_t fpstate;
	uint64_t reserved1[8];
};

struct rt_frame {
	uint64_t pretcode;	/* where `ret` finds the sigreturn gadget */
	uint64_t uc_flags;
	uint64_t uc_link;
	uint64_t ss_sp;		/* uc_stack */
	int32_t ss_flags;
	int32_t ss_pad;
	uint64_t ss_size;
	struct frame_mcontext mc;
	uint64_t sigmask;
	uint8_t info[128];
};
_Static_assert(sizeof(struct frame_mcontext) == 256, "sigcontext layout");
_Static_assert(sizeof(struct rt_frame) == PTRACE_SAFE_FRAME, "rt_sigframe layout");

static const uint8_t g_syscall_ret[] = { 0x0f, 0x05, 0xc3 };
static const uint8_t g_sigret_q[] = { 0x48, 0xc7, 0xc0, 0x0f, 0, 0, 0, 0x0f, 0x05 };
static const uint8_t g_sigret_l[] = { 0xb8, 0x0f, 0, 0, 0, 0x0f, 0x05 };

int ptrace__set_crash_safe(struct ptrace_task *t)
{
	t->safe = true;
	return 0;
}

static void not_safe(struct ptrace_task *t, const char *why)
{
	if (!t->safe_failed)
		pr_debug("pid %d: crash-safe remote syscalls not possible (%s): plain ones", t->pid,
			 why);
	t->safe_failed = true;
}

/* Find both gadgets in the task's executable mappings (ld.so and libc have them). */
static int find_gadgets(struct ptrace_task *t)
{
	const size_t chunk = 1 << 20;
	unsigned long a, b, off, scanned = 0;
	char path[64], line[512], perms[8];
	uint8_t *buf, *hit;
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", t->pid);
	f = fopen(path, "re");
	buf = malloc(chunk + 16);
	if (!f || !buf) {
		if (f)
			fclose(f);
		free(buf);
		return -ENOMEM;
	}
	while ((!t->g_syscall || !t->g_sigreturn) && scanned < GADGET_SCAN_MAX &&
	       fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx %7s", &a, &b, perms) != 3 || perms[2] != 'x' ||
		    strstr(line, "[vsyscall]"))
			continue;
		for (off = a; off < b && scanned < GADGET_SCAN_MAX; off += chunk) {
			/* Overlap chunks so that no pattern is cut in two. */
			n = b - off < chunk + 16 ? b - off : chunk + 16;
			if (ptrace__read_mem(t, off, buf, n))
				break;
			scanned += n;
			if (!t->g_syscall && (hit = memmem(buf, n, g_syscall_ret, sizeof(g_syscall_ret))))
				t->g_syscall = off + (hit - buf);
			if (!t->g_sigreturn && (hit = memmem(buf, n, g_sigret_q, sizeof(g_sigret_q))))
				t->g_sigreturn = off + (hit - buf);
			if (!t->g_sigreturn && (hit = memmem(buf, n, g_sigret_l, sizeof(g_sigret_l))))
				t->g_sigreturn = off + (hit - buf);
		}
	}
	fclose(f);
	free(buf);
	return t->g_syscall && t->g_sigreturn ? 0 : -ENOENT;
}

/*
 * [lo, hi) inside one writable stack mapping: the main stack, or (a thread)
 * the private anonymous mapping its stack pointer is in, as pthread stacks are.
 */
bool ptrace__safe_in_stack(struct ptrace_task *t, unsigned long lo, unsigned long hi)
{
	unsigned long a, b, ino;
	char path[64], line[512], perms[8];
	bool ok = false;
	int name;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", t->pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx %7s %*s %*s %lu %n", &a, &b, perms, &ino, &name) != 4 ||
		    hi <= a || hi > b)
			continue;
		ok = perms[0] == 'r' && perms[1] == 'w' && perms[3] == 'p' && a <= lo &&
		     (strstr(line, "[stack]") || (!ino && line[name] == '\0') ||
		      (!ino && line[name] == '\n'));
		break;
	}
	fclose(f);
	return ok;
}

/* A shadow stack would fault on our `ret`. */
static bool has_shadow_stack(struct ptrace_task *t)
{
	char *status = NULL;
	const char *feat;
	bool shstk = false;

	if (procfs__read(t->pid, "status", &status, NULL))
		return false;
	feat = procfs__field(status, "x86_Thread_features:");
	if (feat) {
		const char *eol = strchr(feat, '\n');
		const char *s = strstr(feat, "shstk");

		shstk = s && (!eol || s < eol);
	}
	free(status);
	return shstk;
}

/*
 * Where the frame, its XSAVE area and the scratch area go: below the red
 * zone of the task's stack, memory the ABI lets a signal frame clobber.
 */
static int layout(struct ptrace_task *t, unsigned long rsp, size_t xlen)
{
	unsigned long top, fp, frame, scratch;

	if (t->safe_ready && t->safe_rsp == rsp && t->xlen == xlen)
		return 0;
	t->safe_ready = false;
	top = (rsp - RED_ZONE - 64) & ~63UL;
	fp = (top - (xlen + 64)) & ~63UL;
	frame = (fp - sizeof(struct rt_frame)) & ~15UL;
	scratch = (frame - SAFE_SCRATCH) & ~63UL;
	if (rsp < 65536 || !ptrace__safe_in_stack(t, scratch, rsp))
		return -EOPNOTSUPP;
	t->safe_rsp = rsp;
	t->xlen = xlen;
	t->fpstate = fp;
	t->frame = frame;
	t->safe_scratch = scratch;
	t->safe_ready = true;
	return 0;
}

int ptrace__safe_prepare(struct ptrace_task *t, unsigned long rsp, size_t xlen)
{
	int err;

	if (!t->safe || t->safe_failed)
		return -EOPNOTSUPP;
	if (!t->g_syscall || !t->g_sigreturn) {
		if (has_shadow_stack(t)) {
			not_safe(t, "shadow stack");
			return -EOPNOTSUPP;
		}
		err = find_gadgets(t);
		if (err) {
			not_safe(t, "no syscall/sigreturn instructions found");
			return -EOPNOTSUPP;
		}
	}
	err = layout(t, rsp, xlen);
	if (err)
		not_safe(t, "the stack pointer is not on a stack");
	return err;
}

bool ptrace__normalize_restart(struct user_regs_struct *r)
{
	bool restart = false;

	if ((long)r->orig_rax >= 0) {
		switch ((long)r->rax) {
		case -ERESTARTSYS:
		case -ERESTARTNOINTR:
		case -ERESTARTNOHAND:
		case -ERESTART_RESTARTBLOCK:
			r->rax = r->orig_rax;
			r->rip -= 2;
			restart = true;
			break;
		}
	}
	r->orig_rax = -1;
	return restart;
}

int ptrace__safe_scratch(struct ptrace_task *t, size_t len, unsigned long *addr)
{
	struct user_regs_struct r;
	void *xs = NULL;
	size_t xlen = 0;
	int err;

	if (!t->safe || t->safe_failed || len > SAFE_SCRATCH)
		return -EOPNOTSUPP;
	err = ptrace__get_regs(t, &r);
	if (!err)
		err = ptrace__get_xstate(t, &xs, &xlen);
	if (!err) {
		ptrace__normalize_restart(&r);
		err = ptrace__safe_prepare(t, r.rsp, xlen);
	}
	free(xs);
	if (!err)
		*addr = t->safe_scratch;
	return err;
}

/* End of the XSAVE components in @features, standard format (CPUID 0xD). */
static uint32_t xstate_end(uint64_t features)
{
	uint32_t end = 576, eax, ebx, ecx, edx;
	int i;

	for (i = 2; i < 64; i++) {
		if (!(features & (1ULL << i)))
			continue;
		if (!__get_cpuid_count(0xd, i, &eax, &ebx, &ecx, &edx) || (ecx & 1))
			return 0;
		if (ebx + eax > end)
			end = ebx + eax;
	}
	return end;
}

/*
 * Write the signal frame that puts the task back as it was: @r (already
 * normalized), @mask, and the FPU state @xs (NT_X86_XSTATE, standard XSAVE
 * format) with the software bytes the kernel checks before XRSTOR.
 */
int ptrace__safe_write_frame(struct ptrace_task *t, const struct user_regs_struct *r, uint64_t mask,
		       const void *xs, size_t xlen)
{
	struct rt_frame fr;
	uint64_t bv, features;
	uint32_t size, v;
	uint8_t *fx;
	int err;

	if (xlen < 576)
		return -EOPNOTSUPP;
	memcpy(&bv, (const uint8_t *)xs + 512, 8);
	features = bv | 3;
	size = xstate_end(features);
	if (!size || size > xlen)
		return -EOPNOTSUPP;
	fx = calloc(1, xlen + 64);
	if (!fx)
		return -ENOMEM;
	memcpy(fx, xs, xlen);
	v = FP_XSTATE_MAGIC1;
	memcpy(fx + 464, &v, 4);
	v = size + 4;
	memcpy(fx + 468, &v, 4);
	memcpy(fx + 472, &features, 8);
	memcpy(fx + 480, &size, 4);
	memset(fx + 484, 0, 28);
	v = FP_XSTATE_MAGIC2;
	memcpy(fx + size, &v, 4);
	err = ptrace__write_mem(t, t->fpstate, fx, xlen + 64);
	free(fx);
	if (err)
		return err;

	memset(&fr, 0, sizeof(fr));
	fr.pretcode = t->g_sigreturn;
	fr.uc_flags = UC_FP_XSTATE | UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS;
	/* Flags sigaltstack() rejects: the task's alternate stack stays as it is. */
	fr.ss_flags = 0x7fff0000;
	fr.mc.r8 = r->r8, fr.mc.r9 = r->r9, fr.mc.r10 = r->r10, fr.mc.r11 = r->r11;
	fr.mc.r12 = r->r12, fr.mc.r13 = r->r13, fr.mc.r14 = r->r14, fr.mc.r15 = r->r15;
	fr.mc.rdi = r->rdi, fr.mc.rsi = r->rsi, fr.mc.rbp = r->rbp, fr.mc.rbx = r->rbx;
	fr.mc.rdx = r->rdx, fr.mc.rax = r->rax, fr.mc.rcx = r->rcx, fr.mc.rsp = r->rsp;
	fr.mc.rip = r->rip;
	fr.mc.eflags = r->eflags;
	fr.mc.cs = r->cs;
	fr.mc.ss = r->ss;
	fr.mc.fpstate = t->fpstate;
	fr.sigmask = mask;
	return ptrace__write_mem(t, t->frame, &fr, sizeof(fr));
}

/*
 * The frame of a helper thread (ptrace_helper.c) at @addr: rt_sigreturn
 * from it runs exit(0) from the `syscall; ret` gadget with every signal
 * blocked. No FPU state (fpstate 0: the kernel clears it), no alternate
 * stack change: the thread only ever leaves by this exit.
 */
int ptrace__safe_exit_frame(struct ptrace_task *t, unsigned long addr,
			    const struct user_regs_struct *r)
{
	struct rt_frame fr;

	memset(&fr, 0, sizeof(fr));
	fr.pretcode = t->g_sigreturn;
	fr.uc_flags = UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS;
	fr.ss_flags = 0x7fff0000;
	fr.mc.rax = SYS_exit;
	fr.mc.rip = t->g_syscall;
	fr.mc.rsp = addr;
	fr.mc.eflags = r->eflags;
	fr.mc.cs = r->cs;
	fr.mc.ss = r->ss;
	fr.sigmask = ~0ULL;
	return ptrace__write_mem(t, addr, &fr, sizeof(fr));
}

bool ptrace__regs_match(const struct user_regs_struct *a, const struct user_regs_struct *b)
{
	return a->r15 == b->r15 && a->r14 == b->r14 && a->r13 == b->r13 && a->r12 == b->r12 &&
	       a->rbp == b->rbp && a->rbx == b->rbx && a->r11 == b->r11 && a->r10 == b->r10 &&
	       a->r9 == b->r9 && a->r8 == b->r8 && a->rax == b->rax && a->rcx == b->rcx &&
	       a->rdx == b->rdx && a->rsi == b->rsi && a->rdi == b->rdi && a->rip == b->rip &&
	       a->rsp == b->rsp && a->cs == b->cs && a->ss == b->ss && a->fs_base == b->fs_base &&
	       a->gs_base == b->gs_base && a->orig_rax == b->orig_rax &&
	       !((a->eflags ^ b->eflags) & USER_EFLAGS);
}

/* The FPU state but the XSAVE header's in-use bits, which XRSTOR may change. */
static bool xstate_match(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	return alen == blen && alen > 520 && !memcmp(a, b, 512) &&
	       !memcmp(a + 520, b + 520, alen - 520);
}

/* The task's syscall stop is for @nr. */
int ptrace__safe_expect_nr(struct ptrace_task *t, long nr)
{
	struct user_regs_struct r;
	int err = ptrace__get_regs(t, &r);

	if (!err && (long)r.orig_rax != nr)
		err = -EIO;
	return err;
}

/* After the chain: the task must be exactly as the frame said. */
int ptrace__safe_verify(struct ptrace_task *t, const struct user_regs_struct *resume, uint64_t mask,
		  const void *xs, size_t xlen)
{
	struct user_regs_struct r;
	uint64_t m;
	void *now = NULL;
	size_t nlen = 0;
	int err;

	err = ptrace__get_regs(t, &r);
	if (!err)
		err = ptrace__get_sigmask(t, &m);
	if (!err)
		err = ptrace__get_xstate(t, &now, &nlen);
	if (err)
		return err;
	if (!ptrace__regs_match(&r, resume) || m != mask || !xstate_match(xs, xlen, now, nlen)) {
		pr_debug("pid %d: state differs after sigreturn (regs %d, mask %d, fpu %d): fixed",
			 t->pid, !ptrace__regs_match(&r, resume), m != mask,
			 !xstate_match(xs, xlen, now, nlen));
		err = ptrace__set_regs(t, resume);
		if (!err)
			err = ptrace__set_sigmask(t, mask);
		if (!err)
			err = ptrace__set_xstate(t, xs, xlen);
	}
	free(now);
	return err;
}

/*
 * The registers are set before anything else: from that instant the task,
 * let go, would run the call and undo it alone. Each stop in between is one
 * where a pidtrace killed now leaves a task that finishes by itself (the
 * test points inject-* sit there). Afterwards the task's state is its
 * normalized one, which resumes exactly as the original would.
 *
 * Several calls share one frame: at the exit stop of one, the registers
 * are loaded with the next and rip put back on the `syscall; ret` gadget
 * (rsp still on the frame), so the task let go at any stop of the chain
 * runs the call it is at, then `ret` takes it to rt_sigreturn as for one
 * call. A call costs two stops instead of a whole round (registers, mask
 * and FPU state read and written, the frame written, five stops): the 62
 * sigactions of a dump were most of a small dump's time
 * (docs/PERFORMANCE.md, round five).
 */
int ptrace__safe_syscalls(struct ptrace_task *t, struct ptrace_call *calls, size_t n)
{
	struct user_regs_struct saved, resume, r;
	bool have_result = false;
	void *xs = NULL;
	size_t xlen = 0;
	uint64_t mask;
	size_t i = 0;
	int err, err2;

	err = ptrace__get_regs(t, &saved);
	if (!err)
		err = ptrace__get_sigmask(t, &mask);
	if (!err)
		err = ptrace__get_xstate(t, &xs, &xlen);
	if (err)
		goto out;
	resume = saved;
	ptrace__normalize_restart(&resume);
	err = ptrace__safe_prepare(t, resume.rsp, xlen);
	if (!err)
		err = ptrace__safe_write_frame(t, &resume, mask, xs, xlen);
	if (err == -EOPNOTSUPP) {
		not_safe(t, "its FPU state has no signal frame layout");
		free(xs);
		for (err = 0; !err && i < n; i++)
			err = ptrace__plain_syscall(t, calls[i].nr, calls[i].args, &calls[i].ret);
		return err;
	}
	if (err)
		goto out;
	r = saved;
	for (i = 0; !err && i < n; i++) {
		/* The first: the saved registers; the next: those of the last exit stop. */
		r.rip = t->g_syscall;
		r.rsp = t->frame;
		ptrace__load_syscall(&r, calls[i].nr, calls[i].args);
		/* Registers first: from here on the task can finish alone. */
		err = ptrace__set_regs(t, &r);
		if (!err && !i) {
			err = testfault__point("inject-regs");
			if (!err)
				err = ptrace__set_sigmask(t, ~0ULL);
		}
		if (!err)
			err = ptrace__to_syscall_stop(t);
		if (!err)
			err = ptrace__safe_expect_nr(t, calls[i].nr);
		if (!err)
			err = testfault__point("inject-entry");
		if (!err)
			err = ptrace__to_syscall_stop(t);
		if (!err)
			err = ptrace__get_regs(t, &r);
		if (!err) {
			calls[i].ret = (long)r.rax;
			have_result = i + 1 == n;
			err = testfault__point("inject-exit");
		}
	}
	if (!err)
		err = ptrace__to_syscall_stop(t);
	if (!err)
		err = ptrace__safe_expect_nr(t, SYS_rt_sigreturn);
	if (!err)
		err = testfault__point("inject-return");
	if (!err)
		err = ptrace__to_syscall_stop(t);
	if (!err)
		err = ptrace__safe_verify(t, &resume, mask, xs, xlen);
	if (!err)
		err = ptrace__to_interrupt_stop(t);
	if (!err || t->exited)
		goto out;
	/* We are still here: put the task back ourselves. */
	pr_debug("pid %d: crash-safe syscall %ld failed: %s", t->pid, calls[i ? i - 1 : 0].nr,
		 strerror(-err));
	err2 = ptrace__set_regs(t, &resume);
	if (!err2)
		err2 = ptrace__set_sigmask(t, mask);
	if (!err2)
		err2 = ptrace__set_xstate(t, xs, xlen);
	if (!err2)
		err2 = ptrace__to_interrupt_stop(t);
	/* The call itself ran: only the way back failed, and it is repaired. */
	if (!err2 && have_result && err == -EFAULT) {
		not_safe(t, "the signal frame was refused");
		err = 0;
	}
	if (err2)
		err = err2;
out:
	free(xs);
	if (t->exited)
		return -ESRCH;
	return err;
}

