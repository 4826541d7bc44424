// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_memfd_exec - memfds and shared memory in the less common shapes
 * (zdtm memfd04, memfd05, shmemfd-priv):
 *  - a memfd holding a shell script, not close-on-exec, run with
 *    execveat(AT_EMPTY_PATH); also mapped privately through a read-only
 *    reopen and shared through the memfd itself, a private page written;
 *  - shared anonymous memory reopened through /proc/self/map_files and
 *    mapped again privately at page 1 (page 2 of it written) and shared
 *    at page 2.
 * After SIGTERM: the memfd still executes, is not close-on-exec and keeps
 * its mode; the private copies keep what was written and see the file
 * where they did not write; the second shared mapping is still shared.
 * PASS or FAIL: why.
 */
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "zdtm.h"

#define PG 4096
static const char script[] = "#!/bin/sh\nexit 0\n";

static void run(int fd)
{
	char *argv[] = { "script", NULL }, *envp[] = { NULL };
	int status;
	pid_t pid;

	if (fcntl(fd, F_GETFD) != 0)
		zdtm_fail("the memfd is close-on-exec");
	pid = fork();
	if (!pid) {
		syscall(SYS_execveat, fd, "", argv, envp, AT_EMPTY_PATH);
		_exit(errno);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		zdtm_fail("fork/wait");
	if (status)
		zdtm_fail("execveat(memfd): status 0x%x", status);
}

int main(void)
{
	char path[64], *mp, *ms, *shm, *priv, *shm2;
	struct stat before, after;
	int fd, ro, sfd;

	zdtm_init();
	fd = memfd_create("script", 0);
	if (fd < 0 || write(fd, script, sizeof(script) - 1) != sizeof(script) - 1 ||
	    ftruncate(fd, PG))
		zdtm_fail("memfd");
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	ro = open(path, O_RDONLY);
	mp = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, ro, 0);
	ms = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (ro < 0 || mp == MAP_FAILED || ms == MAP_FAILED)
		zdtm_fail("memfd mappings");
	mp[100] = 'p';
	run(fd);
	if (fstat(fd, &before))
		zdtm_fail("fstat");

	shm = mmap(NULL, 5 * PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shm == MAP_FAILED)
		zdtm_fail("mmap shared");
	*(int *)shm = 1;
	*(int *)(shm + PG) = 11;
	*(int *)(shm + 2 * PG) = 111;
	snprintf(path, sizeof(path), "/proc/self/map_files/%lx-%lx", (unsigned long)shm,
		 (unsigned long)shm + 5 * PG);
	sfd = open(path, O_RDWR);
	if (sfd < 0)
		zdtm_fail("open %s", path);
	priv = mmap(NULL, 5 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, sfd, PG);
	shm2 = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, sfd, 2 * PG);
	if (priv == MAP_FAILED || shm2 == MAP_FAILED)
		zdtm_fail("map_files mappings");
	close(sfd);
	*(int *)(priv + PG) = 22;
	zdtm_ready();
	zdtm_wait_term();

	run(fd);
	if (fstat(fd, &after))
		zdtm_fail("fstat after");
	if ((after.st_mode & 07777) != (before.st_mode & 07777) || after.st_size != before.st_size)
		zdtm_fail("memfd mode %o size %ld, was %o %ld", after.st_mode & 07777,
			  (long)after.st_size, before.st_mode & 07777, (long)before.st_size);
	if (mp[100] != 'p' || memcmp(mp, script, 10) || memcmp(ms, script, sizeof(script) - 1))
		zdtm_fail("memfd mappings lost their contents");
	ms[200] = 's';
	if (mp[200] == 's')
		zdtm_fail("the private memfd mapping sees a write to a page it copied");
	if (*(int *)(priv + PG) != 22 || *(int *)priv != 11 || *(int *)shm2 != 111)
		zdtm_fail("map_files mappings lost their contents");
	*(int *)shm2 = 333;
	if (*(int *)(shm + 2 * PG) != 333)
		zdtm_fail("the second shared mapping is not shared");
	*(int *)(shm + 3 * PG) = 444;
	if (*(int *)(priv + 2 * PG) != 444)
		zdtm_fail("the private mapping does not see the object where it did not write");
	return zdtm_pass();
}
