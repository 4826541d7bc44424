// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_unix_dgram DIR [connected] - unix datagram sockets bound to a
 * name, connected to no one, with datagrams queued:
 *  - on DIR/d.sock (socket file mode 0620, O_NONBLOCK): "one", an empty
 *    datagram, 3000 bytes of a pattern, "four";
 *  - on the abstract name "zdtm_unix_dgram-PID", SO_PASSCRED on: "x", an
 *    empty datagram, "yz".
 * The senders (one bound to DIR/s.sock, one unbound) are closed before
 * READY. After SIGTERM each socket gives back its datagrams in order,
 * each whole (its own length, contents), then nothing; getsockname, the
 * options, flags and the socket file's mode are as before; a datagram
 * sent to each name afterwards arrives.
 * The sender addresses are not kept: a restored datagram comes from an
 * unnamed socket (restore sends it), which this checks too.
 * "connected": the path socket is also connect()ed to the abstract one;
 * after SIGTERM it sends through that connection.
 * "replaced": the path socket's file is removed and a regular file made
 * in its place; after SIGTERM the socket still has its name and its
 * first datagram, and the regular file is the same file with the same
 * contents (restore moves it aside to bind the name, and back).
 * "relgone": a socket bound to the relative name "r.sock" in DIR, its file
 * removed and the working directory changed to / since; after SIGTERM it
 * still has that name, with a datagram queued, and no file is at the path.
 * "many": the abstract socket is connect()ed to the path one, which then
 * sends it 20 more datagrams (its peer may queue past
 * net.unix.max_dgram_qlen; restore could not): dump must refuse.
 */
#include <fcntl.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "zdtm.h"

static char big[3000];

static socklen_t path_name(struct sockaddr_un *a, const char *dir, const char *file)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	snprintf(a->sun_path, sizeof(a->sun_path), "%s/%s", dir, file);
	/* What getsockname gives: the path and its NUL. */
	return offsetof(struct sockaddr_un, sun_path) + strlen(a->sun_path) + 1;
}

static socklen_t abstract_name(struct sockaddr_un *a)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	snprintf(a->sun_path + 1, sizeof(a->sun_path) - 1, "zdtm_unix_dgram-%d", (int)getpid());
	return offsetof(struct sockaddr_un, sun_path) + 1 + strlen(a->sun_path + 1);
}

static int getint(int fd, int opt)
{
	socklen_t l = sizeof(int);
	int v = -2;

	getsockopt(fd, SOL_SOCKET, opt, &v, &l);
	return v;
}

static void send_to(int s, const void *buf, size_t len, const struct sockaddr_un *a,
		    socklen_t al, const char *what)
{
	if (sendto(s, buf, len, MSG_DONTWAIT, (const struct sockaddr *)a, al) != (ssize_t)len)
		zdtm_fail("%s: sendto", what);
}

/* The next datagram of @s is exactly @len bytes of @want, from an unnamed sender if @unnamed. */
static void expect(int s, const void *want, size_t len, int unnamed, const char *what)
{
	static char buf[8192];
	struct sockaddr_un from;
	socklen_t fl = sizeof(from);
	ssize_t n;

	n = recvfrom(s, buf, sizeof(buf), MSG_DONTWAIT | MSG_TRUNC, (struct sockaddr *)&from, &fl);
	if (n != (ssize_t)len || memcmp(buf, want, len))
		zdtm_fail("%s: got %zd bytes, want %zu", what, n, len);
	if (unnamed && fl != 0)
		zdtm_fail("%s: sender address of %u bytes, want an unnamed sender", what, fl);
}

static void same_name(int fd, const struct sockaddr_un *want, socklen_t wl, const char *what)
{
	struct sockaddr_un a;
	socklen_t l = sizeof(a);

	if (getsockname(fd, (struct sockaddr *)&a, &l) || l != wl || memcmp(&a, want, l))
		zdtm_fail("%s: getsockname differs (length %u, want %u)", what, l, wl);
}

static void empty(int s, const char *what)
{
	char c;

	if (recv(s, &c, 1, MSG_DONTWAIT) != -1 || errno != EAGAIN)
		zdtm_fail("%s: more datagrams than queued", what);
}

