// SPDX-License-Identifier: GPL-2.0
/*
 * image_tmp.c - the writer's temporary directory,
 * DIR/.pidtrace-tmp-PID-STARTTIME-XXXXXX, and those other dumps left.
 *
 * A dump killed with SIGKILL cannot remove its own temporary directory.
 * Its name says whose it is: PID and that process's start time (a pid is
 * reused, the pair is not). The next dump into DIR removes it once that
 * process is gone, and refuses to run while it lives (two dumps committing
 * into one directory would mix their files); show says what it is.
 * Directories of another form are never touched.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image_int.h"
#include "procfs.h"

static int start_time(pid_t pid, unsigned long long *start)
{
	struct procfs_stat st;
	int err = procfs__stat(pid, &st);

	if (!err)
		*start = st.starttime;
	return err;
}

int image__tmp_create(struct image *img)
{
	static const char chars[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	unsigned long long start = 0;
	uint8_t rnd[6];
	char name[96];
	int err, tries, i, n;

	err = start_time(getpid(), &start);
	if (err)
		return err;
	for (tries = 0; tries < 100; tries++) {
		if (getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd))
			return -errno;
		n = snprintf(name, sizeof(name), TMP_PREFIX "%d-%llu-", getpid(), start);
		for (i = 0; i < (int)sizeof(rnd); i++)
			name[n++] = chars[rnd[i] % (sizeof(chars) - 1)];
		name[n] = '\0';
		if (!mkdirat(img->dirfd, name, 0700))
			break;
		if (errno != EEXIST)
			goto fail;
	}
	if (tries == 100) {
		errno = EEXIST;
		goto fail;
	}
	img->tmp = strdup(name);
	img->tmpfd = openat(img->dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (!img->tmp || img->tmpfd < 0) {
		err = img->tmp ? -errno : -ENOMEM;
		unlinkat(img->dirfd, name, AT_REMOVEDIR);
		free(img->tmp);
		img->tmp = NULL;
		pr_err("%s: cannot write an image here: %s", img->dir, strerror(-err));
		return err;
	}
	return 0;
fail:
	err = -errno;
	pr_err("%s: cannot write an image here: %s", img->dir, strerror(-err));
	return err;
}

/* Empty directory @name of @dirfd (files only: we never make subdirectories) and remove it. */
static void remove_dir_at(int dirfd, const char *name)
{
	struct dirent *de;
	DIR *d;
	int fd;

	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0) {
		d = fdopendir(fd);
		if (!d) {
			close(fd);
		} else {
			while ((de = readdir(d)))
				if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
					unlinkat(fd, de->d_name, 0);
			closedir(d);
		}
	}
	unlinkat(dirfd, name, AT_REMOVEDIR);
}

void image__tmp_remove(struct image *img)
{
	if (!img->tmp)
		return;
	remove_dir_at(img->dirfd, img->tmp);
	free(img->tmp);
	img->tmp = NULL;
	if (img->tmpfd >= 0)
		close(img->tmpfd);
	img->tmpfd = -1;
}

int image__tmp_scan(struct image *img, bool clean, char *why, size_t len)
{
	unsigned long long start, now;
	struct stat st;
	struct dirent *de;
	int fd, pid, err = 0;
	bool alive, committing;
	DIR *d;

	if (why)
		why[0] = '\0';
	fd = dup(img->dirfd);
	d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	rewinddir(d);
	while (!err && (de = readdir(d))) {
		if (strncmp(de->d_name, TMP_PREFIX, strlen(TMP_PREFIX)) ||
		    sscanf(de->d_name + strlen(TMP_PREFIX), "%d-%llu-", &pid, &start) != 2 ||
		    pid <= 0)
			continue;
		if (img->tmp && !strcmp(de->d_name, img->tmp))
			continue;
		alive = !start_time(pid, &now) && now == start;
		if (alive && clean) {
			pr_err("%s: another dump (pid %d) is writing an image here", img->dir, pid);
			err = -EBUSY;
			break;
		}
		if (alive) {
			if (why && !*why)
				snprintf(why, len, "%s belongs to a dump (pid %d) still running",
					 de->d_name, pid);
			continue;
		}
		/* Killed after it wrote the new inventory: while moving its files in. */
		committing = false;
		fd = openat(img->dirfd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd >= 0) {
			committing = !fstatat(fd, "inventory.img", &st, AT_SYMLINK_NOFOLLOW);
			close(fd);
		}
		if (clean) {
			remove_dir_at(img->dirfd, de->d_name);
			pr_warn("removed %s/%s, left by a dump (pid %d) that was killed%s", img->dir,
				de->d_name, pid, committing ? " while committing" : "");
		} else if (why && !*why) {
			snprintf(why, len, "%s was left by a dump (pid %d) that was killed%s; the next dump removes it",
				 de->d_name, pid, committing ? " while committing" : "");
		}
	}
	closedir(d);
	return err;
}

int image__leftovers(struct image *img, char *why, size_t len)
{
	image__tmp_scan(img, false, why, len);
	return *why != '\0';
}
