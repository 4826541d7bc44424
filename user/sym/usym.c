// SPDX-License-Identifier: GPL-2.0
/*
 * usym.c - user-space symbolization with libdwfl (see usym.h).
 *
 * Each pid has up to two views of its address space:
 *  - live: dwfl_linux_proc_report() on /proc/PID/maps, made on first use
 *    while the process runs and made again (at most once a second) when an
 *    address falls outside every module, e.g. a library dlopen()ed since;
 *  - snapshot: the start (file offset 0) of every mapped file, recorded by
 *    usym__snapshot() and reported with dwfl_report_elf() at those load
 *    bases once the process is gone.
 * A process is gone when /proc/PID/stat is missing, shows a zombie (its
 * mappings are released) or another start time (the pid was reused).
 *
 * The Dwfls themselves are made and read in usym_dwfl.c (where libdwfl
 * looks for debuginfo is said there).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "procfs.h"
#include "usym.h"
#include "usym_dwfl.h"

#define USYM_BUCKETS 256
/* Each Dwfl holds the symbol tables of a process's files: a few MiB. */
#define USYM_MAX_DWFL 64
/* Processes remembered at all (a few hundred bytes each, without a Dwfl). */
#define USYM_MAX_PROCS 1024
/* A process maps a few dozen files; more is not worth recording. */
#define USYM_MAX_MODS	1024
#define USYM_REFRESH_NS 1000000000ull

struct usym_proc {
	struct usym_proc *next;
	pid_t pid;
	uint64_t start_time; /* of the process described, from /proc/PID/stat */
	Dwfl *live;
	uint64_t live_ns; /* when live was made */
	Dwfl *snap;	  /* made from mods on first use */
	struct usym_mod *mods;
	size_t nr_mods;
	bool has_snap;
	uint64_t last_use;
};

struct usym {
	struct usym_proc *buckets[USYM_BUCKETS];
	size_t nr_dwfl, nr_procs;
	uint64_t tick;
};

/*
 * The start time of a running process. Return: 0, or -ESRCH when it is
 * gone or a zombie (no mappings left to read).
 */
static int read_start_time(pid_t pid, uint64_t *start)
{
	struct procfs_stat st;
	int err;

	err = procfs__stat(pid, &st);
	if (err)
		return err == -ENOENT ? -ESRCH : err;
	if (st.state == 'Z' || st.state == 'X')
		return -ESRCH;
	*start = st.starttime;
	return 0;
}

static struct usym_proc *find_proc(const struct usym *u, pid_t pid)
{
	struct usym_proc *p;

	for (p = u->buckets[(unsigned int)pid % USYM_BUCKETS]; p; p = p->next) {
		if (p->pid == pid)
			return p;
	}
	return NULL;
}

static struct usym_proc *add_proc(struct usym *u, pid_t pid)
{
	struct usym_proc *p = calloc(1, sizeof(*p));
	unsigned int b = (unsigned int)pid % USYM_BUCKETS;

	if (!p)
		return NULL;
	p->pid = pid;
	p->next = u->buckets[b];
	u->buckets[b] = p;
	u->nr_procs++;
	return p;
}

static void end_dwfl(struct usym *u, Dwfl **d)
{
	if (!*d)
		return;
	dwfl_end(*d);
	*d = NULL;
	u->nr_dwfl--;
}

static void clear_snapshot(struct usym *u, struct usym_proc *p)
{
	size_t i;

	end_dwfl(u, &p->snap);
	for (i = 0; i < p->nr_mods; i++)
		free(p->mods[i].path);
	free(p->mods);
	p->mods = NULL;
	p->nr_mods = 0;
	p->has_snap = false;
}

static void free_proc(struct usym *u, struct usym_proc *p)
{
	end_dwfl(u, &p->live);
	clear_snapshot(u, p);
	free(p);
}

static void unlink_proc(struct usym *u, struct usym_proc *p)
{
	struct usym_proc **pp = &u->buckets[(unsigned int)p->pid % USYM_BUCKETS];

	while (*pp != p)
		pp = &(*pp)->next;
	*pp = p->next;
	u->nr_procs--;
	free_proc(u, p);
}

/*
 * Keep memory bounded: drop the Dwfls of the least recently used pid, and
 * beyond USYM_MAX_PROCS the least recently used pid altogether (a long
 * watch sees pids come and go for ever).
 */