int main(int argc, char **argv)
{
	struct sockaddr_un pa, aa, sa;
	socklen_t pl, al, sl;
	int ps, as, named, anon, one = 1;
	size_t i;
	struct stat st;

	zdtm_init();
	if (argc < 2)
		zdtm_fail("usage: zdtm_unix_dgram DIR [connected]");
	for (i = 0; i < sizeof(big); i++)
		big[i] = (char)(i * 7 + 1);
	pl = path_name(&pa, argv[1], "d.sock");
	sl = path_name(&sa, argv[1], "s.sock");
	al = abstract_name(&aa);
	unlink(pa.sun_path);
	unlink(sa.sun_path);
	ps = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	as = socket(AF_UNIX, SOCK_DGRAM, 0);
	named = socket(AF_UNIX, SOCK_DGRAM, 0);
	anon = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (ps < 0 || as < 0 || named < 0 || anon < 0)
		zdtm_fail("socket");
	if (bind(ps, (struct sockaddr *)&pa, pl) || chmod(pa.sun_path, 0620) ||
	    bind(as, (struct sockaddr *)&aa, al) ||
	    setsockopt(as, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) ||
	    bind(named, (struct sockaddr *)&sa, sl))
		zdtm_fail("bind");
	send_to(named, "one", 3, &pa, pl, "path");
	send_to(anon, "", 0, &pa, pl, "path");
	send_to(named, big, sizeof(big), &pa, pl, "path");
	send_to(anon, "four", 4, &pa, pl, "path");
	send_to(anon, "x", 1, &aa, al, "abstract");
	send_to(named, "", 0, &aa, al, "abstract");
	send_to(anon, "yz", 2, &aa, al, "abstract");
	close(named);
	close(anon);
	unlink(sa.sun_path);
	if (argc > 2 && !strcmp(argv[2], "connected")) {
		if (connect(ps, (struct sockaddr *)&aa, al))
			zdtm_fail("connect");
		zdtm_ready();
		zdtm_wait_term();
		/* Still connected, the queue untouched. */
		if (send(ps, "c", 1, 0) != 1)
			zdtm_fail("connected: send");
		expect(as, "x", 1, 1, "connected: abstract 1");
		unlink(pa.sun_path);
		return zdtm_pass();
	}
	if (argc > 2 && !strcmp(argv[2], "relgone")) {
		struct sockaddr_un ra = { .sun_family = AF_UNIX }, rb;
		socklen_t rl = offsetof(struct sockaddr_un, sun_path) + sizeof("r.sock");
		int rs = socket(AF_UNIX, SOCK_DGRAM, 0), t = socket(AF_UNIX, SOCK_DGRAM, 0);
		char full[200];

		memcpy(ra.sun_path, "r.sock", sizeof("r.sock"));
		snprintf(full, sizeof(full), "%s/r.sock", argv[1]);
		path_name(&rb, argv[1], "r.sock");
		unlink(full);
		if (rs < 0 || t < 0 || chdir(argv[1]) || bind(rs, (struct sockaddr *)&ra, rl))
			zdtm_fail("relgone: bind");
		send_to(t, "rel", 3, &rb, sizeof(rb), "relgone");
		if (unlink("r.sock") || chdir("/"))
			zdtm_fail("relgone: unlink");
		zdtm_ready();
		zdtm_wait_term();
		same_name(rs, &ra, rl, "relgone: the socket");
		expect(rs, "rel", 3, 0, "relgone: its datagram");
		if (!access(full, F_OK))
			zdtm_fail("relgone: a file at %s after restore", full);
		unlink(pa.sun_path);
		return zdtm_pass();
	}
	if (argc > 2 && !strcmp(argv[2], "replaced")) {
		struct stat was, now;
		char buf[16] = "";
		FILE *f;

		if (unlink(pa.sun_path) || !(f = fopen(pa.sun_path, "w")) || fputs("kept", f) < 0 ||
		    fclose(f) || stat(pa.sun_path, &was))
			zdtm_fail("replace");
		zdtm_ready();
		zdtm_wait_term();
		same_name(ps, &pa, pl, "replaced: the path socket");
		expect(ps, "one", 3, 0, "replaced: path 1");
		f = fopen(pa.sun_path, "r");
		if (!f || !fgets(buf, sizeof(buf), f) || fclose(f) || strcmp(buf, "kept") ||
		    stat(pa.sun_path, &now) || !S_ISREG(now.st_mode) || now.st_ino != was.st_ino)
			zdtm_fail("replaced: the regular file at the path is not the same ('%s')", buf);
		unlink(pa.sun_path);
		return zdtm_pass();
	}
	if (argc > 2 && !strcmp(argv[2], "many")) {
		if (connect(as, (struct sockaddr *)&pa, pl))
			zdtm_fail("connect");
		for (i = 0; i < 20; i++)
			send_to(ps, "m", 1, &aa, al, "many");
		zdtm_ready();
		zdtm_wait_term();
		expect(as, "x", 1, 1, "many: abstract 1");
		unlink(pa.sun_path);
		return zdtm_pass();
	}
	zdtm_ready();
	zdtm_wait_term();

	same_name(ps, &pa, pl, "path socket");
	same_name(as, &aa, al, "abstract socket");
	if (getint(ps, SO_TYPE) != SOCK_DGRAM || getint(as, SO_TYPE) != SOCK_DGRAM)
		zdtm_fail("socket types");
	if (getint(ps, SO_PASSCRED) != 0 || getint(as, SO_PASSCRED) != 1)
		zdtm_fail("SO_PASSCRED not kept");
	if (!(fcntl(ps, F_GETFL) & O_NONBLOCK) || (fcntl(as, F_GETFL) & O_NONBLOCK))
		zdtm_fail("O_NONBLOCK not kept");
	if (lstat(pa.sun_path, &st) || !S_ISSOCK(st.st_mode) || (st.st_mode & 07777) != 0620)
		zdtm_fail("socket file %s: mode %o", pa.sun_path, st.st_mode);
	expect(ps, "one", 3, 1, "path 1");
	expect(ps, "", 0, 1, "path 2 (empty)");
	expect(ps, big, sizeof(big), 1, "path 3 (3000 bytes)");
	expect(ps, "four", 4, 1, "path 4");
	empty(ps, "path");
	expect(as, "x", 1, 1, "abstract 1");
	expect(as, "", 0, 1, "abstract 2 (empty)");
	expect(as, "yz", 2, 1, "abstract 3");
	empty(as, "abstract");
	/* The names still receive. */
	anon = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (anon < 0)
		zdtm_fail("socket");
	send_to(anon, "after", 5, &pa, pl, "path after");
	send_to(anon, "after", 5, &aa, al, "abstract after");
	expect(ps, "after", 5, 1, "path after");
	expect(as, "after", 5, 1, "abstract after");
	close(anon);
	unlink(pa.sun_path);
	return zdtm_pass();
}
