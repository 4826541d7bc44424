// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_pty_queue: a pseudo-terminal pair holding bytes nobody has read,
 * both ways: written to the master and not read from the slave (in the
 * slave's line discipline), written by the slave and not read from the
 * master. The program holds both ends.
 *
 * "canon" (canonical, no echo, VEOL '!'): complete lines ended by a
 * newline, by an end of file (^D, which read() drops), by VEOL, a line of
 * only an end of file, a line with a ^D and a newline made literal by
 * ^V, bytes 0 and 0xff; then a partial line. "echo" (canonical with
 * echo): two lines and a partial one, their echo unread on the master
 * before what the slave wrote. "raw" (non-canonical): bytes that would be
 * special in canonical mode or with signals on. "partial": only a partial
 * line (canonical, no echo): nothing read() can return yet.
 *
 * After SIGTERM: the termios is as set; read() on the slave returns each
 * line as before, then nothing (EAGAIN); the master reads exactly what
 * the slave wrote (and the echo); the partial line, completed by the
 * master, reads as one line.
 */
#include <fcntl.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>

#include "zdtm.h"

struct want {
	const char *b;
	size_t n;
};

#define W(s) { s, sizeof(s) - 1 }

static int master = -1, slave = -1;

/* Until the master has @n bytes to read (the pty hands them on in a workqueue). */
static void wait_master(int n)
{
	const struct timespec ms = { 0, 1000 * 1000 };
	int v = -1, i;

	for (i = 0; i < 10000; i++) {
		if (ioctl(master, FIONREAD, &v))
			zdtm_fail("FIONREAD");
		if (v == n)
			return;
		nanosleep(&ms, NULL);
	}
	zdtm_fail("the master has %d bytes to read, expected %d", v, n);
}

static void writes(int fd, const void *b, size_t n)
{
	if (write(fd, b, n) != (ssize_t)n)
		zdtm_fail("write %zu bytes", n);
}

/* Each read() of the slave returns the next of @w, then none is left. */
static void read_lines(const struct want *w, size_t n)
{
	char buf[4096];
	ssize_t r;
	size_t i;

	for (i = 0; i < n; i++) {
		r = read(slave, buf, sizeof(buf));
		if (r != (ssize_t)w[i].n || memcmp(buf, w[i].b, w[i].n))
			zdtm_fail("read %zu of the slave: %zd bytes '%.*s', expected %zu '%s'", i, r,
				  (int)(r > 0 ? r : 0), buf, w[i].n, w[i].b);
	}
	r = read(slave, buf, sizeof(buf));
	if (r != -1 || errno != EAGAIN)
		zdtm_fail("read %zu of the slave: %zd bytes more", n, r);
}

/* The master reads exactly @b (@n bytes). */
static void read_master(const char *b, size_t n)
{
	char buf[4096];
	ssize_t r;
	int v = -1;

	if (ioctl(master, FIONREAD, &v) || v != (int)n)
		zdtm_fail("the master has %d bytes to read, expected %zu", v, n);
	r = read(master, buf, sizeof(buf));
	if (r != (ssize_t)n || memcmp(buf, b, n))
		zdtm_fail("the master read %zd bytes '%.*s', expected '%s'", r, (int)(r > 0 ? r : 0),
			  buf, b);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "canon";
	static const char canon_in[] = "one\ntwo\x04\x04thr\tee\x16\x04x\x16\ny\nbang!\xff\0z\nparti";
	static const struct want canon_lines[] = { W("one\n"), W("two"), W(""),
						    W("thr\tee\x04x\ny\n"), W("bang!"),
						    W("\xff\0z\n") };
	static const struct want echo_lines[] = { W("hello\n"), W("world\n") };
	static const char raw_in[] = "a\nb\x04\0\xff\x16z\x03\x7f";
	struct termios t, t2;
	char buf[64];
	ssize_t r;
	char *name;

	zdtm_init();
	master = posix_openpt(O_RDWR | O_NOCTTY);
	if (master < 0 || grantpt(master) || unlockpt(master) || !(name = ptsname(master)))
		zdtm_fail("posix_openpt");
	slave = open(name, O_RDWR | O_NOCTTY);
	if (slave < 0 || tcgetattr(slave, &t))
		zdtm_fail("open %s", name);
	if (!strcmp(mode, "canon") || !strcmp(mode, "partial")) {
		t.c_lflag &= ~(ECHO | ECHOE | ECHOK | ECHONL);
		t.c_cc[VEOL] = '!';
	} else if (!strcmp(mode, "raw")) {
		cfmakeraw(&t);
		t.c_cc[VMIN] = 1;
		t.c_cc[VTIME] = 0;
	} else if (strcmp(mode, "echo")) {
		zdtm_fail("mode %s", mode);
	}
	if (tcsetattr(slave, TCSANOW, &t))
		zdtm_fail("tcsetattr");
	if (!strcmp(mode, "canon")) {
		writes(master, canon_in, sizeof(canon_in) - 1);
		writes(slave, "out1\nout2", 9);
	} else if (!strcmp(mode, "partial")) {
		writes(master, "ab\tc", 4);
	} else if (!strcmp(mode, "echo")) {
		writes(master, "hello\nworld\npar", 15);
		wait_master(17);
		writes(slave, "out\n", 4);
		wait_master(22);
	} else {
		writes(master, raw_in, sizeof(raw_in) - 1);
		writes(slave, "raw-out\n", 8);
	}
	zdtm_ready();
	zdtm_wait_term();

	if (tcgetattr(slave, &t2) || t2.c_lflag != t.c_lflag || t2.c_iflag != t.c_iflag ||
	    t2.c_oflag != t.c_oflag || memcmp(t2.c_cc, t.c_cc, sizeof(t.c_cc)))
		zdtm_fail("termios changed");
	if (fcntl(slave, F_SETFL, O_NONBLOCK))
		zdtm_fail("O_NONBLOCK");
	if (!strcmp(mode, "canon")) {
		read_master("out1\r\nout2", 10);
		read_lines(canon_lines, sizeof(canon_lines) / sizeof(canon_lines[0]));
		writes(master, "al\n", 3);
		if (fcntl(slave, F_SETFL, 0) || (r = read(slave, buf, sizeof(buf))) != 8 ||
		    memcmp(buf, "partial\n", 8))
			zdtm_fail("the partial line did not complete as 'partial'");
	} else if (!strcmp(mode, "partial")) {
		read_lines(NULL, 0);
		writes(master, "d\n", 2);
		if (fcntl(slave, F_SETFL, 0) || (r = read(slave, buf, sizeof(buf))) != 6 ||
		    memcmp(buf, "ab\tcd\n", 6))
			zdtm_fail("the partial line did not complete as 'ab<tab>cd'");
	} else if (!strcmp(mode, "echo")) {
		read_master("hello\r\nworld\r\nparout\r\n", 22);
		read_lines(echo_lines, 2);
		writes(master, "t\n", 2);
		if (fcntl(slave, F_SETFL, 0) || (r = read(slave, buf, sizeof(buf))) != 5 ||
		    memcmp(buf, "part\n", 5))
			zdtm_fail("the partial line did not complete as 'part'");
	} else {
		read_master("raw-out\n", 8);
		r = read(slave, buf, sizeof(buf));
		if (r != (ssize_t)sizeof(raw_in) - 1 || memcmp(buf, raw_in, sizeof(raw_in) - 1))
			zdtm_fail("the slave read %zd bytes, expected %zu", r, sizeof(raw_in) - 1);
	}
	return zdtm_pass();
}
