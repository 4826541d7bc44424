// SPDX-License-Identifier: GPL-2.0
/* procfs.c - whole-file reads of /proc/PID (see procfs.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <linux/magic.h>

#include "log.h"
#include "procfs.h"

static void proc_path(pid_t pid, const char *name, char *buf, size_t len)
{
	if (pid)
		snprintf(buf, len, "/proc/%d/%s", pid, name);
	else
		snprintf(buf, len, "/proc/self/%s", name);
}

int procfs__exists(pid_t pid)
{
	char path[32];

	snprintf(path, sizeof(path), "/proc/%d", pid);
	return access(path, F_OK) == 0;
}

int procfs__check_mounted(void)
{
	struct statfs fs;

	if (statfs("/proc", &fs) || fs.f_type != PROC_SUPER_MAGIC) {
		pr_err("no proc file system at /proc in pidtrace's mount namespace: processes are "
		       "read from it");
		return -ENOENT;
	}
	return 0;
}

/* ENOENT on a file of a process that is gone means the process is gone. */
static int gone_or(pid_t pid, int err)
{
	if ((err == -ENOENT || err == -ESRCH) && pid && !procfs__exists(pid))
		return -ESRCH;
	return err;
}

int procfs__read(pid_t pid, const char *name, char **out, size_t *lenp)
{
	size_t cap = 4096, len = 0;
	char path[128], *buf, *tmp;
	ssize_t n;
	int fd, err = 0;

	proc_path(pid, name, path, sizeof(path));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return gone_or(pid, -errno);
	buf = malloc(cap);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	for (;;) {
		if (len + 1 >= cap) {
			tmp = realloc(buf, cap * 2);
			if (!tmp) {
				err = -ENOMEM;
				break;
			}
			buf = tmp;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = gone_or(pid, -errno);
			break;
		}
		if (n == 0)
			break;
		len += n;
	}
	close(fd);
	if (err) {
		free(buf);
		return err;
	}
	buf[len] = '\0';
	*out = buf;
	if (lenp)
		*lenp = len;
	return 0;
}

int procfs__write(pid_t pid, const char *name, const char *buf, size_t len)
{
	char path[128];
	ssize_t n;
	int fd, err = 0;

	proc_path(pid, name, path, sizeof(path));
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	n = write(fd, buf, len);
	if (n < 0)
		err = -errno;
	else if ((size_t)n != len)
		err = -EIO;
	close(fd);
	return err;
}

int procfs__parse_autogroup(const char *buf, unsigned long *id, int *nice)
{
	unsigned long i;
	char tail;
	int n;

	if (!*buf)
		return -ENODATA;
	/* "%c" must match nothing but the newline: no text after N. */
	if (sscanf(buf, "/autogroup-%lu nice %d%c", &i, &n, &tail) != 3 || tail != '\n' ||
	    buf[strlen(buf) - 1] != '\n' || n < -20 || n > 19)
		return -EINVAL;
	*id = i;
	*nice = n;
	return 0;
}

int procfs__autogroup(pid_t pid, unsigned long *id, int *nice)
{
	char *buf = NULL;
	int err;

	err = procfs__read(pid, "autogroup", &buf, NULL);
	if (!err)
		err = procfs__parse_autogroup(buf, id, nice);
	free(buf);
	return err;
}

int procfs__parse_stat(const char *buf, struct procfs_stat *st)
{
	unsigned long long v[64];
	const char *open_p, *close_p, *p;
	char *end;
	size_t clen;
	int i;

	memset(st, 0, sizeof(*st));
	/* comm may hold spaces and parentheses: it ends at the last ')'. */
	open_p = strchr(buf, '(');
	close_p = strrchr(buf, ')');
	/* ") S": the state must follow, or p below would run past the end. */
	if (!open_p || !close_p || close_p < open_p || close_p[1] != ' ' || !close_p[2])
		return -EINVAL;
	clen = close_p - open_p - 1;
	if (clen >= sizeof(st->comm))
		clen = sizeof(st->comm) - 1;
	memcpy(st->comm, open_p + 1, clen);
	st->state = close_p[2];
	/* v[n] is field n of proc(5); fields 1-3 are done above. */
	memset(v, 0, sizeof(v));
	p = close_p + 3;
	for (i = 4; i < 64 && *p; i++) {
		while (*p == ' ')
			p++;
		if (!*p || *p == '\n')
			break;
		v[i] = strtoull(p, &end, 10);
		if (end == p)
			return -EINVAL;
		p = end;
	}
	if (i <= 52)
		return -EINVAL;
	st->ppid = v[4];
	st->pgrp = v[5];
	st->session = v[6];
	st->tty_nr = (int)v[7];
	st->tpgid = (pid_t)v[8];
	st->flags = v[9];
	st->nice = (long)v[19];
	st->threads = v[20];
	st->starttime = v[22];
	st->startcode = v[26];
	st->endcode = v[27];
	st->startstack = v[28];
	st->exit_signal = v[38];
	st->start_data = v[45];
	st->end_data = v[46];
	st->start_brk = v[47];
	st->arg_start = v[48];
	st->arg_end = v[49];
	st->env_start = v[50];
	st->env_end = v[51];
	st->exit_code = v[52];
	return 0;
}

int procfs__stat(pid_t pid, struct procfs_stat *st)
{
	char *buf;
	int err;

	err = procfs__read(pid, "stat", &buf, NULL);
	if (err)
		return err;
	err = procfs__parse_stat(buf, st);
	free(buf);
	return err;
}

const char *procfs__field(const char *buf, const char *key)
{
	size_t klen = strlen(key);
	const char *p = buf;

	while (p && *p) {
		if (!strncmp(p, key, klen)) {
			p += klen;
			while (*p == ' ' || *p == '\t')
				p++;
			return p;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return NULL;
}

int procfs__field_u64(const char *buf, const char *key, int base, uint64_t *val)
{
	const char *v = procfs__field(buf, key);
	char *end;

	if (!v)
		return -ENOENT;
	errno = 0;
	*val = strtoull(v, &end, base);
	if (end == v || errno)
		return -EINVAL;
	return 0;
}

int procfs__field_list(const char *buf, const char *key, uint32_t *vals, size_t max, size_t *n)
{
	const char *v = procfs__field(buf, key);
	char *end;

	*n = 0;
	if (!v)
		return -ENOENT;
	while (*n < max) {
		while (*v == ' ' || *v == '\t')
			v++;
		if (!*v || *v == '\n')
			break;
		vals[*n] = strtoul(v, &end, 10);
		if (end == v)
			return -EINVAL;
		(*n)++;
		v = end;
	}
	return 0;
}

int procfs__readlink(pid_t pid, const char *name, char *buf, size_t len)
{
	char path[128];
	ssize_t n;

	proc_path(pid, name, path, sizeof(path));
	n = readlink(path, buf, len - 1);
	if (n < 0)
		return gone_or(pid, -errno);
	buf[n] = '\0';
	return 0;
}

bool procfs__has_vmflag(const char *vmflags, const char *flag)
{
	size_t n = strlen(flag);
	const char *p = vmflags;

	while (p && (p = strstr(p, flag))) {
		if ((p == vmflags || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return true;
		p += n;
	}
	return false;
}
