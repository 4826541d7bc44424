// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_tree - a two-level tree with a session and process groups:
 *   root ── A (setsid: leads a new session) ── B (leads a group in A's
 *        │                                         session) ── C (joins B's group)
 *        └─ D (stays in root's group and session)
 * Each task records its pid, parent, group and session before the dump
 * (the root's own parent, group and session are outside the tree: D must
 * share the root's, whatever they are after restore).
 * On SIGTERM each forwards it to its children, checks its own ids, reaps
 * its children and exits 0 only if all of them passed too.
 */
#include <fcntl.h>
#include <sys/wait.h>

#include "zdtm.h"

struct ids {
	pid_t pid, ppid, pgid, sid;
};

static int ready_fd;
static pid_t kids[4];
static int nkids;

static void record(struct ids *me)
{
	me->pid = getpid();
	me->ppid = getppid();
	me->pgid = getpgid(0);
	me->sid = getsid(0);
}

/* Sleep until SIGTERM, then check ids, forward, reap. Never returns. */
static void __attribute__((noreturn)) live(const char *name, const struct ids *me)
{
	int i, st, ok = 1;
	char c = 1;

	if (write(ready_fd, &c, 1) != 1)
		zdtm_fail("%s: ready", name);
	close(ready_fd);
	zdtm_wait_term();
	for (i = 0; i < nkids; i++)
		kill(kids[i], SIGTERM);
	/*
	 * The root's parent, group and session are outside the tree (they
	 * are pidtrace's after restore); D shares whatever the root has.
	 */
	if (!strcmp(name, "root")) {
		me = &(struct ids){ getpid(), getppid(), getpgid(0), getsid(0) };
	} else if (!strcmp(name, "D")) {
		me = &(struct ids){ me->pid, me->ppid, getpgid(me->ppid), getsid(me->ppid) };
	}
	if (getpid() != me->pid || getppid() != me->ppid || getpgid(0) != me->pgid ||
	    getsid(0) != me->sid) {
		printf("FAIL: %s: pid/ppid/pgid/sid %d/%d/%d/%d, expected %d/%d/%d/%d\n", name,
		       getpid(), getppid(), getpgid(0), getsid(0), me->pid, me->ppid, me->pgid,
		       me->sid);
		ok = 0;
	}
	for (i = 0; i < nkids; i++) {
		if (waitpid(kids[i], &st, 0) != kids[i] || !WIFEXITED(st) || WEXITSTATUS(st)) {
			printf("FAIL: %s: child %d did not pass (status 0x%x)\n", name, kids[i], st);
			ok = 0;
		}
	}
	fflush(stdout);
	if (!ok)
		exit(1);
	if (!strcmp(name, "root"))
		zdtm_pass();
	exit(0);
}

static pid_t spawn(void (*fn)(void))
{
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		zdtm_fail("fork");
	if (pid == 0) {
		nkids = 0;
		fn();
	}
	kids[nkids++] = pid;
	return pid;
}

static void task_c(void)
{
	struct ids me;

	if (setpgid(0, getppid()))
		zdtm_fail("C: setpgid");
	record(&me);
	live("C", &me);
}

static void task_b(void)
{
	struct ids me;

	if (setpgid(0, 0))
		zdtm_fail("B: setpgid");
	record(&me);
	spawn(task_c);
	live("B", &me);
}

static void task_a(void)
{
	struct ids me;

	if (setsid() < 0)
		zdtm_fail("A: setsid");
	record(&me);
	spawn(task_b);
	live("A", &me);
}

static void task_d(void)
{
	struct ids me;

	record(&me);
	live("D", &me);
}

int main(void)
{
	struct ids me;
	int p[2], i;
	char c;

	zdtm_init();
	if (pipe(p))
		zdtm_fail("pipe");
	ready_fd = p[1];
	record(&me);
	spawn(task_a);
	spawn(task_d);
	close(p[1]);
	for (i = 0; i < 4; i++)
		if (read(p[0], &c, 1) != 1)
			zdtm_fail("waiting for the tree");
	close(p[0]);
	ready_fd = open("/dev/null", O_WRONLY);
	zdtm_ready();
	live("root", &me);
}
