// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_stopped - children in a group stop (SIGSTOP): A stopped once, B
 * stopped with a second SIGSTOP still pending (tkill while stopped). Each
 * was blocked in read() on a pipe the parent then wrote a byte to. After
 * restore, the parent must see each child stopped by SIGSTOP through
 * waitpid(WUNTRACED) (and /proc: state T), then SIGCONT lets each read its
 * byte and exit 0. With argument "pidns" (restored in a new pid namespace,
 * where /proc is still the host's) the /proc check is left out.
 */
#include <stdbool.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "zdtm.h"

static pid_t start_child(int p[2], char want)
{
	pid_t pid;
	char c;

	if (pipe(p))
		zdtm_fail("pipe");
	pid = fork();
	if (pid < 0)
		zdtm_fail("fork");
	if (pid == 0) {
		close(p[1]);
		if (read(p[0], &c, 1) != 1 || c != want)
			exit(2);
		exit(0);
	}
	close(p[0]);
	return pid;
}

static void stop_child(pid_t pid, int p[2], char byte, bool twice)
{
	siginfo_t si;

	kill(pid, SIGSTOP);
	memset(&si, 0, sizeof(si));
	if (waitid(P_PID, pid, &si, WSTOPPED | WNOWAIT) || si.si_status != SIGSTOP)
		zdtm_fail("child %d did not stop", pid);
	if (twice && syscall(SYS_tkill, pid, SIGSTOP))
		zdtm_fail("tkill");
	if (write(p[1], &byte, 1) != 1)
		zdtm_fail("write");
}

static char state_of(pid_t pid)
{
	char path[64], buf[512], *p;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return '?';
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return p && p[1] ? p[2] : '?';
}

static bool in_pidns;

static void check_child(pid_t pid, const char *name)
{
	int st;

	if (!in_pidns && state_of(pid) != 'T')
		zdtm_fail("%s: state %c, not T", name, state_of(pid));
	if (waitpid(pid, &st, WUNTRACED | WNOHANG) != pid || !WIFSTOPPED(st) ||
	    WSTOPSIG(st) != SIGSTOP)
		zdtm_fail("%s: waitpid(WUNTRACED) does not report the stop (0x%x)", name, st);
	kill(pid, SIGCONT);
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
		zdtm_fail("%s: after SIGCONT: wait status 0x%x", name, st);
}

int main(int argc, char **argv)
{
	int pa[2], pb[2];
	pid_t a, b;

	in_pidns = argc > 1 && !strcmp(argv[1], "pidns");
	zdtm_init();
	fflush(stdout);
	a = start_child(pa, 'a');
	b = start_child(pb, 'b');
	stop_child(a, pa, 'a', false);
	stop_child(b, pb, 'b', true);
	zdtm_ready();
	zdtm_wait_term();
	check_child(a, "A");
	check_child(b, "B");
	return zdtm_pass();
}
