// SPDX-License-Identifier: GPL-2.0
/*
 * nft_cmd.c - the nft command run (nft_cmd.h). Its standard input,
 * output and error are memory files, not pipes: nft never blocks on a
 * reader that stopped reading (a listing of a big set is megabytes), and
 * what it wrote is read after it ended, so there is no cap to hit
 * half-way with nft still running.
 */
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "escape.h"
#include "nft_cmd.h"

#define MAX_ARGS 12

static __thread char last_err[512], last_raw[512];

const char *nft_cmd__error(void)
{
	return last_err;
}

const char *nft_cmd__error_raw(void)
{
	return last_raw;
}

/* All of memory file @fd, NUL-terminated, into *@out. 0 or -errno. */
static int read_all(int fd, char **out)
{
	struct stat st;
	size_t n = 0;
	ssize_t r;
	char *p;

	if (fstat(fd, &st))
		return -errno;
	p = malloc((size_t)st.st_size + 1);
	if (!p)
		return -ENOMEM;
	while (n < (size_t)st.st_size) {
		r = pread(fd, p + n, st.st_size - n, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			free(p);
			return r ? -errno : -EIO;
		}
		n += r;
	}
	p[n] = 0;
	*out = p;
	return 0;
}

/* nft's first message line, escaped, into last_err. */
static void keep_error(int fd)
{
	char *msg = NULL, *nl;

	last_err[0] = 0;
	if (read_all(fd, &msg))
		return;
	for (nl = msg; *nl == '\n'; nl++)
		;
	memmove(msg, nl, strlen(nl) + 1);
	nl = strchr(msg, '\n');
	if (nl)
		*nl = 0;
	escape__into(last_err, sizeof(last_err), msg);
	snprintf(last_raw, sizeof(last_raw), "%s", msg);
	free(msg);
}

static int mem_file(const char *name, const char *in)
{
	size_t off = 0, len = in ? strlen(in) : 0;
	int fd = memfd_create(name, MFD_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	while (off < len) {
		n = write(fd, in + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			n = n ? -errno : -EIO;
			close(fd);
			return n;
		}
		off += n;
	}
	if (lseek(fd, 0, SEEK_SET)) {
		close(fd);
		return -EIO;
	}
	return fd;
}

/* nft started with @argv, fds @fds as 0, 1, 2, no signal blocked or ignored. */
static int spawn(pid_t *pid, char **argv, const int fds[3])
{
	static const char *const paths[] = { "/usr/sbin/nft", "/sbin/nft", "/usr/bin/nft" };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, all;
	size_t i;
	int err, fd;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]) && access(paths[i], X_OK); i++)
		;
	if (i == sizeof(paths) / sizeof(paths[0]))
		return -ENOENT;
	/* pidtrace blocks and ignores signals of its own; nft is to get none of that. */
	sigemptyset(&none);
	sigfillset(&all);
	posix_spawnattr_init(&at);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &all);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	posix_spawn_file_actions_init(&fa);
	for (fd = 0; fd < 3; fd++)
		posix_spawn_file_actions_adddup2(&fa, fds[fd], fd);
	err = -posix_spawn(pid, paths[i], &fa, &at, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	return err;
}

int nft_cmd__run(const char *const *args, const char *in, char **out)
{
	char *argv[MAX_ARGS + 2] = { "nft" };
	int fds[3] = { -1, -1, -1 }, status, err = 0;
	size_t i;
	pid_t pid;

	last_err[0] = last_raw[0] = 0;
	for (i = 0; args[i]; i++) {
		if (i == MAX_ARGS)
			return -E2BIG;
		argv[i + 1] = (char *)args[i];
	}
	fds[0] = mem_file("nft-in", in);
	fds[1] = fds[0] < 0 ? -1 : mem_file("nft-out", NULL);
	fds[2] = fds[1] < 0 ? -1 : mem_file("nft-err", NULL);
	for (i = 0; i < 3; i++)
		if (fds[i] < 0) {
			err = fds[i];
			goto close;
		}
	err = spawn(&pid, argv, fds);
	if (err)
		goto close;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			err = -errno;
			goto close;
		}
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		keep_error(fds[2]);
		if (!last_err[0])
			snprintf(last_raw, sizeof(last_raw), "nft %s %d",
				 WIFEXITED(status) ? "exited" : "killed by signal",
				 WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
		if (!last_err[0])
			snprintf(last_err, sizeof(last_err), "nft %s %d",
				 WIFEXITED(status) ? "exited" : "killed by signal",
				 WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
		err = -EPERM;
		goto close;
	}
	if (out)
		err = read_all(fds[1], out);
close:
	for (i = 0; i < 3; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	return err;
}