static void evict(struct usym *u, const struct usym_proc *keep)
{
	struct usym_proc *p, *victim;
	size_t b;

	while (u->nr_dwfl > USYM_MAX_DWFL || u->nr_procs > USYM_MAX_PROCS) {
		bool dwfl_only = u->nr_procs <= USYM_MAX_PROCS;

		victim = NULL;
		for (b = 0; b < USYM_BUCKETS; b++) {
			for (p = u->buckets[b]; p; p = p->next) {
				if (p == keep || (dwfl_only && !p->live && !p->snap))
					continue;
				if (!victim || p->last_use < victim->last_use)
					victim = p;
			}
		}
		if (!victim)
			return;
		if (!dwfl_only) {
			unlink_proc(u, victim);
			continue;
		}
		/* The recorded mappings stay: the snapshot view can be rebuilt. */
		end_dwfl(u, &victim->live);
		end_dwfl(u, &victim->snap);
	}
}

static int report_live(struct usym *u, struct usym_proc *p)
{
	Dwfl *d;
	int err;

	err = usym_dwfl__live(p->pid, &d);
	if (err)
		return err;
	if (p->live)
		end_dwfl(u, &p->live);
	p->live = d;
	p->live_ns = clock__mono_ns();
	u->nr_dwfl++;
	return 0;
}

static int report_snapshot(struct usym *u, struct usym_proc *p)
{
	int err;

	err = usym_dwfl__files(p->pid, p->mods, p->nr_mods, &p->snap);
	if (err)
		return err;
	u->nr_dwfl++;
	return 0;
}

/* The process is gone: the snapshot first, then what was read live. */
static int resolve_gone(struct usym *u, struct usym_proc *p, uint64_t addr, struct usym_loc *out)
{
	int err;

	if (!p || (!p->has_snap && !p->live))
		return -ESRCH;
	out->from_snapshot = true;
	if (p->has_snap && !p->snap) {
		err = report_snapshot(u, p);
		if (err && !p->live)
			return err;
	}
	if (p->snap && !usym_dwfl__lookup(p->snap, addr, out))
		return 0;
	if (p->live && !usym_dwfl__lookup(p->live, addr, out))
		return 0;
	return -ENOENT;
}

static int resolve_live(struct usym *u, struct usym_proc *p, uint64_t addr, struct usym_loc *out)
{
	int err;

	if (!p->live) {
		err = report_live(u, p);
		if (err)
			return err;
	}
	err = usym_dwfl__lookup(p->live, addr, out);
	if (err == -ENOENT && clock__mono_ns() - p->live_ns > USYM_REFRESH_NS) {
		if (!report_live(u, p))
			err = usym_dwfl__lookup(p->live, addr, out);
	}
	return err;
}

/**
 * usym__new() - an empty symbolizer
 *
 * Return: the symbolizer, or NULL with errno set.
 */
struct usym *usym__new(void)
{
	return calloc(1, sizeof(struct usym));
}

/**
 * usym__free() - release every cached process view
 * @u: symbolizer, or NULL
 */
void usym__free(struct usym *u)
{
	struct usym_proc *p, *next;
	size_t b;

	if (!u)
		return;
	for (b = 0; b < USYM_BUCKETS; b++) {
		for (p = u->buckets[b]; p; p = next) {
			next = p->next;
			free_proc(u, p);
		}
	}
	free(u);
}

/*
 * Keep the start of each file mapping of a maps line ("start-end perms
 * offset major:minor inode path"); other lines are skipped.
 */
static int record_map_line(struct usym_proc *p, const char *line)
{
	unsigned long long start, off, ino;
	struct usym_mod *tmp;
	const char *path;
	size_t n;
	int got, pos = 0;

	got = sscanf(line, "%llx-%*x %*s %llx %*x:%*x %llu %n", &start, &off, &ino, &pos);
	if (got < 3 || !pos)
		return 0;
	path = line + pos;
	n = strcspn(path, "\n");
	if (off || path[0] != '/' || p->nr_mods >= USYM_MAX_MODS)
		return 0;
	if (n > 10 && !strncmp(path + n - 10, " (deleted)", 10))
		return 0;
	tmp = realloc(p->mods, (p->nr_mods + 1) * sizeof(*tmp));
	if (!tmp)
		return -ENOMEM;
	p->mods = tmp;
	tmp = &p->mods[p->nr_mods];
	tmp->path = strndup(path, n);
	if (!tmp->path)
		return -ENOMEM;
	tmp->base = start;
	tmp->ino = ino;
	p->nr_mods++;
	return 0;
}

