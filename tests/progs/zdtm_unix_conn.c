// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_unix_conn DIR [stream|seqpacket] - unix sockets bound to a name
 * and connected, and a relative name:
 *  - datagram: server S bound to DIR/srv.sock; client C1 (unnamed)
 *    connected to S, "c1" queued in S from it; client C2 bound to the
 *    abstract "zdtm_unix_conn-PID-c2", connected to S; S then connected
 *    to C2 (so S takes datagrams from C2 only); B bound to DIR/self.sock
 *    connected to itself, "self" queued; D bound to no name, connected to
 *    X bound to DIR/x.sock, then X closed (D's peer is gone); G bound to
 *    DIR/ghost.sock, GC connected to it, then the socket file removed and
 *    LV bound to that path again; G2 bound to DIR/sub/g.sock, GC2
 *    connected to it, then DIR/sub removed with the file;
 *  - connections of the given type (default stream): listener L on
 *    DIR/l.sock, client K shut down for reading before it connects to L,
 *    accepted A with "hello" queued from K; listener M on the abstract
 *    "zdtm_unix_conn-PID-m", client K2 (O_NONBLOCK), accepted A2, "ping"
 *    queued in A2 and "pong" in K2, then M closed;
 *  - U bound to the relative "rel.sock" from DIR (the working directory
 *    changes to / afterwards), neither listening nor connected;
 *  - options: SO_PASSSEC on S, SO_PRIORITY 5 and a 3 s SO_RCVTIMEO on K2.
 * After SIGTERM: names (getsockname) and peers (getpeername) are as
 * before, the queued data comes back, and the sockets behave as
 * connected: C1 may not send to S (EPERM: S is connected to C2), C2 and S
 * talk, B talks to itself, D's send is refused (ECONNREFUSED), GC sends
 * to G, DIR/ghost.sock is LV's, GC2 sends to G2 and DIR/sub does not
 * exist; A reads
 * "hello" and cannot write to K (EPIPE, K shut down), K reads end of
 * file and still writes to A, L accepts a new client; A2 and K2 read
 * their data and talk, M's name refuses connections; U listens on its
 * relative name once back in DIR.
 */
#include <fcntl.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>

#include "zdtm.h"

static socklen_t path_name(struct sockaddr_un *a, const char *dir, const char *file)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	if (dir)
		snprintf(a->sun_path, sizeof(a->sun_path), "%s/%s", dir, file);
	else
		snprintf(a->sun_path, sizeof(a->sun_path), "%s", file);
	/* What getsockname gives: the path and its NUL. */
	return offsetof(struct sockaddr_un, sun_path) + strlen(a->sun_path) + 1;
}

static socklen_t abstract_name(struct sockaddr_un *a, const char *tag)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	snprintf(a->sun_path + 1, sizeof(a->sun_path) - 1, "zdtm_unix_conn-%d-%s", (int)getpid(),
		 tag);
	return offsetof(struct sockaddr_un, sun_path) + 1 + strlen(a->sun_path + 1);
}

static int sock(int type)
{
	int s = socket(AF_UNIX, type, 0);

	if (s < 0)
		zdtm_fail("socket");
	return s;
}

static void name_is(int fd, int peer, const struct sockaddr_un *want, socklen_t wl,
		    const char *what)
{
	struct sockaddr_un a;
	socklen_t l = sizeof(a);
	int r;

	r = peer ? getpeername(fd, (struct sockaddr *)&a, &l) :
		   getsockname(fd, (struct sockaddr *)&a, &l);
	if (r || l != wl || memcmp(&a, want, l))
		zdtm_fail("%s: %s differs (r %d, length %u, want %u)", what,
			  peer ? "getpeername" : "getsockname", r, l, wl);
}

static void unnamed(int fd, const char *what)
{
	struct sockaddr_un a;
	socklen_t l = sizeof(a);

	if (getsockname(fd, (struct sockaddr *)&a, &l) || l != sizeof(sa_family_t))
		zdtm_fail("%s: bound to a name (length %u)", what, l);
}

static void expect(int s, const char *want, const char *what)
{
	char buf[64];
	ssize_t n = recv(s, buf, sizeof(buf), MSG_DONTWAIT);

	if (n != (ssize_t)strlen(want) || memcmp(buf, want, n))
		zdtm_fail("%s: got %zd bytes, want \"%s\"", what, n, want);
}

static void say(int s, const char *msg, const char *what)
{
	if (send(s, msg, strlen(msg), MSG_DONTWAIT | MSG_NOSIGNAL) != (ssize_t)strlen(msg))
		zdtm_fail("%s: send", what);
}

static void send_fails(int s, int err, const char *what)
{
	if (send(s, "no", 2, MSG_DONTWAIT | MSG_NOSIGNAL) != -1 || errno != err)
		zdtm_fail("%s: send did not fail with errno %d", what, err);
}

