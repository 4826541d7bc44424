// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_fdpass - open file descriptions shared across the tree:
 *  - a file the child opened and passed to its parent with SCM_RIGHTS
 *    (received at another fd number, O_CLOEXEC): one description, one
 *    offset, in two processes;
 *  - a file the parent opened with O_APPEND before the fork (inherited).
 * After restore, the parent moves the passed file's offset and the child
 * sees it moved; the child appends to the inherited file and the parent's
 * offset follows.
 */
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "zdtm.h"

static void send_fd(int sock, int fd)
{
	char c = 'F', ctl[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { &c, 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl,
			    .msg_controllen = sizeof(ctl) };
	struct cmsghdr *h = CMSG_FIRSTHDR(&m);

	h->cmsg_level = SOL_SOCKET;
	h->cmsg_type = SCM_RIGHTS;
	h->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(h), &fd, sizeof(int));
	if (sendmsg(sock, &m, 0) != 1)
		zdtm_fail("sendmsg");
}

static int recv_fd(int sock)
{
	char c, ctl[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { &c, 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl,
			    .msg_controllen = sizeof(ctl) };
	struct cmsghdr *h;
	int fd;

	if (recvmsg(sock, &m, MSG_CMSG_CLOEXEC) != 1)
		zdtm_fail("recvmsg");
	h = CMSG_FIRSTHDR(&m);
	if (!h || h->cmsg_type != SCM_RIGHTS)
		zdtm_fail("no fd received");
	memcpy(&fd, CMSG_DATA(h), sizeof(int));
	return fd;
}

int main(void)
{
	int sp[2], app, passed, mine, st;
	char buf[64];
	pid_t pid;

	zdtm_init();
	app = open("fdpass.log", O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0600);
	if (app < 0 || write(app, "0123456789", 10) != 10)
		zdtm_fail("open fdpass.log");
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sp))
		zdtm_fail("socketpair");
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		close(sp[0]);
		mine = open("fdpass.data", O_RDWR | O_CREAT | O_TRUNC, 0600);
		if (mine < 0 || write(mine, "abcdefghijklmnopqrstuvwxyz", 26) != 26)
			zdtm_fail("child: open fdpass.data");
		lseek(mine, 5, SEEK_SET);
		send_fd(sp[1], mine);
		zdtm_wait_term();
		/* The parent read 4 bytes through its copy after restore. */
		if (lseek(mine, 0, SEEK_CUR) != 9)
			zdtm_fail("child: offset %ld, expected 9 (not shared)",
				  (long)lseek(mine, 0, SEEK_CUR));
		if (write(app, "child", 5) != 5)
			zdtm_fail("child: append");
		exit(0);
	}
	close(sp[1]);
	passed = recv_fd(sp[0]);
	zdtm_ready();
	zdtm_wait_term();

	if (!(fcntl(passed, F_GETFD) & FD_CLOEXEC) || (fcntl(app, F_GETFD) & FD_CLOEXEC))
		zdtm_fail("close-on-exec flags");
	if ((fcntl(app, F_GETFL) & (O_ACCMODE | O_APPEND)) != (O_WRONLY | O_APPEND))
		zdtm_fail("O_APPEND lost");
	if (lseek(passed, 0, SEEK_CUR) != 5 || read(passed, buf, 4) != 4 || memcmp(buf, "fghi", 4))
		zdtm_fail("passed file: offset or contents");
	kill(pid, SIGTERM);
	if (waitpid(pid, &st, 0) != pid || st)
		zdtm_fail("child failed (status 0x%x)", st);
	/* The child's append moved the one offset both hold. */
	if (lseek(app, 0, SEEK_CUR) != 15)
		zdtm_fail("appended file: offset %ld, expected 15", (long)lseek(app, 0, SEEK_CUR));
	unlink("fdpass.log");
	unlink("fdpass.data");
	return zdtm_pass();
}
