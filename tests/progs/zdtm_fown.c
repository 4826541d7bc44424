// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_fown - file owners and deleted files' attributes survive (zdtm
 * file_fown, file_attr, ghost_holes00):
 *  - a pipe whose read end is O_ASYNC, owned by this process (set while
 *    its euid was 1, as zdtm file_fown does), signal SIGRTMIN+2; its write
 *    end O_ASYNC, owned by the process group a child leads, plain SIGIO;
 *  - a socketpair end owned by one of our threads (F_OWNER_TID), SIGUSR2,
 *    not O_ASYNC;
 *  - a deleted file with mode 0640, an old mtime, and holes: at its head,
 *    in its middle and at its tail (data in blocks 1 and 3 of 5).
 * After SIGTERM: owners, signals, owner uids and flags read back the same;
 * a write into the pipe signals us with SIGRTMIN+2; the deleted file has
 * its size, mode, mtime, data and, if the filesystem showed them before,
 * its holes. PASS or FAIL: why.
 * "outside": the socket is owned by our parent instead, outside the tree
 * (dump must refuse it; after SIGTERM the owner must be unchanged).
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include "zdtm.h"

#ifndef F_GETOWNER_UIDS
#define F_GETOWNER_UIDS 17
#endif
#define BLK 4096
#define MTIME 1234567890
#define MODE 0640

enum { P0, P1, SK, NFD };
static int fd[NFD];
static const char *const names[NFD] = { "pipe read end", "pipe write end", "socket" };

struct fown {
	struct f_owner_ex own;
	int sig, async;
	uint32_t uids[2];
};

static volatile sig_atomic_t got_rt;
static volatile pid_t thread_tid;

static void on_rt(int sig)
{
	(void)sig;
	got_rt++;
}

static void *thread_main(void *arg)
{
	sigset_t all;

	(void)arg;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	thread_tid = syscall(SYS_gettid);
	for (;;)
		pause();
	return NULL;
}

static void snap(int i, struct fown *f)
{
	memset(f, 0, sizeof(*f));
	if (fcntl(fd[i], F_GETOWN_EX, &f->own))
		zdtm_fail("%s: F_GETOWN_EX", names[i]);
	f->sig = fcntl(fd[i], F_GETSIG);
	f->async = !!(fcntl(fd[i], F_GETFL) & O_ASYNC);
	if (fcntl(fd[i], F_GETOWNER_UIDS, f->uids))
		zdtm_fail("%s: F_GETOWNER_UIDS", names[i]);
}

static void own(int i, int type, pid_t pid, int sig, bool async)
{
	struct f_owner_ex o = { type, pid };

	if (fcntl(fd[i], F_SETOWN_EX, &o) || (sig && fcntl(fd[i], F_SETSIG, sig)) ||
	    (async && fcntl(fd[i], F_SETFL, fcntl(fd[i], F_GETFL) | O_ASYNC)))
		zdtm_fail("%s: fcntl", names[i]);
}

static void fill(unsigned char *b, int seed)
{
	int i;

	for (i = 0; i < BLK; i++)
		b[i] = (unsigned char)(i * 7 + seed);
}

