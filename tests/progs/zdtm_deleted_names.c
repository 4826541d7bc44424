// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_deleted_names - the names /proc shows for deleted files (zdtm
 * link10, unlink_mmap01, unlink_fstat02, fd01 through tools/procdiff):
 *  - "fd-del", held by an fd only, then unlinked;
 *  - "map-del" with a second link "map-del.lnk": mapped shared through
 *    the first, privately through the second, held by an fd opened
 *    through the second (like link10), both names unlinked;
 *  - a file made by open(DIR, O_TMPFILE), never named (fdinfo flags with
 *    __O_TMPFILE|O_DIRECTORY);
 *  - shared anonymous memory opened through /proc/self/map_files
 *    ("/dev/zero (deleted)" on the kernel's mount, zdtm shmemfd): one held
 *    by its fd only, one mapped too (the fd and the mapping one object).
 * After restore: readlink of each fd, the maps line of each mapping and
 * each fd's fdinfo flags are what they were (the O_TMPFILE file's name is
 * "DIR/#INODE" of its new inode), and the contents. Argument "taken":
 * other files are put at the three names after the unlinks: the names
 * come back as NAME.pidtrace-PID-N beside them, those files untouched.
 * "loose": a name may also come back as restore's nameless ones
 * (DIR/#INODE, when it says it could not link it).
 */
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "zdtm.h"

#define SIZE 8192

static char dir[PATH_MAX];
static int taken, loose;

static void fd_link(int fd, char *out, size_t len)
{
	char p[64];
	ssize_t n;

	snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
	n = readlink(p, out, len - 1);
	if (n < 0)
		zdtm_fail("readlink fd %d", fd);
	out[n] = '\0';
}

/* The path of the maps line of @addr. */
static void map_name(const void *addr, char *out, size_t len)
{
	char line[PATH_MAX + 128];
	unsigned long s, e;
	FILE *f = fopen("/proc/self/maps", "r");
	int pos;

	if (!f)
		zdtm_fail("maps");
	out[0] = '\0';
	while (fgets(line, sizeof(line), f)) {
		pos = 0;
		if (sscanf(line, "%lx-%lx %*s %*s %*s %*s %n", &s, &e, &pos) < 2 || !pos)
			continue;
		if ((uintptr_t)addr < s || (uintptr_t)addr >= e)
			continue;
		line[strcspn(line, "\n")] = '\0';
		snprintf(out, len, "%s", line + pos);
	}
	fclose(f);
}

static unsigned long fd_flags(int fd)
{
	char p[64], line[256];
	unsigned long fl = 0;
	FILE *f;

	snprintf(p, sizeof(p), "/proc/self/fdinfo/%d", fd);
	f = fopen(p, "r");
	if (!f)
		zdtm_fail("fdinfo %d", fd);
	while (fgets(line, sizeof(line), f))
		sscanf(line, "flags: %lo", &fl);
	fclose(f);
	return fl;
}

/* @now is @was, or where the name was taken (or "loose"), the name restore gives instead. */
static void same_name(const char *what, const char *was, const char *now)
{
	size_t n = strlen(was) - strlen(" (deleted)");
	const char *slash = strrchr(was, '/');

	if (!strcmp(was, now) && !taken)
		return;
	if ((taken || loose) && !strncmp(now, was, n) && !strncmp(now + n, ".pidtrace-", 10) &&
	    strstr(now, " (deleted)"))
		return;
	if (loose && !strncmp(now, was, slash - was + 1) && now[slash - was + 1] == '#')
		return;
	zdtm_fail("%s is '%s', it was '%s'%s", what, now, was, taken ? " (its name is taken)" : "");
}

/* MAP_SHARED|MAP_ANONYMOUS memory's fd through map_files; *@map: still mapped there, or unmapped. */
static int anon_fd(char **map, int keep)
{
	char p[96];
	char *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int fd;

	if (m == MAP_FAILED)
		zdtm_fail("mmap shared anonymous");
	snprintf(p, sizeof(p), "/proc/self/map_files/%lx-%lx", (unsigned long)m,
		 (unsigned long)m + 4096);
	fd = open(p, O_RDWR);
	if (fd < 0)
		zdtm_fail("open %s", p);
	if (!keep) {
		munmap(m, 4096);
		m = NULL;
		if (ftruncate(fd, 5) || write(fd, "hello", 5) != 5)
			zdtm_fail("fill the shared memory");
	} else {
		memcpy(m, "mapped", 6);
		/* Mapped past its end too (zdtm shmemfd-priv): its size stays 4096. */
		if (mmap(NULL, 8192, PROT_READ, MAP_SHARED, fd, 0) == MAP_FAILED)
			zdtm_fail("mmap past the end");
	}
	*map = m;
	return fd;
}

/* @fd: "/dev/zero (deleted)", not on /dev's file system, its contents. */
static void check_anon(int fd, const char *m, const char *data, off_t size)
{
	char link[PATH_MAX], buf[16] = "";
	struct stat st, dev;

	fd_link(fd, link, sizeof(link));
	if (strcmp(link, "/dev/zero (deleted)"))
		zdtm_fail("shared memory fd %d is '%s'", fd, link);
	if (fstat(fd, &st) || stat("/dev", &dev) || st.st_dev == dev.st_dev || st.st_size != size)
		zdtm_fail("shared memory fd %d: a file of /dev's, or %lld bytes", fd,
			  (long long)st.st_size);
	if (pread(fd, buf, strlen(data), 0) != (ssize_t)strlen(data) || strcmp(buf, data))
		zdtm_fail("shared memory fd %d holds '%s'", fd, buf);
	/* One object with its mapping: a write through the fd shows there. */
	if (m && (pwrite(fd, "M", 1, 0) != 1 || m[0] != 'M'))
		zdtm_fail("shared memory fd %d and its mapping are not one object", fd);
}

static char byte_at(size_t i)
{
	return (char)('a' + (i * 11) % 26);
}

static void check_data(const char *what, const char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != byte_at(i))
			zdtm_fail("%s: byte %zu is %d", what, i, p[i]);
}

