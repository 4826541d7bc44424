// SPDX-License-Identifier: GPL-2.0
/*
 * tracer.c - skeleton life cycle and the ring buffer loop (see tracer.h).
 *
 * The order is libbpf-bootstrap's: open, write .rodata filters, load,
 * seed maps, attach, poll. Classic syscall tracepoints need tracefs, which a
 * fresh machine lacks: we mount it before attaching.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "log.h"
#include "mounts.h"
#include "pidtrace.h"
#include "pidtrace.skel.h"
#include "registry.h"
#include "tracer.h"

#define MAX_EARLY_PIDS 1024

struct tracer {
	struct pidtrace_bpf *skel;
	struct ring_buffer *rb;
	struct tracer_opts opts;
	pid_t early[MAX_EARLY_PIDS]; /* pids tracked before the map exists */
	int nearly;
	int loaded;
};

static int handle_record(void *ctx, void *data, size_t size)
{
	struct tracer *t = ctx;

	if (size < sizeof(struct pt_hdr))
		return 0;
	return t->opts.on_event ? t->opts.on_event(t->opts.ctx, data, size) : 0;
}

static size_t round_pow2(size_t n)
{
	size_t p = 4096;

	while (p < n)
		p <<= 1;
	return p;
}

/* An existing pinned registry keeps its notes: make our map that map. */
static int registry_reuse(struct tracer *t, const char *path)
{
	int fd, err;

	fd = bpf_obj_get(path);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	err = bpf_map__reuse_fd(t->skel->maps.deaths, fd);
	close(fd);
	if (err)
		pr_err("%s: cannot reuse the pinned death registry (%s); remove it to start afresh",
		       path, strerror(-err));
	return err;
}

/* Pin the registry in a root-only directory of bpffs. */
static int registry_pin(struct tracer *t, const char *path)
{
	char dir[256], *slash;
	int err;

	err = mounts__ensure_bpffs();
	if (err)
		return err;
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0700) && errno != EEXIST) {
			err = -errno;
			pr_err("cannot create %s: %s", dir, strerror(-err));
			return err;
		}
		/* One that was there already must be root's alone. */
		if (registry__check_dir(path)) {
			pr_err("%s: not a directory only root can write: refusing to pin the death registry there",
			       dir);
			return -EPERM;
		}
	}
	if (!access(path, F_OK))
		return 0; /* reused, already pinned */
	err = bpf_map__pin(t->skel->maps.deaths, path);
	if (err)
		pr_err("cannot pin the death registry at %s: %s", path, strerror(-err));
	return err;
}

struct tracer *tracer__new(const struct tracer_opts *opts)
{
	struct tracer *t = calloc(1, sizeof(*t));
	int err;

	if (!t)
		return NULL;
	t->opts = *opts;
	t->skel = pidtrace_bpf__open();
	if (!t->skel) {
		err = -errno;
		pr_err("cannot open the BPF object: %s", strerror(-err));
		free(t);
		errno = -err;
		return NULL;
	}
	t->skel->rodata->cfg = opts->filter;
	if (opts->ringbuf_bytes) {
		err = bpf_map__set_max_entries(t->skel->maps.events,
					       round_pow2(opts->ringbuf_bytes));
		if (err) {
			pr_err("cannot size the ring buffer: %s", strerror(-err));
			tracer__free(t);
			errno = -err;
			return NULL;
		}
	}
	if (!opts->filter.registry) {
		/* Unused maps still allocate their entries: keep them tiny. */
		bpf_map__set_max_entries(t->skel->maps.deaths, 1);
		bpf_map__set_max_entries(t->skel->maps.kills, 1);
	} else if (opts->registry_pin) {
		err = registry_reuse(t, opts->registry_pin);
		if (err) {
			tracer__free(t);
			errno = -err;
			return NULL;
		}
	}
	/*
	 * Lineage hooks only matter when we follow a tree; leaving them out
	 * keeps every syscall exit free of BPF on a busy host.
	 */
	if (!opts->filter.lineage) {
		bpf_program__set_autoload(t->skel->progs.lineage_sys_exit, false);
		bpf_program__set_autoload(t->skel->progs.on_process_exec, false);
	}
	return t;
}

