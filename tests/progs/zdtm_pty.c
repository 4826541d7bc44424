// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_pty: a pseudo-terminal pair and the session it is the controlling
 * terminal of.
 *
 * The root holds the master (packet mode on), with the slave's termios
 * changed (no echo, VINTR ^G, VMIN 3, no ONLCR), its window size set and
 * its node given to 1:2, mode 0604; and the slave of a second pair whose
 * master it closed (hung up). Its child C
 * calls setsid() and opens the slave, which becomes its controlling
 * terminal; C's child G moves to a process group of its own and C gives
 * it the foreground (tcsetpgrp), and keeps an fd on /dev/tty. "noleaderfd": C closes its fd on the
 * slave once G holds one (restore must open it in C to give the terminal
 * back). "pending": the root writes a line to the master nobody reads
 * (put back at restore: G reads it first afterwards). "notty": G gives the
 * terminal up (TIOCNOTTY; dump refuses it, restore would give it back).
 *
 * After SIGTERM the root checks the index (ptsname), termios, window size,
 * packet mode and the slave's owner and mode, that the orphan slave is
 * still hung up (read 0, write EIO) and removed from devpts, then writes "ping\n" to the
 * master; G reads it from the slave and answers "pong\n"; C checks that
 * /dev/tty opens and is the slave (TIOCGDEV), and so is the one it kept,
 * that it is the session's terminal (tcgetsid) and that G's group is in
 * the foreground (tcgetpgrp); G that its group is.
 */
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>

#include "zdtm.h"

static char pts[64];
static int master = -1;
static bool noleaderfd, pending, notty;

/* @fd: an fd on /dev/tty (-1: open one). */
static void check_ctty(const char *who, pid_t fg, int fd)
{
	bool mine = fd < 0;
	unsigned int dev;
	struct stat b;

	if (mine)
		fd = open("/dev/tty", O_RDWR);
	if (fd < 0)
		zdtm_fail("%s: open /dev/tty", who);
	/* TIOCGDEV: the terminal /dev/tty stands for. */
	if (ioctl(fd, TIOCGDEV, &dev) || stat(pts, &b) || dev != b.st_rdev)
		zdtm_fail("%s: /dev/tty is not %s", who, pts);
	if (tcgetpgrp(fd) != fg)
		zdtm_fail("%s: foreground group %d, expected %d", who, (int)tcgetpgrp(fd), (int)fg);
	if (mine)
		close(fd);
}

/* G: in the foreground of C's session; answers the master's ping. */
static int grandchild(int slave)
{
	char buf[64];
	ssize_t n;

	zdtm_wait_term();
	if (!notty)
		check_ctty("G", getpgrp(), -1);
	else if (open("/dev/tty", O_RDWR) >= 0)
		zdtm_fail("G: /dev/tty opens after TIOCNOTTY");
	/* The pending line, put back where it was. */
	if (pending && (read(slave, buf, sizeof(buf)) != 4 || memcmp(buf, "abc\n", 4)))
		zdtm_fail("G: the pending line was lost");
	n = read(slave, buf, sizeof(buf) - 1);
	if (n != 5 || memcmp(buf, "ping\n", 5))
		zdtm_fail("G: read %zd bytes from the slave, expected ping", n);
	if (write(slave, "pong\n", 5) != 5)
		zdtm_fail("G: write to the slave");
	return 0;
}

/* C: session leader whose controlling terminal is the slave. */
static int child(int ready)
{
	int slave, st, tty, gp[2];
	char c = 'r';
	pid_t g;

	signal(SIGTERM, SIG_DFL);
	zdtm_init();
	if (setsid() < 0)
		zdtm_fail("setsid");
	slave = open(pts, O_RDWR);
	if (slave < 0)
		zdtm_fail("open %s", pts);
	if (pipe(gp))
		zdtm_fail("pipe");
	g = fork();
	if (g < 0)
		zdtm_fail("fork");
	if (!g) {
		zdtm_init();
		if (setpgid(0, 0))
			zdtm_fail("setpgid");
		if (notty && ioctl(slave, TIOCNOTTY))
			zdtm_fail("G: TIOCNOTTY");
		if (write(gp[1], &c, 1) != 1)
			zdtm_fail("G: write ready");
		exit(grandchild(slave));
	}
	if (read(gp[0], &c, 1) != 1)
		zdtm_fail("C: G did not get ready");
	setpgid(g, g);
	if (tcsetpgrp(slave, g))
		zdtm_fail("tcsetpgrp");
	if (noleaderfd)
		close(slave);
	/* Kept across the dump: the restored one must be the terminal too. */
	tty = open("/dev/tty", O_RDWR);
	if (tty < 0)
		zdtm_fail("C: open /dev/tty");
	if (write(ready, &c, 1) != 1)
		zdtm_fail("write ready");
	close(ready);
	zdtm_wait_term();
	if (tcgetsid(noleaderfd ? open("/dev/tty", O_RDWR) : slave) != getpid())
		zdtm_fail("C: the terminal is not its session's");
	check_ctty("C", g, -1);
	check_ctty("C's /dev/tty fd", g, tty);
	kill(g, SIGTERM);
	if (waitpid(g, &st, 0) != g || !WIFEXITED(st) || WEXITSTATUS(st))
		zdtm_fail("C: G failed (status 0x%x)", st);
	return 0;
}

