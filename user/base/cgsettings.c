// SPDX-License-Identifier: GPL-2.0
/*
 * cgsettings.c - one cgroup's settings, owners and modes: read at dump,
 * written and read back at restore. See cgsettings.h.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgsettings.h"
#include "escape.h"
#include "fdio.h"

#define FILES_MAX 1024 /* files in one cgroup directory */
#define PASSES 4       /* settings that depend on each other: written again */

enum kind {
	K_NONE,	   /* not a setting: owner and mode only */
	K_PLAIN,   /* written back as it reads (line by line when it has several) */
	K_OOM,	   /* memory.oom_control: oom_kill_disable */
	K_DEVICES, /* devices.list: through devices.deny and devices.allow */
	K_SUBTREE, /* cgroup.subtree_control: "+memory -pids" */
	K_TYPE,	   /* cgroup.type: only "threaded" is written, the rest follows */
};

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

static enum kind classify(const char *name, mode_t mode)
{
	static const char *const not_settings[] = {
		"cgroup.procs", "cgroup.threads", "tasks", "cgroup.kill", "cgroup.events",
		"cgroup.freeze", "freezer.state", "cpuacct.usage", "cpu.weight.nice",
		"cgroup.event_control", "release_agent", "cgroup.sane_behavior", NULL
	};
	static const char *const counters[] = { ".peak", "failcnt", "max_usage_in_bytes", NULL };
	int i;

	if (!strcmp(name, "devices.list"))
		return K_DEVICES;
	if ((mode & (S_IRUSR | S_IWUSR)) != (S_IRUSR | S_IWUSR))
		return K_NONE;
	for (i = 0; not_settings[i]; i++)
		if (!strcmp(name, not_settings[i]))
			return K_NONE;
	for (i = 0; counters[i]; i++)
		if (ends_with(name, counters[i]))
			return K_NONE;
	/* PSI triggers: each is the opener's own. */
	if (ends_with(name, ".pressure") && strcmp(name, "cgroup.pressure"))
		return K_NONE;
	if (!strcmp(name, "memory.oom_control"))
		return K_OOM;
	if (!strcmp(name, "cgroup.subtree_control"))
		return K_SUBTREE;
	if (!strcmp(name, "cgroup.type"))
		return K_TYPE;
	return K_PLAIN;
}

