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
		err = image_pages__append(p, page, 4096, &off);
	if (!err)
		err = image_pages__append(p, page, 8192, &off);
	if (!err)
		err = off == 4096 ? image_pages__finish(p) : -EINVAL;
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

	if (pread(fd, &c, 1, 26) == 1) {
		c ^= 0x40;
		if (pwrite(fd, &c, 1, 26) != 1)
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
	RUN(test_missing_inventory);
	RUN(test_unsafe_image_is_refused);
	RUN(test_replace_and_abort);
})
