// SPDX-License-Identifier: GPL-2.0
/*
 * refcopy - the reference a dump and a restore are measured against: the
 * same bytes moved with nothing else to do.
 *
 *   refcopy dump PID FILE     copy every page a dump stores (private
 *                             mappings, present or swapped, not a file
 *                             page nor the zero page: /proc/PID/pagemap)
 *                             with process_vm_readv() in batches of 8 MiB,
 *                             write()n to FILE; FILE.idx lists the runs
 *   refcopy restore FILE [mmap]
 *                             a fresh process maps one anonymous region per
 *                             source mapping (mostly written ones populated
 *                             in one MADV_POPULATE_WRITE), then the bytes go
 *                             back with process_vm_writev() from read()
 *                             buffers, or straight from a mapping of FILE
 *
 * Prints "op=dump|restore bytes=B runs=R ns=T" (T: the whole job, from the
 * first /proc read or the fork to the last byte moved).
 */
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif
#define PAGE	   4096UL
#define BATCH	   (8UL << 20)
#define PM_PRESENT (1ULL << 63)
#define PM_SWAPPED (1ULL << 62)
#define PM_FILE	   (1ULL << 61)
#define PM_CHUNK   65536

struct run {
	uint64_t addr, len;
	unsigned int vma; /* index of the source mapping */
};

struct vma {
	uint64_t start, end, stored;
};

struct index {
	struct vma *vmas;
	struct run *runs;
	size_t nvmas, nruns, cap_vmas, cap_runs;
};

static void add_vma(struct index *ix, uint64_t start, uint64_t end)
{
	if (ix->nvmas == ix->cap_vmas) {
		ix->cap_vmas = ix->cap_vmas ? 2 * ix->cap_vmas : 64;
		ix->vmas = realloc(ix->vmas, ix->cap_vmas * sizeof(*ix->vmas));
		if (!ix->vmas)
			bench_die("realloc");
	}
	ix->vmas[ix->nvmas++] = (struct vma){start, end, 0};
}

static void add_run(struct index *ix, uint64_t addr, uint64_t len)
{
	struct run *last = ix->nruns ? &ix->runs[ix->nruns - 1] : NULL;
	unsigned int v = ix->nvmas - 1;

	ix->vmas[v].stored += len;
	if (last && last->vma == v && last->addr + last->len == addr) {
		last->len += len;
		return;
	}
	if (ix->nruns == ix->cap_runs) {
		ix->cap_runs = ix->cap_runs ? 2 * ix->cap_runs : 1024;
		ix->runs = realloc(ix->runs, ix->cap_runs * sizeof(*ix->runs));
		if (!ix->runs)
			bench_die("realloc");
	}
	ix->runs[ix->nruns++] = (struct run){addr, len, v};
}

/* The runs of pages a dump would store, from maps and pagemap. */
static void scan(pid_t pid, struct index *ix)
{
	char path[64], line[4096], perms[8], name[PATH_MAX];
	static uint64_t pme[PM_CHUNK];
	unsigned long start, end;
	FILE *maps;
	int pm;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	maps = fopen(path, "re");
	snprintf(path, sizeof(path), "/proc/%d/pagemap", pid);
	pm = open(path, O_RDONLY | O_CLOEXEC);
	if (!maps || pm < 0)
		bench_die("pid %d: cannot read maps and pagemap", pid);
	while (fgets(line, sizeof(line), maps)) {
		name[0] = 0;
		if (sscanf(line, "%lx-%lx %7s %*s %*s %*s %4095s", &start, &end, perms, name) < 3)
			continue;
		/* Shared mappings are the file's; [vvar], [vdso] and
		 * [vsyscall] are the kernel's. */
		if (perms[0] != 'r' || perms[3] != 'p' || !strncmp(name, "[v", 2))
			continue;
		add_vma(ix, start, end);
		for (uint64_t a = start; a < end;) {
			size_t n = (end - a) / PAGE, i;
			ssize_t got;

			if (n > PM_CHUNK)
				n = PM_CHUNK;
			got = pread(pm, pme, n * 8, a / PAGE * 8);
			if (got != (ssize_t)(n * 8))
				bench_die("pid %d: pagemap at %#lx", pid, (unsigned long)a);
			for (i = 0; i < n; i++) {
				uint64_t e = pme[i];

				if ((e & PM_SWAPPED) || ((e & PM_PRESENT) && !(e & PM_FILE)))
					add_run(ix, a + i * PAGE, PAGE);
			}
			a += n * PAGE;
		}
	}
	fclose(maps);
	close(pm);
}