/* The whole file @name of @dfd, without its final newlines, in @buf. */
static int read_text(int dfd, const char *name, char *buf, size_t len)
{
	int fd = openat(dfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = fdio__pread_all(fd, buf, len - 1, 0);
	close(fd);
	if (n < 0)
		return (int)n;
	if ((size_t)n == len - 1)
		return -EFBIG;
	while (n > 0 && buf[n - 1] == '\n')
		n--;
	buf[n] = '\0';
	return 0;
}

/* What is compared: the text, but memory.oom_control's oom_kill_disable only. */
static int read_value(int dfd, const char *name, enum kind k, char *buf, size_t len)
{
	int err = read_text(dfd, name, buf, len);
	size_t n;
	char *p;

	if (err || k != K_OOM)
		return err;
	p = strstr(buf, "oom_kill_disable ");
	if (!p)
		return -EINVAL;
	p += strlen("oom_kill_disable ");
	n = strcspn(p, "\n");
	memmove(buf, p, n);
	buf[n] = '\0';
	return 0;
}

static int write_str(int dfd, const char *name, const char *s)
{
	int fd = openat(dfd, name, O_WRONLY | O_CLOEXEC | O_NOFOLLOW), err;

	if (fd < 0)
		return -errno;
	/* An empty value ("cpuset.cpus") is a write of a newline: a write of nothing is no write. */
	err = fdio__write_all(fd, s[0] ? s : "\n", s[0] ? strlen(s) : 1);
	close(fd);
	return err;
}

/* Each line of @v, one write each ("eth0 5", "8:0 rbps=1048576 ..."). */
static int write_lines(int dfd, const char *name, const char *v)
{
	char line[4096];
	int err = 0;

	while (*v && !err) {
		size_t n = strcspn(v, "\n");

		if (n >= sizeof(line))
			return -E2BIG;
		memcpy(line, v, n);
		line[n] = '\0';
		if (n)
			err = write_str(dfd, name, line);
		v += n + (v[n] == '\n');
	}
	return err;
}

static int write_setting(int dfd, const CgroupFile *f, enum kind k, const char *cur)
{
	char *copy, *tok, *save = NULL, ops[1024];
	int err;
	size_t n = 0;

	switch (k) {
	case K_OOM:
		return write_str(dfd, f->name, f->value);
	case K_DEVICES:
		/* Exactly the list: nothing, then each rule. */
		err = write_str(dfd, "devices.deny", "a");
		if (!err && !strcmp(f->value, "a *:* rwm"))
			return write_str(dfd, "devices.allow", "a");
		return err ? err : write_lines(dfd, "devices.allow", f->value);
	case K_TYPE:
		return strcmp(f->value, "threaded") ? 0 : write_str(dfd, f->name, "threaded");
	case K_SUBTREE:
		ops[0] = '\0';
		copy = strdup(f->value);
		if (!copy)
			return -ENOMEM;
		for (tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
			n += snprintf(ops + n, n < sizeof(ops) ? sizeof(ops) - n : 0, "+%s ", tok);
		free(copy);
		copy = strdup(cur);
		if (!copy)
			return -ENOMEM;
		for (tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
			char word[130];

			snprintf(word, sizeof(word), "+%s ", tok);
			if (!strstr(ops, word))
				n += snprintf(ops + n, n < sizeof(ops) ? sizeof(ops) - n : 0, "-%s ",
					      tok);
		}
		free(copy);
		if (n >= sizeof(ops))
			return -E2BIG;
		return write_str(dfd, f->name, ops);
	default:
		if (strchr(f->value, '\n'))
			return write_lines(dfd, f->name, f->value);
		return write_str(dfd, f->name, f->value);
	}
}

/* ---------------------------------------------------------------- dump */

static int file_cmp(const void *a, const void *b)
{
	return strcmp((*(CgroupFile *const *)a)->name, (*(CgroupFile *const *)b)->name);
}

/* A frozen cgroup's tasks would come back frozen, or not: neither is ours to decide. */
static int check_frozen(int dfd, const char *name, const char *v, char *why, size_t len)
{
	if ((!strcmp(name, "cgroup.freeze") && strcmp(v, "0")) ||
	    (!strcmp(name, "freezer.state") && strcmp(v, "THAWED"))) {
		snprintf(why, len, "it is frozen (%s: %s)", name, escape__str(v));
		return -EOPNOTSUPP;
	}
	(void)dfd;
	return 0;
}

static int read_file(int dfd, const char *name, CgroupFile **out, char *buf, char *why, size_t len)
{
	CgroupFile *f;
	struct stat st;
	enum kind k;
	int err;

	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW))
		return -errno;
	if (!S_ISREG(st.st_mode))
		return 0;
	f = malloc(sizeof(*f));
	if (!f)
		return -ENOMEM;
	cgroup_file__init(f);
	*out = f;
	f->name = strdup(name);
	if (!f->name)
		return -ENOMEM;
	f->mode = st.st_mode & 07777;
	f->uid = st.st_uid;
	f->gid = st.st_gid;
	k = classify(name, st.st_mode);
	if (!strcmp(name, "cgroup.freeze") || !strcmp(name, "freezer.state")) {
		err = read_text(dfd, name, buf, CGSETTINGS_VALUE_MAX);
		return err ? 0 : check_frozen(dfd, name, buf, why, len);
	}
	if (k == K_NONE)
		return 0;
	err = read_value(dfd, name, k, buf, CGSETTINGS_VALUE_MAX);
	if (err) {
		snprintf(why, len, "its setting %s cannot be read (%s): restore could not write it back",
			 escape__str(name), err == -EFBIG ? "longer than 64 KiB" : strerror(-err));
		return -EOPNOTSUPP;
	}
	f->value = strdup(buf);
	return f->value ? 0 : -ENOMEM;
}

