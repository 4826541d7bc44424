// SPDX-License-Identifier: GPL-2.0
/*
 * cgmount.c - cgroup membership: read it, find a hierarchy's directory in
 * our mounts, move a task. See cgmount.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgmount.h"
#include "fdio.h"

int cgmount__read(pid_t pid, pid_t tid, struct cgmount_set *out)
{
	char path[64], *line = NULL;
	size_t cap = 0;
	ssize_t len;
	FILE *f;
	int err = 0;

	if (tid > 0)
		snprintf(path, sizeof(path), "/proc/%d/task/%d/cgroup", pid, tid);
	else
		snprintf(path, sizeof(path), "/proc/%d/cgroup", pid);
	f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? -ESRCH : -errno;
	out->n = 0;
	/* "ID:CONTROLLERS:PATH"; the path may hold ':' itself. */
	while ((len = getline(&line, &cap, f)) > 0) {
		char *c, *p;
		struct cgmount_entry *e;

		if (line[len - 1] == '\n')
			line[--len] = '\0';
		c = strchr(line, ':');
		p = c ? strchr(c + 1, ':') : NULL;
		if (!p) {
			err = -EINVAL;
			break;
		}
		if (out->n == CGMOUNT_MAX) {
			err = -E2BIG;
			break;
		}
		e = &out->e[out->n++];
		*p = '\0';
		if (snprintf(e->controllers, sizeof(e->controllers), "%s", c + 1) >=
			    (int)sizeof(e->controllers) ||
		    snprintf(e->path, sizeof(e->path), "%s", p + 1) >= (int)sizeof(e->path)) {
			err = -ENAMETOOLONG;
			break;
		}
	}
	/* A task that exited between the open and the read shows nothing. */
	if (!err && ferror(f))
		err = errno == ESRCH ? -ESRCH : -EIO;
	free(line);
	fclose(f);
	return err;
}

const struct cgmount_entry *cgmount__find(const struct cgmount_set *s, const char *controllers)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (!strcmp(s->e[i].controllers, controllers))
			return &s->e[i];
	return NULL;
}

int cgmount__same(const struct cgmount_set *a, const struct cgmount_set *b)
{
	size_t i;

	if (a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++) {
		const struct cgmount_entry *o = cgmount__find(b, a->e[i].controllers);

		if (!o || strcmp(o->path, a->e[i].path))
			return 0;
	}
	return 1;
}

/* Is @tok one of the comma-separated words of @list? */
static int list_has(const char *list, const char *tok)
{
	size_t tl = strlen(tok);
	const char *p = list;

	while (*p) {
		const char *e = strchrnul(p, ',');

		if ((size_t)(e - p) == tl && !strncmp(p, tok, tl))
			return 1;
		p = *e ? e + 1 : e;
	}
	return 0;
}

/* A cgroup v1 super option that is not a controller (nor name=). */
static int v1_option(const char *tok)
{
	static const char *const opts[] = { "rw", "ro", "noprefix", "clone_children", "xattr",
					     "cpuset_v2_mode", "favordynmods", "none", NULL };
	int i;

	if (!strncmp(tok, "release_agent=", 14))
		return 1;
	for (i = 0; opts[i]; i++)
		if (!strcmp(tok, opts[i]))
			return 1;
	return 0;
}

/*
 * Do a v1 mount's super options ("rw,cpu,cpuacct", "rw,name=systemd") name
 * exactly @controllers, in any order?
 */
static int opts_match(const char *super, const char *controllers)
{
	char buf[512], *tok, *save = NULL;
	size_t have = 0, want = 1;
	const char *c;

	for (c = controllers; *c; c++)
		want += *c == ',';
	snprintf(buf, sizeof(buf), "%s", super);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (v1_option(tok))
			continue;
		if (!list_has(controllers, tok))
			return 0;
		have++;
	}
	return have == want;
}

/* mountinfo escapes blanks as \040 and so on: undo it in place. */
static void unescape(char *s)
{
	char *d = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*d++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*d++ = *s;
		}
	}
	*d = '\0';
}

int cgmount__dir(const char *controllers, const char *path, char *dir, size_t len)
{
	char *line = NULL;
	size_t cap = 0;
	int err = -ENOENT;
	FILE *f = fopen("/proc/self/mountinfo", "re");

	if (!f)
		return -errno;
	while (getline(&line, &cap, f) > 0) {
		char root[PATH_MAX], mnt[PATH_MAX], fstype[32], super[512];
		const char *sep = strstr(line, " - ");
		const char *rest;
		size_t rl;

		/* "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [TAGS] - FSTYPE SOURCE SUPEROPTS" */
		if (!sep || sscanf(line, "%*d %*d %*s %4095s %4095s", root, mnt) != 2 ||
		    sscanf(sep + 3, "%31s %*s %511s", fstype, super) != 2)
			continue;
		if (controllers[0] ? strcmp(fstype, "cgroup") || !opts_match(super, controllers)
				   : strcmp(fstype, "cgroup2"))
			continue;
		unescape(root);
		unescape(mnt);
		/* The mount shows ROOT and below: PATH must be in there. */
		rl = strlen(root);
		if (strcmp(root, "/")) {
			if (strncmp(path, root, rl) || (path[rl] != '/' && path[rl] != '\0'))
				continue;
			rest = path + rl;
		} else {
			rest = path;
		}
		if (snprintf(dir, len, "%s%s", mnt, !strcmp(rest, "/") ? "" : rest) >= (int)len) {
			err = -ENAMETOOLONG;
			break;
		}
		err = 0;
		break;
	}
	free(line);
	fclose(f);
	return err;
}

int cgmount__move(const char *controllers, const char *path, pid_t tid, int thread)
{
	char dir[PATH_MAX], file[PATH_MAX + 32], num[16];
	int fd, err, n;

	err = cgmount__dir(controllers, path, dir, sizeof(dir));
	if (err)
		return err;
	snprintf(file, sizeof(file), "%s/%s", dir,
		 !thread ? "cgroup.procs" : controllers[0] ? "tasks" : "cgroup.threads");
	fd = open(file, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = snprintf(num, sizeof(num), "%d", tid);
	err = fdio__write_all(fd, num, n);
	close(fd);
	return err;
}

bool cgmount__good_path(const char *p, size_t max)
{
	size_t n;

	if (p[0] != '/' || !p[1] || strlen(p) >= max)
		return false;
	while (*p == '/') {
		p++;
		n = strcspn(p, "/");
		if (!n || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return false;
		p += n;
	}
	return *p == '\0';
}