int tracer__track(struct tracer *t, pid_t pid)
{
	uint8_t one = 1;
	uint32_t key = pid;

	if (!t->loaded) {
		if (t->nearly == MAX_EARLY_PIDS)
			return -E2BIG;
		t->early[t->nearly++] = pid;
		return 0;
	}
	if (bpf_map__update_elem(t->skel->maps.tracked, &key, sizeof(key), &one, sizeof(one),
				 BPF_ANY))
		return -errno;
	return 0;
}

static const char *load_hint(int err)
{
	switch (-err) {
	case EPERM:
	case EACCES:
		return " (pidtrace needs root: CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN)";
	case ENOSYS:
	case EOPNOTSUPP:
		return " (this kernel lacks BPF support)";
	case ENOENT:
	case ESRCH:
		return " (a tracepoint or BTF type is missing on this kernel)";
	}
	return "";
}

int tracer__start(struct tracer *t)
{
	int err, i;

	/*
	 * Only tp_btf and raw_tp programs: nothing to attach needs tracefs,
	 * which a fresh machine does not have mounted.
	 */
	err = pidtrace_bpf__load(t->skel);
	if (err) {
		pr_err("cannot load the BPF programs: %s%s", strerror(-err),
		       err == -EPERM ? load_hint(err) : " (run with -v for the verifier log)");
		return err;
	}
	t->loaded = 1;
	for (i = 0; i < t->nearly; i++) {
		err = tracer__track(t, t->early[i]);
		if (err) {
			pr_err("cannot track pid %d: %s", t->early[i], strerror(-err));
			return err;
		}
	}
	if (t->opts.filter.registry && t->opts.registry_pin) {
		err = registry_pin(t, t->opts.registry_pin);
		if (err)
			return err;
	}
	err = pidtrace_bpf__attach(t->skel);
	if (err) {
		pr_err("cannot attach the BPF programs: %s%s", strerror(-err), load_hint(err));
		return err;
	}
	t->rb = ring_buffer__new(bpf_map__fd(t->skel->maps.events), handle_record, t, NULL);
	if (!t->rb) {
		err = -errno;
		pr_err("cannot open the ring buffer: %s", strerror(-err));
		return err;
	}
	return 0;
}

int tracer__poll(struct tracer *t, int timeout_ms)
{
	return ring_buffer__poll(t->rb, timeout_ms);
}

int tracer__drain(struct tracer *t)
{
	return ring_buffer__consume(t->rb);
}

int tracer__stats(struct tracer *t, struct tracer_stats *st)
{
	int ncpu = libbpf_num_possible_cpus();
	uint64_t *vals;
	uint32_t k;
	int i;

	memset(st, 0, sizeof(*st));
	if (!t->loaded || ncpu <= 0)
		return -EINVAL;
	vals = calloc(ncpu, sizeof(*vals));
	if (!vals)
		return -ENOMEM;
	for (k = 0; k < PT_STAT_MAX; k++) {
		uint64_t sum = 0;

		if (bpf_map__lookup_elem(t->skel->maps.stats, &k, sizeof(k), vals,
					 ncpu * sizeof(*vals), 0))
			continue;
		for (i = 0; i < ncpu; i++)
			sum += vals[i];
		if (k == PT_STAT_EVENTS)
			st->events = sum;
		else if (k == PT_STAT_DROPS)
			st->drops = sum;
		else if (k == PT_STAT_FILTERED)
			st->filtered = sum;
		else if (k == PT_STAT_SHED)
			st->shed = sum;
	}
	free(vals);
	return 0;
}

void tracer__free(struct tracer *t)
{
	if (!t)
		return;
	ring_buffer__free(t->rb);
	pidtrace_bpf__destroy(t->skel);
	free(t);
}
