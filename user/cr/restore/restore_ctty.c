// SPDX-License-Identifier: GPL-2.0
/*
 * restore_ctty.c - controlling terminals taken again by the sessions led
 * in the tree.
 *
 * A session leader's stub takes its terminal right after setsid(), before
 * it forks the rest of its session, which inherits it. A pseudo-terminal
 * is made again first (pty_restore.c) and the stub opens its slave. A
 * terminal device (a virtual console, a serial line: dump_ctty.c) is not
 * made: pidtrace opens it at the recorded path, checks it is the same
 * device (number) and that its window size is the dump's (a console's is
 * its screen's geometry: never changed). Then the stub opens it O_NOCTTY
 * and asks for it with TIOCSCTTY without force: a session that took it
 * meanwhile keeps it, its modes untouched, and the restore fails, naming
 * that session (TIOCGSID answers only the terminal's own session: /proc
 * is scanned for it). Only once taken are its termios set back when they
 * differ (they are the modes of the session that owns the terminal, and a
 * console resets them when its last open file closes, as at the dump's
 * kill); a failure there, or a restore that fails later, puts back the
 * ones it had. pidtrace holds its own
 * open of the device until the end of the restore: the stub's open is
 * closed at once, and a terminal whose last open file closes is taken from
 * its session.
 */
#include <dirent.h>
#include <stdbool.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <asm/termbits.h>

#include "escape.h"
#include "procfs.h"
#include "restore_ctty.h"
#include "restore_pgrp.h"
#include "restore_stub.h"
#include "restore_tree.h"

/*
 * pidtrace's own opens of the devices taken, until the restore ends, and
 * the termios each had before restore set the dump's (@set): a failed
 * restore puts them back (another process may hold the device open).
 */
static struct held {
	int fd;
	bool set;
	struct termios2 was;
} held[16];
static size_t nheld;

