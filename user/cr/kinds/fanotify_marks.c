// SPDX-License-Identifier: GPL-2.0
/*
 * fanotify_marks.c - a fanotify group's marks, read from fdinfo at dump and
 * made again at restore (kind_fanotify.c holds the rest of the kind).
 *
 * fdinfo shows the group ("fanotify flags:F event-flags:E", hex) and one
 * line a mark: "fanotify ino:I sdev:D mflags:M mask:X ignored_mask:Y
 * fhandle-bytes:... f_handle:..." on an inode, "fanotify mnt_id:N ..." on
 * a mount, "fanotify sdev:D ..." on a file system (sdev in the kernel's
 * dev_t encoding). A mark holds its object, not a name: an inode is found
 * again from its handle (fshandle.c), a mount by its id in the task's
 * mountinfo, a file system by a mount of it; restore marks the object it
 * opens by that path after checking it is the same (dev and inode, mount
 * id, dev).
 *
 * Queued events cannot be put back: a group with unread events is
 * refused (FIONREAD on a pidfd_getfd() copy); so is a group of class
 * content or pre-content, whose permission events read and not answered
 * yet no interface shows.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fanotify.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "dump_ctx.h"
#include "escape.h"
#include "fanotify_marks.h"
#include "fshandle.h"
#include "kinds.h"
#include "log.h"
#include "procfs.h"
#include "restore_ctx.h"
#include "testfault.h"

#define FAN_CLASS_BITS (FAN_CLASS_CONTENT | FAN_CLASS_PRE_CONTENT)
#define MAX_MARKS 4096

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int fanotify_marks__lines(const char *info, char ***out, size_t *n)
{
	char **l = NULL, **tmp;
	const char *p, *end;
	size_t cnt = 0;

	for (p = info; p && *p; p = end ? end + 1 : NULL) {
		end = strchr(p, '\n');
		if (strncmp(p, "fanotify ", 9))
			continue;
		tmp = realloc(l, (cnt + 1) * sizeof(*l));
		if (!tmp)
			goto nomem;
		l = tmp;
		l[cnt] = end ? strndup(p, end - p) : strdup(p);
		if (!l[cnt])
			goto nomem;
		cnt++;
	}
	if (cnt)
		qsort(l, cnt, sizeof(*l), cmp_str);
	*out = l;
	*n = cnt;
	return 0;
nomem:
	while (cnt)
		free(l[--cnt]);
	free(l);
	return -ENOMEM;
}

void fanotify_marks__free_lines(char **l, size_t n)
{
	while (n)
		free(l[--n]);
	free(l);
}

/* The mount point of mount @id (hex in fdinfo) in @mountinfo. Return: 0, -ENOENT. */
static int mount_point(const char *mountinfo, unsigned int id, char *path, size_t len)
{
	unsigned int mid;
	char mnt[4096];
	const char *p;

	for (p = mountinfo; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (sscanf(p, "%u %*d %*u:%*u %*s %4095s", &mid, mnt) == 2 && mid == id) {
			fshandle__unescape(mnt);
			snprintf(path, len, "%s", mnt);
			return 0;
		}
	return -ENOENT;
}

/* A mount point of the file system @sdev (kernel encoding) that is reachable. */
static int fs_mount(const char *mountinfo, unsigned int sdev, char *path, size_t len,
		    struct stat *st)
{
	unsigned int maj, min;
	char mnt[4096];
	const char *p;

	for (p = mountinfo; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (sscanf(p, "%*d %*d %u:%u %*s %4095s", &maj, &min, mnt) != 3 ||
		    maj != sdev >> 20 || min != (sdev & 0xfffff))
			continue;
		fshandle__unescape(mnt);
		if (!stat(mnt, st) && st->st_dev == makedev(maj, min)) {
			snprintf(path, len, "%s", mnt);
			return 0;
		}
	}
	return -ENOENT;
}

/* One mark line into @m. Return: 0, -EINVAL (unparsable), -ENOENT (object not reachable). */
static int dump_mark(pid_t pid, const char *mountinfo, const char *line, FanotifyMarkEntry *m,
		     char *path, size_t len)
{
	unsigned int sdev = 0, id = 0, mflags;
	unsigned long ino = 0, mask, ign;
	struct fshandle fh;
	struct stat st;
	const char *p;

	p = strstr(line, "mflags:");
	if (!p || sscanf(p, "mflags:%x mask:%lx ignored_mask:%lx", &mflags, &mask, &ign) != 3)
		return -EINVAL;
	m->mflags = mflags;
	m->mask = mask;
	m->ignored_mask = ign;
	if (sscanf(line, "fanotify ino:%lx sdev:%x", &ino, &sdev) == 2) {
		m->kind = FANOTIFY_MARK_INODE;
		if (fshandle__parse(line, &fh))
			return -EINVAL;
		/* A symbolic link itself: restore marks what the path leads to. */
		if (fshandle__resolve(pid, mountinfo, sdev, ino, &fh, path, len, &st) ||
		    S_ISLNK(st.st_mode))
			return -ENOENT;
		m->has_ino = true;
		m->ino = st.st_ino;
	} else if (sscanf(line, "fanotify mnt_id:%x", &id) == 1) {
		m->kind = FANOTIFY_MARK_MOUNT;
		if (mount_point(mountinfo, id, path, len) || stat(path, &st))
			return -ENOENT;
		m->has_mnt_id = true;
		m->mnt_id = id;
	} else if (sscanf(line, "fanotify sdev:%x", &sdev) == 1) {
		m->kind = FANOTIFY_MARK_FS;
		if (fs_mount(mountinfo, sdev, path, len, &st))
			return -ENOENT;
	} else {
		return -EINVAL;
	}
	m->dev = st.st_dev;
	m->path = strdup(path);
	return m->path ? 0 : -ENOMEM;
}

const char *fanotify_marks__on(uint32_t kind)
{
	return kind == FANOTIFY_MARK_INODE ? "inode" : kind == FANOTIFY_MARK_MOUNT ? "mount" :
										   "file system";
}

int fanotify_marks__dump(pid_t pid, int fd, const char *info, FdEntry *e, bool drop_events)
{
	char **lines = NULL, *mountinfo = NULL, path[4096];
	unsigned int flags, eflags;
	FanotifyEntry *fe;
	size_t n = 0, i;
	int err, q;

	err = fanotify_marks__lines(info, &lines, &n);
	if (err)
		return err;
	if (!n || sscanf(lines[0], "fanotify flags:%x event-flags:%x", &flags, &eflags) != 2) {
		/* Sorted: "flags:" comes before "ino:", "mnt_id:", "sdev:". */
		err = -EINVAL;
		goto out;
	}
	err = -EOPNOTSUPP;
	if (flags & FAN_CLASS_BITS) {
		pr_err("pid %d fd %d: fanotify group of class %s is not supported: the permission events it read and has not answered cannot be seen",
		       pid, fd, flags & FAN_CLASS_PRE_CONTENT ? "pre-content" : "content");
		goto out;
	}
	if (n - 1 > MAX_MARKS) {
		pr_err("pid %d fd %d: fanotify group with %zu marks is not supported", pid, fd, n - 1);
		goto out;
	}
	q = kinds__queued(pid, fd);
	if (q > 0 && drop_events) {
		pr_warn("pid %d fd %d: fanotify group: %d bytes of unread events not kept (--drop-unread-events)",
			pid, fd, q);
		e->has_dropped_events = true;
		e->dropped_events = q;
		q = 0;
	}
	if (q) {
		if (q > 0)
			pr_err("pid %d fd %d: fanotify group with %d bytes of unread events is not supported",
			       pid, fd, q);
		err = q > 0 ? -EOPNOTSUPP : q;
		goto out;
	}
	fe = e->fanotify = PB_NEW(FanotifyEntry, fanotify_entry);
	err = fe ? procfs__read(pid, "mountinfo", &mountinfo, NULL) : -ENOMEM;
	if (err)
		goto out;
	fe->flags = flags;
	fe->event_flags = eflags;
	fe->marks = calloc(n, sizeof(*fe->marks));
	fe->fdinfo = lines;
	fe->n_fdinfo = n;
	lines = NULL;
	if (!fe->marks) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 1; i < n; i++) {
		FanotifyMarkEntry *m = PB_NEW(FanotifyMarkEntry, fanotify_mark_entry);

		if (!m) {
			err = -ENOMEM;
			goto out;
		}
		fe->marks[fe->n_marks++] = m;
		err = dump_mark(pid, mountinfo, fe->fdinfo[i], m, path, sizeof(path));
		if (err == -ENOENT) {
			pr_err("pid %d fd %d: fanotify mark on %s, deleted or reached by no path, is not supported",
			       pid, fd, escape__str(fe->fdinfo[i] + 9));
			err = -EOPNOTSUPP;
		}
		if (err)
			goto out;
	}
out:
	if (lines)
		fanotify_marks__free_lines(lines, n);
	free(mountinfo);
	return err;
}