static void put(const char *name, const char *data)
{
	char p[PATH_MAX + 16];
	int fd;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	fd = open(p, O_WRONLY | O_CREAT | O_EXCL, 0644);
	if (fd < 0 || write(fd, data, strlen(data)) != (ssize_t)strlen(data) || close(fd))
		zdtm_fail("put %s", p);
}

static void untouched(const char *name, const char *data)
{
	char p[PATH_MAX + 16], buf[64] = "";
	int fd;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	fd = open(p, O_RDONLY);
	if (fd < 0 || read(fd, buf, sizeof(buf) - 1) < 0 || strcmp(buf, data))
		zdtm_fail("%s: '%s', expected '%s'", p, buf, data);
	close(fd);
}

int main(int argc, char **argv)
{
	char a_p[PATH_MAX + 16], m_p[PATH_MAX + 16], l_p[PATH_MAX + 16], buf[SIZE];
	char was[5][PATH_MAX + 64], now[PATH_MAX + 64], want[PATH_MAX + 64];
	unsigned long fl[3];
	int a, m, l, t, i, z1, z2;
	char *m1, *m2, *zm1, *zm2;
	struct stat st;

	zdtm_init();
	taken = argc > 1 && !strcmp(argv[1], "taken");
	loose = argc > 1 && !strcmp(argv[1], "loose");
	if (!getcwd(dir, sizeof(dir)))
		zdtm_fail("getcwd");
	for (i = 0; i < SIZE; i++)
		buf[i] = byte_at(i);
	snprintf(a_p, sizeof(a_p), "%s/fd-del", dir);
	snprintf(m_p, sizeof(m_p), "%s/map-del", dir);
	snprintf(l_p, sizeof(l_p), "%s/map-del.lnk", dir);
	a = open(a_p, O_RDWR | O_CREAT | O_EXCL, 0640);
	if (a < 0 || write(a, buf, 1000) != 1000)
		zdtm_fail("%s", a_p);
	m = open(m_p, O_RDWR | O_CREAT | O_EXCL, 0600);
	if (m < 0 || write(m, buf, SIZE) != SIZE || link(m_p, l_p))
		zdtm_fail("%s", m_p);
	l = open(l_p, O_RDONLY);
	m1 = mmap(NULL, SIZE, PROT_READ, MAP_SHARED, m, 0);
	m2 = mmap(NULL, SIZE, PROT_READ, MAP_PRIVATE, l, 0);
	if (l < 0 || m1 == MAP_FAILED || m2 == MAP_FAILED)
		zdtm_fail("map");
	close(m);
	t = open(dir, O_TMPFILE | O_RDWR, 0600);
	if (t < 0 || write(t, buf, 100) != 100)
		zdtm_fail("O_TMPFILE in %s", dir);
	if (unlink(a_p) || unlink(m_p) || unlink(l_p))
		zdtm_fail("unlink");
	z1 = anon_fd(&zm1, 0);
	z2 = anon_fd(&zm2, 1);
	if (taken) {
		put("fd-del", "new a");
		put("map-del", "new m");
		put("map-del.lnk", "new l");
	}
	fd_link(a, was[0], sizeof(was[0]));
	fd_link(l, was[1], sizeof(was[1]));
	map_name(m1, was[2], sizeof(was[2]));
	map_name(m2, was[3], sizeof(was[3]));
	fd_link(t, was[4], sizeof(was[4]));
	snprintf(want, sizeof(want), "%s/map-del.lnk (deleted)", dir);
	if (strcmp(was[1], want) || strcmp(was[3], want))
		zdtm_fail("the second link's name: '%s', '%s'", was[1], was[3]);
	fl[0] = fd_flags(a);
	fl[1] = fd_flags(l);
	fl[2] = fd_flags(t);
	if (!(fl[2] & 020000000))
		zdtm_fail("O_TMPFILE not in fdinfo flags %lo", fl[2]);
	zdtm_ready();
	zdtm_wait_term();

	fd_link(a, now, sizeof(now));
	same_name("fd-del's fd", was[0], now);
	fd_link(l, now, sizeof(now));
	same_name("map-del.lnk's fd", was[1], now);
	map_name(m1, now, sizeof(now));
	same_name("map-del's shared mapping", was[2], now);
	map_name(m2, now, sizeof(now));
	same_name("map-del.lnk's private mapping", was[3], now);
	/* A nameless file's name is its inode's: the new one's. */
	if (fstat(t, &st))
		zdtm_fail("fstat");
	fd_link(t, now, sizeof(now));
	snprintf(want, sizeof(want), "%s/#%llu (deleted)", dir, (unsigned long long)st.st_ino);
	if (strcmp(now, want))
		zdtm_fail("the O_TMPFILE fd is '%s', expected '%s' (it was '%s')", now, want, was[4]);
	if (fd_flags(a) != fl[0] || fd_flags(l) != fl[1] || fd_flags(t) != fl[2])
		zdtm_fail("fdinfo flags %lo %lo %lo, they were %lo %lo %lo", fd_flags(a), fd_flags(l),
			  fd_flags(t), fl[0], fl[1], fl[2]);
	check_data("map-del shared", m1, SIZE);
	check_data("map-del.lnk private", m2, SIZE);
	if (pread(a, buf, 1000, 0) != 1000)
		zdtm_fail("read fd-del");
	check_data("fd-del", buf, 1000);
	if (pread(t, buf, 100, 0) != 100)
		zdtm_fail("read the O_TMPFILE file");
	check_data("O_TMPFILE file", buf, 100);
	check_anon(z1, zm1, "hello", 5);
	check_anon(z2, zm2, "mapped", 4096);
	if (fstat(a, &st) || st.st_nlink || (st.st_mode & 07777) != 0640)
		zdtm_fail("fd-del: %lu links, mode %o", (unsigned long)st.st_nlink, st.st_mode & 07777);
	if (fstat(l, &st) || st.st_nlink)
		zdtm_fail("map-del: %lu links", (unsigned long)st.st_nlink);
	/* Once unlinked again it cannot be linked back, as before (named at all). */
	snprintf(want, sizeof(want), "/proc/self/fd/%d", l);
	if (!loose && !linkat(AT_FDCWD, want, AT_FDCWD, "relinked", AT_SYMLINK_FOLLOW))
		zdtm_fail("map-del could be linked back");
	if (taken) {
		untouched("fd-del", "new a");
		untouched("map-del", "new m");
		untouched("map-del.lnk", "new l");
	}
	return zdtm_pass();
}
