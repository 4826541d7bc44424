// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_pipe - a pipe with 1000 unread bytes shared by parent (write end)
 * and child (read end, O_NONBLOCK), and a second pipe whose two ends both
 * processes hold, with 10 unread bytes. After restore the parent writes
 * 1000 more bytes and closes; the child must read exactly 2000 pattern
 * bytes then EOF; each reads 5 bytes of the second pipe.
 */
#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>

#include "zdtm.h"

static char pat(int i)
{
	return (char)('A' + i % 23);
}

static void fill(char *b, int off, int n)
{
	int i;

	for (i = 0; i < n; i++)
		b[i] = pat(off + i);
}

static void child(int rfd, int q[2])
{
	char buf[4096], want[4096];
	struct pollfd pfd = { rfd, POLLIN, 0 };
	int total = 0, n;

	zdtm_wait_term();
	if (!(fcntl(rfd, F_GETFL) & O_NONBLOCK))
		zdtm_fail("child: O_NONBLOCK lost on the read end");
	if (read(q[0], buf, 5) != 5 || (memcmp(buf, "01234", 5) && memcmp(buf, "56789", 5)))
		zdtm_fail("child: second pipe");
	for (;;) {
		n = read(rfd, buf, sizeof(buf));
		if (n == 0)
			break;
		if (n < 0 && errno == EAGAIN) {
			poll(&pfd, 1, 1000);
			continue;
		}
		if (n < 0)
			zdtm_fail("child: read");
		fill(want, total, n);
		if (memcmp(buf, want, n))
			zdtm_fail("child: wrong bytes at %d", total);
		total += n;
	}
	if (total != 2000)
		zdtm_fail("child: read %d bytes, expected 2000", total);
	exit(0);
}

int main(void)
{
	int p[2], q[2], st;
	char buf[1000];
	pid_t pid;

	zdtm_init();
	if (pipe(p) || pipe(q))
		zdtm_fail("pipe");
	fill(buf, 0, 1000);
	if (write(p[1], buf, 1000) != 1000 || write(q[1], "0123456789", 10) != 10)
		zdtm_fail("write");
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		close(p[1]);
		fcntl(p[0], F_SETFL, O_NONBLOCK);
		child(p[0], q);
	}
	close(p[0]);
	zdtm_ready();
	zdtm_wait_term();
	if (read(q[0], buf, 5) != 5)
		zdtm_fail("second pipe");
	fill(buf, 1000, 1000);
	if (write(p[1], buf, 1000) != 1000)
		zdtm_fail("write after restore");
	close(p[1]);
	kill(pid, SIGTERM);
	if (waitpid(pid, &st, 0) != pid || st)
		zdtm_fail("child failed (status 0x%x)", st);
	return zdtm_pass();
}
