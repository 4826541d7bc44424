// SPDX-License-Identifier: GPL-2.0
/*
 * test_ghost_data - a deleted file's saved ranges are checked before
 * restore trusts them (overlapping, unsorted, outside the file, odd count,
 * data of the wrong length are refused), and writing them back makes a
 * file with the same bytes, the same holes (SEEK_DATA/SEEK_HOLE, on a
 * filesystem that keeps them) and the same times.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ghost_data.h"
#include "unit.h"

#define BLK 4096

static uint8_t data[2 * BLK];

static DeletedFileEntry entry(uint64_t *ext, size_t n, size_t len, uint64_t size)
{
	DeletedFileEntry d = DELETED_FILE_ENTRY__INIT;

	d.size = size;
	d.extents = ext;
	d.n_extents = n;
	d.data.data = data;
	d.data.len = len;
	return d;
}

static void good_ranges_pass(void)
{
	uint64_t ext[] = { BLK, BLK, 3 * BLK, BLK };
	DeletedFileEntry d = entry(ext, 4, 2 * BLK, 5 * BLK), all = entry(NULL, 0, BLK, BLK);

	CHECK(ghost_data__check(&d) == 0);
	CHECK(ghost_data__check(&all) == 0);
}

static void bad_ranges_fail(void)
{
	uint64_t overlap[] = { 0, 2 * BLK, BLK, BLK }, unsorted[] = { 3 * BLK, BLK, 0, BLK },
		 outside[] = { 4 * BLK, 2 * BLK }, empty[] = { 0, 0 }, huge[] = { 1, UINT64_MAX };
	uint64_t odd[] = { 0, BLK, BLK };
	DeletedFileEntry d;

	d = entry(overlap, 4, 3 * BLK, 5 * BLK);
	CHECK(ghost_data__check(&d) == -EINVAL);
	d = entry(unsorted, 4, 2 * BLK, 5 * BLK);
	CHECK(ghost_data__check(&d) == -EINVAL);
	d = entry(outside, 2, 2 * BLK, 5 * BLK);
	CHECK(ghost_data__check(&d) == -EINVAL);
	d = entry(empty, 2, 0, 5 * BLK);
	CHECK(ghost_data__check(&d) == -EINVAL);
	d = entry(huge, 2, 2 * BLK, 5 * BLK);
	CHECK(ghost_data__check(&d) == -EINVAL);
	d = entry(odd, 3, BLK, 5 * BLK);
	CHECK(ghost_data__check(&d) == -EINVAL);
	/* Ranges fine, data one byte short or long. */
	d = entry(outside, 0, 2 * BLK - 1, 2 * BLK);
	CHECK(ghost_data__check(&d) == -EINVAL);
	{
		uint64_t ok[] = { 0, BLK };

		d = entry(ok, 2, BLK + 1, 5 * BLK);
		CHECK(ghost_data__check(&d) == -EINVAL);
	}
}

static void written_back_with_holes_and_times(void)
{
	uint64_t ext[] = { BLK, BLK, 3 * BLK, BLK };
	DeletedFileEntry d = entry(ext, 4, 2 * BLK, 5 * BLK);
	char path[] = "/tmp/pidtrace-ghost-XXXXXX";
	uint8_t buf[5 * BLK], want[5 * BLK];
	struct stat st;
	bool holes;
	int fd, i;

	for (i = 0; i < 2 * BLK; i++)
		data[i] = (uint8_t)(i * 7 + 1);
	memset(want, 0, sizeof(want));
	memcpy(want + BLK, data, BLK);
	memcpy(want + 3 * BLK, data + BLK, BLK);
	d.has_mtime_ns = d.has_atime_ns = true;
	d.mtime_ns = 1234567890123456789LL;
	d.atime_ns = 1000000000LL;
	fd = mkstemp(path);
	CHECK(fd >= 0);
	unlink(path);
	CHECK(ghost_data__write(fd, &d) == 0);
	/* Before reading it: a read may move atime (relatime). */
	CHECK(!fstat(fd, &st));
	CHECK(st.st_size == 5 * BLK);
	CHECK(st.st_mtim.tv_sec == 1234567890 && st.st_mtim.tv_nsec == 123456789);
	CHECK(st.st_atim.tv_sec == 1 && st.st_atim.tv_nsec == 0);
	CHECK(pread(fd, buf, sizeof(buf), 0) == (ssize_t)sizeof(buf));
	CHECK(!memcmp(buf, want, sizeof(buf)));
	/* A filesystem without holes shows all data: nothing more to see. */
	holes = lseek(fd, 0, SEEK_DATA) == BLK;
	if (holes) {
		CHECK(lseek(fd, BLK, SEEK_HOLE) == 2 * BLK);
		CHECK(lseek(fd, 2 * BLK, SEEK_DATA) == 3 * BLK);
		CHECK(lseek(fd, 3 * BLK, SEEK_HOLE) == 4 * BLK);
	}
	close(fd);
}

static void damaged_ranges_are_not_written(void)
{
	uint64_t overlap[] = { 0, 2 * BLK, BLK, BLK };
	DeletedFileEntry d = entry(overlap, 4, 3 * BLK, 5 * BLK);
	char path[] = "/tmp/pidtrace-ghost-XXXXXX";
	struct stat st;
	int fd = mkstemp(path);

	CHECK(fd >= 0);
	unlink(path);
	CHECK(ghost_data__write(fd, &d) == -EINVAL);
	CHECK(!fstat(fd, &st) && st.st_size == 0);
	close(fd);
}

UNIT_MAIN({
	RUN(good_ranges_pass);
	RUN(bad_ranges_fail);
	RUN(written_back_with_holes_and_times);
	RUN(damaged_ranges_are_not_written);
})