int main(int argc, char **argv)
{
	struct sockaddr_un sa, c2a, ba, xa, la, ma, ua, ga;
	socklen_t sl, c2l, bl, xl, ll, ml, ul, gl;
	int S, C1, C2, B, D, X, L, K, A, M, K2, A2, U, N, NA, G, GC, LV, G2, GC2;
	int type = SOCK_STREAM;
	struct sockaddr_un g2a;
	socklen_t g2l;
	char sub[4096];
	struct stat st;
	const char *dir;

	zdtm_init();
	if (argc < 2)
		zdtm_fail("usage: zdtm_unix_conn DIR [stream|seqpacket]");
	dir = argv[1];
	if (argc > 2 && !strcmp(argv[2], "seqpacket"))
		type = SOCK_SEQPACKET;
	sl = path_name(&sa, dir, "srv.sock");
	bl = path_name(&ba, dir, "self.sock");
	xl = path_name(&xa, dir, "x.sock");
	ll = path_name(&la, dir, "l.sock");
	ul = path_name(&ua, NULL, "rel.sock");
	gl = path_name(&ga, dir, "ghost.sock");
	c2l = abstract_name(&c2a, "c2");
	ml = abstract_name(&ma, "m");
	unlink(sa.sun_path);
	unlink(ba.sun_path);
	unlink(xa.sun_path);
	unlink(la.sun_path);

	/* Datagrams. */
	S = sock(SOCK_DGRAM);
	C1 = sock(SOCK_DGRAM);
	C2 = sock(SOCK_DGRAM);
	B = sock(SOCK_DGRAM);
	D = sock(SOCK_DGRAM);
	X = sock(SOCK_DGRAM);
	if (bind(S, (struct sockaddr *)&sa, sl) || bind(C2, (struct sockaddr *)&c2a, c2l) ||
	    bind(B, (struct sockaddr *)&ba, bl) || bind(X, (struct sockaddr *)&xa, xl))
		zdtm_fail("bind");
	if (connect(C1, (struct sockaddr *)&sa, sl))
		zdtm_fail("connect C1");
	say(C1, "c1", "C1");
	if (connect(C2, (struct sockaddr *)&sa, sl) || connect(S, (struct sockaddr *)&c2a, c2l) ||
	    connect(B, (struct sockaddr *)&ba, bl) || connect(D, (struct sockaddr *)&xa, xl))
		zdtm_fail("connect");
	say(B, "self", "B");
	close(X);
	unlink(xa.sun_path);
	G = sock(SOCK_DGRAM);
	GC = sock(SOCK_DGRAM);
	unlink(ga.sun_path);
	if (bind(G, (struct sockaddr *)&ga, gl) || connect(GC, (struct sockaddr *)&ga, gl) ||
	    unlink(ga.sun_path))
		zdtm_fail("ghost");
	LV = sock(SOCK_DGRAM);
	if (bind(LV, (struct sockaddr *)&ga, gl))
		zdtm_fail("bind LV");
	snprintf(sub, sizeof(sub), "%s/sub", dir);
	g2l = path_name(&g2a, sub, "g.sock");
	G2 = sock(SOCK_DGRAM);
	GC2 = sock(SOCK_DGRAM);
	if (mkdir(sub, 0755) || bind(G2, (struct sockaddr *)&g2a, g2l) ||
	    connect(GC2, (struct sockaddr *)&g2a, g2l) || unlink(g2a.sun_path) || rmdir(sub))
		zdtm_fail("ghost in a removed directory");

	/* Connections. */
	L = sock(type);
	K = sock(type);
	M = sock(type);
	K2 = sock(type | SOCK_NONBLOCK);
	if (bind(L, (struct sockaddr *)&la, ll) || listen(L, 4) ||
	    bind(M, (struct sockaddr *)&ma, ml) || listen(M, 4))
		zdtm_fail("listen");
	if (shutdown(K, SHUT_RD) || connect(K, (struct sockaddr *)&la, ll) ||
	    connect(K2, (struct sockaddr *)&ma, ml))
		zdtm_fail("connect K");
	A = accept(L, NULL, NULL);
	A2 = accept(M, NULL, NULL);
	if (A < 0 || A2 < 0)
		zdtm_fail("accept");
	close(M);
	say(K, "hello", "K");
	say(K2, "ping", "K2");
	say(A2, "pong", "A2");

	/* A relative name, bound from DIR. */
	U = sock(type);
	if (chdir(dir) || bind(U, (struct sockaddr *)&ua, ul) || chdir("/"))
		zdtm_fail("bind rel.sock");

	{
		struct timeval tv = { 3, 0 };
		int one = 1, prio = 5;

		if (setsockopt(S, SOL_SOCKET, SO_PASSSEC, &one, sizeof(one)) ||
		    setsockopt(K2, SOL_SOCKET, SO_PRIORITY, &prio, sizeof(prio)) ||
		    setsockopt(K2, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)))
			zdtm_fail("setsockopt");
	}

	zdtm_ready();
	zdtm_wait_term();

	{
		struct timeval tv;
		socklen_t l = sizeof(int);
		int v = 0;

		if (getsockopt(S, SOL_SOCKET, SO_PASSSEC, &v, &l) || v != 1)
			zdtm_fail("S: SO_PASSSEC not kept (%d)", v);
		if (getsockopt(K2, SOL_SOCKET, SO_PRIORITY, &v, &l) || v != 5)
			zdtm_fail("K2: SO_PRIORITY not kept (%d)", v);
		l = sizeof(tv);
		if (getsockopt(K2, SOL_SOCKET, SO_RCVTIMEO, &tv, &l) || tv.tv_sec != 3)
			zdtm_fail("K2: SO_RCVTIMEO not kept (%ld s)", (long)tv.tv_sec);
	}

	name_is(S, 0, &sa, sl, "S");
	name_is(S, 1, &c2a, c2l, "S peer");
	name_is(C1, 1, &sa, sl, "C1 peer");
	unnamed(C1, "C1");
	name_is(C2, 0, &c2a, c2l, "C2");
	name_is(C2, 1, &sa, sl, "C2 peer");
	name_is(B, 0, &ba, bl, "B");
	name_is(B, 1, &ba, bl, "B peer");
	expect(S, "c1", "S queue");
	send_fails(C1, EPERM, "C1 to S connected elsewhere");
	say(C2, "c2", "C2");
	expect(S, "c2", "S from C2");
	say(S, "to-c2", "S");
	expect(C2, "to-c2", "C2 from S");
	expect(B, "self", "B queue");
	say(B, "again", "B");
	expect(B, "again", "B to itself");
	send_fails(D, ECONNREFUSED, "D, its peer closed");
	name_is(G, 0, &ga, gl, "G");
	name_is(GC, 1, &ga, gl, "GC peer");
	say(GC, "boo", "GC");
	expect(G, "boo", "G from GC");
	name_is(LV, 0, &ga, gl, "LV");
	N = sock(SOCK_DGRAM);
	if (sendto(N, "lv", 2, 0, (struct sockaddr *)&ga, gl) != 2)
		zdtm_fail("send to LV's path");
	expect(LV, "lv", "LV by its path");
	close(N);
	name_is(G2, 0, &g2a, g2l, "G2");
	say(GC2, "boo2", "GC2");
	expect(G2, "boo2", "G2 from GC2");
	if (lstat(sub, &st) != -1 || errno != ENOENT)
		zdtm_fail("G2: its removed directory is back");

	name_is(A, 0, &la, ll, "A");
	name_is(K, 1, &la, ll, "K peer");
	unnamed(K, "K");
	expect(A, "hello", "A queue");
	send_fails(A, EPIPE, "A to K shut down for reading");
	{
		char c;

		if (recv(K, &c, 1, MSG_DONTWAIT) != 0)
			zdtm_fail("K: no end of file (shut down for reading)");
	}
	say(K, "more", "K");
	expect(A, "more", "A from K");
	N = sock(type);
	if (connect(N, (struct sockaddr *)&la, ll))
		zdtm_fail("connect to L after restore");
	NA = accept(L, NULL, NULL);
	if (NA < 0)
		zdtm_fail("accept on L after restore");
	say(N, "new", "N");
	expect(NA, "new", "NA");

	name_is(A2, 0, &ma, ml, "A2");
	name_is(K2, 1, &ma, ml, "K2 peer");
	if (!(fcntl(K2, F_GETFL) & O_NONBLOCK))
		zdtm_fail("K2: O_NONBLOCK not kept");
	expect(A2, "ping", "A2 queue");
	expect(K2, "pong", "K2 queue");
	say(A2, "pang", "A2");
	expect(K2, "pang", "K2 from A2");
	close(N);
	N = sock(type);
	if (connect(N, (struct sockaddr *)&ma, ml) != -1 || errno != ECONNREFUSED)
		zdtm_fail("M's name still accepts connections");

	name_is(U, 0, &ua, ul, "U");
	{
		struct sockaddr_un a;
		socklen_t l = sizeof(a);

		/* getsockname gives the relative name as bound (length as given + NUL). */
		if (getsockname(U, (struct sockaddr *)&a, &l) || strcmp(a.sun_path, "rel.sock"))
			zdtm_fail("U: name is not the relative rel.sock");
	}
	close(N);
	N = sock(type);
	if (chdir(dir) || listen(U, 1) || connect(N, (struct sockaddr *)&ua, ul))
		zdtm_fail("U: listen and connect by its relative name");
	unlink("rel.sock");
	unlink(sa.sun_path);
	unlink(ba.sun_path);
	unlink(la.sun_path);
	return zdtm_pass();
}
