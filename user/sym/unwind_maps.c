// SPDX-License-Identifier: GPL-2.0
/*
 * unwind_maps.c - the files a recorded stack is unwound through, and the
 * libdwfl session that reports them (see unwind_maps.h): each file opened
 * where the sender had it, by its build id when it was replaced since, so
 * that the CFI read is the CFI the sender ran.
 */
#include <elfutils/libdwfl.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "buildid.h"
#include "log.h"
#include "unwind_maps.h"

static char *debuginfo_path;
static const Dwfl_Callbacks dwfl_cbs = {
	.find_elf = dwfl_build_id_find_elf,
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.debuginfo_path = &debuginfo_path,
};

void unwind_maps__collect(const struct pt_dwarf_stack *d, const struct pt_ustack *u,
			  struct uw_maps *out)
{
	int i, n = u->ubid_sz > 0 ? u->ubid_sz / (int)sizeof(u->ubid[0]) : 0;
	uint32_t k;

	out->n = 0;
	for (k = 0; k < d->nr_maps && k < PT_UMAPS; k++)
		out->m[out->n++] = d->maps[k];
	if (n > PT_USTACK_DEPTH)
		n = PT_USTACK_DEPTH;
	for (i = 0; i < n; i++) {
		const struct pt_bid_frame *f = &u->ubid[i];
		uint64_t ip = u->ustack_sz > i * 8 ? u->ustack[i] : 0;
		bool dup = false;

		if (f->status != 1 || !ip || f->offset > ip)
			continue;
		for (k = 0; k < out->n; k++)
			if (out->m[k].bid_status == 1 &&
			    !memcmp(out->m[k].build_id, f->build_id, sizeof(f->build_id)))
				dup = true;
		if (dup)
			continue;
		memset(&out->m[out->n], 0, sizeof(out->m[0]));
		out->m[out->n].start = ip - f->offset;
		out->m[out->n].bid_status = 1;
		memcpy(out->m[out->n].build_id, f->build_id, sizeof(f->build_id));
		out->n++;
	}
}

/* FNV-1a over what decides the Dwfl: where which file is mapped. */
uint64_t unwind_maps__key(const struct uw_maps *ms)
{
	uint64_t h = 1469598103934665603ull;
	uint32_t i;
	size_t k;

	for (i = 0; i < ms->n; i++) {
		const struct pt_umap *m = &ms->m[i];
		const uint8_t *p = (const uint8_t *)m;

		for (k = 0; k < offsetof(struct pt_umap, pad); k++)
			h = (h ^ p[k]) * 1099511628211ull;
	}
	return h;
}

/* The mapping of live process @pid that contains @addr, from /proc/PID/maps. */
static int vma_of(pid_t pid, uint64_t addr, unsigned long long *lo, unsigned long long *hi)
{
	char path[64], line[512];
	int ret = -ENOENT;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx-%llx", lo, hi) == 2 && addr >= *lo && addr < *hi) {
			ret = 0;
			break;
		}
	}
	fclose(f);
	return ret;
}

/*
 * The file mapped by @m: by its recorded build id among the known files,
 * else the live sender's /proc/PID/map_files entry of the mapping there,
 * if it is the same file (then registered, so that it is found by build
 * id once the sender is gone). Return: an fd and its path in @path, or
 * -errno.
 */
static int open_map(struct buildid_cache *bids, pid_t pid, const struct pt_umap *m, char *path, size_t len)
{
	unsigned long long lo, hi;
	uint8_t id[20];
	const char *known;
	char mf[96];
	ssize_t n;
	int fd;

	if (m->bid_status == 1 && bids) {
		known = buildid__path(bids, m->build_id);
		if (known) {
			fd = open(known, O_RDONLY | O_CLOEXEC);
			if (fd >= 0 && !buildid__read_fd(fd, id) &&
			    !memcmp(id, m->build_id, sizeof(id))) {
				snprintf(path, len, "%s", known);
				return fd;
			}
			if (fd >= 0)
				close(fd);
		}
	}
	/* The sender still runs: the file it maps there (checked below). */
	if (vma_of(pid, m->start, &lo, &hi))
		return -ENOENT;
	snprintf(mf, sizeof(mf), "/proc/%d/map_files/%llx-%llx", pid, lo, hi);
	n = readlink(mf, path, len - 1);
	if (n <= 0)
		return -ENOENT;
	path[n] = '\0';
	fd = open(mf, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* The mapping may have been replaced since the signal: same file only. */
	if (m->bid_status == 1 &&
	    (buildid__read_fd(fd, id) || memcmp(id, m->build_id, sizeof(id)))) {
		close(fd);
		return -ESTALE;
	}
	if (m->bid_status != 1) {
		struct stat st;

		if (fstat(fd, &st) || (uint64_t)st.st_ino != m->ino) {
			close(fd);
			return -ESTALE;
		}
	}
	if (bids)
		buildid__add_file(bids, mf);
	return fd;
}

Dwfl *unwind_maps__report(struct buildid_cache *bids, pid_t pid, const struct uw_maps *d)
{
	Dwfl *dwfl = dwfl_begin(&dwfl_cbs);
	uint32_t i, j;
	int nmods = 0;

	if (!dwfl)
		return NULL;
	dwfl_report_begin(dwfl);
	for (i = 0; i < d->n; i++) {
		const struct pt_umap *m = &d->m[i];
		char path[4096];
		bool dup = false;
		int fd;

		/* A file mapped in several executable pieces is reported once. */
		for (j = 0; j < i; j++)
			if (d->m[j].start - d->m[j].pgoff == m->start - m->pgoff)
				dup = true;
		if (dup)
			continue;
		fd = open_map(bids, pid, m, path, sizeof(path));
		if (fd < 0) {
			pr_debug("pid %d: unwind: no file for %llx-%llx: %s", pid,
				 (unsigned long long)m->start, (unsigned long long)m->end,
				 strerror(-fd));
			continue;
		}
		/* As usym_dwfl.c: the base is where file offset 0 is (or would be) mapped. */
		if (!dwfl_report_elf(dwfl, path, path, fd, m->start - m->pgoff, false)) {
			pr_debug("pid %d: unwind: %s: %s", pid, path, dwfl_errmsg(-1));
			close(fd);
			continue;
		}
		nmods++;
	}
	if (dwfl_report_end(dwfl, NULL, NULL) || !nmods) {
		dwfl_end(dwfl);
		return NULL;
	}
	return dwfl;
}
