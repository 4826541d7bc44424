// SPDX-License-Identifier: GPL-2.0
/*
 * test_image.c - image directory round trip, and every way a damaged image
 * is refused with one error naming the file.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "core.pb-c.h"
#include "image.h"
#include "unit.h"

static char dir[64];

static void rm_rf(const char *d)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", d);
	if (system(cmd))
		return;
}

static int make_image(void)
{
	static uint8_t page[8192];
	struct image_pages *p;
	struct image *img;
	Inventory inv = INVENTORY__INIT;
	TaskCore core = TASK_CORE__INIT;
	TaskIds ids = TASK_IDS__INIT;
	uint32_t pids[1] = { 42 };
	uint64_t off;
	int err;

	strcpy(dir, "/tmp/pt-image-XXXXXX");
	if (!mkdtemp(dir))
		return -errno;
	err = image__create(dir, &img);
	if (err)
		return err;
	core.pid = 42;
	/* A zombie: a live task would need registers, creds and mm to be valid. */
	core.state = TASK_STATE__TASK_ZOMBIE;
	core.has_exit_status = true;
	core.exit_status = 0x300;
	core.comm = "unit";
	ids.pid = 42;
	ids.ppid = 1;
	core.ids = &ids;
	err = image__write(img, IMG_CORE, 42, &core.base);
	if (!err)
		err = image__pages_begin(img, "pages-42.img", 42, &p);
	memset(page, 0xab, sizeof(page));
	if (!err)
		err = image__pages_append(p, page, 4096, &off);
	if (!err)
		err = image__pages_append(p, page, 8192, &off);
	if (!err)
		err = off == 4096 ? image__pages_finish(p) : -EINVAL;
	inv.pidtrace_version = "test";
	inv.root_pid = 42;
	inv.n_pids = 1;
	inv.pids = pids;
	inv.kernel_release = "k";
	inv.boot_id = "b";
	inv.page_size = 4096;
	if (!err)
		err = image__commit(img, &inv);
	image__free(img);
	return err;
}

static void test_round_trip(void)
{
	ProtobufCMessage *m = NULL;
	struct image *img;
	struct stat st;
	uint64_t off, size;
	int fd;

	CHECK(make_image() == 0);
	CHECK(stat(dir, &st) == 0 && (st.st_mode & 0777) == 0700);
	CHECK(image__open(dir, &img) == 0);
	CHECK(image__inventory(img)->root_pid == 42);
	CHECK(image__inventory(img)->n_files == 2);
	CHECK(image__read(img, IMG_CORE, 42, &m) == 0);
	CHECK(((TaskCore *)m)->ids->ppid == 1);
	CHECK_STR(((TaskCore *)m)->comm, "unit");
	protobuf_c_message_free_unpacked(m, NULL);
	CHECK(image__read(img, IMG_MM, 42, &m) == -ENOENT);
	CHECK(image__pages_open(img, "pages-42.img", true, &fd, &off, &size) == 0);
	CHECK(off == 4096 && size == 12288);
	close(fd);
	image__free(img);
	CHECK(stat("/tmp", &st) == 0);
	{
		char p[128];

		snprintf(p, sizeof(p), "%s/core-42.img", dir);
		CHECK(stat(p, &st) == 0 && (st.st_mode & 0777) == 0600);
	}
	rm_rf(dir);
}

/* Damage one file with @how, then opening + reading everything must fail. */
static int damaged(const char *file, void (*how)(int fd))
{
	ProtobufCMessage *m = NULL;
	char p[128];
	struct image *img;
	uint64_t off, size;
	int fd, err;

	if (make_image())
		return 0;
	snprintf(p, sizeof(p), "%s/%s", dir, file);
	fd = open(p, O_RDWR);
	if (fd < 0)
		return 0;
	how(fd);
	close(fd);
	err = image__open(dir, &img);
	if (!err) {
		err = image__read(img, IMG_CORE, 42, &m);
		if (!err) {
			protobuf_c_message_free_unpacked(m, NULL);
			err = image__pages_open(img, "pages-42.img", true, &fd, &off, &size);
			if (!err)
				close(fd);
		}
		image__free(img);
	}
	rm_rf(dir);
	return err;
}

static void truncate_it(int fd)
{
	if (ftruncate(fd, 30))
		return;
}

static void flip_payload(int fd)
{
	char c;

	if (pread(fd, &c, 1, 42) == 1) {
		c ^= 0x40;
		if (pwrite(fd, &c, 1, 42) != 1)
			return;
	}
}

/* A damaged image id is a damaged file, not a file of another dump. */
static void flip_id(int fd)
{
	char c;

	if (pread(fd, &c, 1, 30) == 1) {
		c ^= 0x01;
		if (pwrite(fd, &c, 1, 30) != 1)
			return;
	}
}