int main(int argc, char **argv)
{
	bool outside = argc > 1 && !strcmp(argv[1], "outside");
	struct fown before[NFD], after[NFD];
	unsigned char blk[BLK], want[BLK];
	struct timespec times[2] = { { MTIME, 0 }, { MTIME, 0 } };
	struct sigaction sa;
	int sp[2], gf, i, status;
	bool holes;
	pthread_t th;
	struct stat st;
	pid_t child;

	zdtm_init();
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_rt;
	if (sigaction(SIGRTMIN + 2, &sa, NULL))
		zdtm_fail("sigaction");
	if (pthread_create(&th, NULL, thread_main, NULL))
		zdtm_fail("pthread_create");
	while (!thread_tid)
		usleep(1000);
	child = fork();
	if (!child) {
		signal(SIGIO, SIG_IGN);
		setpgid(0, 0);
		for (;;)
			pause();
	}
	if (setpgid(child, child) && errno != EACCES)
		zdtm_fail("setpgid(child)");
	if (pipe(fd) || socketpair(AF_UNIX, SOCK_STREAM, 0, sp))
		zdtm_fail("pipe");
	fd[SK] = sp[0];
	/* As euid 1: the kernel keeps who set the owner. */
	if (syscall(SYS_setresuid, -1, 1, -1))
		zdtm_fail("setresuid");
	own(P0, F_OWNER_PID, getpid(), SIGRTMIN + 2, true);
	if (syscall(SYS_setresuid, -1, 0, -1))
		zdtm_fail("setresuid back");
	own(P1, F_OWNER_PGRP, child, 0, true);
	if (outside)
		own(SK, F_OWNER_PID, getppid(), 0, false);
	else
		own(SK, F_OWNER_TID, thread_tid, SIGUSR2, false);

	gf = open("ghost", O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (gf < 0)
		zdtm_fail("open ghost");
	fill(blk, 1);
	if (pwrite(gf, blk, BLK, BLK) != BLK)
		zdtm_fail("pwrite");
	fill(blk, 3);
	if (pwrite(gf, blk, BLK, 3 * BLK) != BLK || ftruncate(gf, 5 * BLK) ||
	    fchmod(gf, MODE) || futimens(gf, times) || unlink("ghost"))
		zdtm_fail("ghost");
	holes = lseek(gf, 0, SEEK_HOLE) == 0 && lseek(gf, BLK, SEEK_HOLE) == 2 * BLK;
	for (i = 0; i < NFD; i++)
		snap(i, &before[i]);
	zdtm_ready();
	zdtm_wait_term();

	for (i = 0; i < NFD; i++) {
		snap(i, &after[i]);
		if (memcmp(&before[i], &after[i], sizeof(before[i])))
			zdtm_fail("%s: owner %d/%d sig %d async %d uids %u/%u, was %d/%d %d %d %u/%u",
				  names[i], after[i].own.type, after[i].own.pid, after[i].sig,
				  after[i].async, after[i].uids[0], after[i].uids[1],
				  before[i].own.type, before[i].own.pid, before[i].sig,
				  before[i].async, before[i].uids[0], before[i].uids[1]);
	}
	if (write(fd[P1], "x", 1) != 1)
		zdtm_fail("write into the pipe");
	for (i = 0; i < 5000 && !got_rt; i++)
		usleep(1000);
	if (!got_rt)
		zdtm_fail("no SIGRTMIN+2 for the O_ASYNC pipe");
	kill(child, SIGKILL);
	waitpid(child, &status, 0);

	if (fstat(gf, &st))
		zdtm_fail("fstat ghost");
	if (st.st_size != 5 * BLK || (st.st_mode & 07777) != MODE || st.st_mtime != MTIME ||
	    st.st_nlink)
		zdtm_fail("ghost: size %ld mode %o mtime %ld links %ld", (long)st.st_size,
			  st.st_mode & 07777, (long)st.st_mtime, (long)st.st_nlink);
	for (i = 0; i < 5; i++) {
		if (pread(gf, blk, BLK, i * BLK) != BLK)
			zdtm_fail("ghost: pread block %d", i);
		if (i == 1 || i == 3)
			fill(want, i);
		else
			memset(want, 0, BLK);
		if (memcmp(blk, want, BLK))
			zdtm_fail("ghost: block %d differs", i);
	}
	if (holes && (lseek(gf, 0, SEEK_HOLE) != 0 || lseek(gf, 0, SEEK_DATA) != BLK ||
		      lseek(gf, BLK, SEEK_HOLE) != 2 * BLK || lseek(gf, 2 * BLK, SEEK_DATA) != 3 * BLK ||
		      lseek(gf, 3 * BLK, SEEK_HOLE) != 4 * BLK))
		zdtm_fail("ghost: its holes are gone");
	printf("holes=%d\n", holes);
	return zdtm_pass();
}
