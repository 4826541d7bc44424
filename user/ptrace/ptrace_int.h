/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ptrace_int.h - what the files of the ptrace module share: ptrace_core.c
 * (seize, state, memory), ptrace_inject.c (remote syscalls),
 * ptrace_safe.c (the crash-safe remote syscall) and ptrace_clone.c. Not
 * for users of the module: they include ptrace.h.
 */
#ifndef PT_PTRACE_INT_H
#define PT_PTRACE_INT_H

#include "ptrace.h"

struct ptrace_task {
	pid_t pid;
	bool exited;
	int exit_status;
	int mem_fd;		/* /proc/PID/mem, opened on first use */
	unsigned long sys_ip;	/* a known `syscall` instruction, 0: unknown */
	bool vdso_searched;
	unsigned long scratch;	/* scratch area mapped in the task, 0: none */
	size_t scratch_len;
	int deferred_sig;	/* a stop signal held back during a remote call */
	int stop_sig;		/* in a group stop when seized: its signal, else 0 */
	int opts;		/* options besides PTRACE_O_TRACESYSGOOD (EXITKILL, SUSPEND_SECCOMP) */
	/*
	 * The registers at seize, when the task stopped inside an interrupted
	 * syscall that the kernel would restart or end with EINTR (see
	 * ptrace__native_restart()).
	 */
	struct user_regs_struct seized;
	bool in_restart;

	/* Crash-safe remote syscalls (ptrace_safe.c). */
	bool safe;		/* asked for */
	bool safe_ready;	/* gadgets found, layout below valid */
	bool safe_failed;	/* not possible for this task: plain calls */
	unsigned long g_syscall;	/* `syscall; ret` */
	unsigned long g_sigreturn;	/* `mov $15, %rax; syscall` */
	unsigned long safe_rsp;	/* the stack pointer the layout was made for */
	unsigned long frame;	/* the signal frame, below the red zone */
	unsigned long fpstate;	/* its XSAVE area (64-byte aligned) */
	unsigned long safe_scratch;	/* scratch area below the frame */
	size_t xlen;		/* XSAVE area size the layout was made for */
};

/* After a failed ptrace(): -errno, and for ESRCH note how the task ended. */
int ptrace__pt_err(struct ptrace_task *t);
/* Wait for the next stop of @t; -ESRCH when it exited instead. */
int ptrace__wait_stop(struct ptrace_task *t, int *status);
bool ptrace__is_event_stop(int status);
bool ptrace__is_syscall_stop(int status);
bool ptrace__is_stop_signal(int sig);

/* ptrace_inject.c: from a syscall stop to the next one (stop signals held back). */
int ptrace__to_syscall_stop(struct ptrace_task *t);
/* ptrace_inject.c: from any stop back to the interrupt stop in get_signal(). */
int ptrace__to_interrupt_stop(struct ptrace_task *t);
int ptrace__plain_syscall(struct ptrace_task *t, long nr, const long args[6], long *ret);
/* ptrace_inject.c: queue again a stop signal held back during a call. */
void ptrace__requeue_stop(struct ptrace_task *t);

/*
 * What the kernel would do with the registers of a task held in
 * get_signal() when it lets it go without a signal: an interrupted syscall
 * is restarted (rip back on the `syscall`, rax its number), and orig_rax
 * -1 says nothing is left to restart. Return: whether @r was in such a call.
 */
bool ptrace__normalize_restart(struct user_regs_struct *r);
/* The same registers, as far as rt_sigreturn can tell (user eflags only). */
bool ptrace__regs_match(const struct user_regs_struct *a, const struct user_regs_struct *b);
/*
 * ptrace_inject.c: at seize, remember the registers of an interrupted call
 * the kernel would restart or end with EINTR; before letting the task go,
 * give them back if our remote calls only normalized them (ptrace__detach()).
 */
void ptrace__note_restart(struct ptrace_task *t);
void ptrace__native_restart(struct ptrace_task *t);

/* ptrace_safe.c: the crash-safe syscall, and its scratch area (-EOPNOTSUPP: none). */
int ptrace__safe_syscalls(struct ptrace_task *t, struct ptrace_call *calls, size_t n);
int ptrace__safe_scratch(struct ptrace_task *t, size_t len, unsigned long *addr);
/* ptrace_safe.c, for ptrace_helper.c: the steps of ptrace__safe_syscalls(). */
#define PTRACE_SAFE_FRAME 440 /* sizeof(struct rt_frame) */
bool ptrace__safe_in_stack(struct ptrace_task *t, unsigned long lo, unsigned long hi);
int ptrace__safe_prepare(struct ptrace_task *t, unsigned long rsp, size_t xlen);
int ptrace__safe_write_frame(struct ptrace_task *t, const struct user_regs_struct *r,
			     uint64_t mask, const void *xs, size_t xlen);
int ptrace__safe_expect_nr(struct ptrace_task *t, long nr);
int ptrace__safe_verify(struct ptrace_task *t, const struct user_regs_struct *resume,
			uint64_t mask, const void *xs, size_t xlen);
int ptrace__safe_exit_frame(struct ptrace_task *t, unsigned long addr,
			    const struct user_regs_struct *r);

/*
 * Registers for entering syscall @nr with @args from a syscall instruction:
 * orig_rax = -1 so that the kernel restarts nothing on our behalf.
 */
static inline void ptrace__load_syscall(struct user_regs_struct *r, long nr,
					     const long args[6])
{
	r->orig_rax = -1;
	r->rax = nr;
	r->rdi = args[0];
	r->rsi = args[1];
	r->rdx = args[2];
	r->r10 = args[3];
	r->r8 = args[4];
	r->r9 = args[5];
}

#endif
