// SPDX-License-Identifier: GPL-2.0
/*
 * kind_file.c - files reopened by their path: regular files, directories,
 * character devices, and O_PATH fds of any file type (four kinds of one
 * module). Dump keeps the path the fd's /proc link gives, the file's
 * identity and, for a device, its number, for a symlink its target;
 * restore opens the path again and refuses a file that is not the one
 * that was open (restore_files__open_path()); verification compares the
 * identity of what the restored fd opened.
 *
 * A removed node with no contents — a device node, or under O_PATH a
 * symlink, FIFO or socket node — is made again at its path by restore
 * (restore_node.c) and removed once open: a new inode, the same type,
 * device number, owner, mode or target, and "PATH (deleted)" in /proc.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "dump_ctx.h"
#include "dump_refuse.h"
#include "escape.h"
#include "image_check.h"
#include "kinds.h"
#include "kinds_show.h"
#include "log.h"
#include "procfs.h"
#include "restore_files.h"
#include "restore_verify.h"

#define DELETED " (deleted)"

static bool deleted(const char *link)
{
	size_t n = strlen(link);

	return n > strlen(DELETED) && !strcmp(link + n - strlen(DELETED), DELETED);
}

/* @link without " (deleted)", in dump's context. */
static char *node_path(const char *link)
{
	char *p = dump_ctx__strdup(link);

	if (p && deleted(p))
		p[strlen(p) - strlen(DELETED)] = 0;
	return p;
}

/*
 * The target of symlink @fd of @pid (an O_PATH fd of it), read on a copy
 * of the fd: the link may have been removed. Return: length or -errno.
 */
static int read_target(pid_t pid, int fd, char *buf, size_t len)
{
	int copy, n, err = 0;

	copy = kinds__copy_fd(pid, fd);
	if (copy < 0)
		return copy;
	n = readlinkat(copy, "", buf, len - 1);
	if (n < 0)
		err = -errno;
	close(copy);
	if (err)
		return err;
	buf[n] = 0;
	return n;
}

static int refuse(const struct fd_live *l, const char *what, const char *path)
{
	char esc[1024];

	pr_err("pid %d fd %d: %s %s is not supported", l->pid, l->fd, what,
	       dump_refuse__escape(path, esc, sizeof(esc)));
	return -EOPNOTSUPP;
}

static bool claims_reg(const struct fd_live *l)
{
	return S_ISREG(l->st->st_mode) && l->link[0] == '/';
}

static bool claims_dir(const struct fd_live *l)
{
	return S_ISDIR(l->st->st_mode) && l->link[0] == '/';
}

static bool claims_chr(const struct fd_live *l)
{
	return S_ISCHR(l->st->st_mode) && l->link[0] == '/';
}

/*
 * /proc/N/... of a process outside the tree (dump_refuse.c let a file or
 * directory through): its pid, and its start time while it lives — the
 * path still leads to the dentry the fd holds (a dead process's entries
 * are dropped, so a lookup of a reused pid finds new ones). Dead, restore
 * opens the path on a stand-in with that pid (restore_procfile.c).
 */
#define MOUNTS_MAX (1 << 20)

/* Up to MOUNTS_MAX bytes of @fd from offset 0, without moving its offset. */
static ssize_t read_all(int fd, char *buf)
{
	ssize_t n, len = 0;

	while (len < MOUNTS_MAX && (n = pread(fd, buf + len, MOUNTS_MAX - len, len)) > 0)
		len += n;
	return n < 0 ? -errno : len;
}

/*
 * A dead process's mounts, mountinfo, mountstats hold the mount namespace
 * and root it had when opened; its stand-in at restore has pidtrace's.
 * The same only when they read the same as pidtrace's own, now: read on
 * a copy of the fd with pread (its offset is left alone).
 */
static int dead_mounts(const struct fd_live *l, const char *name)
{
	char self[64], *a = NULL, *b = NULL;
	int copy, own = -1, err = -ENOMEM;
	ssize_t na = -1, nb = -1;

	snprintf(self, sizeof(self), "/proc/self/%s", name);
	copy = kinds__copy_fd(l->pid, l->fd);
	own = open(self, O_RDONLY | O_CLOEXEC);
	a = malloc(MOUNTS_MAX);
	b = malloc(MOUNTS_MAX);
	if (a && b && copy >= 0 && own >= 0) {
		na = read_all(copy, a);
		nb = read_all(own, b);
		err = 0;
	}
	if (copy >= 0)
		close(copy);
	if (own >= 0)
		close(own);
	if (!err && (na < 0 || na != nb || memcmp(a, b, na)))
		err = refuse(l, "file of a dead process whose mounts are not pidtrace's (another mount namespace or root),", l->link);
	free(a);
	free(b);
	return err;
}