/* The mount id fdinfo gives an fd of ours. */
static unsigned int mnt_id_of(int fd)
{
	char name[64], *info = NULL;
	uint64_t id = 0;

	snprintf(name, sizeof(name), "fdinfo/%d", fd);
	if (!procfs__read(getpid(), name, &info, NULL))
		procfs__field_u64(info, "mnt_id:", 10, &id);
	free(info);
	return (unsigned int)id;
}

/* @m's object, opened O_PATH, checked to be the one marked. Return: fd or -errno. */
static int open_object(const FanotifyMarkEntry *m)
{
	struct stat st;
	int fd = open(m->path, O_PATH | O_NOFOLLOW | O_CLOEXEC), err = 0;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st))
		err = -errno;
	else if (st.st_dev != m->dev || (m->kind == FANOTIFY_MARK_INODE && st.st_ino != m->ino))
		err = -ESTALE;
	else if (m->kind == FANOTIFY_MARK_MOUNT && mnt_id_of(fd) != m->mnt_id)
		err = -ESTALE;
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

/*
 * @obj: the object as "/proc/self/fd/N" of an O_PATH fd on it (checked to be
 * the one), since fanotify_mark() takes no O_PATH fd as its object.
 */
static int add_mark(int fan, const FanotifyMarkEntry *m, const char *obj)
{
	unsigned int type = m->kind == FANOTIFY_MARK_MOUNT ? FAN_MARK_MOUNT :
			    m->kind == FANOTIFY_MARK_FS	   ? FAN_MARK_FILESYSTEM : 0;
	unsigned int evict = m->mflags & FAN_MARK_EVICTABLE, ign;

	if (m->mask) {
		if (fanotify_mark(fan, FAN_MARK_ADD | type | evict, m->mask, AT_FDCWD, obj))
			return -errno;
		evict = 0;
	}
	/* restore-skip-fanotify-ignored: a test fault leaves the ignored masks out (verify tells). */
	if (!m->ignored_mask || testfault__point("restore-skip-fanotify-ignored"))
		return 0;
	/* FAN_MARK_IGNORE (6.0) or the older ignored mask, as the mark was made. */
	ign = m->mflags & FAN_MARK_IGNORE ? FAN_MARK_IGNORE : FAN_MARK_IGNORED_MASK;
	if (fanotify_mark(fan, FAN_MARK_ADD | type | evict | ign |
				       (m->mflags & FAN_MARK_IGNORED_SURV_MODIFY),
			  m->ignored_mask, AT_FDCWD, obj))
		return -errno;
	return 0;
}

