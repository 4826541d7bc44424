// SPDX-License-Identifier: GPL-2.0
/*
 * test_cgroups_image.c - cgroups.img round trip, and what the reader
 * refuses in it: restore makes these directories and writes these files as
 * root, so a path that climbs out of a hierarchy (".."), the root itself, a
 * file name with a '/', a child listed before its parent or a cgroup
 * listed twice must never reach it.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "cgroups.pb-c.h"
#include "core.pb-c.h"
#include "image.h"
#include "log.h"
#include "unit.h"


static char dir[64];

static void rm_rf(const char *d)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", d);
	if (system(cmd))
		return;
}

/*
 * An image of one zombie (pid 42) and cgroups.img of @n cgroups of
 * hierarchy "pids" at @paths, each with one file @fname = "50"; read back.
 * Return: what image__read() of cgroups.img returned.
 */
static int round_trip(const char *const *paths, size_t n, const char *fname, CgroupsImage **out)
{
	Inventory inv = INVENTORY__INIT;
	TaskCore core = TASK_CORE__INIT;
	TaskIds ids = TASK_IDS__INIT;
	CgroupsImage cg = CGROUPS_IMAGE__INIT;
	CgroupDir d[4], *dp[4];
	CgroupFile f = CGROUP_FILE__INIT, *fp = &f;
	uint32_t pids[1] = { 42 };
	struct image *img;
	ProtobufCMessage *m = NULL;
	size_t i;
	int err;

	strcpy(dir, "/tmp/pt-cgimage-XXXXXX");
	if (!mkdtemp(dir))
		return -errno;
	err = image__create(dir, &img);
	if (err)
		return err;
	core.pid = 42;
	core.state = TASK_STATE__TASK_ZOMBIE;
	core.has_exit_status = true;
	core.comm = "unit";
	ids.pid = 42;
	ids.ppid = 1;
	core.ids = &ids;
	f.name = (char *)fname;
	f.mode = 0644;
	f.value = "50";
	for (i = 0; i < n; i++) {
		cgroup_dir__init(&d[i]);
		d[i].controllers = "pids";
		d[i].path = (char *)paths[i];
		d[i].mode = 0755;
		d[i].n_files = 1;
		d[i].files = &fp;
		dp[i] = &d[i];
	}
	cg.n_dirs = n;
	cg.dirs = dp;
	err = image__write(img, IMG_CORE, 42, &core.base);
	if (!err)
		err = image__write(img, IMG_CGROUPS, 0, &cg.base);
	inv.pidtrace_version = "test";
	inv.root_pid = 42;
	inv.n_pids = 1;
	inv.pids = pids;
	inv.kernel_release = "k";
	inv.boot_id = "b";
	inv.page_size = getpagesize();
	if (!err)
		err = image__commit(img, &inv);
	image__free(img);
	if (!err)
		err = image__open(dir, &img);
	if (err) {
		rm_rf(dir);
		return err;
	}
	err = image__read(img, IMG_CGROUPS, 0, &m);
	if (!err && out)
		*out = (CgroupsImage *)m;
	else if (m)
		protobuf_c_message_free_unpacked(m, NULL);
	image__free(img);
	rm_rf(dir);
	return err;
}

static void test_good_image_reads_back(void)
{
	static const char *const paths[] = { "/job", "/job/sub", "/job/sub/x y" };
	CgroupsImage *c = NULL;

	CHECK(round_trip(paths, 3, "pids.max", &c) == 0);
	CHECK(c && c->n_dirs == 3);
	CHECK_STR(c->dirs[1]->path, "/job/sub");
	CHECK_STR(c->dirs[2]->files[0]->name, "pids.max");
	CHECK_STR(c->dirs[2]->files[0]->value, "50");
	cgroups_image__free_unpacked(c, NULL);
}

static int one(const char *path)
{
	const char *const paths[] = { path };

	return round_trip(paths, 1, "pids.max", NULL);
}

static void test_bad_paths_are_refused(void)
{
	CHECK(one("/") == -EINVAL);
	CHECK(one("") == -EINVAL);
	CHECK(one("job") == -EINVAL);
	CHECK(one("/..") == -EINVAL);
	CHECK(one("/../../etc") == -EINVAL);
	CHECK(one("/job/../../etc") == -EINVAL);
	CHECK(one("/job/.") == -EINVAL);
	CHECK(one("/job//sub") == -EINVAL);
	CHECK(one("/job/") == -EINVAL);
	CHECK(one("/job..") == 0); /* a name, not a component */
}

static void test_bad_file_names_are_refused(void)
{
	static const char *const paths[] = { "/job" };

	CHECK(round_trip(paths, 1, "../../release_agent", NULL) == -EINVAL);
	CHECK(round_trip(paths, 1, "..", NULL) == -EINVAL);
	CHECK(round_trip(paths, 1, "", NULL) == -EINVAL);
}

static void test_order_and_duplicates_are_refused(void)
{
	static const char *const child_first[] = { "/job/sub", "/job" };
	static const char *const twice[] = { "/job", "/job" };
	static const char *const parent_elsewhere[] = { "/job/sub", "/other" };

	CHECK(round_trip(child_first, 2, "pids.max", NULL) == -EINVAL);
	CHECK(round_trip(twice, 2, "pids.max", NULL) == -EINVAL);
	/* A parent that is not listed exists already (pidtrace's, the root's child). */
	CHECK(round_trip(parent_elsewhere, 2, "pids.max", NULL) == 0);
}

UNIT_MAIN({
	/* The damaged images below are refused on purpose: keep their lines out of the log. */
	log__sink(&(struct log_sink){ 0 });
	RUN(test_good_image_reads_back);
	RUN(test_bad_paths_are_refused);
	RUN(test_bad_file_names_are_refused);
	RUN(test_order_and_duplicates_are_refused);
})
