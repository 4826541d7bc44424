// SPDX-License-Identifier: GPL-2.0
/*
 * dump_aio.c - AIO contexts (io_setup, zdtm aio00, aio01).
 *
 * A context is a kernel object whose only trace in the process is its ring
 * mapping ("/[aio] (deleted)", shared, read-write): the context id the
 * program holds is the ring's address. The ring says its size in events,
 * its head (where the program reaps next) and tail (where the kernel
 * completes next), and holds the completions not reaped yet; all of it
 * is stored with the mapping. What neither the ring nor /proc says is
 * read by a BPF iterator over the process's mappings (bpf/aio_iter.bpf.c):
 * the nr_events io_setup() was asked for (restore asks the same, so the
 * ring is as large and the same share of fs.aio-max-nr is taken), and
 * the request slots: free, held by completions, or held by requests in
 * flight. A request in flight cannot be made again (its buffer, its file,
 * its place in a queue), so a context with one is refused.
 *
 * The ring's id (its index in the process's table of contexts, through
 * which io_submit() finds it) is kept: restore makes the contexts in id
 * order, filling the gaps of the table for a while (restore_aio.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "aio_iter.h"
#include "aio_iter.skel.h"
#include "dump_aio.h"
#include "log.h"
#include "procfs.h"

_Static_assert(sizeof(struct aio_iter_rec) == AIO_ITER_REC_SIZE, "aio_iter_rec ABI");

/* struct aio_ring's header (fs/aio.c): 32 bytes before the events. */
struct ring_head {
	uint32_t id, nr, head, tail, magic, compat, incompat, header_length;
};

#define RING_MAGIC 0xa10a10a1
#define MAX_RING_BYTES (8u << 20)
#define MAX_RING_ID 4096

bool dump_aio__is_ring(const char *link)
{
	return !strcmp(link, "/[aio] (deleted)");
}