long restore_ctty__stub_pts(int n)
{
	char path[32] = "/dev/pts/", digits[12];
	size_t len = strlen(path), k = 0;
	long fd;

	do
		digits[k++] = '0' + n % 10;
	while ((n /= 10) > 0 && k < sizeof(digits));
	while (k)
		path[len++] = digits[--k];
	path[len] = '\0';
	fd = syscall(SYS_openat, AT_FDCWD, path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	syscall(SYS_close, fd);
	return 0;
}

long restore_ctty__stub_dev(struct restore_ctx *ctx, int idx)
{
	const CttyDevEntry *c = ctx->tasks[idx].core->ctty_dev;
	long fd, r;

	fd = syscall(SYS_openat, AT_FDCWD, c->path,
		     O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* 0: never steal it from a session that has it. */
	r = syscall(SYS_ioctl, fd, TIOCSCTTY, 0);
	r = r < 0 ? -errno : 0;
	syscall(SYS_close, fd);
	return r;
}

static const char *devname(uint64_t rdev, char *buf, size_t len)
{
	snprintf(buf, len, "%u:%u", major(rdev), minor(rdev));
	return buf;
}

/* The device at @c's path is @c's, with the dump's window size; @fd: an open of it. */
static int check_dev(struct restore_ctx *ctx, pid_t pid, const CttyDevEntry *c, int fd)
{
	char a[32], b[32];
	struct winsize ws;
	struct stat st;

	if (fstat(fd, &st))
		return -errno;
	if (!S_ISCHR(st.st_mode) || st.st_rdev != c->rdev)
		return restore_ctx__fail(ctx, pid, -ENODEV,
				     "pid %d: its controlling terminal %s is device %s now, not %s",
				     pid, escape__str(c->path), devname(st.st_rdev, a, sizeof(a)),
				     devname(c->rdev, b, sizeof(b)));
	if (c->termios.len != sizeof(struct termios2) || c->winsize.len != sizeof(ws))
		return restore_ctx__fail(ctx, pid, -EINVAL, "pid %d: the settings of %s in the image are damaged",
				     pid, escape__str(c->path));
	if (ioctl(fd, TIOCGWINSZ, &ws))
		return restore_ctx__fail(ctx, pid, -errno, "pid %d: the window size of %s: %s", pid,
				     escape__str(c->path), strerror(errno));
	/* The console's geometry: resizing it would resize the screen. */
	if (memcmp(c->winsize.data, &ws, sizeof(ws)))
		return restore_ctx__fail(ctx, pid, -EBUSY,
				     "pid %d: its controlling terminal %s has another window size (%ux%u) than at dump: not resized",
				     pid, escape__str(c->path), ws.ws_col, ws.ws_row);
	return 0;
}

/*
 * The session's modes set back (a console resets them on its last close),
 * once the terminal is the session's: set before, they would change the
 * modes of a session that took it meanwhile. A failure puts back what was.
 */
static int set_termios(struct restore_ctx *ctx, pid_t pid, const CttyDevEntry *c,
		       struct held *h)
{
	struct termios2 tio, was;
	int fd = h->fd, err = 0;

	if (ioctl(fd, TCGETS2, &was))
		return restore_ctx__fail(ctx, pid, -errno, "pid %d: the termios of %s: %s", pid,
				     escape__str(c->path), strerror(errno));
	if (!memcmp(c->termios.data, &was, sizeof(was)))
		return 0;
	if (ioctl(fd, TCSETS2, c->termios.data) || ioctl(fd, TCGETS2, &tio))
		err = restore_ctx__fail(ctx, pid, -errno, "pid %d: set the termios of %s: %s", pid,
					escape__str(c->path), strerror(errno));
	else if (memcmp(c->termios.data, &tio, sizeof(tio)))
		err = restore_ctx__fail(ctx, pid, -EIO,
					"pid %d: the termios of %s are not those of the dump once set", pid,
					escape__str(c->path));
	if (err)
		ioctl(fd, TCSETS2, &was);
	h->was = was;
	h->set = !err;
	return err;
}

/* The session whose terminal is device @rdev (a scan of /proc), or 0. */
static pid_t holder(uint64_t rdev)
{
	struct procfs_stat st;
	struct dirent *d;
	DIR *dp = opendir("/proc");
	pid_t sid = 0;

	while (dp && !sid && (d = readdir(dp)))
		if (atoi(d->d_name) > 0 && !procfs__stat(atoi(d->d_name), &st) &&
		    (uint64_t)st.tty_nr == rdev)
			sid = st.session;
	if (dp)
		closedir(dp);
	return sid;
}

int restore_ctty__take(struct restore_ctx *ctx, struct rtask *t, int idx)
{
	const CttyDevEntry *c = t->core->ctty_dev;
	long r = 0;
	int fd, err;
	pid_t sid;

	if (!c->path || c->path[0] != '/' || nheld == sizeof(held) / sizeof(held[0]))
		return restore_ctx__fail(ctx, t->pid, -EINVAL,
				     "pid %d: its controlling terminal: no path, or too many", t->pid);
	fd = open(c->path, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return restore_ctx__fail(ctx, t->pid, -errno,
				     "pid %d: its controlling terminal %s: %s", t->pid,
				     escape__str(c->path), strerror(errno));
	err = check_dev(ctx, t->pid, c, fd);
	if (err) {
		close(fd);
		return err;
	}
	held[nheld] = (struct held){ .fd = fd };
	nheld++;
	err = restore_tree__call(ctx, t->ctl, STUB_CTTY_DEV, idx, &r);
	if (!err && r < 0)
		err = (int)r;
	/* TIOCGSID answers only a terminal's own session: the holder is looked up. */
	if (err == -EPERM && (sid = holder(c->rdev)) > 0)
		return restore_ctx__fail(ctx, t->pid, -EBUSY,
				     "pid %d: its controlling terminal %s is session %d's now: not taken from it",
				     t->pid, escape__str(c->path), sid);
	if (err)
		return restore_ctx__fail(ctx, t->pid, err,
				     "pid %d: take %s as its controlling terminal (TIOCSCTTY, no force): %s",
				     t->pid, escape__str(c->path), strerror(-err));
	return set_termios(ctx, t->pid, c, &held[nheld - 1]);
}

/* The leader, in the image, of @sid whose terminal is a device, or NULL. */
static const CttyDevEntry *session_dev(struct restore_ctx *ctx, pid_t sid, struct rtask **lead)
{
	size_t i;

	for (i = 0; i < ctx->ntasks; i++) {
		struct rtask *t = &ctx->tasks[i];

		if (t->pid == sid && !t->zombie && t->core && t->core->ctty_dev) {
			*lead = t;
			return t->core->ctty_dev;
		}
	}
	return NULL;
}

int restore_ctty__task(struct restore_ctx *ctx, struct rtask *t)
{
	const CttyDevEntry *c;
	struct procfs_stat st;
	struct rtask *lead;
	char a[32];
	int err;

	if (t->zombie || !t->core || !t->core->ids ||
	    !(c = session_dev(ctx, t->core->ids->sid, &lead)))
		return 0;
	err = procfs__stat(t->opid, &st);
	if (!err && (uint64_t)st.tty_nr != c->rdev)
		err = -ENOTTY;
	if (err)
		return restore_ctx__fail(ctx, t->pid, err,
				     "pid %d: its controlling terminal is not %s (%s): %s", t->pid,
				     escape__str(c->path), devname(c->rdev, a, sizeof(a)), strerror(-err));
	/* With --pidns, /proc shows pidtrace's numbers: set it, compare none. */
	if (t != lead || (!ctx->pidns && st.tpgid == c->fg_pgrp))
		return 0;
	err = restore_pgrp__set_fg(ctx, t, c->path, -1, c->fg_pgrp);
	if (!err)
		err = procfs__stat(t->opid, &st);
	if (!err && !ctx->pidns && st.tpgid != c->fg_pgrp)
		return restore_ctx__fail(ctx, t->pid, -EIO,
				     "pid %d: the foreground group of %s is %d, not %d", t->pid,
				     escape__str(c->path), st.tpgid, c->fg_pgrp);
	return err;
}

void restore_ctty__end(bool failed)
{
	while (nheld) {
		struct held *h = &held[--nheld];

		if (failed && h->set)
			ioctl(h->fd, TCSETS2, &h->was);
		close(h->fd);
	}
}
