// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_harm KIND - holds one object restore could not bring back exactly,
 * which dump must therefore refuse before it kills the tree; after SIGTERM
 * it checks the object is still there and works (the refused dump left it
 * untouched), or, for the kinds dump takes, that it came back:
 *   flock     an flock() write lock on harm.lock
 *   posix     a POSIX (fcntl F_SETLK) write lock on harm.lock
 *   ofd       an open file description (F_OFD_SETLK) write lock
 *   lease     a read lease (F_SETLEASE) on harm.lock
 *   ptmx      a pseudo-terminal master and its slave
 *   pipe      the read end of a pipe; the dumped task (READY pid) is a
 *             child, the writer stays with the parent, outside the tree
 *   pidns     the dumped task (READY pid, its host pid) is pid 1 of a pid
 *             namespace of its own, a child of the parent
 *   ofds      2500 open file descriptions (its soft fd limit raised to
 *             the hard one first): restore has to hold them all at once
 *   highfd    one fd numbered 3000
 *   thread    a thread other than the main one forks a child, which
 *             checks after SIGTERM (sent on by the process) that its
 *             parent is still the process (dump must take it, restore
 *             make it again)
 *   threaddeath  as thread, the child with a parent-death signal (bound
 *             to the thread that forked it: refused)
 *   rmdir_cwd  its cwd a directory since removed
 *   rmdir_open an fd on a directory since removed
 *   deleted_dev an fd on a device node (a copy of /dev/null) since removed
 *   proc_child an fd on /proc/CHILD/stat, CHILD in the tree (a round trip:
 *              it must name the restored child's file)
 *   proc_dead  an fd on /proc/CHILD/mountinfo, CHILD dead and reaped
 *   proc_cwd   its cwd /proc/CHILD, CHILD dead and reaped
 *   chroot     chrooted into harm.root (its cwd left outside), a file
 *              inside opened (a round trip: all must come back)
 *   tmpfile    a file made with O_TMPFILE (never linked) in a directory
 *              made read-only since, 10 bytes, mode 0645, owner 1:1
 *              (a round trip)
 *   devtty     the dumped task (READY pid, a child; the pty master stays
 *              with the parent) opened /dev/tty while the pty slave was
 *              its controlling terminal, then gave the terminal up
 *   async      a pipe's read end with O_ASYNC, its owner the process
 *   mlock      one page locked with mlock()
 *   thp        transparent hugepages disabled (PR_SET_THP_DISABLE)
 *   plain      nothing: the test moves it (to another cgroup...)
 *   mntfile    harm.mnt/file open (the test mounts harm.mnt first, and
 *              detaches the mount once READY)
 * Prints "READY pid=N fd=M" (M: the fd dump must name).
 */
#include <fcntl.h>
#include <pthread.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <sched.h>
#include <stdlib.h>

#include "zdtm.h"

static void ready(pid_t pid, int fd)
{
	if (fd < 0)
		printf("READY pid=%d\n", pid);
	else
		printf("READY pid=%d fd=%d\n", pid, fd);
	fflush(stdout);
}

/* Another open of harm.lock (in a child for flock and POSIX) cannot take the lock. */
static void check_locked(const char *kind)
{
	int ofd = !strcmp(kind, "ofd"), posix = !strcmp(kind, "posix");
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	int fd = open("harm.lock", O_RDWR), st;
	pid_t pid;

	if (fd < 0)
		zdtm_fail("open harm.lock");
	if (ofd) {
		/* OFD locks conflict between descriptions, even in one process. */
		if (fcntl(fd, F_OFD_SETLK, &fl) == 0 || errno != EAGAIN)
			zdtm_fail("the OFD lock is gone");
		return;
	}
	pid = fork();
	if (pid == 0) {
		if (posix ? fcntl(fd, F_SETLK, &fl) == 0 : flock(fd, LOCK_EX | LOCK_NB) == 0)
			_exit(1);
		_exit(0);
	}
	while (pid > 0 && waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (pid < 0)
		zdtm_fail("fork");
	if (st)
		zdtm_fail("the lock is gone (another open could take it)");
}

static volatile pid_t child = -1;

/* Forks the child, then lives on (SIGTERM blocked: it is main's). */
static void *forker(void *arg)
{
	int death = *(int *)arg;
	sigset_t term;
	pid_t pid;

	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &term, NULL);
	pid = fork();
	if (pid == 0) {
		pid_t parent = getppid();

		if (death)
			prctl(PR_SET_PDEATHSIG, SIGKILL);
		zdtm_wait_term();
		_exit(getppid() == parent ? 0 : 2);
	}
	child = pid;
	for (;;)
		pause();
	return NULL;
}

/* Fork a child from a second thread, which stays alive: its parent thread. */
static void thread_child(int death)
{
	static int d;
	pthread_t th;
	int st, i;

	d = death;
	if (pthread_create(&th, NULL, forker, &d))
		zdtm_fail("pthread_create");
	for (i = 0; child < 0 && i < 1000; i++)
		usleep(1000);
	if (child < 0)
		zdtm_fail("thread fork");
	/* Its prctl() done: the dump must see the final state. */
	usleep(50000);
	ready(getpid(), -1);
	zdtm_wait_term();
	kill(child, SIGTERM);
	if (waitpid(child, &st, 0) != child || !WIFEXITED(st) || WEXITSTATUS(st))
		zdtm_fail("the thread's child (status %#x)", st);
}

/* VmLck of /proc/self/status, in kB (-1 when unreadable). */
static long locked_kb(void)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "VmLck: %ld kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb;
}

