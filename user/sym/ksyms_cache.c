// SPDX-License-Identifier: GPL-2.0
/*
 * ksyms_cache.c - the per-boot cache of the core kernel's symbols (see
 * ksyms_cache.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ksyms_cache.h"
#include "log.h"

#define KSYMS_CACHE_DIR "/run/pidtrace"
#define KSYMS_CACHE_ENV "PIDTRACE_KSYMS_CACHE_DIR"
/* A cache larger than this is not one (the core's lines are ~4 MiB). */
#define KSYMS_CACHE_MAX (64u << 20)
#define HIDDEN_ADDR "0000000000000000 "

int ksyms_cache__path(char *buf, size_t len)
{
	const char *dir = getenv(KSYMS_CACHE_ENV);
	char boot[64] = "";
	FILE *f;
	size_t i;

	if (dir && !strcmp(dir, "off"))
		return -ENOENT;
	if (!dir || !dir[0])
		dir = KSYMS_CACHE_DIR;
	f = fopen("/proc/sys/kernel/random/boot_id", "re");
	if (!f)
		return -ENOENT;
	if (!fgets(boot, sizeof(boot), f))
		boot[0] = '\0';
	fclose(f);
	boot[strcspn(boot, "\n")] = '\0';
	for (i = 0; boot[i]; i++)
		if (!strchr("0123456789abcdef-", boot[i]))
			return -ENOENT;
	if (i < 32)
		return -ENOENT;
	if ((size_t)snprintf(buf, len, "%s/kallsyms-%s", dir, boot) >= len)
		return -ENAMETOOLONG;
	return 0;
}

/* Is @st ours and writable by no one else? */
static bool trusted(const struct stat *st)
{
	return st->st_uid == geteuid() && !(st->st_mode & (S_IWGRP | S_IWOTH));
}

/* The directory of @path: ours, a directory, no one else's to write. */
static bool dir_trusted(const char *path)
{
	char dir[512];
	struct stat st;
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash)
		return false;
	*slash = '\0';
	if (lstat(dir[0] ? dir : "/", &st))
		return false;
	if (!S_ISDIR(st.st_mode) || !trusted(&st)) {
		pr_debug("kallsyms cache: %s is not a directory only we can write: not used",
			 dir[0] ? dir : "/");
		return false;
	}
	return true;
}

/* The first line of /proc/kallsyms, read live, without its newline. */
static int live_first_line(char *buf, size_t len)
{
	FILE *f = fopen("/proc/kallsyms", "re");
	int err = 0;

	if (!f)
		return -errno;
	if (!fgets(buf, (int)len, f))
		err = -EIO;
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return err;
}

char *ksyms_cache__read(const char *path, size_t *len)
{
	char live[256] = "", first[256];
	struct stat st;
	char *text;
	ssize_t got;
	size_t n = 0;
	int fd;

	if (!dir_trusted(path))
		return NULL;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || !trusted(&st) ||
	    st.st_size > KSYMS_CACHE_MAX) {
		pr_debug("kallsyms cache: %s is not a file only we can write: not used", path);
		close(fd);
		return NULL;
	}
	text = malloc((size_t)st.st_size + 1);
	if (!text) {
		close(fd);
		return NULL;
	}
	while (n < (size_t)st.st_size) {
		got = read(fd, text + n, (size_t)st.st_size - n);
		if (got <= 0)
			break;
		n += (size_t)got;
	}
	close(fd);
	text[n] = '\0';
	snprintf(first, sizeof(first), "%.*s", (int)strcspn(text, "\n"), text);
	if (n != (size_t)st.st_size || live_first_line(live, sizeof(live)) || strcmp(live, first) ||
	    !strncmp(live, HIDDEN_ADDR, strlen(HIDDEN_ADDR))) {
		pr_debug("kallsyms cache: %s starts with '%s', /proc/kallsyms with '%s': not used",
			 path, first, live);
		free(text);
		return NULL;
	}
	*len = n;
	return text;
}

void ksyms_cache__store(const char *path, const char *text, size_t len)
{
	const char *p = text, *end = text + len, *nl;
	char tmp[600], dir[512], *slash;
	bool ok = true;
	FILE *f;
	int fd;

	/* Hidden addresses are never kept. */
	if (len < strlen(HIDDEN_ADDR) || !strncmp(text, HIDDEN_ADDR, strlen(HIDDEN_ADDR)))
		return;
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0700) && errno != EEXIST)
			return;
	}
	if (!dir_trusted(path))
		return;
	snprintf(tmp, sizeof(tmp), "%s.%d.tmp", path, (int)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		unlink(tmp);
		return;
	}
	for (; p < end && ok; p = nl + 1) {
		nl = memchr(p, '\n', end - p);
		if (!nl)
			nl = end;
		/* A module's or a BPF program's line ends in "\t[name]". */
		if (nl > p && !memchr(p, '\t', nl - p))
			ok = fwrite(p, 1, nl - p, f) == (size_t)(nl - p) && fputc('\n', f) != EOF;
	}
	if (fclose(f) || !ok || rename(tmp, path)) {
		pr_debug("kallsyms cache: cannot write %s", path);
		unlink(tmp);
		return;
	}
	pr_debug("kallsyms: the core kernel's symbols kept in %s", path);
}
