// SPDX-License-Identifier: GPL-2.0
/* mounts.c - mount bpffs on demand (see mounts.h). */
#include <errno.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "log.h"
#include "mounts.h"

#define BPF_FS_MAGIC 0xcafe4a11

static int has_fs(const char *path, long magic)
{
	struct statfs st;

	return statfs(path, &st) == 0 && st.f_type == magic;
}

static int ensure(const char *path, const char *type, long magic)
{
	if (has_fs(path, magic))
		return 0;
	if (mkdir(path, 0700) && errno != EEXIST) {
		pr_err("cannot create %s to mount %s: %m", path, type);
		return -errno;
	}
	if (mount(type, path, type, 0, NULL)) {
		int err = -errno;

		pr_err("cannot mount %s at %s: %m%s", type, path,
		       err == -EPERM ? " (pidtrace needs root)" : "");
		return err;
	}
	pr_debug("mounted %s at %s", type, path);
	return 0;
}

int mounts__ensure_bpffs(void)
{
	return ensure("/sys/fs/bpf", "bpf", BPF_FS_MAGIC);
}
