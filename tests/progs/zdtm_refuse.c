// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_refuse KIND - holds one object that dump must refuse, then checks
 * after SIGTERM that the refused dump left it working:
 *   inotify   an inotify watch on the current directory, an event unread
 *   tcp       a listening TCP socket on 127.0.0.1
 *   epoll     an epoll instance watching a pipe fd closed since (a dup
 *             keeps the pipe open)
 *   bound     a unix datagram socket bound to a relative path, its
 *             socket file moved since to another name (restore could
 *             not bind the name and keep the file where it is now)
 *   outside   one end of a socketpair; the dumped task (READY pid) is a
 *             child, its peer stays with the parent, outside the tree
 * Prints "READY pid=N fd=M" (M: the fd dump must name).
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "zdtm.h"

static void ready(pid_t pid, int fd, const char *extra)
{
	printf("READY pid=%d fd=%d%s\n", pid, fd, extra);
	fflush(stdout);
}

static void check_inotify(int fd)
{
	char buf[4096];
	int f = open("refuse.touch", O_CREAT | O_WRONLY, 0600);

	if (f < 0)
		zdtm_fail("create");
	close(f);
	unlink("refuse.touch");
	if (read(fd, buf, sizeof(buf)) <= 0)
		zdtm_fail("inotify gave no event");
}

static int tcp_peer = -1;

/* Data both ways through the connection. */
static void check_tcp(int fd)
{
	char buf[4];

	if (send(fd, "ping", 4, 0) != 4 || recv(tcp_peer, buf, 4, MSG_WAITALL) != 4 ||
	    send(tcp_peer, "pong", 4, 0) != 4 || recv(fd, buf, 4, MSG_WAITALL) != 4 ||
	    memcmp(buf, "pong", 4))
		zdtm_fail("the TCP connection does not work");
	close(tcp_peer);
	close(fd);
}

int main(int argc, char **argv)
{
	const char *kind = argc > 1 ? argv[1] : "inotify";
	char extra[64] = "";
	struct epoll_event ev;
	int fd, p[2], sp[2], st;
	pid_t pid;

	zdtm_init();
	if (!strcmp(kind, "inotify")) {
		fd = inotify_init1(0);
		if (fd < 0 || inotify_add_watch(fd, ".", IN_CREATE) < 0)
			zdtm_fail("inotify");
		/* An event left unread: events cannot be put back. */
		p[0] = open("refuse.unread", O_CREAT | O_WRONLY, 0600);
		if (p[0] < 0 || close(p[0]) || unlink("refuse.unread"))
			zdtm_fail("inotify event");
	} else if (!strcmp(kind, "tcp")) {
		struct sockaddr_in a = { .sin_family = AF_INET };
		socklen_t al = sizeof(a);
		int l;

		a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		l = socket(AF_INET, SOCK_STREAM, 0);
		fd = socket(AF_INET, SOCK_STREAM, 0);
		if (l < 0 || fd < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) || listen(l, 4) ||
		    getsockname(l, (struct sockaddr *)&a, &al) ||
		    connect(fd, (struct sockaddr *)&a, al))
			zdtm_fail("tcp connection");
		tcp_peer = accept(l, NULL, NULL);
		if (tcp_peer < 0)
			zdtm_fail("accept");
		/* Only the connection's two ends are left: the client's fd comes first. */
		close(l);
		snprintf(extra, sizeof(extra), " port=%d", ntohs(a.sin_port));
	} else if (!strcmp(kind, "epoll")) {
		fd = epoll_create1(0);
		ev.events = EPOLLIN;
		ev.data.fd = 0;
		/* Its target closed after it was added (the file lives on in a dup). */
		if (fd < 0 || pipe(p) || epoll_ctl(fd, EPOLL_CTL_ADD, p[0], &ev) || dup(p[0]) < 0 ||
		    close(p[0]))
			zdtm_fail("epoll");
	} else if (!strcmp(kind, "bound")) {
		struct sockaddr_un a = { .sun_family = AF_UNIX };

		snprintf(a.sun_path, sizeof(a.sun_path), "refuse.sock");
		unlink(a.sun_path);
		fd = socket(AF_UNIX, SOCK_DGRAM, 0);
		unlink("refuse-moved.sock");
		if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) ||
		    rename(a.sun_path, "refuse-moved.sock"))
			zdtm_fail("bind");
	} else if (!strcmp(kind, "outside")) {
		/* Not the task the test knows: dies with the test's reaper. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, sp))
			zdtm_fail("socketpair");
		fflush(stdout);
		pid = fork();
		if (pid == 0) {
			close(sp[0]);
			ready(getpid(), sp[1], "");
			zdtm_wait_term();
			if (send(sp[1], "ok", 2, 0) != 2)
				zdtm_fail("child: send");
			exit(0);
		}
		close(sp[1]);
		if (recv(sp[0], extra, 2, MSG_WAITALL) != 2 || memcmp(extra, "ok", 2) ||
		    waitpid(pid, &st, 0) != pid || st)
			zdtm_fail("the child's socket does not work");
		return zdtm_pass();
	} else {
		zdtm_fail("unknown kind %s", kind);
	}
	ready(getpid(), fd, extra);
	zdtm_wait_term();
	if (!strcmp(kind, "inotify"))
		check_inotify(fd);
	else if (!strcmp(kind, "tcp"))
		check_tcp(fd);
	else if (!strcmp(kind, "bound"))
		unlink("refuse-moved.sock");
	return zdtm_pass();
}
