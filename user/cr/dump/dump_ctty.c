// SPDX-License-Identifier: GPL-2.0
/*
 * dump_ctty.c - a session led in the tree whose controlling terminal is a
 * terminal device other than a pseudo-terminal: a virtual console
 * (/dev/ttyN, 4:N), a serial line, a USB modem.
 *
 * Such a device outlives the tree: restore does not make it, it takes it
 * again. The session leader opens it by the path of an fd of the tree on
 * it (the tree must hold one: a terminal no fd holds is released with its
 * last close, and the session loses it) and takes it with TIOCSCTTY
 * without force, so a session outside the tree that holds it since is
 * never robbed of it; the foreground group is given back (restore_ctty.c).
 *
 * Its termios and window size are recorded here. The termios are the
 * modes of the session that owns the terminal (a virtual console resets
 * them when its last open file closes, which the dump's kill may be):
 * restore sets them back. The window size of a console is its screen's
 * geometry, shared with whoever looks at it: restore compares it and fails
 * in one line rather than resize the screen.
 *
 * What the kill would lose is refused here, before it (lost()): a line
 * discipline other than N_TTY; a line that is not a virtual console and
 * hangs up on its close (HUPCL: a modem drops the call; its modem lines
 * are not saved); a console whose switching the program handles
 * (VT_PROCESS) or that it draws in graphics mode (KD_GRAPHICS).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <linux/kd.h>
#include <linux/major.h>
#include <linux/vt.h>
#include <unistd.h>
#include <asm/termbits.h>

#include "dump_ctty.h"
#include "kind_pty.h"
#include "procfs.h"

#define DELETED " (deleted)"

/* The path of an fd of @pid on character device @rdev that opens it still, into @buf. */
static bool path_in(pid_t pid, dev_t rdev, char *buf, size_t len)
{
	char dir[64], fd[340];
	struct stat st;
	struct dirent *d;
	bool found = false;
	ssize_t n;
	DIR *dp;

	snprintf(dir, sizeof(dir), "/proc/%d/fd", pid);
	dp = opendir(dir);
	if (!dp)
		return false;
	while (!found && (d = readdir(dp))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(fd, sizeof(fd), "%s/%s", dir, d->d_name);
		if (stat(fd, &st) || !S_ISCHR(st.st_mode) || st.st_rdev != rdev)
			continue;
		n = readlink(fd, buf, len - 1);
		if (n <= 0 || buf[0] != '/')
			continue;
		buf[n] = 0;
		if ((size_t)n > strlen(DELETED) && !strcmp(buf + n - strlen(DELETED), DELETED))
			continue;
		found = !stat(buf, &st) && S_ISCHR(st.st_mode) && st.st_rdev == rdev;
	}
	closedir(dp);
	return found;
}

static bool pgrp_in_tree(struct dump_ctx *ctx, pid_t pgrp)
{
	size_t i;

	for (i = 0; i < ctx->ntasks; i++)
		if (!ctx->tasks[i].zombie && ctx->tasks[i].stat.pgrp == pgrp)
			return true;
	return false;
}

static int set_bytes(ProtobufCBinaryData *b, const void *p, size_t len)
{
	b->data = malloc(len);
	if (!b->data)
		return -ENOMEM;
	memcpy(b->data, p, len);
	b->len = len;
	return 0;
}

/* A virtual console, 4:1..63 (4:0 is "the current one", 4:64 up serial lines). */
static bool is_vt(dev_t rdev)
{
	return major(rdev) == TTY_MAJOR && minor(rdev) >= MIN_NR_CONSOLES &&
	       minor(rdev) <= MAX_NR_CONSOLES;
}

/*
 * What of the terminal open as @fd (termios @tio) the dump's kill would
 * lose or restore could not set back, into @why: 1, or 0.
 */
