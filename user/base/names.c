// SPDX-License-Identifier: GPL-2.0
/* names.c - signal, si_code, syscall and result names (see names.h). */
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "names.h"

static const char *const sig_names[] = {
	[1] = "SIGHUP",	    [2] = "SIGINT",    [3] = "SIGQUIT",	  [4] = "SIGILL",
	[5] = "SIGTRAP",    [6] = "SIGABRT",   [7] = "SIGBUS",	  [8] = "SIGFPE",
	[9] = "SIGKILL",    [10] = "SIGUSR1",  [11] = "SIGSEGV",  [12] = "SIGUSR2",
	[13] = "SIGPIPE",   [14] = "SIGALRM",  [15] = "SIGTERM",  [16] = "SIGSTKFLT",
	[17] = "SIGCHLD",   [18] = "SIGCONT",  [19] = "SIGSTOP",  [20] = "SIGTSTP",
	[21] = "SIGTTIN",   [22] = "SIGTTOU",  [23] = "SIGURG",	  [24] = "SIGXCPU",
	[25] = "SIGXFSZ",   [26] = "SIGVTALRM", [27] = "SIGPROF", [28] = "SIGWINCH",
	[29] = "SIGIO",	    [30] = "SIGPWR",   [31] = "SIGSYS",
};

#define KERNEL_SIGRTMIN 32
#define KERNEL_SIGMAX 64

const char *names__signal(int sig)
{
	static char rt[KERNEL_SIGMAX + 1][16];

	if (sig >= 1 && sig < KERNEL_SIGRTMIN)
		return sig_names[sig];
	if (sig < KERNEL_SIGRTMIN || sig > KERNEL_SIGMAX)
		return NULL;
	if (!rt[sig][0])
		snprintf(rt[sig], sizeof(rt[sig]), sig == KERNEL_SIGRTMIN ? "SIGRTMIN" : "SIGRTMIN+%d",
			 sig - KERNEL_SIGRTMIN);
	return rt[sig];
}

const char *names__signame(int sig, char *buf, size_t len)
{
	const char *n = names__signal(sig);

	if (n)
		return n;
	snprintf(buf, len, "signal %d", sig);
	return buf;
}

int names__parse_signal(const char *s)
{
	char *end;
	long n;
	int i;

	if (!s || !*s)
		return -EINVAL;
	if (isdigit((unsigned char)*s)) {
		n = strtol(s, &end, 10);
		return (*end || n < 1 || n > KERNEL_SIGMAX) ? -EINVAL : (int)n;
	}
	if (!strncasecmp(s, "SIG", 3))
		s += 3;
	if (!strncasecmp(s, "RTMIN", 5)) {
		if (!s[5])
			return KERNEL_SIGRTMIN;
		if (s[5] != '+')
			return -EINVAL;
		n = strtol(s + 6, &end, 10);
		/* n first: KERNEL_SIGRTMIN + LONG_MAX would overflow. */
		if (*end || end == s + 6 || n < 0 || n > KERNEL_SIGMAX - KERNEL_SIGRTMIN)
			return -EINVAL;
		return KERNEL_SIGRTMIN + (int)n;
	}
	for (i = 1; i < KERNEL_SIGRTMIN; i++)
		if (sig_names[i] && !strcasecmp(s, sig_names[i] + 3))
			return i;
	/* Common aliases */
	if (!strcasecmp(s, "IOT"))
		return SIGABRT;
	if (!strcasecmp(s, "POLL"))
		return SIGIO;
	return -EINVAL;
}

struct code_name {
	int sig; /* 0: any signal */
	int code;
	const char *name;
};

