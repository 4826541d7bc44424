// SPDX-License-Identifier: GPL-2.0
/*
 * ghost_data.c - a deleted file's saved contents, checked and written back
 * (see ghost_data.h). Holes are not written: a program that looks for
 * them (SEEK_HOLE, st_blocks) finds them where they were.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fdio.h"
#include "ghost_data.h"

int ghost_data__check(const DeletedFileEntry *d)
{
	uint64_t end = 0, sum = 0;
	size_t i;

	if (!d->n_extents)
		return d->data.len == d->size ? 0 : -EINVAL;
	if (d->n_extents % 2)
		return -EINVAL;
	for (i = 0; i < d->n_extents; i += 2) {
		uint64_t off = d->extents[i], len = d->extents[i + 1];

		if (!len || off < end || off > d->size || len > d->size - off)
			return -EINVAL;
		end = off + len;
		sum += len;
	}
	return sum == d->data.len ? 0 : -EINVAL;
}

static struct timespec ts(int64_t ns)
{
	struct timespec t = { ns / 1000000000LL, ns % 1000000000LL };

	if (t.tv_nsec < 0) {
		t.tv_sec--;
		t.tv_nsec += 1000000000LL;
	}
	return t;
}

int ghost_data__write(int fd, const DeletedFileEntry *d)
{
	struct timespec times[2] = { { 0, UTIME_OMIT }, { 0, UTIME_OMIT } };
	const uint8_t *p = d->data.data;
	size_t i;
	int err;

	if (ghost_data__check(d))
		return -EINVAL;
	if (!d->n_extents) {
		err = fdio__write_all(fd, p, d->data.len);
	} else {
		for (err = 0, i = 0; !err && i < d->n_extents; i += 2) {
			if (lseek(fd, d->extents[i], SEEK_SET) < 0)
				return -errno;
			err = fdio__write_all(fd, p, d->extents[i + 1]);
			p += d->extents[i + 1];
		}
	}
	if (err)
		return err;
	if (ftruncate(fd, d->size))
		return -errno;
	if (d->has_atime_ns)
		times[0] = ts(d->atime_ns);
	if (d->has_mtime_ns)
		times[1] = ts(d->mtime_ns);
	return futimens(fd, times) ? -errno : 0;
}

int ghost_data__fill(int fd, const DeletedFileEntry *d)
{
	int err = ghost_data__write(fd, d);

	if (!err && fchown(fd, d->uid, d->gid))
		err = -errno;
	if (!err && fchmod(fd, d->mode & 07777))
		err = -errno;
	return err;
}
