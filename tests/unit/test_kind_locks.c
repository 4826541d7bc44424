// SPDX-License-Identifier: GPL-2.0
/*
 * test_kind_locks.c - fdinfo "lock:" lines read as the kernel writes them
 * (locks taken here, on a file of our own), and the lines that are not
 * restored read as such.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/file.h>
#include <unistd.h>

#include "kind_locks.h"
#include "procfs.h"
#include "unit.h"

struct seen {
	struct kind_lock v[8];
	int n;
};

static int collect(const struct kind_lock *l, void *arg)
{
	struct seen *s = arg;

	if (s->n < 8)
		s->v[s->n++] = *l;
	return 0;
}

static int read_fd(int fd, struct seen *s)
{
	char name[32], *info = NULL;
	int err;

	snprintf(name, sizeof(name), "fdinfo/%d", fd);
	memset(s, 0, sizeof(*s));
	err = procfs__read(getpid(), name, &info, NULL);
	if (!err)
		err = kind_locks__each(info, collect, s);
	free(info);
	return err;
}

/* POSIX and OFD byte ranges, read and write, to EOF; flock() on another fd. */
static void test_kernel_lines(void)
{
	char path[] = "/tmp/pt-kind-locks-XXXXXX", w[128];
	struct flock f = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 10, .l_len = 10 };
	int a = mkstemp(path), b, c;
	struct seen s;

	CHECK(a >= 0);
	b = open(path, O_RDWR);
	c = open(path, O_RDONLY);
	unlink(path);
	CHECK(b >= 0 && c >= 0);
	CHECK(fcntl(a, F_SETLK, &f) == 0);
	f.l_type = F_RDLCK;
	f.l_start = 100;
	f.l_len = 0;
	CHECK(fcntl(a, F_SETLK, &f) == 0);
	f.l_type = F_WRLCK;
	f.l_start = 50; /* OFD and POSIX locks conflict: apart from those */
	f.l_len = 10;
	CHECK(fcntl(b, F_OFD_SETLK, &f) == 0);
	CHECK(flock(c, LOCK_SH) == 0);

	CHECK(read_fd(a, &s) == 0);
	CHECK(s.n == 2);
	CHECK(s.v[0].kind == FILE_LOCK_KIND__LOCK_POSIX && s.v[0].write);
	CHECK(s.v[0].start == 10 && s.v[0].end == 19 && !s.v[0].to_eof && s.v[0].pid == getpid());
	CHECK(s.v[1].kind == FILE_LOCK_KIND__LOCK_POSIX && !s.v[1].write);
	CHECK(s.v[1].start == 100 && s.v[1].to_eof);
	CHECK_STR(kind_locks__words(&s.v[1], w, sizeof(w)), "read POSIX (fcntl) lock on bytes 100-EOF");

	CHECK(read_fd(b, &s) == 0);
	CHECK(s.n == 1);
	CHECK(s.v[0].kind == FILE_LOCK_KIND__LOCK_OFD && s.v[0].write && s.v[0].pid == -1);
	CHECK(s.v[0].start == 50 && s.v[0].end == 59);

	CHECK(read_fd(c, &s) == 0);
	CHECK(s.n == 1);
	CHECK(s.v[0].kind == FILE_LOCK_KIND__LOCK_FLOCK && !s.v[0].write);
	CHECK_STR(kind_locks__words(&s.v[0], w, sizeof(w)), "read flock() lock");
	close(a);
	close(b);
	close(c);
}

/* A lease, leases being broken (to nothing: skipped), an unknown kind. */
static void test_other_kinds(void)
{
	const char *info = "pos:\t0\nflags:\t0100000\nmnt_id:\t20\nino:\t5\n"
			   "lock:\t1: LEASE  ACTIVE    READ 42 fe:00:5 0 EOF\n"
			   "lock:\t2: LEASE  BREAKING  UNLCK 42 fe:00:5 0 EOF\n"
			   "lock:\t2: LEASE  BREAKING  READ 42 fe:00:5 0 EOF\n"
			   "lock:\t3: ACCESS ADVISORY  WRITE 42 fe:00:5 0 EOF\n"
			   "lock:\t4: POSIX  ADVISORY  WRITE 42 fe:00:5 9 3\n";
	struct seen s = { 0 };
	char w[128];

	CHECK(kind_locks__each(info, collect, &s) == 0);
	CHECK(s.n == 4);
	CHECK(s.v[0].kind == FILE_LOCK_KIND__LOCK_LEASE && !s.v[0].write && s.v[0].pid == 42);
	CHECK_STR(kind_locks__words(&s.v[0], w, sizeof(w)), "read lease");
	CHECK(s.v[1].kind == 0);
	CHECK_STR(kind_locks__words(&s.v[1], w, sizeof(w)), "lease being broken (to read)");
	CHECK(s.v[2].kind == 0);
	CHECK_STR(kind_locks__words(&s.v[2], w, sizeof(w)), "lock of kind ACCESS ADVISORY WRITE");
	/* A range ending before it starts is no lock the kernel shows. */
	CHECK(s.v[3].kind == 0);
}

/* The image's entry and fdinfo's line compare equal (not by pid). */
static void test_same(void)
{
	FileLockEntry fl = FILE_LOCK_ENTRY__INIT;
	struct kind_lock a, b;

	fl.has_kind = fl.has_write = fl.has_start = fl.has_end = true;
	fl.kind = FILE_LOCK_KIND__LOCK_OFD;
	fl.write = true;
	fl.start = 5;
	fl.end = 9;
	kind_locks__from_entry(&fl, &a);
	b = a;
	b.pid = -1;
	CHECK(kind_locks__same(&a, &b));
	b.end = 10;
	CHECK(!kind_locks__same(&a, &b));
	b.end = 9;
	b.write = false;
	CHECK(!kind_locks__same(&a, &b));
	fl.has_end = false;
	kind_locks__from_entry(&fl, &a);
	b = a;
	b.end = 9;
	CHECK(kind_locks__same(&a, &b)); /* both to EOF */
}

UNIT_MAIN({
	RUN(test_kernel_lines);
	RUN(test_other_kinds);
	RUN(test_same);
})
