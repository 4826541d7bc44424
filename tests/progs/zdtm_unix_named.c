// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_unix_named DIR [pending] - listening unix sockets bound to a name:
 *  - a SOCK_STREAM listener on DIR/a.sock (backlog 7, socket file mode
 *    0640, SO_PASSCRED on);
 *  - a SOCK_SEQPACKET listener on the abstract name
 *    "zdtm_unix_named-PID" (PID: this process's, unique per run), O_NONBLOCK.
 * After SIGTERM, each name is connected to and a message goes both ways
 * through the accepted connection; the listeners' names, types, flags
 * and options and the socket file's mode are as before, and a client's
 * peer (SO_PEERCRED) is this process.
 * "pending": a connection waits in the stream listener's backlog; after
 * SIGTERM it is accepted and used (its peer credentials not compared:
 * restore connects it again from pidtrace, before the task listens).
 * "pending-data": the same, something sent on it first (dump must refuse).
 */
#include <fcntl.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "zdtm.h"

static socklen_t name_of(struct sockaddr_un *a, const char *dir, int abstract)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	if (!abstract) {
		snprintf(a->sun_path, sizeof(a->sun_path), "%s/a.sock", dir);
		/* What getsockname gives: the path and its NUL. */
		return offsetof(struct sockaddr_un, sun_path) + strlen(a->sun_path) + 1;
	}
	snprintf(a->sun_path + 1, sizeof(a->sun_path) - 1, "zdtm_unix_named-%d", (int)getpid());
	return offsetof(struct sockaddr_un, sun_path) + 1 + strlen(a->sun_path + 1);
}

static int getint(int fd, int opt)
{
	socklen_t l = sizeof(int);
	int v = -2;

	getsockopt(fd, SOL_SOCKET, opt, &v, &l);
	return v;
}

static void same_name(int fd, const struct sockaddr_un *want, socklen_t wl, const char *what)
{
	struct sockaddr_un a;
	socklen_t l = sizeof(a);

	if (getsockname(fd, (struct sockaddr *)&a, &l) || l != wl || memcmp(&a, want, l))
		zdtm_fail("%s: getsockname differs (length %u, want %u)", what, l, wl);
}

/* Message both ways between a client @c and the server end @s. */
static void talk(int c, int s, const char *what)
{
	char buf[16];

	if (send(c, "ping", 4, MSG_NOSIGNAL) != 4 || recv(s, buf, sizeof(buf), MSG_DONTWAIT) != 4 ||
	    memcmp(buf, "ping", 4))
		zdtm_fail("%s: ping", what);
	if (send(s, "pong", 4, MSG_NOSIGNAL) != 4 || recv(c, buf, sizeof(buf), MSG_DONTWAIT) != 4 ||
	    memcmp(buf, "pong", 4))
		zdtm_fail("%s: pong", what);
}

/*
 * The client's peer is the listener's owner: this process, with its
 * credentials (listen() sets them; a listener made by someone else and
 * handed over would name that someone).
 */
static void same_peer(int c, const char *what)
{
	struct ucred cr;
	socklen_t l = sizeof(cr);

	if (getsockopt(c, SOL_SOCKET, SO_PEERCRED, &cr, &l))
		zdtm_fail("%s: SO_PEERCRED", what);
	if (cr.pid != getpid() || cr.uid != geteuid() || cr.gid != getegid())
		zdtm_fail("%s: peer is pid %d uid %u gid %u, not this process (%d, %u, %u)", what,
			  (int)cr.pid, cr.uid, cr.gid, (int)getpid(), geteuid(), getegid());
}

/* Connect to @a (unless @c is already connected), accept, talk. */
static int pending_data;

static void use(int l, int type, int c, const struct sockaddr_un *a, socklen_t al,
		const char *what)
{
	char x;
	int s;

	if (c < 0) {
		c = socket(AF_UNIX, type, 0);
		if (c < 0 || connect(c, (const struct sockaddr *)a, al))
			zdtm_fail("%s: connect", what);
	}
	s = accept(l, NULL, NULL);
	if (s < 0)
		zdtm_fail("%s: accept", what);
	same_name(s, a, al, what);
	if (strcmp(what, "pending connection"))
		same_peer(c, what);
	else if (pending_data && (recv(s, &x, 1, MSG_DONTWAIT) != 1 || x != 'x'))
		zdtm_fail("%s: the byte sent before the dump", what);
	talk(c, s, what);
	close(s);
	close(c);
}

int main(int argc, char **argv)
{
	struct sockaddr_un pa, aa;
	socklen_t pl, al;
	int ls, lq, one = 1, pending = -1;
	struct stat st;

	zdtm_init();
	if (argc < 2)
		zdtm_fail("usage: zdtm_unix_named DIR [pending]");
	pl = name_of(&pa, argv[1], 0);
	al = name_of(&aa, NULL, 1);
	unlink(pa.sun_path);
	ls = socket(AF_UNIX, SOCK_STREAM, 0);
	lq = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0);
	if (ls < 0 || lq < 0)
		zdtm_fail("socket");
	if (setsockopt(ls, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) ||
	    bind(ls, (struct sockaddr *)&pa, pl) || chmod(pa.sun_path, 0640) || listen(ls, 7) ||
	    bind(lq, (struct sockaddr *)&aa, al) || listen(lq, 3))
		zdtm_fail("bind/listen");
	if (argc > 2 && !strncmp(argv[2], "pending", 7)) {
		pending = socket(AF_UNIX, SOCK_STREAM, 0);
		if (pending < 0 || connect(pending, (struct sockaddr *)&pa, pl))
			zdtm_fail("pending connect");
		pending_data = !strcmp(argv[2], "pending-data");
		if (pending_data && send(pending, "x", 1, 0) != 1)
			zdtm_fail("pending send");
	}
	zdtm_ready();
	zdtm_wait_term();

	same_name(ls, &pa, pl, "path listener");
	same_name(lq, &aa, al, "abstract listener");
	if (getint(ls, SO_ACCEPTCONN) != 1 || getint(lq, SO_ACCEPTCONN) != 1)
		zdtm_fail("not listening");
	if (getint(ls, SO_TYPE) != SOCK_STREAM || getint(lq, SO_TYPE) != SOCK_SEQPACKET)
		zdtm_fail("socket types");
	if (getint(ls, SO_PASSCRED) != 1 || getint(lq, SO_PASSCRED) != 0)
		zdtm_fail("SO_PASSCRED not kept");
	if ((fcntl(ls, F_GETFL) & O_NONBLOCK) || !(fcntl(lq, F_GETFL) & O_NONBLOCK))
		zdtm_fail("O_NONBLOCK not kept");
	if (lstat(pa.sun_path, &st) || !S_ISSOCK(st.st_mode) || (st.st_mode & 07777) != 0640)
		zdtm_fail("socket file %s: mode %o", pa.sun_path, st.st_mode);
	if (pending >= 0)
		use(ls, SOCK_STREAM, pending, &pa, pl, "pending connection");
	use(ls, SOCK_STREAM, -1, &pa, pl, "path listener");
	use(lq, SOCK_SEQPACKET, -1, &aa, al, "abstract listener");
	/* Nothing else waits: the backlogs were empty. */
	if (accept(lq, NULL, NULL) != -1 || errno != EAGAIN)
		zdtm_fail("abstract listener: a connection nobody made");
	unlink(pa.sun_path);
	return zdtm_pass();
}
