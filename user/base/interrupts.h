/* SPDX-License-Identifier: GPL-2.0 */
/*
 * interrupts.h - what a signal to pidtrace does while it holds other
 * processes (dump, restore). pidtrace never dies of a signal it could have
 * caught without saying so, and never leaves a tracee half-changed:
 *
 * - every signal whose default action ends a process and that comes from
 *   outside (SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM,
 *   SIGVTALRM, SIGPROF, SIGXCPU, SIGIO, SIGPWR, SIGSTKFLT, the real-time
 *   ones and 32 and 33, which glibc keeps for itself) is blocked, and
 *   looked for between steps: a dump lets the tree go
 *   untouched, a restore rolls back, each saying "interrupted by ...";
 * - SIGPIPE and SIGXFSZ are ignored (a closed reader, a file too large: an
 *   error return, said as such); SIGTTOU and SIGTTIN too, so that no
 *   terminal can stop pidtrace while it holds a tree;
 * - SIGCHLD is set back to its default: inherited ignored, the kernel
 *   would reap pidtrace's children itself (a restored root's exit status
 *   lost);
 * - a fault (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGSYS),
 *   raised or sent, prints one line naming it (and its sender) before
 *   pidtrace dies of it with the usual status.
 *
 * SIGKILL and SIGSTOP cannot be caught: a restore's tasks die with
 * pidtrace (PTRACE_O_EXITKILL), a dump's run on; `pidtrace watch` or
 * `pidtrace run` name who sent them.
 */
#ifndef PT_INTERRUPTS_H
#define PT_INTERRUPTS_H

#include <signal.h>

/* The signals that ask pidtrace to stop, in @set. */
void interrupts__set(sigset_t *set);

/*
 * Set all of the above up, for command @cmd ("dump", "restore"); @after
 * says what a death of pidtrace leaves (the fault line's end).
 */
void interrupts__block(const char *cmd, const char *after);

/* Return: the first signal of interrupts__set() pending, or 32 or 33, or 0. */
int interrupts__pending(void);

/*
 * Block 32 and 33 in the calling thread: the first call of each thread of
 * pidtrace's (glibc's pthread_sigmask() cannot, and pthread_create() gives
 * a new thread 32 unblocked), so that neither ends pidtrace in a thread.
 */
void interrupts__block_own(void);

/* What "interrupted by" says of @sig: strsignal()'s words, "signal 32" for glibc's own. */
const char *interrupts__name(int sig);

/* Take signal 32 or 33 if pending (sigtimedwait() cannot): return it, or 0. */
int interrupts__take_own(void);

#endif
