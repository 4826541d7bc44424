// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_ghost_rofs - files deleted while open on a mount made read-only
 * after (zdtm ghost_on_rofs): a tmpfs at ./rofs (argv[1] "sbro": the
 * file system itself is then remounted read-only, which the kernel allows
 * only once no deleted file is held, so that case has none: it only
 * checks a dump that must not be refused), with
 *  - "ghost", mode 0640, owner 1234:5678, data, a hole and a tail, open
 *    O_RDONLY at offset 3, then unlinked;
 *  - "mapped", unlinked and mapped MAP_PRIVATE (held by no fd);
 * then ./rofs bind-remounted read-only. After restore: the contents,
 * size, mode, owner, offset, st_dev of both are the same, the fd's link is
 * "PATH (deleted)", the fd is on a read-only mount, ./rofs is still
 * read-only, and nothing named is left in it.
 */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include "zdtm.h"

#define TAIL (1 << 20)

static const char data[] = "Ghost Data on a read-only mount";

static void check_ro(const char *what, const char *path)
{
	struct statvfs s;

	if (statvfs(path, &s))
		zdtm_fail("statvfs %s", path);
	if (!(s.f_flag & ST_RDONLY))
		zdtm_fail("%s is not on a read-only mount", what);
}

static void make(const char *path, int mode)
{
	int fd = open(path, O_CREAT | O_EXCL | O_WRONLY, 0600);

	if (fd < 0 || write(fd, data, sizeof(data)) != sizeof(data) ||
	    pwrite(fd, data, 4, TAIL) != 4 || fchown(fd, 1234, 5678) || fchmod(fd, mode) ||
	    close(fd))
		zdtm_fail("make %s", path);
}

int main(int argc, char **argv)
{
	char dir[PATH_MAX], ghost[PATH_MAX + 16], mapped[PATH_MAX + 16], link[PATH_MAX + 32];
	char want[PATH_MAX + 32], buf[sizeof(data)];
	int sbro = argc > 1 && !strcmp(argv[1], "sbro");
	struct stat g1, g2, m1, m2;
	struct dirent *de;
	char *map = NULL;
	ssize_t n;
	DIR *d;
	int fd = -1;

	zdtm_init();
	if (!getcwd(dir, sizeof(dir)))
		zdtm_fail("getcwd");
	strcat(dir, "/rofs");
	if (mkdir(dir, 0700) || mount("rofs", dir, "tmpfs", 0, NULL))
		zdtm_fail("mount tmpfs at %s", dir);
	snprintf(ghost, sizeof(ghost), "%s/ghost", dir);
	snprintf(mapped, sizeof(mapped), "%s/mapped", dir);
	if (!sbro) {
		make(ghost, 0640);
		make(mapped, 0600);
		fd = open(ghost, O_RDONLY);
		if (fd < 0 || lseek(fd, 3, SEEK_SET) != 3 || fstat(fd, &g1))
			zdtm_fail("open %s", ghost);
		{
			int m = open(mapped, O_RDONLY);

			if (m < 0 || fstat(m, &m1))
				zdtm_fail("open %s", mapped);
			map = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, m, 0);
			if (map == MAP_FAILED)
				zdtm_fail("mmap %s", mapped);
			close(m);
		}
		if (unlink(ghost) || unlink(mapped))
			zdtm_fail("unlink");
		if (mount(NULL, dir, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL))
			zdtm_fail("remount,bind,ro %s", dir);
	} else {
		make(ghost, 0640);
		if (mount(NULL, dir, NULL, MS_REMOUNT | MS_RDONLY, NULL))
			zdtm_fail("remount,ro %s", dir);
		fd = open(ghost, O_RDONLY);
		if (fd < 0 || fstat(fd, &g1))
			zdtm_fail("open %s", ghost);
	}
	check_ro("the directory", dir);
	zdtm_ready();
	zdtm_wait_term();

	check_ro("the directory", dir);
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	check_ro("the fd", link);
	if (fstat(fd, &g2))
		zdtm_fail("fstat");
	if (sbro) {
		if (g2.st_ino != g1.st_ino || g2.st_dev != g1.st_dev)
			zdtm_fail("another file");
		printf("PASS\n");
		return 0;
	}
	if (g2.st_dev != g1.st_dev || g2.st_size != g1.st_size || g2.st_mode != g1.st_mode ||
	    g2.st_uid != 1234 || g2.st_gid != 5678 || g2.st_nlink)
		zdtm_fail("ghost: dev %lx/%lx size %ld mode %o uid %d gid %d nlink %ld",
			  (long)g2.st_dev, (long)g1.st_dev, (long)g2.st_size, g2.st_mode,
			  g2.st_uid, g2.st_gid, (long)g2.st_nlink);
	if (lseek(fd, 0, SEEK_CUR) != 3)
		zdtm_fail("offset");
	if (pread(fd, buf, sizeof(buf), 0) != sizeof(buf) || memcmp(buf, data, sizeof(data)) ||
	    pread(fd, buf, 4, TAIL) != 4 || memcmp(buf, data, 4))
		zdtm_fail("ghost contents");
	snprintf(want, sizeof(want), "/proc/self/fd/%d", fd);
	n = readlink(want, link, sizeof(link) - 1);
	if (n < 0)
		zdtm_fail("readlink");
	link[n] = 0;
	snprintf(want, sizeof(want), "%s (deleted)", ghost);
	if (strcmp(link, want))
		zdtm_fail("fd is '%s', expected '%s'", link, want);
	if (memcmp(map, data, sizeof(data)))
		zdtm_fail("mapped contents");
	{
		/* The mapping's file, through map_files: same device, size, mode, owner. */
		char mf[96];

		snprintf(mf, sizeof(mf), "/proc/self/map_files/%lx-%lx", (unsigned long)map,
			 (unsigned long)map + 4096);
		if (stat(mf, &m2))
			zdtm_fail("stat %s", mf);
		if (m2.st_dev != m1.st_dev || m2.st_size != m1.st_size || m2.st_mode != m1.st_mode ||
		    m2.st_uid != 1234)
			zdtm_fail("mapped: dev %lx/%lx size %ld mode %o", (long)m2.st_dev,
				  (long)m1.st_dev, (long)m2.st_size, m2.st_mode);
		check_ro("the mapping", mf);
	}
	d = opendir(dir);
	if (!d)
		zdtm_fail("opendir");
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			zdtm_fail("%s left in %s", de->d_name, dir);
	closedir(d);
	printf("PASS\n");
	return 0;
}