int main(int argc, char **argv)
{
	const char *kind = argc > 1 ? argv[1] : "flock";
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	int fd = -1, p[2], st, i, sfd;
	struct rlimit rl;
	char buf[16], path[4096];
	struct stat sb, cwd_st, file_st;
	pid_t pid;

	zdtm_init();
	if (!strcmp(kind, "flock") || !strcmp(kind, "posix") || !strcmp(kind, "ofd") ||
	    !strcmp(kind, "lease")) {
		fd = open("harm.lock", O_CREAT | (strcmp(kind, "lease") ? O_RDWR : O_RDONLY), 0600);
		if (fd < 0)
			zdtm_fail("open");
		if ((!strcmp(kind, "flock") && flock(fd, LOCK_EX)) ||
		    (!strcmp(kind, "posix") && fcntl(fd, F_SETLK, &fl)) ||
		    (!strcmp(kind, "ofd") && fcntl(fd, F_OFD_SETLK, &fl)) ||
		    (!strcmp(kind, "lease") && fcntl(fd, F_SETLEASE, F_RDLCK)))
			zdtm_fail("lock");
	} else if (!strcmp(kind, "ptmx")) {
		fd = posix_openpt(O_RDWR | O_NOCTTY);
		if (fd < 0 || grantpt(fd) || unlockpt(fd))
			zdtm_fail("posix_openpt");
		sfd = open(ptsname(fd), O_RDWR | O_NOCTTY);
		if (sfd < 0)
			zdtm_fail("open the slave");
	} else if (!strcmp(kind, "pipe")) {
		/* Not the task the test knows: dies with the test's reaper. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (pipe(p))
			zdtm_fail("pipe");
		fflush(stdout);
		pid = fork();
		if (pid == 0) {
			close(p[1]);
			ready(getpid(), p[0]);
			zdtm_wait_term();
			/* The writer, outside the dumped tree, writes now. */
			kill(getppid(), SIGTERM);
			if (read(p[0], buf, 2) != 2 || memcmp(buf, "ok", 2))
				zdtm_fail("child: the pipe's writer is gone");
			exit(0);
		}
		close(p[0]);
		/* Held until the child is checked: the test signals the parent on. */
		zdtm_wait_term();
		if (write(p[1], "ok", 2) != 2 || waitpid(pid, &st, 0) != pid || st)
			zdtm_fail("the child's pipe does not work");
		return zdtm_pass();
	} else if (!strcmp(kind, "pidns")) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (pipe(p) || unshare(CLONE_NEWPID))
			zdtm_fail("unshare");
		fflush(stdout);
		pid = fork();
		if (pid == 0) {
			close(p[0]);
			if (write(p[1], "r", 1) != 1)
				_exit(3);
			zdtm_wait_term();
			_exit(getpid() == 1 ? 0 : 2);
		}
		if (pid < 0 || read(p[0], buf, 1) != 1)
			zdtm_fail("fork in the new namespace");
		ready(pid, -1);
		/* The test's SIGTERM goes to the child (READY pid). */
		if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
			zdtm_fail("the child in its namespace (status %#x)", st);
		return zdtm_pass();
	} else if (!strcmp(kind, "ofds") || !strcmp(kind, "highfd")) {
		if (getrlimit(RLIMIT_NOFILE, &rl))
			zdtm_fail("getrlimit");
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl))
			zdtm_fail("setrlimit");
		if (!strcmp(kind, "highfd")) {
			fd = open("/dev/null", O_RDONLY);
			if (fd < 0 || dup2(fd, 3000) != 3000)
				zdtm_fail("dup2 3000");
			close(fd);
			fd = 3000;
		} else {
			/* Each open is its own description: dup() would share one. */
			for (i = 0; i < 2500; i++)
				if ((fd = open("/dev/null", O_RDONLY)) < 0)
					zdtm_fail("open %d", i);
		}
	} else if (!strcmp(kind, "rmdir_cwd") || !strcmp(kind, "rmdir_open")) {
		if (mkdir("harm.dir", 0700) || (fd = open("harm.dir", O_DIRECTORY | O_RDONLY)) < 0)
			zdtm_fail("mkdir");
		if (!strcmp(kind, "rmdir_cwd") && (fchdir(fd) || close(fd) || (fd = -1, 0)))
			zdtm_fail("chdir");
		if (rmdir(fd < 0 ? "../harm.dir" : "harm.dir"))
			zdtm_fail("rmdir");
	} else if (!strcmp(kind, "deleted_dev")) {
		if (mknod("harm.dev", S_IFCHR | 0600, makedev(1, 3)) ||
		    (fd = open("harm.dev", O_RDWR)) < 0 || unlink("harm.dev"))
			zdtm_fail("mknod");
	} else if (!strncmp(kind, "proc_", 5)) {
		fflush(stdout);
		pid = fork();
		if (pid == 0) {
			zdtm_wait_term();
			_exit(0);
		}
		snprintf(buf, sizeof(buf), "%d", pid);
		if (!strcmp(kind, "proc_child")) {
			char path[64];

			snprintf(path, sizeof(path), "/proc/%d/stat", pid);
			fd = open(path, O_RDONLY);
		} else {
			char path[64];

			snprintf(path, sizeof(path), "/proc/%d%s", pid,
				 strcmp(kind, "proc_cwd") ? "/mountinfo" : "");
			fd = strcmp(kind, "proc_cwd") ? open(path, O_RDONLY) : chdir(path);
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			pid = -1;
		}
		if (fd < 0)
			zdtm_fail("open /proc/%s", buf);
		if (!strcmp(kind, "proc_cwd"))
			fd = -1;
		/* proc_child: a round trip (READY as cr_lib.sh reads it). */
		if (!strcmp(kind, "proc_child")) {
			sfd = fd;
			fd = -1;
		}
	} else if (!strcmp(kind, "mntfile")) {
		fd = open("harm.mnt/file", O_CREAT | O_RDWR, 0600);
		if (fd < 0 || write(fd, "x", 1) != 1)
			zdtm_fail("open harm.mnt/file");
	} else if (!strcmp(kind, "devtty")) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		fd = posix_openpt(O_RDWR | O_NOCTTY);
		if (fd < 0 || grantpt(fd) || unlockpt(fd))
			zdtm_fail("posix_openpt");
		fflush(stdout);
		pid = fork();
		if (pid == 0) {
			signal(SIGHUP, SIG_IGN);
			if (setsid() < 0 || (sfd = open(ptsname(fd), O_RDWR)) < 0 ||
			    ioctl(sfd, TIOCSCTTY, 0) || (p[0] = open("/dev/tty", O_RDWR)) < 0 ||
			    ioctl(sfd, TIOCNOTTY))
				zdtm_fail("child: /dev/tty");
			close(fd);
			ready(getpid(), p[0]);
			zdtm_wait_term();
			if (fcntl(p[0], F_GETFD) < 0)
				zdtm_fail("child: the /dev/tty fd is gone");
			exit(0);
		}
		if (pid < 0 || waitpid(pid, &st, 0) != pid || st)
			zdtm_fail("the child's /dev/tty (status %#x)", st);
		return zdtm_pass();
	} else if (!strcmp(kind, "async")) {
		signal(SIGIO, SIG_IGN);
		if (pipe(p) || fcntl(p[0], F_SETOWN, getpid()) ||
		    fcntl(p[0], F_SETFL, fcntl(p[0], F_GETFL) | O_ASYNC))
			zdtm_fail("O_ASYNC");
		fd = p[0];
	} else if (!strcmp(kind, "mlock")) {
		static char page[4096] __attribute__((aligned(4096)));

		page[0] = 1;
		if (mlock(page, sizeof(page)))
			zdtm_fail("mlock");
		fd = -1;
	} else if (!strcmp(kind, "thp")) {
		if (prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0))
			zdtm_fail("PR_SET_THP_DISABLE");
		fd = -1;
	} else if (!strcmp(kind, "plain")) {
		fd = -1;
	} else if (!strcmp(kind, "sysvshm")) {
		void *at;
		int id;

		/* An IPC namespace of its own: the segment's id is 0, and so is maps' inode. */
		if (unshare(CLONE_NEWIPC))
			zdtm_fail("unshare(CLONE_NEWIPC)");
		id = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
		at = id < 0 ? (void *)-1 : shmat(id, NULL, 0);
		if (at == (void *)-1 || shmctl(id, IPC_RMID, NULL))
			zdtm_fail("shmget/shmat");
		*(volatile char *)at = 1;
		fd = -1;
	} else if (!strcmp(kind, "tmpfile")) {
		if (mkdir("harm.tmpdir", 0700) ||
		    (fd = open("harm.tmpdir", O_RDWR | O_TMPFILE, 0644)) < 0 ||
		    chmod("harm.tmpdir", 0500) || write(fd, "0123456789", 10) != 10 ||
		    fchmod(fd, 0645) || fchown(fd, 1, 1))
			zdtm_fail("O_TMPFILE");
		sfd = fd;
		fd = -1;
	} else if (!strcmp(kind, "chroot")) {
		if (stat(".", &cwd_st) || mkdir("harm.root", 0700) || chroot("harm.root") ||
		    (fd = open("/file", O_CREAT | O_RDWR, 0600)) < 0 || fstat(fd, &file_st))
			zdtm_fail("chroot");
		fd = -1;
	} else if (!strcmp(kind, "thread") || !strcmp(kind, "threaddeath")) {
		thread_child(!strcmp(kind, "threaddeath"));
		return zdtm_pass();
	} else {
		zdtm_fail("unknown kind %s", kind);
	}
	/* ofds: a round trip, READY as cr_lib.sh reads it. */
	ready(getpid(), strcmp(kind, "ofds") ? fd : -1);
	zdtm_wait_term();
	if (!strcmp(kind, "flock") || !strcmp(kind, "posix") || !strcmp(kind, "ofd"))
		check_locked(kind);
	else if (!strcmp(kind, "lease") && fcntl(fd, F_GETLEASE) != F_RDLCK)
		zdtm_fail("the lease is gone");
	else if (!strcmp(kind, "ptmx") && (write(fd, "x\n", 2) != 2 || read(sfd, buf, 2) != 2))
		zdtm_fail("the pseudo-terminal does not work");
	else if (!strcmp(kind, "ofds") && fcntl(fd, F_GETFD) < 0)
		zdtm_fail("fd %d is gone", fd);
	else if (!strcmp(kind, "rmdir_cwd") && (getcwd(path, sizeof(path)) || errno != ENOENT))
		zdtm_fail("the cwd is not the removed directory any more");
	else if ((!strcmp(kind, "rmdir_open") || !strcmp(kind, "deleted_dev")) &&
		 (fstat(fd, &sb) || sb.st_nlink))
		zdtm_fail("the fd is not on the removed file any more");
	else if (!strcmp(kind, "tmpfile") &&
		 (fstat(sfd, &sb) || sb.st_size != 10 || (sb.st_mode & 07777) != 0645 ||
		  sb.st_uid != 1 || sb.st_gid != 1 || sb.st_nlink || pread(sfd, buf, 10, 0) != 10 ||
		  memcmp(buf, "0123456789", 10)))
		zdtm_fail("the O_TMPFILE file is not as it was");
	else if (!strcmp(kind, "mlock") && locked_kb() < 4)
		zdtm_fail("the page is not locked any more");
	else if (!strcmp(kind, "thp") && prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0) != 1)
		zdtm_fail("THP is enabled again");
	else if (!strcmp(kind, "async") &&
		 (!(fcntl(fd, F_GETFL) & O_ASYNC) || fcntl(fd, F_GETOWN) != getpid()))
		zdtm_fail("O_ASYNC or the owner is gone");
	else if (!strcmp(kind, "mntfile") && (pread(fd, buf, 1, 0) != 1 || buf[0] != 'x'))
		zdtm_fail("the file on the detached mount");
	else if (!strcmp(kind, "chroot") &&
		 (stat(".", &sb) || sb.st_ino != cwd_st.st_ino || stat("/file", &sb) ||
		  sb.st_ino != file_st.st_ino || stat("/harm.root", &sb) == 0))
		zdtm_fail("root or cwd not as they were");
	else if (!strcmp(kind, "proc_child") && (pread(sfd, path, 1, 0) != 1 || kill(pid, SIGTERM) ||
						  waitpid(pid, &st, 0) != pid))
		zdtm_fail("the child's /proc file");
	return zdtm_pass();
}
