// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_locks - file locks of every kind a dump keeps, checked from other
 * processes that try to take conflicting ones (the kernel's own answer).
 *
 *   zdtm_locks            the tree: the parent holds an exclusive flock()
 *                         on locks.a (the description shared with its
 *                         child), a shared flock() on locks.b, POSIX locks
 *                         on locks.c (write 10-19, read 100-EOF), OFD locks
 *                         on locks.d (write 0-99, read 200-299); the child
 *                         a POSIX write lock on locks.c 30-39 and an
 *                         exclusive flock() on locks.e of its own. SIGTERM:
 *                         a probe process checks every lock, then PASS.
 *   zdtm_locks probe PARENT CHILD
 *                         the same check from outside (exit 0: all held)
 *   zdtm_locks pending    the child waits in flock() for the parent's lock
 *   zdtm_locks lease      a read lease on locks.lease, a write lease on
 *                         locks.wlease; SIGTERM: F_GETLEASE, then a child's
 *                         non-blocking opens that would break them fail
 *   zdtm_locks leasebreak a write lease being broken (a reader waits)
 *   zdtm_locks outside    READY names the child, whose flock()ed
 *                         description its parent (not dumped) holds too
 *   zdtm_locks waiter     READY names the child, whose POSIX lock its
 *                         parent (not dumped) waits for
 */
#include <fcntl.h>
#include <stdbool.h>
#include <sys/file.h>
#include <sys/wait.h>

#include "zdtm.h"

static int open_file(const char *name, int flags)
{
	int fd = open(name, flags | O_CREAT, 0600);

	if (fd < 0)
		zdtm_fail("open %s", name);
	return fd;
}

static void lock_range(int fd, int cmd, short type, off_t start, off_t len)
{
	struct flock f = { .l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len };

	if (fcntl(fd, cmd, &f))
		zdtm_fail("fcntl lock %d-%ld", (int)start, (long)len);
}

static int bad;

static void expect(bool ok, const char *fmt, const char *what)
{
	if (!ok) {
		printf(fmt, what);
		printf("\n");
		bad = 1;
	}
}

/* The lock F_GETLK (or F_OFD_GETLK) finds in the way of @type @start/@len. */
static void getlk(const char *name, int cmd, short type, off_t start, off_t len, short want,
		  off_t wstart, off_t wlen, pid_t wpid, const char *what)
{
	struct flock f = { .l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len };
	int fd = open_file(name, O_RDWR);

	if (fcntl(fd, cmd, &f))
		zdtm_fail("F_GETLK %s", name);
	if (want == F_UNLCK)
		expect(f.l_type == F_UNLCK, "probe: %s: a lock is in the way", what);
	else
		expect(f.l_type == want && f.l_start == wstart && f.l_len == wlen && f.l_pid == wpid,
		       "probe: %s: not the lock expected", what);
	close(fd);
}

/* flock(@op | LOCK_NB) on a new description: 0, or -errno. */
static int try_flock(const char *name, int op)
{
	int fd = open_file(name, O_RDONLY), r;

	r = flock(fd, op | LOCK_NB) ? -errno : 0;
	close(fd);
	return r;
}

static int probe(pid_t parent, pid_t child)
{
	bad = 0;
	expect(try_flock("locks.a", LOCK_SH) == -EWOULDBLOCK, "probe: %s", "locks.a not flock()ed exclusively");
	expect(try_flock("locks.b", LOCK_SH) == 0, "probe: %s", "locks.b not shared");
	expect(try_flock("locks.b", LOCK_EX) == -EWOULDBLOCK, "probe: %s", "locks.b not flock()ed");
	expect(try_flock("locks.e", LOCK_SH) == -EWOULDBLOCK, "probe: %s", "locks.e not flock()ed");
	getlk("locks.c", F_GETLK, F_RDLCK, 15, 1, F_WRLCK, 10, 10, parent, "POSIX write 10-19");
	getlk("locks.c", F_GETLK, F_WRLCK, 20, 10, F_UNLCK, 0, 0, 0, "POSIX 20-29 free");
	getlk("locks.c", F_GETLK, F_WRLCK, 35, 1, F_WRLCK, 30, 10, child, "child's POSIX write 30-39");
	getlk("locks.c", F_GETLK, F_WRLCK, 5000, 1, F_RDLCK, 100, 0, parent, "POSIX read 100-EOF");
	getlk("locks.c", F_GETLK, F_RDLCK, 5000, 1, F_UNLCK, 0, 0, 0, "POSIX read 100-EOF shares");
	getlk("locks.d", F_OFD_GETLK, F_RDLCK, 50, 1, F_WRLCK, 0, 100, -1, "OFD write 0-99");
	getlk("locks.d", F_OFD_GETLK, F_WRLCK, 100, 100, F_UNLCK, 0, 0, 0, "OFD 100-199 free");
	getlk("locks.d", F_OFD_GETLK, F_WRLCK, 250, 1, F_RDLCK, 200, 100, -1, "OFD read 200-299");
	getlk("locks.d", F_OFD_GETLK, F_RDLCK, 250, 1, F_UNLCK, 0, 0, 0, "OFD read 200-299 shares");
	getlk("locks.d", F_OFD_GETLK, F_WRLCK, 300, 0, F_UNLCK, 0, 0, 0, "OFD 300-EOF free");
	return bad;
}

/* Run probe() in a new process (its own fd table, its own descriptions). */
static int probe_apart(pid_t parent, pid_t child)
{
	int st;
	pid_t p = fork();

	if (p < 0)
		zdtm_fail("fork");
	if (!p)
		_exit(probe(parent, child));
	if (waitpid(p, &st, 0) != p)
		zdtm_fail("waitpid");
	return !WIFEXITED(st) || WEXITSTATUS(st);
}

static pid_t fork_child(void (*fn)(void))
{
	pid_t p = fork();

	if (p < 0)
		zdtm_fail("fork");
	if (!p) {
		alarm(ZDTM_TIMEOUT);
		fn();
		exit(0);
	}
	return p;
}

static void child_main(void)
{
	int c = open_file("locks.c", O_RDWR), e = open_file("locks.e", O_RDONLY);

	lock_range(c, F_SETLK, F_WRLCK, 30, 10);
	if (flock(e, LOCK_EX))
		zdtm_fail("flock locks.e");
	zdtm_wait_term();
	exit(0);
}

static int finish(pid_t child, int failed)
{
	int st;

	kill(child, SIGTERM);
	if (waitpid(child, &st, 0) != child)
		zdtm_fail("waitpid child");
	if (failed)
		zdtm_fail("a lock is not held as it was");
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		zdtm_fail("the child failed (status 0x%x)", st);
	return zdtm_pass();
}

static int locks_main(void)
{
	int a = open_file("locks.a", O_RDWR), b = open_file("locks.b", O_RDONLY);
	int c = open_file("locks.c", O_RDWR), d = open_file("locks.d", O_RDWR);
	pid_t child;

	if (flock(a, LOCK_EX) || flock(b, LOCK_SH))
		zdtm_fail("flock");
	lock_range(c, F_SETLK, F_WRLCK, 10, 10);
	lock_range(c, F_SETLK, F_RDLCK, 100, 0);
	lock_range(d, F_OFD_SETLK, F_WRLCK, 0, 100);
	lock_range(d, F_OFD_SETLK, F_RDLCK, 200, 100);
	child = fork_child(child_main);
	/* Ready once the child holds its locks. */
	while (try_flock("locks.e", LOCK_SH) == 0)
		usleep(1000);
	printf("child=%d\n", child);
	zdtm_ready();
	zdtm_wait_term();
	return finish(child, probe_apart(getpid(), child));
}

static void pending_child(void)
{
	int fd = open_file("locks.a", O_RDONLY);

	/* Waits for the parent's lock (SIGTERM to the parent releases it). */
	if (flock(fd, LOCK_EX))
		zdtm_fail("child flock");
	exit(0);
}

static int pending_main(void)
{
	int fd = open_file("locks.a", O_RDWR), st;
	char line[256], path[64];
	pid_t child;
	FILE *f;
	bool waiting = false;

	if (flock(fd, LOCK_EX))
		zdtm_fail("flock");
	child = fork_child(pending_child);
	/* Ready once the child's request waits (/proc/locks shows it blocked). */
	snprintf(path, sizeof(path), " %d ", child);
	while (!waiting) {
		f = fopen("/proc/locks", "r");
		while (f && fgets(line, sizeof(line), f))
			if (strstr(line, "->") && strstr(line, path))
				waiting = true;
		if (f)
			fclose(f);
		usleep(1000);
	}
	zdtm_ready();
	zdtm_wait_term();
	if (flock(fd, LOCK_UN))
		zdtm_fail("unlock");
	if (waitpid(child, &st, 0) != child || !WIFEXITED(st) || WEXITSTATUS(st))
		zdtm_fail("the waiting child did not get the lock");
	return zdtm_pass();
}

/* open(@flags | O_NONBLOCK) of @name in a child: its -errno, or 0. */
static int open_apart(const char *name, int flags)
{
	int st, fd;
	pid_t p = fork();

	if (p < 0)
		zdtm_fail("fork");
	if (!p) {
		fd = open(name, flags | O_NONBLOCK);
		_exit(fd < 0 ? errno : 0);
	}
	if (waitpid(p, &st, 0) != p || !WIFEXITED(st))
		zdtm_fail("waitpid");
	return -WEXITSTATUS(st);
}

static int lease_main(void)
{
	int rd = open_file("locks.lease", O_RDONLY), wr = open_file("locks.wlease", O_RDONLY);

	/* A lease break signals its holder (SIGIO): the check below breaks them. */
	signal(SIGIO, SIG_IGN);
	if (fcntl(rd, F_SETLEASE, F_RDLCK) || fcntl(wr, F_SETLEASE, F_WRLCK))
		zdtm_fail("F_SETLEASE");
	zdtm_ready();
	zdtm_wait_term();
	if (fcntl(rd, F_GETLEASE) != F_RDLCK)
		zdtm_fail("the read lease is gone");
	if (fcntl(wr, F_GETLEASE) != F_WRLCK)
		zdtm_fail("the write lease is gone");
	if (open_apart("locks.lease", O_WRONLY) != -EWOULDBLOCK)
		zdtm_fail("a writer opened locks.lease past its read lease");
	if (open_apart("locks.wlease", O_RDONLY) != -EWOULDBLOCK)
		zdtm_fail("a reader opened locks.wlease past its write lease");
	return zdtm_pass();
}

/* fdinfo of @fd shows its lease being broken. */
static bool breaking(int fd)
{
	char path[64], line[256];
	bool yes = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		if (strstr(line, "LEASE") && strstr(line, "BREAKING"))
			yes = true;
	if (f)
		fclose(f);
	return yes;
}

static int leasebreak_main(void)
{
	int fd = open_file("locks.wlease", O_RDONLY);

	signal(SIGIO, SIG_IGN);
	if (fcntl(fd, F_SETLEASE, F_WRLCK))
		zdtm_fail("F_SETLEASE");
	if (open_apart("locks.wlease", O_RDONLY) != -EWOULDBLOCK)
		zdtm_fail("the reader was not held back");
	while (!breaking(fd))
		usleep(1000);
	zdtm_ready();
	zdtm_wait_term();
	/* Broken to a read lease, or still being broken to one. */
	if (fcntl(fd, F_GETLEASE) != F_RDLCK)
		zdtm_fail("the lease is not (becoming) a read lease");
	return zdtm_pass();
}

static void outside_child(void)
{
	zdtm_init();
	zdtm_ready();
	zdtm_wait_term();
	if (try_flock("locks.a", LOCK_SH) != -EWOULDBLOCK)
		zdtm_fail("locks.a is not flock()ed any more");
	zdtm_pass();
	exit(0);
}

static int outside_main(void)
{
	int fd = open_file("locks.a", O_RDWR), st;
	pid_t child;

	if (flock(fd, LOCK_EX))
		zdtm_fail("flock");
	child = fork_child(outside_child);
	if (waitpid(child, &st, 0) != child)
		zdtm_fail("waitpid");
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}

/* Someone waits for a lock on locks.c: /proc/locks lists @pid's request. */
static bool waits(pid_t pid)
{
	char line[256], me[32];
	bool yes = false;
	FILE *f = fopen("/proc/locks", "r");

	snprintf(me, sizeof(me), " %d ", pid);
	while (f && fgets(line, sizeof(line), f))
		if (strstr(line, "->") && strstr(line, me))
			yes = true;
	if (f)
		fclose(f);
	return yes;
}

static void waiter_child(void)
{
	int fd = open_file("locks.c", O_RDWR);

	zdtm_init();
	lock_range(fd, F_SETLK, F_WRLCK, 0, 0);
	while (!waits(getppid()))
		usleep(1000);
	zdtm_ready();
	zdtm_wait_term();
	/* Still held: the parent is still waiting for it. */
	if (!waits(getppid()))
		zdtm_fail("the parent does not wait any more");
	zdtm_pass();
	exit(0);
}

static int waiter_main(void)
{
	struct flock f = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	pid_t child = fork_child(waiter_child);
	int fd = open_file("locks.c", O_RDWR), st;

	/* Once the child holds it, wait for it. */
	do {
		f.l_type = F_WRLCK;
		if (fcntl(fd, F_GETLK, &f))
			zdtm_fail("F_GETLK");
		usleep(1000);
	} while (f.l_type == F_UNLCK);
	f.l_type = F_WRLCK;
	if (fcntl(fd, F_SETLKW, &f))
		zdtm_fail("F_SETLKW");
	if (waitpid(child, &st, 0) != child)
		zdtm_fail("waitpid");
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 4 && !strcmp(argv[1], "probe"))
		return probe(atoi(argv[2]), atoi(argv[3]));
	zdtm_init();
	if (argc == 2 && !strcmp(argv[1], "pending"))
		return pending_main();
	if (argc == 2 && !strcmp(argv[1], "lease"))
		return lease_main();
	if (argc == 2 && !strcmp(argv[1], "leasebreak"))
		return leasebreak_main();
	if (argc == 2 && !strcmp(argv[1], "outside"))
		return outside_main();
	if (argc == 2 && !strcmp(argv[1], "waiter"))
		return waiter_main();
	return locks_main();
}
