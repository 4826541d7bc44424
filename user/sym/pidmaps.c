// SPDX-License-Identifier: GPL-2.0
/*
 * pidmaps.c - processes' file mappings, read once and kept (see pidmaps.h).
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "pidmaps.h"
#include "procfs.h"

struct pm_map {
	uint64_t start, end, pgoff, dev, ino;
	bool vdso;
	char *path;	  /* NULL: not a plain file */
	int stat_err;	  /* 1: not stat()ed yet, 0: mtime_ns is valid */
	int64_t mtime_ns;
};

struct pidmaps_proc {
	pid_t pid;
	int pidfd; /* on the process the view was read from */
	bool gone;
	uint64_t read_ns;
	struct pm_map *maps; /* sorted by start, as the kernel lists them */
	size_t n;
	uint64_t last_use;
};

struct pidmaps {
	struct pidmaps_proc *v;
	size_t n, max;
	uint64_t tick;
	struct pidmaps_stats st;
};

struct pidmaps *pidmaps__new(size_t max_procs)
{
	struct pidmaps *pm = calloc(1, sizeof(*pm));

	if (!pm)
		return NULL;
	pm->max = max_procs ? max_procs : PIDMAPS_DEFAULT_MAX;
	pm->v = calloc(pm->max, sizeof(*pm->v));
	if (!pm->v) {
		free(pm);
		return NULL;
	}
	return pm;
}

static void free_maps(struct pm_map *maps, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(maps[i].path);
	free(maps);
}

static void clear_proc(struct pidmaps_proc *p)
{
	if (p->pidfd >= 0)
		close(p->pidfd);
	free_maps(p->maps, p->n);
	memset(p, 0, sizeof(*p));
	p->pidfd = -1;
}

void pidmaps__free(struct pidmaps *pm)
{
	size_t i;

	if (!pm)
		return;
	for (i = 0; i < pm->n; i++)
		clear_proc(&pm->v[i]);
	free(pm->v);
	free(pm);
}

void pidmaps__stats(const struct pidmaps *pm, struct pidmaps_stats *st)
{
	*st = pm->st;
	st->procs = pm->n;
}

/* A path that opens the mapped file: absolute, and not " (deleted)". */
static bool openable_path(const char *s, size_t n)
{
	static const char deleted[] = " (deleted)";
	size_t dl = sizeof(deleted) - 1;

	return n && s[0] == '/' && !(n >= dl && !memcmp(s + n - dl, deleted, dl));
}

/*
 * Parse maps text: "start-end perms offset major:minor inode [path]" per
 * line; each line is cut at its newline, so that sscanf() sees one line
 * (not the rest of a text that can be megabytes long). Lines that do not
 * parse are skipped. Return: mappings, or -ENOMEM.
 */
static ssize_t parse_maps(char *text, struct pm_map **out)
{
	struct pm_map *v = NULL, *tmp;
	size_t n = 0, cap = 0;
	char *line, *end, *next;

	for (line = text; *line; line = next) {
		unsigned long long start, stop, off, ino;
		unsigned int maj, min;
		const char *path;
		int pos = 0;

		end = strchrnul(line, '\n');
		next = *end ? end + 1 : end;
		*end = '\0';
		if (sscanf(line, "%llx-%llx %*s %llx %x:%x %llu%n", &start, &stop, &off, &maj,
			   &min, &ino, &pos) != 6 || !pos)
			continue;
		for (path = line + pos; path < end && (*path == ' ' || *path == '\t'); path++)
			;
		if (n == cap) {
			cap = cap ? 2 * cap : 32;
			tmp = realloc(v, cap * sizeof(*v));
			if (!tmp)
				goto nomem;
			v = tmp;
		}
		v[n] = (struct pm_map){ .start = start, .end = stop, .pgoff = off,
					.dev = makedev(maj, min), .ino = ino, .stat_err = 1 };
		/* A file the kernel maps has an inode; a name alone is no file. */
		v[n].vdso = !ino && end - path == 6 && !memcmp(path, "[vdso]", 6);
		if (ino && openable_path(path, (size_t)(end - path))) {
			v[n].path = strndup(path, (size_t)(end - path));
			if (!v[n].path)
				goto nomem;
		}
		n++;
	}
	*out = v;
	return (ssize_t)n;
nomem:
	free_maps(v, n);
	return -ENOMEM;
}

static bool exited(int pidfd)
{
	struct pollfd pfd = { .fd = pidfd, .events = POLLIN };

	/* A pidfd polls readable once its process has exited (zombie or reaped). */
	return poll(&pfd, 1, 0) != 0;
}