static int lost(int fd, dev_t rdev, const struct termios2 *tio, char *why, size_t len)
{
	struct vt_mode vm;
	int kd;

	/* Restore sets termios only: another discipline would be N_TTY's again. */
	if (tio->c_line != N_TTY)
		return snprintf(why, len, "its line discipline is %u, not N_TTY (restore sets termios only)",
				tio->c_line), 1;
	/*
	 * A serial line or modem: the kill closes it, and with HUPCL its
	 * close drops DTR (a modem hangs up); its modem lines are not saved.
	 */
	if (!is_vt(rdev)) {
		if (tio->c_cflag & HUPCL)
			return snprintf(why, len, "a line that is not a virtual console hangs up (HUPCL) when the dump's kill closes it"), 1;
		return 0;
	}
	/*
	 * VT_PROCESS names the process asked before a switch: the dumped one,
	 * gone with the kill (the console turns VT_AUTO again at the next
	 * switch). KD_GRAPHICS: the program's own drawing, not saved. The
	 * keyboard mode is the console's, kept across the kill's close.
	 */
	if (ioctl(fd, VT_GETMODE, &vm) || ioctl(fd, KDGETMODE, &kd))
		return snprintf(why, len, "its console modes cannot be read: %s", strerror(errno)), 1;
	if (vm.mode != VT_AUTO)
		return snprintf(why, len, "its console switching is the program's (VT_PROCESS), lost with it"), 1;
	if (kd != KD_TEXT)
		return snprintf(why, len, "the console is in graphics mode (KD_GRAPHICS): the program's screen is not saved"), 1;
	return 0;
}

/*
 * Its settings, read through pidtrace's own open of @path (no terminal
 * taken): 0, 1 with @why said when it cannot be restored, or -errno.
 */
static int record(CttyDevEntry *c, const char *path, char *why, size_t len)
{
	struct termios2 tio;
	struct winsize ws;
	int fd, err = 0;

	fd = open(path, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (ioctl(fd, TCGETS2, &tio) || ioctl(fd, TIOCGWINSZ, &ws))
		err = -errno;
	if (!err)
		err = lost(fd, c->rdev, &tio, why, len);
	close(fd);
	if (!err)
		err = set_bytes(&c->termios, &tio, sizeof(tio));
	if (!err)
		err = set_bytes(&c->winsize, &ws, sizeof(ws));
	return err;
}

int dump_ctty__core(struct dump_ctx *ctx, struct dump_task *t, TaskCore *core)
{
	char path[4096];
	CttyDevEntry *c;
	int tty_nr, err;
	pid_t sid, tpgid;
	size_t i;
	bool found = false;

	if (t->zombie || t->stat.session != t->pid)
		return 0;
	err = kind_pty__stat_tty(t->pid, &sid, &tty_nr, &tpgid);
	if (err)
		return procfs__exists(t->pid) ? 0 : -ESRCH; /* check_ctty says it */
	/* None, or a pseudo-terminal (kind_pty.c). */
	if (!tty_nr || kind_pty__index(tty_nr) >= 0 || major(tty_nr) == KIND_PTY_PTMX_MAJOR)
		return 0;
	for (i = 0; !found && i < ctx->ntasks; i++)
		found = !ctx->tasks[i].zombie && path_in(ctx->tasks[i].pid, tty_nr, path, sizeof(path));
	if (!found) {
		snprintf(t->ctty_why, sizeof(t->ctty_why),
			 "no fd of the tree holds it by a path restore could open it by");
		return 0;
	}
	if (!pgrp_in_tree(ctx, tpgid)) {
		snprintf(t->ctty_why, sizeof(t->ctty_why),
			 "its foreground process group %d is not one of the tree's", tpgid);
		return 0;
	}
	c = core->ctty_dev = PB_NEW(CttyDevEntry, ctty_dev_entry);
	if (!c)
		return -ENOMEM;
	c->path = dump_ctx__strdup(path);
	if (!c->path)
		return -ENOMEM;
	c->rdev = tty_nr;
	c->fg_pgrp = tpgid;
	err = record(c, path, t->ctty_why, sizeof(t->ctty_why));
	if (err == -ENOMEM)
		return err;
	if (err > 0)
		return 0;
	if (err) {
		snprintf(t->ctty_why, sizeof(t->ctty_why), "its settings cannot be read: %s",
			 strerror(-err));
		return 0;
	}
	t->ctty_dev = true;
	return 0;
}
