// SPDX-License-Identifier: GPL-2.0
/*
 * dump_cow.c - pages a task still shares with its parent (see dump_cow.h).
 *
 * For each task whose parent is a live task of the tree (both frozen),
 * every private mapping of /proc/PID/maps is compared page by
 * page with the parent's /proc/PPID/pagemap at the same addresses: a page
 * present in both, with the same frame number, mapped more than once
 * (PM_MMAP_EXCLUSIVE clear) and one dump would store (not the zero page),
 * is the parent's page. Frame numbers need CAP_SYS_ADMIN: without them
 * (0) nothing matches and every page is stored, as before. In a private
 * file mapping only written pages count (a file page is not stored). A
 * page merged
 * by KSM has the same frame in both too: the same contents, fine.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dump_cow.h"
#include "dump_mem.h"
#include "log.h"
#include "page.h"

#define PM_EXCLUSIVE (1ULL << 56)
#define CHUNK 4096 /* pagemap entries read at once */

static bool same_frame(uint64_t mine, uint64_t parents)
{
	return (mine & PM_PRESENT) && (parents & PM_PRESENT) && !(mine & PM_EXCLUSIVE) &&
	       (mine & PM_PFN_MASK) && (mine & PM_PFN_MASK) == (parents & PM_PFN_MASK) &&
	       dump_mem__page_wanted(mine);
}

static int add_page(struct dump_task *t, uint64_t addr)
{
	struct dump_cow_run *r;

	if (t->ncow && t->cow[t->ncow - 1].end == addr) {
		t->cow[t->ncow - 1].end += PAGE;
		return 0;
	}
	if (!(t->ncow & (t->ncow - 1))) {
		r = realloc(t->cow, (t->ncow ? t->ncow * 2 : 16) * sizeof(*r));
		if (!r)
			return -ENOMEM;
		t->cow = r;
	}
	t->cow[t->ncow++] = (struct dump_cow_run){ addr, addr + PAGE };
	return 0;
}

/* [start, end) of @t against the same range of the parent's pagemap @pfd. */
static int scan_range(struct dump_task *t, int fd, int pfd, uint64_t start, uint64_t end,
		      uint64_t *mine, uint64_t *theirs)
{
	uint64_t addr = start, n, i;
	ssize_t got, pgot;
	int err;

	while (addr < end) {
		n = (end - addr) / PAGE;
		if (n > CHUNK)
			n = CHUNK;
		got = pread(fd, mine, n * 8, addr / PAGE * 8);
		if (got != (ssize_t)(n * 8))
			return got < 0 ? -errno : -EIO;
		/* The parent may not map all of it: what it does not is not shared. */
		pgot = pread(pfd, theirs, n * 8, addr / PAGE * 8);
		if (pgot < 0)
			pgot = 0;
		memset((char *)theirs + pgot, 0, n * 8 - pgot);
		for (i = 0; i < n; i++, addr += PAGE) {
			if (!same_frame(mine[i], theirs[i]))
				continue;
			err = add_page(t, addr);
			if (err)
				return err;
		}
	}
	return 0;
}

static int scan_task(struct dump_task *t, pid_t parent, uint64_t *mine, uint64_t *theirs)
{
	char path[64], line[512], perms[5];
	unsigned long start, end;
	int fd = -1, pfd = -1, err = 0;
	FILE *maps;

	snprintf(path, sizeof(path), "/proc/%d/maps", t->pid);
	maps = fopen(path, "re");
	snprintf(path, sizeof(path), "/proc/%d/pagemap", t->pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	snprintf(path, sizeof(path), "/proc/%d/pagemap", parent);
	pfd = open(path, O_RDONLY | O_CLOEXEC);
	if (!maps || fd < 0 || pfd < 0) {
		err = -errno;
		goto out;
	}
	while (!err && fgets(line, sizeof(line), maps)) {
		/* Private: anonymous memory, or a file's written pages (page_wanted). */
		if (sscanf(line, "%lx-%lx %4s", &start, &end, perms) != 3 || perms[3] != 'p' ||
		    strstr(line, "[vvar") || strstr(line, "[vdso]") || strstr(line, "[vsyscall]"))
			continue;
		err = scan_range(t, fd, pfd, start, end, mine, theirs);
	}
out:
	if (maps)
		fclose(maps);
	if (fd >= 0)
		close(fd);
	if (pfd >= 0)
		close(pfd);
	return err;
}

int dump_cow__scan(struct dump_ctx *ctx)
{
	uint64_t *mine = malloc(CHUNK * 8), *theirs = malloc(CHUNK * 8);
	size_t i, k;
	int err = mine && theirs ? 0 : -ENOMEM;

	if (err) {
		free(mine);
		free(theirs);
		pr_err("cannot compare the tree's pages: %s", strerror(-err));
		return err;
	}
	dump_mem__learn_zero_pfns();
	for (i = 0; i < ctx->ntasks; i++) {
		struct dump_task *t = &ctx->tasks[i];

		if (t->zombie)
			continue;
		for (k = 0; k < ctx->ntasks; k++) {
			const struct dump_task *p = &ctx->tasks[k];

			/*
			 * On failure every page of the task is stored, as it
			 * would be without sharing: a task gone meanwhile is
			 * reported where its memory is read.
			 */
			if (p->pid == t->stat.ppid && !p->zombie && p != t) {
				if (scan_task(t, p->pid, mine, theirs))
					t->ncow = 0;
				break;
			}
		}
	}
	free(mine);
	free(theirs);
	return err;
}

bool dump_cow__shared(const struct dump_task *t, uint64_t addr, size_t *hint)
{
	size_t i = *hint;

	/* Callers go up through the addresses: move forward, or back to the start. */
	if (i >= t->ncow || t->cow[i].start > addr)
		i = 0;
	while (i < t->ncow && t->cow[i].end <= addr)
		i++;
	*hint = i;
	return i < t->ncow && t->cow[i].start <= addr;
}

void dump_cow__free(struct dump_ctx *ctx)
{
	size_t i;

	for (i = 0; i < ctx->ntasks; i++) {
		free(ctx->tasks[i].cow);
		ctx->tasks[i].cow = NULL;
		ctx->tasks[i].ncow = 0;
	}
}
