// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_flockpid - a flock() taken by the parent on a description only its
 * child still holds (flock, fork, close: zdtm file_locks03). The lock is
 * the description's; /proc/locks and fdinfo name the task that took it:
 * the parent, before the dump and after the restore.
 */
#include <fcntl.h>
#include <sys/file.h>
#include <sys/wait.h>

#include "zdtm.h"

/* The pid the FLOCK line of /proc/@pid/fdinfo/@fd names, -1: none. */
static int flock_pid(pid_t pid, int fd)
{
	char path[64], line[256];
	int lpid = -1, n;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", pid, fd);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "lock:", 5) && strstr(line, "FLOCK") &&
		    sscanf(line, "lock:\t%*d:%*s %*s %*s %d", &n) == 1)
			lpid = n;
	fclose(f);
	return lpid;
}

int main(void)
{
	int fd, st, got;
	pid_t c;

	zdtm_init();
	fflush(stdout);
	fd = open("flockpid.file", O_CREAT | O_RDWR, 0600);
	if (fd < 0 || flock(fd, LOCK_EX))
		zdtm_fail("open, flock");
	c = fork();
	if (c < 0)
		zdtm_fail("fork");
	if (c == 0) {
		for (;;)
			pause();
	}
	close(fd);
	if ((got = flock_pid(c, fd)) != getpid())
		zdtm_fail("before: the flock is listed under %d, not %d", got, getpid());
	zdtm_ready();
	zdtm_wait_term();
	if ((got = flock_pid(c, fd)) != getpid())
		zdtm_fail("the flock is listed under %d, not the parent %d", got, getpid());
	kill(c, SIGKILL);
	waitpid(c, &st, 0);
	return zdtm_pass();
}
