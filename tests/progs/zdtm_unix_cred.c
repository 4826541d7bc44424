// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_unix_cred - unix sockets' peer credentials (SO_PEERCRED, and the
 * process SO_PEERPIDFD names) survive dump and restore.
 *
 * The root (uid 0) listens on an abstract name, and makes a socketpair
 * with its effective ids switched to 3456/4567 for that call. Its child
 * becomes uid 1234, gid 2345 for good, then makes a stream socketpair
 * and two datagram ones (the ends of one bound to names), connects to the root's listener (the root
 * accepts), listens on a name of its own and accepts the root's
 * connection to it; it keeps one end of the root's socketpair. Each
 * process notes what every socket of its own says, waits for SIGTERM and
 * compares: pid, uid and gid of SO_PEERCRED, and that SO_PEERPIDFD names
 * that live process. The root forwards SIGTERM and passes only if its
 * child passed.
 *
 * "orphan": only a socketpair made by a child of uid 1234/gid 2345 that
 * shares the root's fd table (CLONE_FILES) and has exited since: after
 * restore SO_PEERCRED still names that pid and those ids, SO_PEERPIDFD a
 * process that has exited, and the pair carries a byte.
 * "outside": the socketpair is made by the parent, which stays outside
 * the dumped tree (the child prints READY): dump refuses it.
 */
#include <fcntl.h>
#include <stddef.h>
#include <grp.h>
#include <stdint.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "zdtm.h"

#ifndef SO_PEERPIDFD
#define SO_PEERPIDFD 77
#endif

#define MAXS 16

struct noted {
	const char *what;
	int fd;
	struct ucred cr;
	long pidfd_pid;		/* the process SO_PEERPIDFD names (-1: exited) */
};

static struct noted n[MAXS];
static int nn;

static struct ucred peer(int fd, const char *what)
{
	struct ucred cr;
	socklen_t len = sizeof(cr);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len))
		zdtm_fail("SO_PEERCRED of %s", what);
	return cr;
}

static long peer_pidfd_pid(int fd);

static void note(int fd, const char *what)
{
	if (nn == MAXS)
		zdtm_fail("too many sockets to note");
	n[nn].what = what;
	n[nn].fd = fd;
	n[nn].cr = peer(fd, what);
	n[nn].pidfd_pid = peer_pidfd_pid(fd);
	nn++;
}

/* The pid fdinfo says the pidfd SO_PEERPIDFD gives is open on (-1: exited, 0: no pidfd). */
static long peer_pidfd_pid(int fd)
{
	char path[64], buf[2048];
	socklen_t len = sizeof(int);
	int pfd = -1, f;
	ssize_t r;
	char *p;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERPIDFD, &pfd, &len) || pfd < 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", pfd);
	f = open(path, O_RDONLY);
	r = f < 0 ? -1 : read(f, buf, sizeof(buf) - 1);
	if (f >= 0)
		close(f);
	close(pfd);
	if (r <= 0)
		return 0;
	buf[r] = '\0';
	/* NSpid's last: as the process's own namespace (ours) sees it, whatever /proc's is. */
	p = strstr(buf, "\nNSpid:");
	if (p) {
		char *end = strchr(p + 1, '\n'), *last;

		if (end)
			*end = '\0';
		last = strrchr(p, '\t');
		return last ? strtol(last + 1, NULL, 10) : 0;
	}
	p = strstr(buf, "\nPid:");
	return p ? strtol(p + 5, NULL, 10) : 0;
}

/* 0, or 1 with the first difference printed. */
static int check(const char *who)
{
	int i;

	for (i = 0; i < nn; i++) {
		struct ucred now = peer(n[i].fd, n[i].what);
		long pp;

		if (now.pid != n[i].cr.pid || now.uid != n[i].cr.uid || now.gid != n[i].cr.gid) {
			printf("FAIL: %s: %s: SO_PEERCRED pid %d uid %u gid %u, was pid %d uid %u gid %u\n",
			       who, n[i].what, now.pid, now.uid, now.gid, n[i].cr.pid, n[i].cr.uid,
			       n[i].cr.gid);
			return 1;
		}
		pp = peer_pidfd_pid(n[i].fd);
		if (pp != n[i].pidfd_pid) {
			printf("FAIL: %s: %s: SO_PEERPIDFD names pid %ld, was %ld\n", who, n[i].what, pp,
			       n[i].pidfd_pid);
			return 1;
		}
	}
	return 0;
}

static void name(struct sockaddr_un *a, socklen_t *len, pid_t root, char c)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	*len = offsetof(struct sockaddr_un, sun_path) + 1 +
	       snprintf(a->sun_path + 1, sizeof(a->sun_path) - 1, "pidtrace-cred-%d-%c", root, c);
}

static int listener(pid_t root, char c)
{
	struct sockaddr_un a;
	socklen_t len;
	int s = socket(AF_UNIX, SOCK_STREAM, 0);

	name(&a, &len, root, c);
	if (s < 0 || bind(s, (struct sockaddr *)&a, len) || listen(s, 4))
		zdtm_fail("listener %c", c);
	return s;
}

static int client(pid_t root, char c)
{
	struct sockaddr_un a;
	socklen_t len;
	int s = socket(AF_UNIX, SOCK_STREAM, 0);

	name(&a, &len, root, c);
	if (s < 0 || connect(s, (struct sockaddr *)&a, len))
		zdtm_fail("connect to %c", c);
	return s;
}

static void wait_byte(int fd)
{
	char b;

	if (read(fd, &b, 1) != 1)
		zdtm_fail("sync");
}

