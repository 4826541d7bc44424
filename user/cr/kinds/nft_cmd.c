// SPDX-License-Identifier: GPL-2.0
/* nft_cmd.c - the nft command run (nft_cmd.h). */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nft_cmd.h"

#define MAX_ARGS 8
#define MAX_OUT (16u << 20)

/* What @fd gives until its end, into *@out. 0 or -errno. */
static int read_all(int fd, char **out)
{
	size_t cap = 4096, n = 0;
	char *p = malloc(cap), *np;
	ssize_t r;

	if (!p)
		return -ENOMEM;
	for (;;) {
		if (cap - n < 2) {
			np = cap < MAX_OUT ? realloc(p, cap * 2) : NULL;
			if (!np) {
				free(p);
				return -ENOMEM;
			}
			p = np;
			cap *= 2;
		}
		r = read(fd, p + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			free(p);
			return -errno;
		}
		if (r == 0)
			break;
		n += r;
	}
	p[n] = 0;
	*out = p;
	return 0;
}

int nft_cmd__run(const char *const *args, const char *in, char **out)
{
	static const char *const paths[] = { "/usr/sbin/nft", "/sbin/nft", "/usr/bin/nft" };
	posix_spawn_file_actions_t fa;
	char *argv[MAX_ARGS + 2] = { "nft" };
	int ipipe[2] = { -1, -1 }, opipe[2] = { -1, -1 }, status, err = 0, rerr = 0;
	size_t i, off = 0, len = in ? strlen(in) : 0;
	ssize_t n;
	pid_t pid;

	for (i = 0; args[i]; i++) {
		if (i == MAX_ARGS)
			return -E2BIG;
		argv[i + 1] = (char *)args[i];
	}
	if (pipe2(ipipe, O_CLOEXEC) || (out && pipe2(opipe, O_CLOEXEC))) {
		err = -errno;
		goto close;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, ipipe[0], 0);
	if (out)
		posix_spawn_file_actions_adddup2(&fa, opipe[1], 1);
	else
		posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	for (i = 0; i < sizeof(paths) / sizeof(paths[0]) && access(paths[i], X_OK); i++)
		;
	err = i < sizeof(paths) / sizeof(paths[0]) ?
		      -posix_spawn(&pid, paths[i], &fa, NULL, argv, environ) : -ENOENT;
	posix_spawn_file_actions_destroy(&fa);
	close(ipipe[0]);
	ipipe[0] = -1;
	if (out) {
		close(opipe[1]);
		opipe[1] = -1;
	}
	if (err)
		goto close;
	while (off < len) {
		n = write(ipipe[1], in + off, len - off);
		if (n <= 0)
			break;
		off += n;
	}
	close(ipipe[1]);
	ipipe[1] = -1;
	if (out)
		rerr = read_all(opipe[0], out);
	if (waitpid(pid, &status, 0) < 0)
		err = -errno;
	else if (!WIFEXITED(status) || WEXITSTATUS(status))
		err = -EPERM;
	if (!err)
		err = rerr;
	if (err && out && !rerr) {
		free(*out);
		*out = NULL;
	}
close:
	for (i = 0; i < 2; i++) {
		if (ipipe[i] >= 0)
			close(ipipe[i]);
		if (opipe[i] >= 0)
			close(opipe[i]);
	}
	return err;
}
