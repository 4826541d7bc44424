// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_fifo - named FIFOs in their open modes, with unread bytes, shared
 * between a parent and its child:
 *   a: the parent holds it O_RDWR with 3000 unread bytes;
 *   b: the parent holds the read end (O_RDONLY|O_NONBLOCK), the child the
 *      write end (O_WRONLY), 7 unread bytes (the child inherits a and c too); after restore the child writes
 *      7 more and exits, the parent must read all 14 then EOF;
 *   c: unlinked while open (O_RDWR, and a second O_RDONLY fd), 100 unread
 *      bytes: its fd must still name "PATH (deleted)", mode 0640, and no
 *      file may be left at or beside its old name.
 * Takes its directory as argv[1] (default: the cwd).
 */
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "zdtm.h"

static char pa[256], pb[256], pc[256];

static void fill(char *b, int n, int seed)
{
	int i;

	for (i = 0; i < n; i++)
		b[i] = (char)(seed + i * 7);
}

static void expect(int fd, int n, int seed, const char *what)
{
	char got[4096], want[4096];

	if (read(fd, got, n) != n)
		zdtm_fail("%s: read %d bytes", what, n);
	fill(want, n, seed);
	if (memcmp(got, want, n))
		zdtm_fail("%s: wrong bytes", what);
}

static void mode_is(int fd, int acc, const char *what)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || (fl & O_ACCMODE) != acc)
		zdtm_fail("%s: open mode 0x%x, expected 0x%x", what, fl, acc);
}

static void child(int wb)
{
	char buf[16];

	zdtm_wait_term();
	mode_is(wb, O_WRONLY, "b (child)");
	fill(buf, 7, 50);
	if (write(wb, buf, 7) != 7)
		zdtm_fail("b: child write after restore");
	exit(0);
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : ".";
	int fa, rb, fc, rc, wb, st, n;
	char buf[4096], link[512], path[64], want[512];
	struct pollfd pfd;
	struct stat s;
	DIR *d;
	struct dirent *de;
	pid_t pid;

	zdtm_init();
	snprintf(pa, sizeof(pa), "%s/fifo_a", dir);
	snprintf(pb, sizeof(pb), "%s/fifo_b", dir);
	snprintf(pc, sizeof(pc), "%s/fifo_c", dir);
	unlink(pa);
	unlink(pb);
	unlink(pc);
	if (mkfifo(pa, 0600) || mkfifo(pb, 0600) || mkfifo(pc, 0640))
		zdtm_fail("mkfifo");
	fa = open(pa, O_RDWR);
	rb = open(pb, O_RDONLY | O_NONBLOCK);
	fc = open(pc, O_RDWR);
	rc = open(pc, O_RDONLY);
	if (fa < 0 || rb < 0 || fc < 0 || rc < 0)
		zdtm_fail("open");
	fill(buf, 3000, 1);
	if (write(fa, buf, 3000) != 3000)
		zdtm_fail("write a");
	fill(buf, 100, 9);
	if (write(fc, buf, 100) != 100)
		zdtm_fail("write c");
	if (unlink(pc))
		zdtm_fail("unlink c");
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		zdtm_fail("fork");
	if (pid == 0) {
		wb = open(pb, O_WRONLY);
		if (wb < 0)
			zdtm_fail("open b for writing");
		fill(buf, 7, 30);
		if (write(wb, buf, 7) != 7)
			zdtm_fail("write b");
		child(wb);
	}
	/* The child's 7 bytes are in before READY. */
	pfd = (struct pollfd){ rb, POLLIN, 0 };
	if (poll(&pfd, 1, 10000) != 1)
		zdtm_fail("b: the child's bytes did not come");
	zdtm_ready();
	zdtm_wait_term();

	mode_is(fa, O_RDWR, "a");
	mode_is(rb, O_RDONLY, "b");
	mode_is(fc, O_RDWR, "c");
	mode_is(rc, O_RDONLY, "c (second fd)");
	if (!(fcntl(rb, F_GETFL) & O_NONBLOCK))
		zdtm_fail("b: O_NONBLOCK lost");
	expect(fa, 3000, 1, "a");
	if (stat(pa, &s) || !S_ISFIFO(s.st_mode))
		zdtm_fail("a is no longer a FIFO at its name");
	expect(rc, 100, 9, "c");
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fc);
	n = readlink(path, link, sizeof(link) - 1);
	link[n < 0 ? 0 : n] = '\0';
	snprintf(want, sizeof(want), "%s (deleted)", pc);
	if (strcmp(link, want) && !strstr(link, "/fifo_c (deleted)"))
		zdtm_fail("c: fd names %s", link);
	if (fstat(fc, &s) || !S_ISFIFO(s.st_mode) || (s.st_mode & 07777) != 0640 || s.st_nlink)
		zdtm_fail("c: mode 0%o, %lu links", s.st_mode, (unsigned long)s.st_nlink);
	d = opendir(dir);
	while (d && (de = readdir(d)))
		if (!strncmp(de->d_name, "fifo_c", 6))
			zdtm_fail("c: %s left in the directory", de->d_name);
	if (d)
		closedir(d);
	/* The child writes 7 more bytes and exits: 14 bytes, then EOF. */
	kill(pid, SIGTERM);
	if (waitpid(pid, &st, 0) != pid || st)
		zdtm_fail("child failed (status 0x%x)", st);
	expect(rb, 7, 30, "b (before dump)");
	expect(rb, 7, 50, "b (after restore)");
	if (read(rb, buf, 1) != 0)
		zdtm_fail("b: no EOF after the writer left");
	unlink(pa);
	unlink(pb);
	return zdtm_pass();
}