static int proc_file(struct dump_ctx *ctx, const struct fd_live *l, FdEntry *e)
{
	const char *name;
	struct procfs_stat ps;
	struct stat a, b;
	pid_t n;

	n = (pid_t)strtol(l->link + 6, NULL, 10);
	e->has_proc_pid = true;
	e->proc_pid = n;
	if (deleted(e->path))
		e->path[strlen(e->path) - strlen(DELETED)] = 0;
	if (deleted(l->link) || stat(e->path, &a) || a.st_ino != l->st->st_ino ||
	    a.st_dev != l->st->st_dev || procfs__stat(n, &ps) || stat(e->path, &b) ||
	    b.st_ino != a.st_ino) {
		name = strrchr(e->path, '/');
		if (name && (!strcmp(name, "/mounts") || !strcmp(name, "/mountinfo") ||
			     !strcmp(name, "/mountstats")))
			return dead_mounts(l, name + 1);
		return 0;
	}
	e->has_proc_start = true;
	e->proc_start = ps.starttime;
	return 0;
}

static int dump(struct dump_ctx *ctx, const struct fd_live *l, FdEntry *e)
{
	e->path = dump_ctx__strdup(l->link);
	if (!e->path)
		return -ENOMEM;
	if ((S_ISREG(l->st->st_mode) || S_ISDIR(l->st->st_mode)) &&
	    dump_refuse__proc_outsider(ctx, l->link, l->st))
		return proc_file(ctx, l, e);
	if (S_ISCHR(l->st->st_mode)) {
		e->has_rdev = true;
		e->rdev = l->st->st_rdev;
		/* Removed (dump_refuse.c checked its path can be made again). */
		if (!l->st->st_nlink) {
			if (deleted(e->path))
				e->path[strlen(e->path) - strlen(DELETED)] = 0;
			e->has_node_removed = e->node_removed = true;
			e->has_node_uid = e->has_node_gid = true;
			e->node_uid = l->st->st_uid;
			e->node_gid = l->st->st_gid;
		}
	} else if (S_ISDIR(l->st->st_mode) && !l->st->st_nlink) {
		/* Removed (dump_refuse.c checked its path can be made again). */
		size_t n = strlen(e->path);

		if (n > 10 && !strcmp(e->path + n - 10, " (deleted)"))
			e->path[n - 10] = 0;
		e->has_dir_removed = e->dir_removed = true;
		e->has_dir_uid = e->has_dir_gid = true;
		e->dir_uid = l->st->st_uid;
		e->dir_gid = l->st->st_gid;
	} else if (S_ISREG(l->st->st_mode)) {
		e->has_size = true;
		e->size = l->st->st_size;
	}
	return 0;
}

/* Is @path "/proc/@pid" or below it. */
static bool proc_path_of(const char *path, uint32_t pid)
{
	char dir[32];
	size_t n = (size_t)snprintf(dir, sizeof(dir), "/proc/%u", pid);

	return !strncmp(path, dir, n) && (!path[n] || path[n] == '/');
}

static int check(struct image *img, const char *n, const FilesImage *fi, const FdEntry *e)
{
	if (!e->path || !*e->path)
		return bad(img, n, "fd %u names no file", e->fd);
	/* Restore makes that path and removes it: an absolute one, a directory. */
	if (e->dir_removed && (e->type != FD_TYPE__FD_DIR || e->path[0] != '/'))
		return bad(img, n, "fd %u: only a directory by an absolute path can be removed",
			   e->fd);
	if (e->node_removed &&
	    (e->path[0] != '/' || !e->has_mode || !e->has_node_uid || !e->has_node_gid ||
	     !(S_ISCHR(e->mode) || S_ISBLK(e->mode) || S_ISFIFO(e->mode) || S_ISSOCK(e->mode) ||
	       S_ISLNK(e->mode)) ||
	     (e->type != FD_TYPE__FD_PATH && !S_ISCHR(e->mode))))
		return bad(img, n, "fd %u: a removed node restore cannot make again (mode 0%o)",
			   e->fd, e->mode);
	/* Restore checks that pid, then opens the path: they must be one. */
	if (e->has_proc_pid && !proc_path_of(e->path, e->proc_pid))
		return bad(img, n, "fd %u: %s is not in /proc/%u", e->fd, e->path, e->proc_pid);
	if ((S_ISCHR(e->mode) || S_ISBLK(e->mode)) && e->node_removed && !e->has_rdev)
		return bad(img, n, "fd %u: a removed device node without its device number",
			   e->fd);
	if (e->type == FD_TYPE__FD_PATH && e->has_mode && S_ISLNK(e->mode) &&
	    (!e->link_target || !(e->flags & O_NOFOLLOW)))
		return bad(img, n, "fd %u: an O_PATH symlink without its target or O_NOFOLLOW",
			   e->fd);
	return 0;
}

