// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_vt - a virtual console as a session's controlling terminal (zdtm
 * vt): the program starts a session, makes a node ./vt for console argv[1]
 * ("MAJ:MIN", 4:N), opens it O_RDONLY without O_NOCTTY, which makes it its
 * controlling terminal, turns its echo off, and forks a child in a
 * process group of its own that it puts in the foreground. After restore:
 * the fd is that device, it is the controlling terminal of the session
 * (the leader's and the child's), the child's group is in the foreground,
 * echo is still off. With argv[2] "unlink", the node is removed once
 * open: no path reaches the console any more; with "devtty", /dev/tty is
 * open too and stands for the console after restore; with "process" or
 * "graphics", the program handles the console's switching (VT_PROCESS) or
 * puts it in graphics mode (KD_GRAPHICS), which dump refuses; the console
 * is put back as found (VT_AUTO, KD_TEXT) at SIGTERM.
 */
#include <fcntl.h>
#include <linux/kd.h>
#include <linux/vt.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <termios.h>

#include "zdtm.h"

/* tty_nr of /proc/@pid/stat. */
static int tty_nr(pid_t pid)
{
	char path[64], buf[1024], *p;
	int nr = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f || !fgets(buf, sizeof(buf), f))
		zdtm_fail("read %s", path);
	fclose(f);
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %d", &nr) != 1)
		zdtm_fail("parse %s", path);
	return nr;
}

int main(int argc, char **argv)
{
	unsigned int maj, min;
	struct termios tio;
	struct stat st1, st2;
	pid_t child;
	int fd, status, tty = -1;
	unsigned int dev;
	struct vt_mode auto_mode;
	bool process = false, graphics = false;
	int kd;

	zdtm_init();
	if (argc < 2 || sscanf(argv[1], "%u:%u", &maj, &min) != 2)
		zdtm_fail("usage: zdtm_vt MAJ:MIN");
	if (setsid() < 0)
		zdtm_fail("setsid");
	if (mknod("vt", S_IFCHR | 0600, makedev(maj, min)))
		zdtm_fail("mknod");
	fd = open("vt", O_RDONLY);
	if (fd < 0 || fstat(fd, &st1))
		zdtm_fail("open vt");
	/* argv[2] "unlink": no path opens it any more (dump refuses it). */
	if (argc > 2 && !strcmp(argv[2], "unlink") && unlink("vt"))
		zdtm_fail("unlink vt");
	/* argv[2] "devtty": /dev/tty open too, standing for the console. */
	if (argc > 2 && !strcmp(argv[2], "devtty")) {
		tty = open("/dev/tty", O_RDONLY);
		if (tty < 0)
			zdtm_fail("open /dev/tty");
	}
	if (tcgetsid(fd) != getpid())
		zdtm_fail("vt is not the session's terminal");
	/* Only on a console as found: never leave one in another's modes. */
	if (argc > 2 && !strcmp(argv[2], "process")) {
		struct vt_mode vm = { .mode = VT_PROCESS, .relsig = SIGUSR1, .acqsig = SIGUSR2 };

		if (ioctl(fd, VT_GETMODE, &auto_mode) || auto_mode.mode != VT_AUTO)
			zdtm_fail("the console is not VT_AUTO");
		signal(SIGUSR1, SIG_IGN);
		signal(SIGUSR2, SIG_IGN);
		if (ioctl(fd, VT_SETMODE, &vm))
			zdtm_fail("VT_SETMODE");
		process = true;
	}
	if (argc > 2 && !strcmp(argv[2], "graphics")) {
		if (ioctl(fd, KDGETMODE, &kd) || kd != KD_TEXT)
			zdtm_fail("the console is not KD_TEXT");
		if (ioctl(fd, KDSETMODE, KD_GRAPHICS))
			zdtm_fail("KDSETMODE");
		graphics = true;
	}
	if (tcgetattr(fd, &tio))
		zdtm_fail("tcgetattr");
	tio.c_lflag &= ~ECHO;
	if (tcsetattr(fd, TCSANOW, &tio))
		zdtm_fail("tcsetattr");
	child = fork();
	if (child < 0)
		zdtm_fail("fork");
	if (!child) {
		setpgid(0, 0);
		while (!zdtm_stop)
			pause();
		_exit(0);
	}
	setpgid(child, child);
	if (tcsetpgrp(fd, child))
		zdtm_fail("tcsetpgrp");
	zdtm_ready();
	zdtm_wait_term();
	if (process && ioctl(fd, VT_SETMODE, &auto_mode))
		zdtm_fail("VT_SETMODE back to VT_AUTO");
	if (graphics && ioctl(fd, KDSETMODE, KD_TEXT))
		zdtm_fail("KDSETMODE back to KD_TEXT");

	if (fstat(fd, &st2))
		zdtm_fail("fstat");
	if (st1.st_rdev != st2.st_rdev)
		zdtm_fail("rdev %lx, was %lx", (long)st2.st_rdev, (long)st1.st_rdev);
	if (tcgetsid(fd) != getpid())
		zdtm_fail("vt is not the session's terminal (tcgetsid %d)", tcgetsid(fd));
	if (tty_nr(getpid()) != (int)st1.st_rdev || tty_nr(child) != (int)st1.st_rdev)
		zdtm_fail("tty_nr %x, child's %x, not %x", tty_nr(getpid()), tty_nr(child),
			  (int)st1.st_rdev);
	if (tcgetpgrp(fd) != child)
		zdtm_fail("foreground group %d, not %d", tcgetpgrp(fd), child);
	if (tcgetattr(fd, &tio) || (tio.c_lflag & ECHO))
		zdtm_fail("echo is on again");
	if (tty >= 0 && (ioctl(tty, TIOCGDEV, &dev) || dev != st1.st_rdev))
		zdtm_fail("/dev/tty stands for %x, not %x", dev, (int)st1.st_rdev);
	/* Leave the console as it was found. */
	tio.c_lflag |= ECHO;
	tcsetattr(fd, TCSANOW, &tio);
	kill(child, SIGTERM);
	if (waitpid(child, &status, 0) != child)
		zdtm_fail("waitpid");
	printf("PASS\n");
	return 0;
}