int cgsettings__read(const char *dir, const char *controllers, const char *path, CgroupDir **out,
		     char *why, size_t len)
{
	CgroupDir *d = malloc(sizeof(*d));
	char *buf = malloc(CGSETTINGS_VALUE_MAX);
	struct dirent *de;
	struct stat st;
	DIR *dh = NULL;
	int dfd = -1, err = 0;

	why[0] = '\0';
	if (!d || !buf) {
		free(d);
		free(buf);
		return -ENOMEM;
	}
	cgroup_dir__init(d);
	d->controllers = strdup(controllers);
	d->path = strdup(path);
	d->files = calloc(FILES_MAX, sizeof(*d->files));
	if (!d->controllers || !d->path || !d->files) {
		err = -ENOMEM;
		goto out;
	}
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || fstat(dfd, &st)) {
		err = -errno;
		goto out;
	}
	d->mode = st.st_mode & 07777;
	d->uid = st.st_uid;
	d->gid = st.st_gid;
	dh = fdopendir(dup(dfd));
	if (!dh) {
		err = -errno;
		goto out;
	}
	while (!err && (de = readdir(dh))) {
		if (de->d_name[0] == '.' || de->d_type == DT_DIR)
			continue;
		if (d->n_files == FILES_MAX) {
			snprintf(why, len, "it has more than %d files", FILES_MAX);
			err = -EOPNOTSUPP;
			break;
		}
		err = read_file(dfd, de->d_name, &d->files[d->n_files], buf, why, len);
		if (d->files[d->n_files])
			d->n_files++;
	}
	if (!err)
		qsort(d->files, d->n_files, sizeof(*d->files), file_cmp);
out:
	if (dh)
		closedir(dh);
	if (dfd >= 0)
		close(dfd);
	free(buf);
	if (err) {
		protobuf_c_message_free_unpacked(&d->base, NULL);
		return err;
	}
	*out = d;
	return 0;
}

/* ------------------------------------------------------------- restore */

static int owner_mode(int dfd, const char *name, uint32_t mode, uint32_t uid, uint32_t gid,
		      const struct stat *st)
{
	if ((st->st_uid != uid || st->st_gid != gid) &&
	    (name ? fchownat(dfd, name, uid, gid, AT_SYMLINK_NOFOLLOW) : fchown(dfd, uid, gid)))
		return -errno;
	if ((st->st_mode & 07777) != mode && (name ? fchmodat(dfd, name, mode, 0) : fchmod(dfd, mode)))
		return -errno;
	return 0;
}

/* Is @f's value what the cgroup says? @cur gets what it says. */
static int same_value(int dfd, const CgroupFile *f, char *cur, int *same)
{
	int err = read_value(dfd, f->name, classify(f->name, S_IRUSR | S_IWUSR), cur,
			     CGSETTINGS_VALUE_MAX);

	*same = !err && !strcmp(cur, f->value);
	return err;
}