static void write_all(int fd, const void *buf, size_t n)
{
	while (n) {
		ssize_t w = write(fd, buf, n);

		if (w <= 0)
			bench_die("write");
		buf = (const char *)buf + w;
		n -= w;
	}
}

/*
 * Move the runs in batches of at most BATCH bytes and IOV_MAX iovecs:
 * a long run is split across batches. @fn moves one batch.
 */
static void batches(struct index *ix, void (*fn)(struct iovec *rem, size_t n, size_t bytes, void *),
		    void *ctx)
{
	static struct iovec rem[IOV_MAX];
	size_t r, n = 0, bytes = 0;
	uint64_t done = 0;

	for (r = 0; r < ix->nruns;) {
		uint64_t left = ix->runs[r].len - done, take = BATCH - bytes;

		if (take > left)
			take = left;
		rem[n].iov_base = (void *)(uintptr_t)(ix->runs[r].addr + done);
		rem[n].iov_len = take;
		n++;
		bytes += take;
		done += take;
		if (done == ix->runs[r].len) {
			r++;
			done = 0;
		}
		if (bytes == BATCH || n == IOV_MAX || r == ix->nruns) {
			fn(rem, n, bytes, ctx);
			n = bytes = 0;
		}
	}
}

struct dump_ctx {
	pid_t pid;
	int fd;
	char *buf;
};

static void dump_batch(struct iovec *rem, size_t n, size_t bytes, void *p)
{
	struct dump_ctx *d = p;
	struct iovec local = {d->buf, bytes};

	if (process_vm_readv(d->pid, &local, 1, rem, n, 0) != (ssize_t)bytes)
		bench_die("process_vm_readv of %zu bytes from %d", bytes, d->pid);
	write_all(d->fd, d->buf, bytes);
}

static int do_dump(pid_t pid, const char *file)
{
	struct index ix = {0};
	struct dump_ctx d = {.pid = pid};
	char idx[PATH_MAX];
	uint64_t t0, t1, bytes = 0;
	size_t i;
	FILE *f;

	d.buf = malloc(BATCH);
	d.fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (!d.buf || d.fd < 0)
		bench_die("%s", file);
	t0 = bench_now_ns();
	scan(pid, &ix);
	batches(&ix, dump_batch, &d);
	if (close(d.fd))
		bench_die("close %s", file);
	t1 = bench_now_ns();
	snprintf(idx, sizeof(idx), "%s.idx", file);
	f = fopen(idx, "we");
	if (!f)
		bench_die("%s", idx);
	for (i = 0; i < ix.nvmas; i++)
		fprintf(f, "vma %#llx %#llx\n", (unsigned long long)ix.vmas[i].start,
			(unsigned long long)ix.vmas[i].end);
	for (i = 0; i < ix.nruns; i++) {
		fprintf(f, "run %u %#llx %#llx\n", ix.runs[i].vma,
			(unsigned long long)ix.runs[i].addr, (unsigned long long)ix.runs[i].len);
		bytes += ix.runs[i].len;
	}
	if (fclose(f))
		bench_die("%s", idx);
	printf("op=dump bytes=%llu runs=%zu ns=%llu\n", (unsigned long long)bytes, ix.nruns,
	       (unsigned long long)(t1 - t0));
	return 0;
}

static void load_index(const char *file, struct index *ix)
{
	unsigned long long a, b;
	char idx[PATH_MAX], line[256];
	unsigned int v;
	FILE *f;

	snprintf(idx, sizeof(idx), "%s.idx", file);
	f = fopen(idx, "re");
	if (!f)
		bench_die("%s", idx);
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "vma %llx %llx", &a, &b) == 2) {
			add_vma(ix, a, b);
		} else if (sscanf(line, "run %u %llx %llx", &v, &a, &b) == 3 && v < ix->nvmas) {
			/* Runs come after every vma: file them under theirs. */
			size_t keep = ix->nvmas;

			ix->nvmas = v + 1;
			add_run(ix, a, b);
			ix->nvmas = keep;
		}
	}
	fclose(f);
}

