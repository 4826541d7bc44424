/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ptrace.h - the ptrace library (user/ptrace/), the only code that calls
 * ptrace(2): its public interface, every function ptrace__*. Its files
 * share ptrace_int.h, which no user includes; its tests are
 * tests/unit/test_ptrace.c (as root: real tasks seized, stopped, injected).
 *
 * Dump and restore speak in steps ("seize", "read the registers", "run this
 * syscall in the task"); the mechanics live here. A seized task is held in a
 * ptrace interrupt stop (PTRACE_EVENT_STOP, inside the kernel's signal code)
 * between calls: every call that runs the task brings it back to that stop,
 * so an interrupted syscall restarts as the kernel meant it to when the task
 * is finally detached.
 *
 * Errors are returned as -errno and never printed except with -v: the caller
 * knows which task and step failed and says so in one line. -ESRCH always
 * means "the task is gone" (ptrace__exited() then tells how).
 */
#ifndef PT_PTRACE_H
#define PT_PTRACE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/user.h>

/*
 * The kernel's own return values of an interrupted syscall (never seen by
 * a program): what a task stopped inside one shows in rax.
 */
#define ERESTARTSYS 512
#define ERESTARTNOINTR 513
#define ERESTARTNOHAND 514
#define ERESTART_RESTARTBLOCK 516

struct ptrace_task;

/* Same layout as the kernel's struct ptrace_rseq_configuration (5.13+). */
struct ptrace_core_rseq {
	uint64_t rseq_abi_pointer;
	uint32_t rseq_abi_size;
	uint32_t signature;
	uint32_t flags;
	uint32_t pad;
};

/**
 * ptrace__seize() - attach to a task and stop it.
 * @pid: the task (a thread-group leader for dump).
 * @out: the handle, to release with ptrace__detach() or _free().
 *
 * PTRACE_SEIZE (no PTRACE_O_EXITKILL: if pidtrace dies, its tracees run on)
 * then PTRACE_INTERRUPT and a wait for the interrupt stop. A signal the task
 * was dequeuing at that moment is delivered, not lost, before it stops.
 * Return: 0; -ESRCH (no such task, or it exited); -EPERM (a zombie, already
 * traced, or not allowed); -EBUSY if the task is in a group stop (SIGSTOP):
 * such a task is detached again and left stopped, as it was.
 */
int ptrace__seize(pid_t pid, struct ptrace_task **out);

/**
 * ptrace__seize_stopped() - ptrace__seize(), also of a task in a
 * group stop (SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU): it is held in that
 * stop, ptrace__stop_sig() tells the signal, remote calls run in it
 * all the same, and ptrace__detach() leaves it stopped (the kernel
 * puts a detached task of a stopped group back into the stop).
 * Return: as ptrace__seize(), never -EBUSY.
 */
int ptrace__seize_stopped(pid_t pid, struct ptrace_task **out);

/* The signal of the group stop @t was in when seized; 0: it was not stopped. */
int ptrace__stop_sig(const struct ptrace_task *t);

/**
 * ptrace__group_stop() - the held task @t (not in a group stop) takes the
 * stop signal @sig now and enters the group stop, held in it as
 * ptrace__seize_stopped() holds a stopped task (ptrace__stop_sig() says
 * @sig from then on; ptrace__detach() leaves it stopped). The kernel
 * reports the stop to its real parent at once: SIGCHLD (CLD_STOPPED) and
 * the code waitpid(WUNTRACED) collects. Other pending signals stay
 * pending (blocked for the time of the call).
 * Return: 0; -EAGAIN when the kernel dropped @sig (a terminal stop signal
 * in an orphaned process group: @t still held, not stopped); -errno.
 */
int ptrace__group_stop(struct ptrace_task *t, int sig);

/**
 * ptrace__detach() - let the task run on, as it was before seize.
 * Unmaps the scratch area, re-sends a stop signal that arrived while the task
 * was held, detaches and frees @t. Accepts NULL and exited tasks.
 * Context: tracee must be stopped (or gone).
 * Return: 0 or -errno (the handle is freed either way).
 */
int ptrace__detach(struct ptrace_task *t);

/**
 * ptrace__kill() - SIGKILL the task and wait until it has exited.
 * Consumes only the tracer's exit notification: the real parent still
 * reaps it. Frees @t. Accepts NULL.
 * Return: 0 or -errno.
 */
int ptrace__kill(struct ptrace_task *t);

/**
 * ptrace__set_crash_safe() - make the task's later remote syscalls
 * (and scratch area) safe against pidtrace being killed at any instant:
 * each call is undone by the task itself through rt_sigreturn from a
 * frame below its red zone, and the scratch area is on its stack rather
 * than a mapping (ptrace_safe.c). Where that is not possible (no
 * sigreturn code in the task, a shadow stack, rsp off a stack) calls
 * quietly stay plain (-v says why). After a crash-safe call the task's
 * registers are the normalized ones: an interrupted syscall is rewound to
 * run again (see dump's core.proto note), which resumes the same way.
 * Return: 0.
 */
int ptrace__set_crash_safe(struct ptrace_task *t);

/**
 * ptrace__set_exitkill() - from now on, pidtrace's death kills the task
 * (PTRACE_O_EXITKILL): for a tree whose image is complete and that must not
 * run on half killed.
 * Return: 0 or -errno.
 */
int ptrace__set_exitkill(struct ptrace_task *t);

/**
 * ptrace__suspend_seccomp() - while held, the task's syscalls (the
 * remote ones included) bypass its seccomp filters or strict mode
 * (PTRACE_O_SUSPEND_SECCOMP); the detach ends it. Needs CAP_SYS_ADMIN and
 * pidtrace itself not under seccomp.
 * Return: 0 or -errno (-EPERM: not allowed).
 */
int ptrace__suspend_seccomp(struct ptrace_task *t);

/**
 * ptrace__seccomp_filter() - the thread's seccomp filter @idx (0: the
 * oldest, the first installed) as struct sock_filter instructions (PTRACE_SECCOMP_GET_FILTER).
 * @prog: malloc'ed copy, to free(); @len: its size in bytes.
 * Context: tracee must be stopped.
 * Return: 0; -ENOENT past the newest filter; -EINVAL not in filter mode;
 * -EACCES/-EPERM not allowed; -errno.
 */
int ptrace__seccomp_filter(struct ptrace_task *t, unsigned int idx, void **prog, size_t *len);

/* Filter @idx's flags (SECCOMP_FILTER_FLAG_LOG). Context: stopped. Return: 0 or -errno. */
int ptrace__seccomp_flags(struct ptrace_task *t, unsigned int idx, uint64_t *flags);

pid_t ptrace__pid(const struct ptrace_task *t);

/**
 * ptrace__check() - is the task still held in its stop?
 * Context: tracee must be stopped.
 * Return: 0, or -ESRCH if it was killed meanwhile (then it has exited).
 */
int ptrace__check(struct ptrace_task *t);

/* True once the task is known to have exited; @status gets the wait status. */
bool ptrace__exited(const struct ptrace_task *t, int *status);

/**
 * ptrace__get_regs() - general registers (NT_PRSTATUS), fs/gs base.
 * Context: tracee must be stopped.
 * Return: 0 or -errno.
 */
int ptrace__get_regs(struct ptrace_task *t, struct user_regs_struct *regs);

/* Context: tracee must be stopped. Return: 0 or -errno. */
int ptrace__set_regs(struct ptrace_task *t, const struct user_regs_struct *regs);

/**
 * ptrace__get_xstate() - the extended FPU state (NT_X86_XSTATE).
 * @buf: malloc'ed copy of what the kernel returned, to free().
 * @len: its size, as the kernel sized it.
 * Context: tracee must be stopped.
 * Return: 0 or -errno.
 */
int ptrace__get_xstate(struct ptrace_task *t, void **buf, size_t *len);

/* Context: tracee must be stopped. Return: 0 or -errno. */
int ptrace__set_xstate(struct ptrace_task *t, const void *buf, size_t len);

/* The task's own blocked mask (bit N-1 = signal N). Context: stopped. */
int ptrace__get_sigmask(struct ptrace_task *t, uint64_t *mask);
int ptrace__set_sigmask(struct ptrace_task *t, uint64_t mask);

/**
 * ptrace__peek_siginfo() - the queued signals, without dequeuing them.
 * @shared: the process-wide queue instead of the thread's private one.
 * @out: malloc'ed array (NULL when empty), to free().
 * @n: its length.
 * Context: tracee must be stopped.
 * Return: 0 or -errno.
 */
int ptrace__peek_siginfo(struct ptrace_task *t, bool shared, siginfo_t **out, size_t *n);

/* The rseq registration (rseq_abi_pointer 0: none). Context: stopped. */
int ptrace__get_rseq(struct ptrace_task *t, struct ptrace_core_rseq *rseq);

/**
 * ptrace__syscall() - run one system call inside the task.
 * @nr: syscall number; @args: its six arguments; @ret: the raw return value
 * (-4095..-1 is an -errno of the remote call, not of this function).
 *
 * The call runs from a `syscall` instruction found at rip-2 (a task stopped
 * in a syscall), in the vDSO, or written over the current instruction and
 * put back. All signals but SIGKILL/SIGSTOP are blocked while it runs and
 * the task's registers and mask are restored afterwards; the task is left
 * in an interrupt stop (where _seize() leaves it).
 * Context: tracee must be in the interrupt stop of _seize() or a previous
 * call, or in a syscall-exit stop; not in a syscall-entry stop.
 * Return: 0 when the call ran, -errno when it could not be run.
 */
int ptrace__syscall(struct ptrace_task *t, long nr, const long args[6], long *ret);

/* One call of ptrace__syscalls(): @ret is set as ptrace__syscall() sets it. */
struct ptrace_call {
	long nr;
	long args[6];
	long ret;
};

/**
 * ptrace__syscalls() - run @n system calls inside the task, one after the
 * other, as ptrace__syscall() runs one (same context, same guarantees), but
 * in crash-safe mode all on one signal frame: two ptrace stops a call
 * instead of a whole round each. Every call is run, whatever the one before
 * returned: their results are in @calls[].ret.
 * Return: 0 when every call ran, -errno when one could not be run.
 */
int ptrace__syscalls(struct ptrace_task *t, struct ptrace_call *calls, size_t n);

struct ptrace_helper;

/**
 * ptrace__helper_start() - a transient thread H in @t, for calls only the
 * task itself can make, with nothing left in the task whenever pidtrace
 * dies (ptrace_helper.c says how). H shares @t's memory but has a
 * descriptor table of its own, empty: what it opens no other thread sees,
 * and the kernel closes it when H exits. @t waits in its clone() until
 * ptrace__helper_end(), then is put back exactly (its crash-safe frame).
 * @area_len: bytes of scratch on @t's stack below its frames for H's
 * arguments (ptrace__helper_area()).
 * Context: @t crash-safe (ptrace__set_crash_safe()), held; the other
 * threads of its process held too.
 * Return: 0; -EOPNOTSUPP (not crash-safe here, a stopped group, no room
 * on the stack); the clone's own error (-EAGAIN under pids.max or
 * RLIMIT_NPROC, -EPERM by a seccomp filter...); -errno. On error @t is
 * as it was (or gone: -ESRCH), but for -ENOTRECOVERABLE: it could not be
 * put back (said).
 */
int ptrace__helper_start(struct ptrace_task *t, size_t area_len, struct ptrace_helper **out);
/* H's tid (as pidtrace sees it); 0 once gone. */
pid_t ptrace__helper_tid(const struct ptrace_helper *hp);
/* The scratch area's address in the task; @len its size. */
unsigned long ptrace__helper_area(const struct ptrace_helper *hp, size_t *len);
/*
 * Run @n calls in H, each from the `syscall; ret` gadget on H's frame (two
 * stops a call). Return: 0 when every call ran (results in .ret), -errno.
 */
int ptrace__helper_calls(struct ptrace_helper *hp, struct ptrace_call *calls, size_t n);
/*
 * H exits (by its own frame) and is reaped; @t's clone returns and its
 * frame puts it back. Frees @hp (NULL ok). Return: 0 or -errno (-ESRCH: @t
 * gone; -ENOTRECOVERABLE: @t could not be put back, said).
 */
int ptrace__helper_end(struct ptrace_helper *hp);

/**
 * ptrace__scratch() - a private read-write area inside the task.
 * @len: bytes needed; the area is mapped by an injected mmap() on first use
 * (and grown if needed) and unmapped by _unmap_scratch() or detach.
 * @addr: its address in the task.
 * Context: tracee must be stopped.
 * Return: 0 or -errno.
 */
int ptrace__scratch(struct ptrace_task *t, size_t len, unsigned long *addr);
int ptrace__unmap_scratch(struct ptrace_task *t);

/**
 * ptrace__read_mem() - copy @len bytes at @addr in the task.
 * process_vm_readv() first; /proc/PID/mem (which also reads unreadable
 * mappings) for what it cannot read.
 * Context: tracee must be stopped (or the caller accepts a moving target).
 * Return: 0 or -errno (-EFAULT: not mapped).
 */
int ptrace__read_mem(struct ptrace_task *t, unsigned long addr, void *buf, size_t len);

/**
 * ptrace__read_iov() - scatter read, one remote range per local buffer.
 * process_vm_readv() in batches of IOV_MAX; ranges it cannot read are read
 * through /proc/PID/mem.
 * Return: 0 or -errno.
 */
int ptrace__read_iov(struct ptrace_task *t, const struct iovec *local,
			  const struct iovec *remote, size_t n);

/**
 * ptrace__write_mem() - write into the task through /proc/PID/mem.
 * Such writes are forced: they work on read-only private pages.
 * Context: tracee must be stopped.
 * Return: 0 or -errno.
 */
int ptrace__write_mem(struct ptrace_task *t, unsigned long addr, const void *buf, size_t len);

/**
 * ptrace__clone_thread() - run clone3() in the task and hold the thread
 * it creates (ptrace_clone.c).
 * @sys_ip: address of a `syscall` instruction in the task.
 * @args: address in the task of a struct clone_args of @size bytes (with
 * CLONE_THREAD: the new task is a thread of @t's process).
 * @out: the new thread's handle, held in a stop before it ran a single
 * instruction (remote syscalls, registers, detach as after _seize()); set
 * whenever a thread was created, even when an error is returned.
 * @ret: clone3's raw result: the new tid as @t sees it, or -errno.
 *
 * All signals are blocked while the call runs: the thread starts with every
 * signal blocked. @t is left in its interrupt stop with its registers and
 * mask; its ptrace options stay as they were.
 * Context: tracee must be in the interrupt stop of _seize() or a previous call.
 * Return: 0 when the call ran (check @ret), -errno when it could not be run.
 */
int ptrace__clone_thread(struct ptrace_task *t, unsigned long sys_ip, unsigned long args,
			      size_t size, struct ptrace_task **out, long *ret);

#endif