int main(int argc, char **argv)
{
	struct winsize ws = { .ws_row = 41, .ws_col = 133, .ws_xpixel = 7, .ws_ypixel = 9 }, ws2;
	struct termios tio, tio2;
	char link[64], path[64];
	int om, orphan;
	struct stat sb;
	int on = 1, p[2], st, x;
	char buf[64], *name;
	size_t got = 0;
	ssize_t n;
	pid_t c;

	noleaderfd = argc > 1 && !strcmp(argv[1], "noleaderfd");
	pending = argc > 1 && !strcmp(argv[1], "pending");
	notty = argc > 1 && !strcmp(argv[1], "notty");
	zdtm_init();
	master = posix_openpt(O_RDWR | O_NOCTTY);
	if (master < 0 || grantpt(master) || unlockpt(master) || !(name = ptsname(master)))
		zdtm_fail("posix_openpt");
	snprintf(pts, sizeof(pts), "%s", name);
	if (chown(pts, 1, 2) || chmod(pts, 0604))
		zdtm_fail("chown the slave");
	if (tcgetattr(master, &tio))
		zdtm_fail("tcgetattr");
	tio.c_lflag &= ~(ECHO | ECHOE | ECHOK);
	tio.c_oflag &= ~ONLCR;
	tio.c_cc[VINTR] = 0x07;
	tio.c_cc[VMIN] = 3;
	if (tcsetattr(master, TCSANOW, &tio) || ioctl(master, TIOCSWINSZ, &ws) ||
	    ioctl(master, TIOCPKT, &on))
		zdtm_fail("set the pair's state");
	/* A second pair whose master is closed: its slave hangs up. */
	om = posix_openpt(O_RDWR | O_NOCTTY);
	if (om < 0 || grantpt(om) || unlockpt(om) || !(name = ptsname(om)))
		zdtm_fail("posix_openpt (orphan)");
	orphan = open(name, O_RDWR | O_NOCTTY);
	if (orphan < 0)
		zdtm_fail("open %s", name);
	close(om);
	if (pipe(p))
		zdtm_fail("pipe");
	c = fork();
	if (c < 0)
		zdtm_fail("fork");
	if (!c) {
		close(p[0]);
		close(master);
		close(orphan);
		exit(child(p[1]));
	}
	close(p[1]);
	if (read(p[0], buf, 1) != 1)
		zdtm_fail("the child did not get ready");
	close(p[0]);
	if (pending && write(master, "abc\n", 4) != 4)
		zdtm_fail("write the pending line");
	zdtm_ready();
	zdtm_wait_term();

	name = ptsname(master);
	if (!name || strcmp(name, pts))
		zdtm_fail("ptsname %s, expected %s", name ? name : "none", pts);
	if (tcgetattr(master, &tio2) || tio2.c_lflag != tio.c_lflag ||
	    tio2.c_oflag != tio.c_oflag || tio2.c_iflag != tio.c_iflag ||
	    tio2.c_cflag != tio.c_cflag || memcmp(tio2.c_cc, tio.c_cc, sizeof(tio.c_cc)))
		zdtm_fail("termios changed");
	if (ioctl(master, TIOCGWINSZ, &ws2) || memcmp(&ws, &ws2, sizeof(ws)))
		zdtm_fail("window size %ux%u, expected %ux%u", ws2.ws_col, ws2.ws_row, ws.ws_col,
			  ws.ws_row);
	if (ioctl(master, TIOCGPKT, &x) || !x)
		zdtm_fail("packet mode off");
	if (stat(pts, &sb) || sb.st_uid != 1 || sb.st_gid != 2 || (sb.st_mode & 07777) != 0604)
		zdtm_fail("%s owner %u:%u mode %o, expected 1:2 0604", pts, sb.st_uid, sb.st_gid,
			  sb.st_mode & 07777);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", orphan);
	n = readlink(path, link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = '\0';
	if (n <= 0 || !strstr(link, " (deleted)"))
		zdtm_fail("the orphan slave is %s, not a removed node", link);
	if (read(orphan, buf, 1) != 0 || write(orphan, "x", 1) != -1 || errno != EIO)
		zdtm_fail("the orphan slave is not hung up");
	if (write(master, "ping\n", 5) != 5)
		zdtm_fail("write ping");
	kill(c, SIGTERM);
	/* Packet mode: each read starts with a status byte (0: data). */
	while (got < 5) {
		struct pollfd pf = { .fd = master, .events = POLLIN };

		if (poll(&pf, 1, 10000) != 1)
			zdtm_fail("no pong from the slave");
		n = read(master, buf + got, sizeof(buf) - got);
		if (n <= 1 || buf[got] != 0)
			zdtm_fail("read the master: %zd", n);
		memmove(buf + got, buf + got + 1, n - 1);
		got += n - 1;
	}
	if (memcmp(buf, "pong\n", 5))
		zdtm_fail("read %.*s from the master, expected pong", (int)got, buf);
	if (waitpid(c, &st, 0) != c)
		zdtm_fail("waitpid");
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		zdtm_fail("C failed (status 0x%x)", st);
	return zdtm_pass();
}