/* Read @pid's mappings into @p (replacing its view only on success). */
static int read_view(struct pidmaps *pm, struct pidmaps_proc *p, pid_t pid)
{
	struct pm_map *maps = NULL;
	char *text = NULL;
	ssize_t n;
	int fd, err;

	fd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (fd < 0)
		return errno == ESRCH ? -ESRCH : -errno;
	err = procfs__read(pid, "maps", &text, NULL);
	if (err)
		goto err;
	n = parse_maps(text, &maps);
	free(text);
	if (n < 0) {
		err = (int)n;
		goto err;
	}
	/*
	 * Read before the pidfd's process exited: the text is its own. A
	 * zombie (or a pid reused in between) reads as nothing useful.
	 */
	if (!n || exited(fd)) {
		free_maps(maps, (size_t)n);
		err = -ESRCH;
		goto err;
	}
	pm->st.reads++;
	if (p->pidfd >= 0)
		close(p->pidfd);
	free_maps(p->maps, p->n);
	p->pid = pid;
	p->pidfd = fd;
	p->gone = false;
	p->read_ns = clock__mono_ns();
	p->maps = maps;
	p->n = (size_t)n;
	return 0;
err:
	close(fd);
	return err;
}

static struct pidmaps_proc *find_proc(struct pidmaps *pm, pid_t pid)
{
	size_t i;

	for (i = 0; i < pm->n; i++)
		if (pm->v[i].pid == pid)
			return &pm->v[i];
	return NULL;
}

int pidmaps__get(struct pidmaps *pm, pid_t pid, struct pidmaps_proc **out)
{
	struct pidmaps_proc *p = find_proc(pm, pid), *victim;
	size_t i;
	int err;

	if (pid <= 0)
		return -EINVAL;
	if (!p) {
		struct pidmaps_proc fresh = { .pidfd = -1 };

		err = read_view(pm, &fresh, pid);
		if (err)
			return err;
		if (pm->n < pm->max) {
			p = &pm->v[pm->n++];
		} else {
			victim = &pm->v[0];
			for (i = 1; i < pm->n; i++)
				if (pm->v[i].last_use < victim->last_use)
					victim = &pm->v[i];
			clear_proc(victim);
			pm->st.evictions++;
			p = victim;
		}
		*p = fresh;
	}
	p->last_use = ++pm->tick;
	*out = p;
	return 0;
}

bool pidmaps__gone(struct pidmaps_proc *p)
{
	if (!p->gone && exited(p->pidfd))
		p->gone = true;
	return p->gone;
}

int pidmaps__reload(struct pidmaps *pm, struct pidmaps_proc *p)
{
	if (!pidmaps__gone(p) && clock__mono_ns() - p->read_ns < PIDMAPS_RELOAD_NS)
		return -EBUSY;
	return read_view(pm, p, p->pid);
}

static void set_map(const struct pidmaps_proc *p, size_t i, struct pidmaps_map *out)
{
	const struct pm_map *m = &p->maps[i];

	*out = (struct pidmaps_map){ .start = m->start, .end = m->end, .pgoff = m->pgoff,
				     .dev = m->dev, .ino = m->ino, .path = m->path,
				     .anon = !m->ino && !m->vdso, .idx = i };
}

int pidmaps__find(const struct pidmaps_proc *p, uint64_t addr, struct pidmaps_map *out)
{
	size_t lo = 0, hi = p->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct pm_map *m = &p->maps[mid];

		if (addr < m->start) {
			hi = mid;
		} else if (addr >= m->end) {
			lo = mid + 1;
		} else {
			set_map(p, mid, out);
			return 0;
		}
	}
	return -ENOENT;
}

int pidmaps__above(const struct pidmaps_proc *p, uint64_t addr, struct pidmaps_map *out)
{
	size_t lo = 0, hi = p->n;

	/* The first mapping whose start is above addr. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (p->maps[mid].start <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == p->n)
		return -ENOENT;
	set_map(p, lo, out);
	return 0;
}

int pidmaps__file_id(struct pidmaps_proc *p, const struct pidmaps_map *m, struct symcache_id *id)
{
	struct pm_map *pm;
	struct stat st;

	if (m->idx >= p->n)
		return -EINVAL;
	pm = &p->maps[m->idx];
	if (!pm->path)
		return -ENOENT;
	if (pm->stat_err == 1) {
		if (stat(pm->path, &st))
			pm->stat_err = -errno;
		else if ((uint64_t)st.st_dev != pm->dev || (uint64_t)st.st_ino != pm->ino ||
			 !S_ISREG(st.st_mode))
			pm->stat_err = -ESTALE;
		else {
			pm->stat_err = 0;
			pm->mtime_ns =
				(int64_t)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
		}
	}
	if (pm->stat_err)
		return pm->stat_err;
	symcache__id_inode(id, pm->dev, pm->ino, pm->mtime_ns);
	return 0;
}