/* A node made again and removed: a new inode of the same type, number, owner. */
static int verify_node(struct verify *v, const FdEntry *e, const struct fd_live *l)
{
	char w[64];
	int err;

	snprintf(w, sizeof(w), "fd %u: links of the removed node", e->fd);
	err = restore_verify__num(v, w, VF_DEC, 0, l->st->st_nlink);
	snprintf(w, sizeof(w), "fd %u: mode", e->fd);
	if (!err)
		err = restore_verify__num(v, w, VF_OCT, e->mode, l->st->st_mode);
	snprintf(w, sizeof(w), "fd %u: rdev", e->fd);
	if (!err && e->has_rdev)
		err = restore_verify__num(v, w, VF_HEX, e->rdev, l->st->st_rdev);
	snprintf(w, sizeof(w), "fd %u: owner", e->fd);
	if (!err)
		err = restore_verify__num(v, w, VF_DEC, e->node_uid, l->st->st_uid);
	snprintf(w, sizeof(w), "fd %u: group", e->fd);
	if (!err)
		err = restore_verify__num(v, w, VF_DEC, e->node_gid, l->st->st_gid);
	return err;
}

static int verify(struct verify *v, const FdEntry *e, const struct fd_live *l)
{
	/* Made again and removed: a new inode; a directory nobody can reach. */
	if (e->dir_removed) {
		char w[64];

		snprintf(w, sizeof(w), "fd %u: links of the removed directory", e->fd);
		return restore_verify__num(v, w, VF_DEC, 0,
					   S_ISDIR(l->st->st_mode) ? l->st->st_nlink : 1);
	}
	if (e->node_removed)
		return verify_node(v, e, l);
	return restore_verify__identity(v, e, l);
}

/* ---- O_PATH fds: a place in the tree of files, nothing opened ---- */

static bool claims_path(const struct fd_live *l)
{
	uint64_t flags = 0;

	return l->info && !procfs__field_u64(l->info, "flags:", 8, &flags) && (flags & O_PATH);
}

static int dump_path(struct dump_ctx *ctx, const struct fd_live *l, FdEntry *e)
{
	const struct stat *st = l->st;
	char target[4096], who[64];
	struct stat now;
	int n, err;

	if (l->link[0] != '/')
		return refuse(l, "O_PATH fd of", l->link);
	if (dump_refuse__proc_outsider(ctx, l->link, st))
		return refuse(l, "O_PATH fd of a file in /proc of a process outside the tree,", l->link);
	if (deleted(l->link)) {
		/* What has contents (a file, a directory) cannot be made again empty. */
		if (st->st_nlink || S_ISREG(st->st_mode) || S_ISDIR(st->st_mode))
			return refuse(l, "O_PATH fd of the deleted", l->link);
		snprintf(who, sizeof(who), "pid %d fd %d", l->pid, l->fd);
		err = dump_refuse__remakeable(l->link, who, "O_PATH node");
		if (err)
			return err;
		e->has_node_removed = e->node_removed = true;
		e->has_node_uid = e->has_node_gid = true;
		e->node_uid = st->st_uid;
		e->node_gid = st->st_gid;
	} else if (lstat(l->link, &now) || now.st_dev != st->st_dev || now.st_ino != st->st_ino) {
		/* dump_refuse.c checks this for what it follows; a symlink is itself. */
		return refuse(l, "O_PATH fd of a path that is not that file any more:", l->link);
	}
	e->path = node_path(l->link);
	if (!e->path)
		return -ENOMEM;
	if (S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode)) {
		e->has_rdev = true;
		e->rdev = st->st_rdev;
	}
	if (!S_ISLNK(st->st_mode))
		return 0;
	/* Opened by its path again, a symlink is itself only with O_NOFOLLOW. */
	if (!(e->flags & O_NOFOLLOW))
		return refuse(l, "O_PATH fd of a symlink, without O_NOFOLLOW,", l->link);
	n = read_target(l->pid, l->fd, target, sizeof(target));
	if (n < 0) {
		if (!procfs__exists(l->pid))
			return -ESRCH;
		pr_err("pid %d fd %d: cannot read the target of the symlink: %s", l->pid, l->fd,
		       strerror(-n));
		return -EOPNOTSUPP;
	}
	e->link_target = dump_ctx__strdup(target);
	return e->link_target ? 0 : -ENOMEM;
}

