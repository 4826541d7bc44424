// SPDX-License-Identifier: GPL-2.0
/* interrupts.c - what a signal to pidtrace does while it holds a tree (see interrupts.h). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "interrupts.h"
#include "names.h"

/* Asked to stop: blocked, looked for between steps. */
static const int stop_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2,
				    SIGALRM, SIGVTALRM, SIGPROF, SIGXCPU, SIGIO, SIGPWR,
				    SIGSTKFLT };
#define NSTOP (int)(sizeof(stop_signals) / sizeof(stop_signals[0]))

/* Said as an error return, or never to stop pidtrace: ignored. */
static const int ignored[] = { SIGPIPE, SIGXFSZ, SIGTTOU, SIGTTIN };

/* A fault of pidtrace's (or one sent as if): one line, then the death it asks for. */
static const int faults[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGSYS };

#define N(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Signals 32 and 33 are glibc's own (thread cancellation, credential
 * changes across threads): sigprocmask() and sigaction() refuse them, and
 * pidtrace has no handler for them, so either one, sent from outside,
 * ended pidtrace without a word (exit 160, 161). pidtrace cancels no
 * thread and changes no credentials of its own through glibc, so it
 * blocks them with the raw call and takes them as stop requests.
 */
#define GLIBC_OWN_FIRST 32
#define GLIBC_OWN_LAST 33
#define SIGBIT(sig) (1ULL << ((sig) - 1))
static const uint64_t glibc_own = SIGBIT(32) | SIGBIT(33);

/*
 * Blocking them is not enough: glibc's sigprocmask(SIG_SETMASK) and
 * pthread_sigmask(SIG_SETMASK) unblock them again (they take them out of
 * any set), and a new thread starts with 32 unblocked. So a handler too,
 * installed raw (glibc's sigaction() refuses them), that only notes the
 * request; its restorer is glibc's own, read from an action glibc set.
 */
#ifndef SA_RESTORER
#define SA_RESTORER 0x04000000
#endif
struct ksigaction {
	void (*handler)(int);
	unsigned long flags;
	void (*restorer)(void);
	uint64_t mask;
};
static volatile sig_atomic_t own_req;

static void on_own(int sig)
{
	own_req = sig;
}

static void own_handlers(void)
{
	struct ksigaction cur, ka;
	int sig;

	if (syscall(SYS_rt_sigaction, SIGSEGV, NULL, &cur, sizeof(uint64_t)) ||
	    !(cur.flags & SA_RESTORER))
		return;
	memset(&ka, 0, sizeof(ka));
	ka.handler = on_own;
	ka.flags = SA_RESTART | SA_RESTORER;
	ka.restorer = cur.restorer;
	ka.mask = ~0ULL;
	for (sig = GLIBC_OWN_FIRST; sig <= GLIBC_OWN_LAST; sig++)
		syscall(SYS_rt_sigaction, sig, &ka, NULL, sizeof(uint64_t));
}

static char prefix[64], tail[192];
static pid_t self;
/* The handler's own stack: a fault may be a stack overflow. */
static char altstack[64 * 1024];

void interrupts__set(sigset_t *set)
{
	int i;

	sigemptyset(set);
	for (i = 0; i < NSTOP; i++)
		sigaddset(set, stop_signals[i]);
	/* glibc's SIGRTMIN leaves out the two it uses itself. */
	for (i = SIGRTMIN; i <= SIGRTMAX; i++)
		sigaddset(set, i);
}

/* Async-signal-safe appends. */
static size_t put(char *buf, size_t len, size_t at, const char *s)
{
	while (*s && at + 1 < len)
		buf[at++] = *s++;
	buf[at] = '\0';
	return at;
}