int cgsettings__apply(int dfd, const CgroupDir *d, char *why, size_t len)
{
	char *cur = malloc(CGSETTINGS_VALUE_MAX);
	int pass, left = 0, err = 0, last = 0, same;
	const CgroupFile *bad = NULL;
	struct stat st;
	size_t i;

	why[0] = '\0';
	if (!cur)
		return -ENOMEM;
	/* Only settings are written (never cgroup.procs, release_agent...), whatever an image says. */
	for (i = 0; i < d->n_files; i++)
		if (d->files[i]->value && classify(d->files[i]->name, S_IRUSR | S_IWUSR) == K_NONE) {
			snprintf(why, len, "%s: not a setting pidtrace writes",
				 escape__str(d->files[i]->name));
			err = -EINVAL;
			goto out;
		}
	/* cgroup.type first (threaded controllers need it), cgroup.subtree_control last. */
	for (i = 0; i < d->n_files; i++) {
		const CgroupFile *f = d->files[i];

		if (!f->value || classify(f->name, S_IRUSR | S_IWUSR) != K_TYPE)
			continue;
		err = same_value(dfd, f, cur, &same);
		if (!err && !same)
			err = write_setting(dfd, f, K_TYPE, cur);
		if (err) {
			snprintf(why, len, "%s: cannot write %s: %s", escape__str(f->name),
				 escape__str(f->value), strerror(-err));
			goto out;
		}
	}
	/* Limits that depend on each other (memsw above limit, a quota within the period): again. */
	for (pass = 0; pass < PASSES; pass++) {
		left = 0;
		for (i = 0; i < d->n_files; i++) {
			const CgroupFile *f = d->files[i];
			enum kind k;

			if (!f->value)
				continue;
			k = classify(f->name, S_IRUSR | S_IWUSR);
			if (k == K_TYPE || k == K_SUBTREE)
				continue;
			err = same_value(dfd, f, cur, &same);
			if (err == -ENOENT) {
				snprintf(why, len, "%s: no such file here (its controller is not enabled?)",
					 escape__str(f->name));
				goto out;
			}
			if (!err && same)
				continue;
			err = write_setting(dfd, f, k, cur);
			if (!err)
				err = same_value(dfd, f, cur, &same);
			if (!err && same)
				continue;
			left++;
			bad = f;
			last = err;
		}
		if (!left)
			break;
	}
	if (left) {
		if (last)
			snprintf(why, len, "%s: cannot write %s: %s", escape__str(bad->name),
				 escape__str(bad->value), strerror(-last));
		else
			snprintf(why, len, "%s: wrote %s, reads %s", escape__str(bad->name),
				 escape__str(bad->value), escape__str(cur));
		err = last ? last : -EIO;
		goto out;
	}
	for (i = 0; i < d->n_files; i++) {
		const CgroupFile *f = d->files[i];

		if (!f->value || classify(f->name, S_IRUSR | S_IWUSR) != K_SUBTREE)
			continue;
		err = same_value(dfd, f, cur, &same);
		if (!err && !same)
			err = write_setting(dfd, f, K_SUBTREE, cur);
		if (err) {
			snprintf(why, len, "%s: cannot write %s: %s", escape__str(f->name),
				 escape__str(f->value), strerror(-err));
			goto out;
		}
	}
	/* Owners and modes last: a delegated cgroup's user gets it as it was. */
	for (i = 0; i < d->n_files; i++) {
		const CgroupFile *f = d->files[i];

		err = fstatat(dfd, f->name, &st, AT_SYMLINK_NOFOLLOW) ? -errno : 0;
		if (!err)
			err = owner_mode(dfd, f->name, f->mode, f->uid, f->gid, &st);
		if (err) {
			snprintf(why, len, "%s: cannot give it owner %u:%u, mode %04o: %s",
				 escape__str(f->name), f->uid, f->gid, f->mode, strerror(-err));
			goto out;
		}
	}
	err = fstat(dfd, &st) ? -errno : 0;
	if (!err)
		err = owner_mode(dfd, NULL, d->mode, d->uid, d->gid, &st);
	if (err)
		snprintf(why, len, "cannot give it owner %u:%u, mode %04o: %s", d->uid, d->gid,
			 d->mode, strerror(-err));
out:
	free(cur);
	return err;
}

int cgsettings__compare(int dfd, const CgroupDir *d, char *why, size_t len)
{
	char *cur = malloc(CGSETTINGS_VALUE_MAX);
	struct stat st;
	int err = 0, same;
	size_t i;

	why[0] = '\0';
	if (!cur)
		return -ENOMEM;
	if (fstat(dfd, &st)) {
		err = -errno;
		snprintf(why, len, "cannot stat it: %s", strerror(-err));
		goto out;
	}
	if ((st.st_mode & 07777) != d->mode || st.st_uid != d->uid || st.st_gid != d->gid) {
		snprintf(why, len, "its owner and mode are %u:%u %04o, the image says %u:%u %04o",
			 st.st_uid, st.st_gid, st.st_mode & 07777, d->uid, d->gid, d->mode);
		err = 1;
		goto out;
	}
	for (i = 0; i < d->n_files; i++) {
		const CgroupFile *f = d->files[i];

		if (fstatat(dfd, f->name, &st, AT_SYMLINK_NOFOLLOW)) {
			snprintf(why, len, "%s: %s", escape__str(f->name), strerror(errno));
			err = 1;
			goto out;
		}
		if ((st.st_mode & 07777) != f->mode || st.st_uid != f->uid || st.st_gid != f->gid) {
			snprintf(why, len, "%s: owner and mode %u:%u %04o, the image says %u:%u %04o",
				 escape__str(f->name), st.st_uid, st.st_gid, st.st_mode & 07777,
				 f->uid, f->gid, f->mode);
			err = 1;
			goto out;
		}
		if (!f->value)
			continue;
		err = same_value(dfd, f, cur, &same);
		if (err) {
			snprintf(why, len, "%s: cannot read it: %s", escape__str(f->name),
				 strerror(-err));
			goto out;
		}
		if (!same) {
			snprintf(why, len, "%s is %s, the image says %s", escape__str(f->name),
				 escape__str(cur), escape__str(f->value));
			err = 1;
			goto out;
		}
	}
out:
	free(cur);
	return err;
}