/**
 * usym__snapshot() - record where a process's files are mapped
 * @u: symbolizer
 * @pid: process (thread group id)
 *
 * Call it when a process of interest is created or execs: later
 * usym__resolve() calls for @pid then work even after it exited, from the
 * files it had mapped (if they still exist and were not replaced). A new
 * snapshot replaces the old one and every view made before it (after an
 * exec the old mappings mean nothing). Reads /proc/PID/maps once; opens no
 * file until a resolution needs it.
 *
 * Return: 0, -ESRCH when the process is gone or a zombie, -EINVAL,
 * -ENOMEM, or the error of reading /proc/PID/maps.
 */
int usym__snapshot(struct usym *u, pid_t pid)
{
	uint64_t start;
	char path[64];
	FILE *f;
	int err;

	if (!u || pid <= 0)
		return -EINVAL;
	err = read_start_time(pid, &start);
	if (err)
		return err;
	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? -ESRCH : -errno;
	err = usym__snapshot_maps(u, pid, start, f);
	fclose(f);
	return err;
}

/**
 * usym__snapshot_maps() - usym__snapshot() from maps text read by the caller
 * @u: symbolizer
 * @pid: process the text describes
 * @start_time: its start time (field 22 of /proc/PID/stat)
 * @maps: a stream in /proc/PID/maps format, read to its end; lines that
 *	do not parse are skipped, so any text is safe (tests, fuzzing)
 *
 * Return: 0, -ESRCH when @maps maps no file, -EINVAL, -ENOMEM, -EIO.
 */
int usym__snapshot_maps(struct usym *u, pid_t pid, uint64_t start_time, FILE *maps)
{
	struct usym_proc *p;
	char *line = NULL;
	size_t cap = 0;
	int err = 0;

	if (!u || pid <= 0 || !maps)
		return -EINVAL;
	p = find_proc(u, pid);
	if (!p)
		p = add_proc(u, pid);
	if (!p)
		return -ENOMEM;
	end_dwfl(u, &p->live);
	clear_snapshot(u, p);
	p->start_time = start_time;
	p->last_use = ++u->tick;
	while (getline(&line, &cap, maps) > 0) {
		err = record_map_line(p, line);
		if (err)
			break;
	}
	if (!err && ferror(maps))
		err = -EIO;
	/* An empty maps file means the process exited while we read it. */
	if (!err && !p->nr_mods)
		err = -ESRCH;
	if (err)
		clear_snapshot(u, p);
	else
		p->has_snap = true;
	free(line);
	evict(u, p);
	return err;
}

/**
 * usym__resolve() - symbolize one user address of a process
 * @u: symbolizer
 * @pid: process (thread group id) whose address space holds @addr
 * @addr: the address; for a return address from a stack, pass addr - 1 to
 *	get the line of the call
 * @out: filled in; fields that cannot be known are left empty
 *
 * A live process is read through /proc (its view is cached). A process
 * that is gone is resolved from its usym__snapshot(), or from the view
 * cached while it ran; out->from_snapshot then says so.
 *
 * Return: 0 (@out names at least the module), -ESRCH when the process is
 * gone and nothing was recorded about it ("exited before symbolization"),
 * -ENOENT when @addr is in no mapped file (anonymous or JIT memory), or
 * another -errno (-EACCES: /proc/PID/maps is not readable).
 */
int usym__resolve(struct usym *u, pid_t pid, uint64_t addr, struct usym_loc *out)
{
	struct usym_proc *p;
	uint64_t start;
	int err;

	if (!u || !out || pid <= 0)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	out->addr = addr;
	p = find_proc(u, pid);
	err = read_start_time(pid, &start);
	if (err == -ESRCH || (!err && p && p->start_time && p->start_time != start)) {
		err = resolve_gone(u, p, addr, out);
		goto out;
	}
	if (err)
		return err;
	if (!p) {
		p = add_proc(u, pid);
		if (!p)
			return -ENOMEM;
		p->start_time = start;
	}
	err = resolve_live(u, p, addr, out);
	/* Unreadable live (e.g. exec in progress): the snapshot may still do. */
	if (err && err != -ENOENT && p->has_snap)
		err = resolve_gone(u, p, addr, out);
out:
	if (p) {
		p->last_use = ++u->tick;
		evict(u, p);
	}
	return err;
}

