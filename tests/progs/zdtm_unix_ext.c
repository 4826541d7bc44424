// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_unix_ext: a unix datagram socket connected to a socket outside the
 * dumped tree, bound to a path or an abstract name ("@name").
 *   zdtm_unix_ext server NAME  - the outside socket: binds NAME, prints
 *                                "GOT <datagram>" for each it receives
 *   zdtm_unix_ext client NAME  - the tree: connects to NAME, sends
 *                                "before", waits for SIGTERM, then checks
 *                                it is still connected to NAME and sends
 *                                "after" (the server must get it)
 */
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "zdtm.h"

static socklen_t addr_of(const char *name, struct sockaddr_un *a)
{
	size_t n = strlen(name);

	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	if (n >= sizeof(a->sun_path))
		zdtm_fail("name too long");
	memcpy(a->sun_path, name, n);
	if (name[0] == '@')
		a->sun_path[0] = '\0';
	return offsetof(struct sockaddr_un, sun_path) + n + (name[0] != '@');
}

int main(int argc, char **argv)
{
	struct sockaddr_un a, p;
	socklen_t alen, plen = sizeof(p);
	char buf[64];
	ssize_t n;
	int s;

	if (argc != 3)
		zdtm_fail("usage: zdtm_unix_ext server|client NAME");
	alen = addr_of(argv[2], &a);
	s = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (s < 0)
		zdtm_fail("socket");
	if (!strcmp(argv[1], "server")) {
		if (bind(s, (struct sockaddr *)&a, alen))
			zdtm_fail("bind %s", argv[2]);
		printf("LISTENING\n");
		fflush(stdout);
		alarm(ZDTM_TIMEOUT);
		while ((n = recv(s, buf, sizeof(buf) - 1, 0)) >= 0) {
			buf[n] = '\0';
			printf("GOT %s\n", buf);
			fflush(stdout);
		}
		return 1;
	}
	zdtm_init();
	if (connect(s, (struct sockaddr *)&a, alen))
		zdtm_fail("connect %s", argv[2]);
	if (send(s, "before", 6, 0) != 6)
		zdtm_fail("send before");
	zdtm_ready();
	zdtm_wait_term();
	if (getpeername(s, (struct sockaddr *)&p, &plen))
		zdtm_fail("getpeername");
	if (plen != alen || memcmp(&p, &a, alen))
		zdtm_fail("connected to another name (%u bytes)", plen);
	if (send(s, "after", 5, 0) != 5)
		zdtm_fail("send after");
	return zdtm_pass();
}