static void flip_page(int fd)
{
	if (pwrite(fd, "x", 1, 4096 + 5000) != 1)
		return;
}

static void bad_magic(int fd)
{
	if (pwrite(fd, "ELF!", 4, 0) != 4)
		return;
}

static void newer_version(int fd)
{
	uint32_t v = IMAGE_FORMAT_VERSION + 1;

	if (pwrite(fd, &v, 4, 8) != 4)
		return;
}

static void test_damage_is_refused(void)
{
	CHECK(damaged("core-42.img", truncate_it) == -EINVAL);
	CHECK(damaged("core-42.img", flip_payload) == -EBADMSG);
	CHECK(damaged("pages-42.img", flip_page) == -EBADMSG);
	CHECK(damaged("core-42.img", bad_magic) == -EINVAL);
	CHECK(damaged("core-42.img", newer_version) == -EPROTO);
	CHECK(damaged("inventory.img", truncate_it) == -EINVAL);
	CHECK(damaged("inventory.img", flip_payload) == -EBADMSG);
	CHECK(damaged("core-42.img", flip_id) == -EBADMSG);
	CHECK(damaged("pages-42.img", flip_id) == -EBADMSG);
	CHECK(damaged("inventory.img", flip_id) == -EBADMSG);
}

static int copy_file(const char *from, const char *to)
{
	char buf[4096];
	ssize_t n;
	int in = open(from, O_RDONLY), out = open(to, O_WRONLY | O_TRUNC);
	int err = in < 0 || out < 0 ? -errno : 0;

	while (!err && (n = read(in, buf, sizeof(buf))) > 0)
		err = write(out, buf, n) == n ? 0 : -EIO;
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	return err;
}

/*
 * Two dumps of the same task give files alike in all but their image id:
 * one swapped in from the other image is refused, by image__open() already,
 * naming the file and both ids.
 */
static int swapped(const char *file)
{
	char first[64], p[128], q[128];
	struct image *img = NULL;
	int err;

	if (make_image())
		return 0;
	strcpy(first, dir);
	if (make_image())
		return 0;
	snprintf(p, sizeof(p), "%s/%s", first, file);
	snprintf(q, sizeof(q), "%s/%s", dir, file);
	err = copy_file(p, q);
	if (!err) {
		err = image__open(dir, &img);
		if (!err)
			image__free(img);
	}
	rm_rf(first);
	rm_rf(dir);
	return err;
}

static void test_swapped_file_is_refused(void)
{
	CHECK(swapped("pages-42.img") == -ESTALE);
	CHECK(swapped("core-42.img") == -ESTALE);
}

/*
 * A format version 1 file (no image id, 24 bytes of header fields) from
 * this version's: the id cut out, the sizes and checksums made again.
 */
static uint64_t to_v1(const char *name)
{
	uint8_t buf[65536], *b = buf;
	uint32_t v, hsize;
	uint64_t plen;
	char p[128];
	ssize_t n;
	int fd;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	fd = open(p, O_RDWR);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf));
	if (n < 48)
		goto fail;
	memcpy(&hsize, b + 12, 4);
	memcpy(&plen, b + 16, 8);
	v = 1;
	memcpy(b + 8, &v, 4);
	if (hsize == 4096) {
		/* data crc at 24, header crc at 28 over bytes 0..28 */
		memmove(b + 24, b + 40, 4);
		memset(b + 28, 0, 20);
		v = crc32(0, b, 28);
		memcpy(b + 28, &v, 4);
	} else {
		hsize = 24;
		memcpy(b + 12, &hsize, 4);
		memmove(b + 24, b + 40, n - 40);
		n -= 16;
		v = crc32(0, b, 24 + plen);
		memcpy(b + 24 + plen, &v, 4);
	}
	if (pwrite(fd, b, n, 0) != n || (hsize != 4096 && ftruncate(fd, n)))
		goto fail;
	close(fd);
	return n;
fail:
	close(fd);
	return 0;
}

