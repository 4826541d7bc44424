// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_autogroup - a session's autogroup nice (/proc/PID/autogroup). The
 * child makes a session of its own (setsid: a new autogroup) and sets its
 * autogroup's nice to 5; after restore the parent finds the child in an
 * autogroup other than its own, nice 5.
 */
#include <fcntl.h>
#include <sys/wait.h>

#include "zdtm.h"

/* An empty file is PID 1's autogroup (a runner without setsid()): id 0. */
static int autogroup_of(pid_t pid, unsigned long *id, int *nice)
{
	char path[64];
	FILE *f;
	int n;

	snprintf(path, sizeof(path), "/proc/%d/autogroup", pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	n = fscanf(f, "/autogroup-%lu nice %d", id, nice);
	if (n == EOF && !ferror(f)) {
		*id = 0;
		*nice = 0;
		n = 2;
	}
	fclose(f);
	return n == 2 ? 0 : -1;
}

int main(void)
{
	unsigned long id, own;
	int p[2], nice, onice, st;
	pid_t c;
	char b;

	zdtm_init();
	fflush(stdout);
	if (pipe(p))
		zdtm_fail("pipe");
	c = fork();
	if (c < 0)
		zdtm_fail("fork");
	if (c == 0) {
		int fd;

		if (setsid() < 0)
			_exit(2);
		fd = open("/proc/self/autogroup", O_WRONLY);
		if (fd < 0 || write(fd, "5", 1) != 1)
			_exit(3);
		close(fd);
		if (write(p[1], "r", 1) != 1)
			_exit(4);
		for (;;)
			pause();
	}
	close(p[1]);
	if (read(p[0], &b, 1) != 1)
		zdtm_fail("the child did not set its autogroup up");
	if (autogroup_of(c, &id, &nice) || autogroup_of(getpid(), &own, &onice) || nice != 5 ||
	    id == own)
		zdtm_fail("before: the child's autogroup is not its own with nice 5");
	zdtm_ready();
	zdtm_wait_term();
	if (autogroup_of(c, &id, &nice) || autogroup_of(getpid(), &own, &onice))
		zdtm_fail("cannot read the autogroups");
	if (id == own)
		zdtm_fail("the child shares its parent's autogroup");
	if (nice != 5)
		zdtm_fail("the child's autogroup nice is %d, not 5", nice);
	kill(c, SIGKILL);
	waitpid(c, &st, 0);
	return zdtm_pass();
}