static const struct code_name codes[] = {
	{ 0, 0, "SI_USER" },	  { 0, 0x80, "SI_KERNEL" },    { 0, -1, "SI_QUEUE" },
	{ 0, -2, "SI_TIMER" },	  { 0, -3, "SI_MESGQ" },       { 0, -4, "SI_ASYNCIO" },
	{ 0, -5, "SI_SIGIO" },	  { 0, -6, "SI_TKILL" },       { 0, -7, "SI_DETHREAD" },
	{ 0, -60, "SI_ASYNCNL" }, { SIGSEGV, 1, "SEGV_MAPERR" }, { SIGSEGV, 2, "SEGV_ACCERR" },
	{ SIGSEGV, 3, "SEGV_BNDERR" }, { SIGSEGV, 4, "SEGV_PKUERR" }, { SIGBUS, 1, "BUS_ADRALN" },
	{ SIGBUS, 2, "BUS_ADRERR" }, { SIGBUS, 3, "BUS_OBJERR" }, { SIGBUS, 4, "BUS_MCEERR_AR" },
	{ SIGBUS, 5, "BUS_MCEERR_AO" }, { SIGILL, 1, "ILL_ILLOPC" }, { SIGILL, 2, "ILL_ILLOPN" },
	{ SIGILL, 3, "ILL_ILLADR" }, { SIGILL, 4, "ILL_ILLTRP" }, { SIGILL, 5, "ILL_PRVOPC" },
	{ SIGILL, 6, "ILL_PRVREG" }, { SIGILL, 7, "ILL_COPROC" }, { SIGILL, 8, "ILL_BADSTK" },
	{ SIGFPE, 1, "FPE_INTDIV" }, { SIGFPE, 2, "FPE_INTOVF" }, { SIGFPE, 3, "FPE_FLTDIV" },
	{ SIGFPE, 4, "FPE_FLTOVF" }, { SIGFPE, 5, "FPE_FLTUND" }, { SIGFPE, 6, "FPE_FLTRES" },
	{ SIGFPE, 7, "FPE_FLTINV" }, { SIGFPE, 8, "FPE_FLTSUB" }, { SIGTRAP, 1, "TRAP_BRKPT" },
	{ SIGTRAP, 2, "TRAP_TRACE" }, { SIGTRAP, 3, "TRAP_BRANCH" }, { SIGTRAP, 4, "TRAP_HWBKPT" },
	{ SIGCHLD, 1, "CLD_EXITED" }, { SIGCHLD, 2, "CLD_KILLED" }, { SIGCHLD, 3, "CLD_DUMPED" },
	{ SIGCHLD, 4, "CLD_TRAPPED" }, { SIGCHLD, 5, "CLD_STOPPED" }, { SIGCHLD, 6, "CLD_CONTINUED" },
	{ SIGSYS, 1, "SYS_SECCOMP" }, { SIGSYS, 2, "SYS_USER_DISPATCH" },
	{ SIGIO, 1, "POLL_IN" },      { SIGIO, 2, "POLL_OUT" }, { SIGIO, 3, "POLL_MSG" },
	{ SIGIO, 4, "POLL_ERR" },     { SIGIO, 5, "POLL_PRI" }, { SIGIO, 6, "POLL_HUP" },
};

const char *names__si_code(int sig, int code, char *buf, int len)
{
	size_t i;

	/* Positive codes depend on the signal; the generic ones do not. */
	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		if (codes[i].code != code)
			continue;
		if (codes[i].sig == 0 && (code <= 0 || code == 0x80))
			return codes[i].name;
		if (codes[i].sig == sig)
			return codes[i].name;
	}
	snprintf(buf, len, "%d", code);
	return buf;
}

struct sys_name {
	int nr;
	const char *name;
};

/* Only the syscalls that can make, or explain, a signal. */
static const struct sys_name syscalls[] = {
	{ 0, "read" },	      { 1, "write" },	      { 2, "open" },
	{ 3, "close" },	      { 13, "rt_sigaction" }, { 14, "rt_sigprocmask" },
	{ 15, "rt_sigreturn" }, { 16, "ioctl" },      { 18, "pwrite64" },
	{ 20, "writev" },     { 22, "pipe" },	      { 34, "pause" },
	{ 35, "nanosleep" },  { 37, "alarm" },	      { 39, "getpid" },
	{ 56, "clone" },      { 57, "fork" },	      { 58, "vfork" },
	{ 59, "execve" },     { 60, "exit" },	      { 61, "wait4" },
	{ 62, "kill" },	      { 101, "ptrace" },      { 110, "getppid" },
	{ 129, "rt_sigqueueinfo" }, { 130, "rt_sigsuspend" }, { 157, "prctl" },
	{ 160, "setrlimit" }, { 200, "tkill" },	      { 202, "futex" },
	{ 230, "clock_nanosleep" }, { 231, "exit_group" }, { 234, "tgkill" },
	{ 247, "waitid" },    { 257, "openat" },      { 296, "pwritev" },
	{ 297, "rt_tgsigqueueinfo" }, { 302, "prlimit64" }, { 317, "seccomp" },
	{ 322, "execveat" },  { 328, "pwritev2" },    { 424, "pidfd_send_signal" },
	{ 434, "pidfd_open" }, { 435, "clone3" },     { 438, "pidfd_getfd" },
};

const char *names__syscall(int nr)
{
	size_t i;

	for (i = 0; i < sizeof(syscalls) / sizeof(syscalls[0]); i++)
		if (syscalls[i].nr == nr)
			return syscalls[i].name;
	return NULL;
}

const char *names__gen_result(int result)
{
	static const char *const results[] = { "delivered", "ignored", "already-pending",
					       "overflow", "lose-info" };

	if (result >= 0 && result < (int)(sizeof(results) / sizeof(results[0])))
		return results[result];
	return "unknown";
}
