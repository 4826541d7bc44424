// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_seccomp - seccomp filters and strict mode survive, per thread and
 * per task, shared as they were (zdtm seccomp_filter, _tsync, _threads,
 * _inheritance, seccomp_strict).
 *
 * The process installs filter A (getpgid fails with EDOM, with
 * SECCOMP_FILTER_FLAG_LOG), starts thread T, then installs filter B
 * (getsid: ENOTTY) with TSYNC: T gets it too. T installs filter C for
 * itself alone (sysinfo: EXDEV). Child F inherits A and B, adds D (uname:
 * ENOSPC) without no_new_privs (as root), then drops every capability:
 * D must be back before F's credentials are. Child S, forked first,
 * enters strict mode and waits in read().
 *
 * After SIGTERM: each filtered call fails with its filter's errno in the
 * right thread or task and nowhere else; /proc says Seccomp 2 with 2
 * filters (leader), 3 (T); a TSYNC from T still succeeds, which needs the
 * leader's filters to be T's own first ones, shared (and gives the leader
 * T's 3 plus the new one); S, let go, answers through write() and is
 * then killed for getpid(). PASS or FAIL: why.
 *
 * "notif": a filter that hands sysinfo() to a supervisor
 * (SECCOMP_RET_USER_NOTIF, its listener fd kept): dump must refuse it;
 * after SIGTERM the filter is still there.
 */
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include "zdtm.h"

static int t_go[2], t_ack[2], f_go[2], s_go[2], s_ack[2];
static pid_t t_tid;

/* A filter: syscall @nr fails with @err, everything else is allowed. */
static long filter(int nr, int err, unsigned int flags)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, nr, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (err & SECCOMP_RET_DATA)),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog p = { sizeof(f) / sizeof(f[0]), f };

	return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &p);
}

/* 0 when @nr fails with @err (or, @err 0, succeeds); else a description. */
static const char *expect(const char *who, const char *name, long nr, int err)
{
	static char buf[128];
	struct utsname u;
	struct sysinfo si;
	long r;

	errno = 0;
	if (nr == SYS_uname)
		r = syscall(nr, &u);
	else if (nr == SYS_sysinfo)
		r = syscall(nr, &si);
	else
		r = syscall(nr, 0);
	if (err ? (r == -1 && errno == err) : r >= 0)
		return NULL;
	snprintf(buf, sizeof(buf), "%s: %s returned %ld errno %d, expected %s%d", who, name, r,
		 errno, err ? "errno " : "success ", err);
	return buf;
}

static long status_field(const char *path, const char *key)
{
	char line[256];
	long v = -1;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, strlen(key)))
			v = strtol(line + strlen(key), NULL, 10);
	fclose(f);
	return v;
}

static void *thread_main(void *arg)
{
	const char *bad;
	char c;

	sigset_t all;

	(void)arg;
	/* SIGTERM is for the main thread, in sigsuspend(). */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	t_tid = syscall(SYS_gettid);
	/* First go: install C. Second (after restore): check, then TSYNC. */
	if (read(t_go[0], &c, 1) != 1)
		return NULL;
	c = filter(SYS_sysinfo, EXDEV, 0) ? 'c' : 'y';
	if (write(t_ack[1], &c, 1) != 1 || read(t_go[0], &c, 1) != 1)
		return NULL;
	bad = expect("thread", "getpgid", SYS_getpgid, EDOM);
	if (!bad)
		bad = expect("thread", "getsid", SYS_getsid, ENOTTY);
	if (!bad)
		bad = expect("thread", "sysinfo", SYS_sysinfo, EXDEV);
	if (!bad && filter(SYS_getpriority, EPERM, SECCOMP_FILTER_FLAG_TSYNC))
		bad = "thread: a TSYNC filter was refused after restore";
	if (bad) {
		printf("FAIL: %s (errno %d)\n", bad, errno);
		fflush(stdout);
	}
	c = bad ? 'n' : 'y';
	if (write(t_ack[1], &c, 1) != 1)
		return NULL;
	for (;;)
		pause();
}

static int child_filtered(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	const char *bad;
	char c;

	if (filter(SYS_uname, ENOSPC, 0))
		return 10;
	memset(d, 0, sizeof(d));
	if (syscall(SYS_capset, &h, d))
		return 11;
	if (read(f_go[0], &c, 1) != 1)
		return 12;
	bad = expect("child", "getpgid", SYS_getpgid, EDOM);
	if (!bad)
		bad = expect("child", "getsid", SYS_getsid, ENOTTY);
	if (!bad)
		bad = expect("child", "uname", SYS_uname, ENOSPC);
	if (!bad)
		bad = expect("child", "sysinfo", SYS_sysinfo, 0);
	if (!bad && status_field("/proc/self/status", "Seccomp_filters:") != 3)
		bad = "child: Seccomp_filters is not 3";
	if (bad) {
		printf("FAIL: %s\n", bad);
		fflush(stdout);
		return 1;
	}
	return 0;
}