static size_t put_num(char *buf, size_t len, size_t at, unsigned long v, unsigned int base)
{
	char d[24];
	int n = 0;

	do
		d[n++] = "0123456789abcdef"[v % base];
	while ((v /= base) && n < (int)sizeof(d));
	while (n && at + 1 < len)
		buf[at++] = d[--n];
	buf[at] = '\0';
	return at;
}

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	char line[512];
	const char *name = names__signal(sig);
	size_t at = 0;
	sigset_t only;

	(void)uc;
	/* A restore's helper or stub (a fork of pidtrace): not pidtrace's death. */
	if (getpid() == self) {
		at = put(line, sizeof(line), at, prefix);
		at = put(line, sizeof(line), at, "killed by ");
		at = put(line, sizeof(line), at, name ? name : "a fault");
		if (si->si_code <= 0 && si->si_pid != self) {
			at = put(line, sizeof(line), at, " from pid ");
			at = put_num(line, sizeof(line), at, (unsigned long)si->si_pid, 10);
		} else if (sig != SIGABRT && sig != SIGSYS) {
			at = put(line, sizeof(line), at, " (a bug in pidtrace, at address 0x");
			at = put_num(line, sizeof(line), at, (unsigned long)si->si_addr, 16);
			at = put(line, sizeof(line), at, ")");
		} else {
			at = put(line, sizeof(line), at, " (a bug in pidtrace)");
		}
		at = put(line, sizeof(line), at, tail);
		at = put(line, sizeof(line), at, "\n");
		if (write(STDERR_FILENO, line, at) < 0)
			(void)0; /* nothing else can be said */
	}
	/* The action is the default again (SA_RESETHAND): die of it, as asked. */
	sigemptyset(&only);
	sigaddset(&only, sig);
	sigprocmask(SIG_UNBLOCK, &only, NULL);
	raise(sig);
}

void interrupts__block(const char *cmd, const char *after)
{
	struct sigaction sa;
	stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) };
	sigset_t set;
	size_t i;

	interrupts__set(&set);
	sigprocmask(SIG_BLOCK, &set, NULL);
	syscall(SYS_rt_sigprocmask, SIG_BLOCK, &glibc_own, NULL, sizeof(glibc_own));
	for (i = 0; i < N(ignored); i++)
		signal(ignored[i], SIG_IGN);
	signal(SIGCHLD, SIG_DFL);
	self = getpid();
	i = put(prefix, sizeof(prefix), 0, "pidtrace: ");
	i = put(prefix, sizeof(prefix), i, cmd);
	put(prefix, sizeof(prefix), i, ": ");
	tail[0] = '\0';
	if (after)
		put(tail, sizeof(tail), put(tail, sizeof(tail), 0, ": "), after);
	sigaltstack(&ss, NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO | SA_RESETHAND | SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < N(faults); i++)
		sigaction(faults[i], &sa, NULL);
	own_handlers();
}

/* Signal 32 or 33 pending (glibc's sigpending() hides neither), or 0. */
static int own_pending(void)
{
	uint64_t pend = 0;
	int sig;

	if (own_req)
		return own_req;
	if (syscall(SYS_rt_sigpending, &pend, sizeof(pend)))
		return 0;
	for (sig = GLIBC_OWN_FIRST; sig <= GLIBC_OWN_LAST; sig++)
		if (pend & SIGBIT(sig))
			return sig;
	return 0;
}

int interrupts__take_own(void)
{
	struct timespec now = { 0, 0 };
	long sig;

	if (own_req) {
		sig = own_req;
		own_req = 0;
		return (int)sig;
	}
	if (!own_pending())
		return 0;
	sig = syscall(SYS_rt_sigtimedwait, &glibc_own, NULL, &now, sizeof(glibc_own));
	return sig > 0 ? (int)sig : 0;
}

int interrupts__pending(void)
{
	sigset_t pend, set;
	int i;

	if (sigpending(&pend))
		return 0;
	for (i = 0; i < NSTOP; i++)
		if (sigismember(&pend, stop_signals[i]))
			return stop_signals[i];
	interrupts__set(&set);
	for (i = SIGRTMIN; i <= SIGRTMAX; i++)
		if (sigismember(&pend, i) && sigismember(&set, i))
			return i;
	return own_pending();
}

const char *interrupts__name(int sig)
{
	static char buf[16];

	if (sig < GLIBC_OWN_FIRST || sig > GLIBC_OWN_LAST)
		return strsignal(sig);
	snprintf(buf, sizeof(buf), "signal %d", sig);
	return buf;
}

void interrupts__block_own(void)
{
	syscall(SYS_rt_sigprocmask, SIG_BLOCK, &glibc_own, NULL, sizeof(glibc_own));
	/* glibc's first pthread_create() puts its own handler on 33: ours again. */
	if (self)
		own_handlers();
}