/**
 * usym__forget() - drop everything cached about a pid
 * @u: symbolizer, or NULL
 * @pid: the pid; call it once the process's events are all explained, so
 *	that a process reusing the pid is read afresh
 */
void usym__forget(struct usym *u, pid_t pid)
{
	struct usym_proc *p;

	if (!u)
		return;
	p = find_proc(u, pid);
	if (p)
		unlink_proc(u, p);
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* A path relative to its compilation directory is shown whole up to this. */
#define USYM_SRC_MAX 48

/**
 * usym__src_name() - a source file of a location as reports show it
 * @file: loc->file or loc->inl[k].file
 *
 * A path relative to the compilation directory (usym_dwfl.c made it so
 * when the file is inside it) is shown whole when it is at most
 * USYM_SRC_MAX bytes and does not climb out with "..": in a tree it names
 * one file ("criu/arch/x86/kerndat.c", not the "kerndat.c" of criu/ too).
 * Anything else (an absolute path outside the compilation directory, a
 * system header, a long path) by its base name.
 *
 * Return: a pointer into @file.
 */
const char *usym__src_name(const char *file)
{
	if (file[0] == '/' || strlen(file) > USYM_SRC_MAX || !strncmp(file, "../", 3) ||
	    strstr(file, "/../"))
		return base_name(file);
	return file;
}

/**
 * usym__format_inline() - write an inlined frame of a location as
 *	"kill_helper (inlined) (helper.c:42) [a.out]"
 * @loc: a location filled by usym__resolve()
 * @k: which inlined function, 0 (innermost) to loc->nr_inl - 1
 * @buf: output, always NUL-terminated when @len > 0
 * @len: size of @buf
 *
 * An inlined function has no address of its own: "(inlined)" stands where
 * "+0x12" would. The frame of the symbol it was inlined into follows it,
 * written by usym__format().
 *
 * Return: 0, -EINVAL for @k out of range, -ENOSPC when @buf was too small.
 */
int usym__format_inline(const struct usym_loc *loc, int k, char *buf, size_t len)
{
	const struct usym_inline *in;
	int n;

	if (len)
		buf[0] = '\0';
	if (k < 0 || k >= loc->nr_inl || k >= USYM_MAX_INLINE)
		return -EINVAL;
	in = &loc->inl[k];
	if (in->file[0] && in->line > 0)
		n = snprintf(buf, len, "%s (inlined) (%s:%d) [%s]", in->func,
			     usym__src_name(in->file), in->line,
			     loc->module[0] ? base_name(loc->module) : "unknown");
	else
		n = snprintf(buf, len, "%s (inlined) [%s]", in->func,
			     loc->module[0] ? base_name(loc->module) : "unknown");
	return n >= 0 && (size_t)n < len ? 0 : -ENOSPC;
}

/**
 * usym__format() - write a location as "func+0x12 (helper.c:42) [a.out]"
 * @loc: a location filled by usym__resolve()
 * @buf: output, always NUL-terminated when @len > 0
 * @len: size of @buf
 *
 * Unknown parts are left out: "0x7f12a4b0c123 [libfoo.so]" without a
 * symbol, "0x7f12a4b0c123 [unknown]" outside every file.
 *
 * Return: 0, or -ENOSPC when @buf was too small (the text is truncated).
 */
int usym__format(const struct usym_loc *loc, char *buf, size_t len)
{
	size_t n = 0;
	int ret;

#define APPEND(...)                                                                                \
	do {                                                                                       \
		ret = snprintf(n < len ? buf + n : NULL, n < len ? len - n : 0, __VA_ARGS__);      \
		if (ret > 0)                                                                       \
			n += (size_t)ret;                                                          \
	} while (0)

	if (len)
		buf[0] = '\0';
	if (loc->func[0])
		APPEND("%s+0x%" PRIx64, loc->func, loc->offset);
	else
		APPEND("0x%" PRIx64, loc->addr);
	if (loc->file[0] && loc->line > 0)
		APPEND(" (%s:%d)", usym__src_name(loc->file), loc->line);
	APPEND(" [%s]", loc->module[0] ? base_name(loc->module) : "unknown");
#undef APPEND
	return n < len ? 0 : -ENOSPC;
}