static void child_strict(void)
{
	char c;

	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT))
		_exit(20);
	/* Only read, write, exit and sigreturn from here. */
	if (read(s_go[0], &c, 1) == 1)
		(void)!write(s_ack[1], "s", 1);
	syscall(SYS_getpid);
	syscall(SYS_exit, 21);
}

static int notif(void)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_sysinfo, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog p = { sizeof(f) / sizeof(f[0]), f };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &p) < 0)
		zdtm_fail("a SECCOMP_RET_USER_NOTIF filter");
	zdtm_ready();
	zdtm_wait_term();
	if (status_field("/proc/self/status", "Seccomp_filters:") != 1)
		zdtm_fail("the filter is gone");
	return zdtm_pass();
}

int main(int argc, char **argv)
{
	char path[64], c;
	pthread_t th;
	pid_t f, s;
	int st;
	const char *bad;

	zdtm_init();
	if (argc > 1 && !strcmp(argv[1], "notif"))
		return notif();
	if (pipe(t_go) || pipe(t_ack) || pipe(f_go) || pipe(s_go) || pipe(s_ack))
		zdtm_fail("pipe");
	/* Before any filter: a task under a filter cannot enter strict mode. */
	s = fork();
	if (s < 0)
		zdtm_fail("fork");
	if (!s)
		child_strict();
	if (filter(SYS_getpgid, EDOM, SECCOMP_FILTER_FLAG_LOG))
		zdtm_fail("filter A");
	if (pthread_create(&th, NULL, thread_main, NULL))
		zdtm_fail("pthread_create");
	if (filter(SYS_getsid, ENOTTY, SECCOMP_FILTER_FLAG_TSYNC))
		zdtm_fail("filter B (TSYNC)");
	if (write(t_go[1], "g", 1) != 1 || read(t_ack[0], &c, 1) != 1 || c != 'y')
		zdtm_fail("filter C in the thread");
	f = fork();
	if (f < 0)
		zdtm_fail("fork");
	if (!f)
		_exit(child_filtered());
	snprintf(path, sizeof(path), "/proc/%d/status", s);
	while (status_field(path, "Seccomp:") != SECCOMP_MODE_STRICT)
		usleep(1000);
	zdtm_ready();
	zdtm_wait_term();

	bad = expect("main", "getpgid", SYS_getpgid, EDOM);
	if (!bad)
		bad = expect("main", "getsid", SYS_getsid, ENOTTY);
	if (!bad)
		bad = expect("main", "sysinfo", SYS_sysinfo, 0);
	if (bad)
		zdtm_fail("%s", bad);
	if (status_field("/proc/self/status", "Seccomp:") != SECCOMP_MODE_FILTER ||
	    status_field("/proc/self/status", "Seccomp_filters:") != 2)
		zdtm_fail("main: Seccomp %ld with %ld filters, expected 2 with 2",
			  status_field("/proc/self/status", "Seccomp:"),
			  status_field("/proc/self/status", "Seccomp_filters:"));
	snprintf(path, sizeof(path), "/proc/self/task/%d/status", t_tid);
	if (status_field(path, "Seccomp_filters:") != 3)
		zdtm_fail("thread: %ld filters, expected 3", status_field(path, "Seccomp_filters:"));
	if (write(t_go[1], "g", 1) != 1 || read(t_ack[0], &c, 1) != 1 || c != 'y')
		zdtm_fail("thread check");
	/* T's TSYNC gave the leader T's chain and the new filter. */
	if (status_field("/proc/self/status", "Seccomp_filters:") != 4)
		zdtm_fail("main: %ld filters after the thread's TSYNC, expected 4",
			  status_field("/proc/self/status", "Seccomp_filters:"));
	if (write(f_go[1], "g", 1) != 1 || waitpid(f, &st, 0) != f)
		zdtm_fail("child F");
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		zdtm_fail("child F: wait status 0x%x", st);
	if (write(s_go[1], "g", 1) != 1 || read(s_ack[0], &c, 1) != 1 || c != 's')
		zdtm_fail("child S did not answer");
	if (waitpid(s, &st, 0) != s)
		zdtm_fail("waitpid S");
	if (!WIFSIGNALED(st) || WTERMSIG(st) != SIGKILL)
		zdtm_fail("child S: wait status 0x%x, expected SIGKILL (strict mode)", st);
	return zdtm_pass();
}