static int refuse(pid_t pid, const VmaEntry *v, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int refuse(pid_t pid, const VmaEntry *v, const char *fmt, ...)
{
	char why[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	pr_err("pid %d: AIO context %lx (ring %lx-%lx): %s: not supported", pid,
	       (unsigned long)v->start, (unsigned long)v->start, (unsigned long)v->end, why);
	return -EOPNOTSUPP;
}

/* this_cpu_off's place in .data..percpu minus runqueues' (aio_iter.bpf.c). */
static int rq_to_off(int64_t *out)
{
	const struct btf_var_secinfo *vs;
	const struct btf_type *t;
	int64_t rq = -1, off = -1;
	struct btf *vb;
	int id, i;

	vb = btf__load_vmlinux_btf();
	if (!vb)
		return errno ? -errno : -ENOENT;
	id = btf__find_by_name_kind(vb, ".data..percpu", BTF_KIND_DATASEC);
	t = id > 0 ? btf__type_by_id(vb, id) : NULL;
	for (i = 0, vs = t ? btf_var_secinfos(t) : NULL; t && i < btf_vlen(t); i++, vs++) {
		const char *name = btf__name_by_offset(vb, btf__type_by_id(vb, vs->type)->name_off);

		if (!strcmp(name, "runqueues"))
			rq = vs->offset;
		else if (!strcmp(name, "this_cpu_off"))
			off = vs->offset;
	}
	btf__free(vb);
	if (rq < 0 || off < 0)
		return -ENOENT;
	*out = off - rq;
	return 0;
}

/* Run iterator @prog (@linfo: its filter, NULL for none); @out: the last @len bytes read. */
static int run(struct bpf_program *prog, union bpf_iter_link_info *linfo, void *out, size_t len,
	       uint64_t start)
{
	LIBBPF_OPTS(bpf_iter_attach_opts, opts);
	struct aio_iter_rec r;
	struct bpf_link *link;
	int fd, err = out ? -ENOENT : 0;
	ssize_t n;

	if (linfo) {
		opts.link_info = linfo;
		opts.link_info_len = sizeof(*linfo);
	}
	link = bpf_program__attach_iter(prog, &opts);
	if (!link)
		return errno ? -errno : -EINVAL;
	fd = bpf_iter_create(bpf_link__fd(link));
	if (fd < 0) {
		err = -errno;
		goto out;
	}
	for (;;) {
		n = read(fd, &r, sizeof(r));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = -errno;
			break;
		}
		if (n != sizeof(r))
			break;
		if (out && len == sizeof(r) && r.version == AIO_ITER_VERSION && r.vm_start == start) {
			memcpy(out, &r, sizeof(r));
			err = 0;
		}
	}
	close(fd);
out:
	bpf_link__destroy(link);
	return err;
}

/* The iterator's record of the ring at @start, into @out. Return: 0, -ENOENT, -errno. */
/* Loaded once per run (the kernel's BTF is read twice to load it: 0.1 s). */
static struct aio_iter_bpf *skel;

static void unload(void)
{
	aio_iter_bpf__destroy(skel);
	skel = NULL;
}

static int load(void)
{
	int64_t delta = 0;
	int err;

	if (skel)
		return 0;
	err = rq_to_off(&delta);
	if (err)
		return err;
	skel = aio_iter_bpf__open();
	if (!skel)
		return errno ? -errno : -EINVAL;
	skel->bss->nr_cpus = libbpf_num_possible_cpus();
	skel->bss->rq_to_off = delta;
	if (aio_iter_bpf__load(skel)) {
		err = errno ? -errno : -EINVAL;
		unload();
		return err;
	}
	atexit(unload);
	return 0;
}

static int scan(pid_t pid, uint64_t start, struct aio_iter_rec *out)
{
	union bpf_iter_link_info linfo = {};
	int pidfd = -1, err;

	err = load();
	if (err)
		return err;
	skel->bss->target_tgid = pid;
	/* The CPUs' offsets first, from every task (a CPU may have come online). */
	err = run(skel->progs.cpu_offsets, NULL, NULL, 0, 0);
	if (!err) {
		pidfd = syscall(SYS_pidfd_open, pid, 0);
		err = pidfd < 0 ? -errno : 0;
	}
	if (!err) {
		linfo.task.pid_fd = pidfd;
		err = run(skel->progs.aio_scan, &linfo, out, sizeof(*out), start);
	}
	if (pidfd >= 0)
		close(pidfd);
	return err;
}

static int read_ring(pid_t pid, const VmaEntry *v, uint8_t *buf, size_t len)
{
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/mem", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = pread(fd, buf, len, (off_t)v->start);
	close(fd);
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

int dump_aio__vma(struct dump_ctx *ctx, pid_t pid, VmaEntry *v)
{
	size_t len = v->end - v->start;
	struct aio_iter_rec r = { 0 };
	struct ring_head h;
	AioRingEntry *a;
	uint32_t inflight;
	int err;

	(void)ctx;
	v->kind = VMA_KIND__VMA_FILE_SHARED;
	if (len > MAX_RING_BYTES || len < sizeof(h))
		return refuse(pid, v, "a ring of %zu bytes", len);
	err = scan(pid, v->start, &r);
	if (err == -ESRCH || (err && !procfs__exists(pid)))
		return -ESRCH;
	if (err)
		return refuse(pid, v, "cannot read its requests' state (BPF iterator: %s)",
			      strerror(-err));
	a = PB_NEW(AioRingEntry, aio_ring_entry);
	if (!a)
		return -ENOMEM;
	v->aio = a;
	a->ring.data = malloc(len);
	if (!a->ring.data)
		return -ENOMEM;
	a->ring.len = len;
	err = read_ring(pid, v, a->ring.data, len);
	if (err)
		return procfs__exists(pid) ? err : -ESRCH;
	memcpy(&h, a->ring.data, sizeof(h));
	if (r.dead)
		return refuse(pid, v, "being destroyed (io_destroy)");
	if (h.magic != RING_MAGIC || h.nr != r.nr_events || h.header_length != sizeof(h) ||
	    h.incompat || h.tail != r.tail || h.tail >= h.nr || r.user_id != v->start ||
	    (uint64_t)h.nr * 32 + sizeof(h) > len)
		return refuse(pid, v, "a ring the kernel does not describe so (magic %x, %u events, tail %u)",
			      h.magic, h.nr, h.tail);
	inflight = r.nr_events - 1 - r.avail - r.completed_events;
	if (r.avail + r.completed_events > r.nr_events - 1)
		inflight = 0; /* a completion raced the read: none left in flight */
	if (inflight)
		return refuse(pid, v, "%u request%s in flight", inflight, inflight == 1 ? "" : "s");
	if (h.id >= MAX_RING_ID)
		return refuse(pid, v, "id %u", h.id);
	a->id = h.id;
	a->max_reqs = r.max_reqs;
	a->nr_events = h.nr;
	a->head = h.head % h.nr;
	a->tail = h.tail;
	return 0;
}