int fanotify_marks__open(struct restore_ctx *ctx, pid_t pid, const FdEntry *e)
{
	const FanotifyEntry *fe = e->fanotify;
	char proc[64];
	int fan, obj, err = 0;
	size_t i;

	fan = fanotify_init(fe->flags, fe->event_flags);
	if (fan < 0)
		return restore_ctx__fail(ctx, pid, -errno, "pid %d fd %u: fanotify_init(%#x, %#x): %s",
					 pid, e->fd, fe->flags, fe->event_flags, strerror(errno));
	/* The group keeps FAN_CLOEXEC as it was; pidtrace's own fd is not inherited. */
	if (fcntl(fan, F_SETFD, FD_CLOEXEC))
		err = -errno;
	for (i = 0; !err && i < fe->n_marks; i++) {
		const FanotifyMarkEntry *m = fe->marks[i];

		obj = open_object(m);
		if (obj < 0) {
			err = restore_ctx__fail(ctx, pid, obj, "pid %d fd %u: fanotify mark on %s %s: %s",
						pid, e->fd, fanotify_marks__on(m->kind), escape__str(m->path),
						obj == -ESTALE ? "not the one it marked" :
								 strerror(-obj));
			break;
		}
		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", obj);
		err = add_mark(fan, m, proc);
		close(obj);
		if (err)
			err = restore_ctx__fail(ctx, pid, err, "pid %d fd %u: fanotify mark on %s %s: %s",
						pid, e->fd, fanotify_marks__on(m->kind), escape__str(m->path),
						strerror(-err));
	}
	if (err) {
		close(fan);
		return err;
	}
	return fan;
}