/* A socketpair its maker, a child sharing our fd table, outlived. */
static int orphan(void)
{
	int sv[2] = { -1, -1 }, st;
	char b = 0;
	long c;

	c = syscall(SYS_clone, CLONE_FILES | SIGCHLD, 0, 0, 0, 0);
	if (c < 0)
		zdtm_fail("clone");
	if (!c) {
		if (syscall(SYS_setresgid, 2345, 2345, 2345) ||
		    syscall(SYS_setresuid, 1234, 1234, 1234))
			_exit(1);
		_exit(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) ? 1 : 0);
	}
	if (waitpid(c, &st, 0) != c || st)
		zdtm_fail("the maker failed");
	/* The two newest fds are the pair. */
	sv[1] = fcntl(0, F_DUPFD, 0);
	close(sv[1]);
	sv[0] = sv[1] - 2;
	sv[1] = sv[1] - 1;
	note(sv[0], "the orphan socketpair's end 0");
	note(sv[1], "the orphan socketpair's end 1");
	if (n[0].cr.pid != c || n[0].cr.uid != 1234 || n[0].pidfd_pid != -1)
		zdtm_fail("the orphan socketpair names pid %d uid %u (pidfd %ld), not %ld 1234 (-1)",
			  n[0].cr.pid, n[0].cr.uid, n[0].pidfd_pid, c);
	zdtm_ready();
	zdtm_wait_term();
	if (check("orphan"))
		return 1;
	if (write(sv[0], "x", 1) != 1 || read(sv[1], &b, 1) != 1 || b != 'x')
		zdtm_fail("the orphan socketpair does not carry a byte");
	return zdtm_pass();
}

/* A socketpair its maker, outside the dumped tree, still runs beside. */
static int outside(void)
{
	int sv[2], st;
	char b = 0;
	pid_t c;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		zdtm_fail("socketpair");
	c = fork();
	if (c < 0)
		zdtm_fail("fork");
	if (c) {
		close(sv[0]);
		close(sv[1]);
		/* Outside the tree: it only waits for its child. */
		if (waitpid(c, &st, 0) != c)
			return 1;
		return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
	}
	zdtm_ready();
	zdtm_wait_term();
	if (write(sv[0], "x", 1) != 1 || read(sv[1], &b, 1) != 1 || b != 'x')
		zdtm_fail("the socketpair does not carry a byte");
	return zdtm_pass();
}

int main(int argc, char **argv)
{
	int up[2], down[2], rsp[2], lp, acc, pc;
	pid_t root = getpid(), child;
	int st, failed;

	zdtm_init();
	if (argc > 1 && !strcmp(argv[1], "orphan"))
		return orphan();
	if (argc > 1 && !strcmp(argv[1], "outside"))
		return outside();
	if (pipe(up) || pipe(down))
		zdtm_fail("pipe");
	lp = listener(root, 'r');
	/* A socketpair made with other effective ids than the root keeps. */
	if (setresgid(-1, 4567, -1) || setresuid(-1, 3456, -1))
		zdtm_fail("switch to 3456/4567");
	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, rsp))
		zdtm_fail("socketpair");
	if (setresuid(-1, 0, -1) || setresgid(-1, 0, -1))
		zdtm_fail("switch back");
	child = fork();
	if (child < 0)
		zdtm_fail("fork");
	if (!child) {
		int sp[2], dp[2], dq[2], cl, lc, ca;
		struct sockaddr_un a;
		socklen_t alen;

		close(rsp[0]);
		if (setgroups(0, NULL) || setresgid(2345, 2345, 2345) || setresuid(1234, 1234, 1234))
			zdtm_fail("child: uid 1234, gid 2345");
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, sp) || socketpair(AF_UNIX, SOCK_DGRAM, 0, dp) ||
		    socketpair(AF_UNIX, SOCK_DGRAM, 0, dq))
			zdtm_fail("child: socketpair");
		/* A datagram pair whose ends are bound to names since. */
		name(&a, &alen, root, '0');
		if (bind(dq[0], (struct sockaddr *)&a, alen))
			zdtm_fail("child: bind");
		name(&a, &alen, root, '1');
		if (bind(dq[1], (struct sockaddr *)&a, alen))
			zdtm_fail("child: bind");
		cl = client(root, 'r');
		lc = listener(root, 'c');
		if (write(up[1], "l", 1) != 1)
			zdtm_fail("child: sync");
		wait_byte(down[0]);
		ca = accept(lc, NULL, NULL);
		if (ca < 0)
			zdtm_fail("child: accept");
		note(sp[0], "child's stream socketpair end 0");
		note(sp[1], "child's stream socketpair end 1");
		note(dp[0], "child's datagram socketpair end");
		note(dq[0], "child's named datagram socketpair end 0");
		note(dq[1], "child's named datagram socketpair end 1");
		note(cl, "child's client of the root's listener");
		note(lc, "child's listener");
		note(ca, "child's accepted connection from the root");
		note(rsp[1], "root's socketpair end, in the child");
		if (write(up[1], "r", 1) != 1)
			zdtm_fail("child: sync");
		zdtm_wait_term();
		return check("child");
	}
	close(rsp[1]);
	wait_byte(up[0]);
	pc = client(root, 'c');
	acc = accept(lp, NULL, NULL);
	if (acc < 0)
		zdtm_fail("accept");
	if (write(down[1], "c", 1) != 1)
		zdtm_fail("sync");
	wait_byte(up[0]);
	note(lp, "root's listener");
	note(acc, "root's accepted connection from the child");
	note(pc, "root's client of the child's listener");
	note(rsp[0], "root's socketpair end");
	zdtm_ready();
	zdtm_wait_term();
	failed = check("root");
	kill(child, SIGTERM);
	if (waitpid(child, &st, 0) != child)
		zdtm_fail("waitpid");
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		zdtm_fail("the child failed (status 0x%x)", st);
	if (failed)
		return 1;
	return zdtm_pass();
}