struct restore_ctx {
	pid_t pid;
	int fd;
	char *buf;	 /* read() mode */
	const char *map; /* mmap mode */
	uint64_t off;	 /* file offset of the next batch */
	struct index *ix;
	uint64_t *base; /* the child's address of each vma */
};

/* Source addresses are translated to the child's copy of their vma. */
static uint64_t where(struct restore_ctx *r, uint64_t addr)
{
	size_t v;

	for (v = 0; v < r->ix->nvmas; v++)
		if (addr >= r->ix->vmas[v].start && addr < r->ix->vmas[v].end)
			return r->base[v] + (addr - r->ix->vmas[v].start);
	errno = 0;
	bench_die("address %#llx is in no mapping", (unsigned long long)addr);
}

static void restore_batch(struct iovec *rem, size_t n, size_t bytes, void *p)
{
	struct restore_ctx *r = p;
	struct iovec local;
	size_t i;

	for (i = 0; i < n; i++)
		rem[i].iov_base = (void *)(uintptr_t)where(r, (uintptr_t)rem[i].iov_base);
	if (r->map) {
		local.iov_base = (void *)(r->map + r->off);
	} else {
		if (pread(r->fd, r->buf, bytes, r->off) != (ssize_t)bytes)
			bench_die("read");
		local.iov_base = r->buf;
	}
	local.iov_len = bytes;
	if (process_vm_writev(r->pid, &local, 1, rem, n, 0) != (ssize_t)bytes)
		bench_die("process_vm_writev of %zu bytes to %d", bytes, r->pid);
	r->off += bytes;
}

static int do_restore(const char *file, int use_mmap)
{
	struct index ix = {0};
	struct restore_ctx r = {.ix = &ix};
	uint64_t t0, t1, bytes = 0;
	int pfd[2], st;
	size_t v;

	load_index(file, &ix);
	for (v = 0; v < ix.nruns; v++)
		bytes += ix.runs[v].len;
	r.fd = open(file, O_RDONLY | O_CLOEXEC);
	r.buf = malloc(BATCH);
	r.base = calloc(ix.nvmas + 1, sizeof(*r.base));
	if (r.fd < 0 || !r.buf || !r.base || pipe(pfd))
		bench_die("%s", file);
	t0 = bench_now_ns();
	r.pid = fork();
	if (r.pid < 0)
		bench_die("fork");
	if (r.pid == 0) {
		for (v = 0; v < ix.nvmas; v++) {
			struct vma *m = &ix.vmas[v];
			void *a = mmap(NULL, m->end - m->start, PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

			if (a == MAP_FAILED)
				_exit(1);
			if (m->stored * 4 >= (m->end - m->start) * 3)
				madvise(a, m->end - m->start, MADV_POPULATE_WRITE);
			r.base[v] = (uintptr_t)a;
		}
		if (write(pfd[1], r.base, ix.nvmas * sizeof(*r.base)) < 0)
			_exit(1);
		alarm(600);
		for (;;)
			pause();
	}
	close(pfd[1]);
	if (read(pfd[0], r.base, ix.nvmas * sizeof(*r.base)) !=
	    (ssize_t)(ix.nvmas * sizeof(*r.base)))
		bench_die("the fresh process did not map its memory");
	if (use_mmap && bytes) {
		r.map = mmap(NULL, bytes, PROT_READ, MAP_PRIVATE, r.fd, 0);
		if (r.map == MAP_FAILED)
			bench_die("mmap %s", file);
	}
	batches(&ix, restore_batch, &r);
	t1 = bench_now_ns();
	kill(r.pid, SIGKILL);
	waitpid(r.pid, &st, 0);
	printf("op=restore bytes=%llu runs=%zu ns=%llu\n", (unsigned long long)bytes, ix.nruns,
	       (unsigned long long)(t1 - t0));
	return 0;
}

int main(int argc, char **argv)
{
	bench_prog = "refcopy";
	if (argc == 4 && !strcmp(argv[1], "dump"))
		return do_dump(bench_num(argv[2], "PID"), argv[3]);
	if ((argc == 3 || argc == 4) && !strcmp(argv[1], "restore"))
		return do_restore(argv[2], argc == 4 && !strcmp(argv[3], "mmap"));
	fprintf(stderr, "usage: refcopy dump PID FILE | refcopy restore FILE [mmap]\n");
	return 2;
}