/* An image as a pidtrace of format version 1 wrote it. */
static int make_v1_image(void)
{
	uint64_t core = 0, crc, plen;
	uint8_t buf[65536];
	Inventory *inv;
	char p[128];
	size_t i;
	ssize_t n;
	int fd, err = -EIO;

	if (make_image())
		return -EIO;
	core = to_v1("core-42.img");
	if (!core || !to_v1("pages-42.img"))
		return -EIO;
	snprintf(p, sizeof(p), "%s/inventory.img", dir);
	fd = open(p, O_RDWR);
	n = fd < 0 ? -1 : read(fd, buf, sizeof(buf));
	if (n < 44)
		goto out;
	memcpy(&plen, buf + 16, 8);
	inv = inventory__unpack(NULL, plen, buf + 40);
	if (!inv)
		goto out;
	inv->format_version = 1;
	for (i = 0; i < inv->n_files; i++)
		if (!strcmp(inv->files[i]->name, "core-42.img"))
			inv->files[i]->size = core;
	plen = inventory__pack(inv, buf + 40);
	inventory__free_unpacked(inv, NULL);
	memcpy(buf + 16, &plen, 8);
	crc = crc32(0, buf, 40 + plen);
	memcpy(buf + 40 + plen, &crc, 4);
	if (pwrite(fd, buf, 44 + plen, 0) != (ssize_t)(44 + plen) || ftruncate(fd, 44 + plen))
		goto out;
	close(fd);
	fd = -1;
	err = to_v1("inventory.img") ? 0 : -EIO;
out:
	if (fd >= 0)
		close(fd);
	return err;
}

/* Version 1 images are still read (without an id to check); mixed, refused. */
static void test_version_1(void)
{
	ProtobufCMessage *m = NULL;
	struct image *img;
	char id[64], first[64], p[128], q[128];
	uint64_t off, size;
	int fd;

	CHECK(make_v1_image() == 0);
	CHECK(image__open(dir, &img) == 0);
	image__id_str(img, id, sizeof(id));
	CHECK_STR(id, "none (format version 1)");
	CHECK(image__read(img, IMG_CORE, 42, &m) == 0);
	CHECK_STR(((TaskCore *)m)->comm, "unit");
	protobuf_c_message_free_unpacked(m, NULL);
	CHECK(image__pages_open(img, "pages-42.img", true, &fd, &off, &size) == 0);
	CHECK(off == 4096 && size == 12288);
	{
		static uint8_t data[12288];
		uint32_t crc = 0;

		/* make_image() wrote 3 pages of 0xab: the data crc is found at 24. */
		memset(data, 0xab, sizeof(data));
		CHECK(image__pages_crc(fd, &crc) == 0 && crc == crc32(0, data, sizeof(data)));
	}
	close(fd);
	image__free(img);
	/* A version 2 pages file (same size) in the version 1 image. */
	strcpy(first, dir);
	CHECK(make_image() == 0);
	snprintf(p, sizeof(p), "%s/pages-42.img", dir);
	snprintf(q, sizeof(q), "%s/pages-42.img", first);
	CHECK(copy_file(p, q) == 0);
	CHECK(image__open(first, &img) == -ESTALE);
	rm_rf(first);
	rm_rf(dir);
}

/* An image others could have written is refused; files are never followed. */
static void test_unsafe_image_is_refused(void)
{
	struct image *img;
	char p[128], q[128];

	CHECK(make_image() == 0);
	CHECK(chmod(dir, 0777) == 0);
	CHECK(image__open(dir, &img) == -EPERM);
	CHECK(chmod(dir, 0700) == 0);
	snprintf(p, sizeof(p), "%s/core-42.img", dir);
	CHECK(chmod(p, 0666) == 0);
	CHECK(image__open(dir, &img) == -EPERM);
	CHECK(chmod(p, 0600) == 0);
	snprintf(q, sizeof(q), "%s.elsewhere", dir);
	CHECK(rename(p, q) == 0);
	CHECK(symlink(q, p) == 0);
	CHECK(image__open(dir, &img) == -ELOOP);
	unlink(q);
	rm_rf(dir);
}

static void test_missing_inventory(void)
{
	struct image *img;
	char p[128];

	CHECK(make_image() == 0);
	snprintf(p, sizeof(p), "%s/inventory.img", dir);
	CHECK(unlink(p) == 0);
	CHECK(image__open(dir, &img) == -ENOENT);
	rm_rf(dir);
}

/* A second dump into the same directory replaces the first completely. */
static void test_replace_and_abort(void)
{
	struct image *img;
	struct dirent *de;
	DIR *d;
	int n = 0;

	CHECK(make_image() == 0);
	CHECK(image__create(dir, &img) == 0);
	image__free(img); /* abandoned: leaves nothing */
	d = opendir(dir);
	CHECK(d);
	while ((de = readdir(d)))
		n += de->d_name[0] != '.' || strncmp(de->d_name, ".pidtrace-tmp", 13) == 0;
	closedir(d);
	CHECK(n == 3);
	rm_rf(dir);
}

UNIT_MAIN({
	RUN(test_round_trip);
	RUN(test_damage_is_refused);
	RUN(test_swapped_file_is_refused);
	RUN(test_version_1);
	RUN(test_missing_inventory);
	RUN(test_unsafe_image_is_refused);
	RUN(test_replace_and_abort);
})