static int verify_path(struct verify *v, const FdEntry *e, const struct fd_live *l)
{
	char target[4096], w[64];
	int n, err;

	err = e->node_removed ? verify_node(v, e, l) : restore_verify__identity(v, e, l);
	if (err || !e->link_target)
		return err;
	snprintf(w, sizeof(w), "fd %u: symlink target", e->fd);
	n = read_target(l->pid, l->fd, target, sizeof(target));
	if (n < 0)
		return restore_verify__cannot(v, w, n);
	return restore_verify__str(v, w, e->link_target, target);
}

static const char *type_name(uint32_t mode)
{
	return S_ISLNK(mode) ? "symlink" : S_ISDIR(mode) ? "directory" :
	       S_ISCHR(mode) ? "character device" : S_ISBLK(mode) ? "block device" :
	       S_ISFIFO(mode) ? "FIFO" : S_ISSOCK(mode) ? "socket" : "file";
}

static bool describe_path(const struct image_tree *s, const FdEntry *e, char *buf, size_t len)
{
	snprintf(buf, len, "%s (O_PATH, %s%s%s%s)", e->path ? e->path : "?",
		 type_name(e->mode), e->link_target ? " to " : "",
		 e->link_target ? e->link_target : "", e->node_removed ? ", removed" : "");
	return true;
}

static void json_path(const struct image_tree *s, const FdEntry *e, struct json_object *o)
{
	struct json_object *k = json_object_new_object();

	kinds_show__add(k, "file_type", json_object_new_string(type_name(e->mode)));
	if (e->link_target)
		kinds_show__add(k, "link_target", escape__json_string(e->link_target));
	kinds_show__add(k, "removed", json_object_new_boolean(e->node_removed));
	kinds_show__add(o, "opath", k);
}

/* A /proc file of an outsider: whose, and whether it lived at dump. */
static bool describe_file(const struct image_tree *s, const FdEntry *e, char *buf, size_t len)
{
	if (!e->has_proc_pid)
		return false;
	snprintf(buf, len, "%s (of pid %u, %s at dump)", e->path, e->proc_pid,
		 e->has_proc_start ? "alive" : "dead");
	return true;
}

static void json_file(const struct image_tree *s, const FdEntry *e, struct json_object *o)
{
	struct json_object *k;

	if (!e->has_proc_pid)
		return;
	k = json_object_new_object();
	kinds_show__add(k, "pid", json_object_new_int64(e->proc_pid));
	kinds_show__add(k, "alive", json_object_new_boolean(e->has_proc_start));
	if (e->has_proc_start)
		kinds_show__add(k, "start_time", kinds_show__u64(e->proc_start));
	kinds_show__add(o, "proc", k);
}

/* A removed device node: show says so, and whose it was. */
static bool describe_chr(const struct image_tree *s, const FdEntry *e, char *buf, size_t len)
{
	if (!e->node_removed)
		return false;
	snprintf(buf, len, "%s (removed device node %u:%u, owner %u:%u)", e->path,
		 major(e->rdev), minor(e->rdev), e->node_uid, e->node_gid);
	return true;
}

static void json_chr(const struct image_tree *s, const FdEntry *e, struct json_object *o)
{
	struct json_object *k;

	if (!e->node_removed)
		return;
	k = json_object_new_object();
	kinds_show__add(k, "removed", json_object_new_boolean(true));
	kinds_show__add(k, "uid", json_object_new_int64(e->node_uid));
	kinds_show__add(k, "gid", json_object_new_int64(e->node_gid));
	kinds_show__add(o, "node", k);
}

const struct fd_kind kind_path = {
	.type = FD_TYPE__FD_PATH,
	.name = "path",
	.noun = "O_PATH fd",
	.test = "opath",
	.claims = claims_path,
	.dump = dump_path,
	.check = check,
	.open = restore_files__open_path,
	.verify = verify_path,
	.describe = describe_path,
	.json = json_path,
};

const struct fd_kind kind_reg = {
	.type = FD_TYPE__FD_REG,
	.name = "reg",
	.noun = "file",
	.test = "files",
	.seeks = true,
	.claims = claims_reg,
	.dump = dump,
	.check = check,
	.open = restore_files__open_path,
	.verify = verify,
	.describe = describe_file,
	.json = json_file,
};

const struct fd_kind kind_dir = {
	.type = FD_TYPE__FD_DIR,
	.name = "dir",
	.noun = "directory",
	.test = "files",
	.seeks = true,
	.claims = claims_dir,
	.dump = dump,
	.check = check,
	.open = restore_files__open_path,
	.verify = verify,
	.describe = describe_file,
	.json = json_file,
};

const struct fd_kind kind_chr = {
	.type = FD_TYPE__FD_CHR,
	.name = "chr",
	.noun = "character device",
	.test = "files",
	.claims = claims_chr,
	.dump = dump,
	.check = check,
	.open = restore_files__open_path,
	.verify = verify,
	.describe = describe_chr,
	.json = json_chr,
};
