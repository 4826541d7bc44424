// SPDX-License-Identifier: GPL-2.0
/*
 * tracer.c - skeleton life cycle and the ring buffer loop (see tracer.h).
 *
 * The order is libbpf-bootstrap's: open, write .rodata filters, load,
 * seed maps, attach, poll. Two skeletons of the same programs: the full
 * one (pidtrace.bpf.c, libbpf skeleton) for watch and run, and the
 * restore's (watchdog.bpf.c, light skeleton: relocated and loaded by the
 * kernel, in about a third of the time) when opts.light is set. Past the
 * load, both are used through the same map and program fds.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "clock.h"
#include "log.h"
#include "mounts.h"
#include "pidtrace.h"
#include "pidtrace.skel.h"
#include "registry.h"
#include "tracer.h"
#include "watchdog.lskel.h"

#define MAX_EARLY_PIDS 1024

struct tracer {
	struct pidtrace_bpf *skel;		      /* the full tracer, or */
	struct watchdog_lbpf *lskel;		      /* the restore's (opts.light) */
	int events_fd, stats_fd, tracked_fd, mark_fd; /* once loaded */
	struct ring_buffer *rb;
	struct tracer_opts opts;
	pid_t early[MAX_EARLY_PIDS]; /* pids tracked before the map exists */
	int nearly;
	int loaded;
	uint64_t mark_sent, mark_read; /* tracer__sync() */
	char error[256];	       /* why tracer__start() failed */
};

static int handle_record(void *ctx, void *data, size_t size)
{
	struct tracer *t = ctx;
	const struct pt_hdr *h = data;

	if (size < sizeof(struct pt_hdr))
		return 0;
	if (h->type == PT_EV_MARK) {
		if (size >= sizeof(struct pt_mark_event))
			t->mark_read = ((const struct pt_mark_event *)data)->seq;
		return 0;
	}
	return t->opts.on_event ? t->opts.on_event(t->opts.ctx, data, size) : 0;
}

/* Why the start failed: said now, or kept for the caller (opts.defer_errors). */
static void start_error(struct tracer *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void start_error(struct tracer *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->error, sizeof(t->error), fmt, ap);
	va_end(ap);
	if (!t->opts.defer_errors)
		pr_err("%s", t->error);
}

const char *tracer__error(const struct tracer *t)
{
	return t->error;
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

/* The restore's tracer: no lineage, no registry (watchdog.bpf.c lacks them). */
static struct watchdog_lbpf *open_light_skel(const struct tracer_opts *opts)
{
	struct watchdog_lbpf *s = watchdog_lbpf__open();

	if (!s)
		return NULL;
	s->rodata->cfg = opts->filter;
	if (opts->ringbuf_bytes)
		s->maps.events.max_entries = round_pow2(opts->ringbuf_bytes);
	s->maps.deaths.max_entries = 1;
	s->maps.kills.max_entries = 1;
	return s;
}

static int open_light(struct tracer *t, const struct tracer_opts *opts)
{
	if (opts->filter.lineage || opts->filter.registry)
		return -EINVAL;
	t->lskel = open_light_skel(opts);
	return t->lskel ? 0 : -ENOMEM;
}

static int open_full(struct tracer *t, const struct tracer_opts *opts)
{
	int err;

	t->skel = pidtrace_bpf__open();
	if (!t->skel)
		return -errno;
	t->skel->rodata->cfg = opts->filter;
	if (opts->ringbuf_bytes) {
		err = bpf_map__set_max_entries(t->skel->maps.events,
					       round_pow2(opts->ringbuf_bytes));
		if (err) {
			pr_err("cannot size the ring buffer: %s", strerror(-err));
			return err;
		}
	}
	if (!opts->filter.registry) {
		/* Unused maps still allocate their entries: keep them tiny. */
		bpf_map__set_max_entries(t->skel->maps.deaths, 1);
		bpf_map__set_max_entries(t->skel->maps.kills, 1);
	} else if (opts->registry_pin) {
		err = registry_reuse(t, opts->registry_pin);
		if (err)
			return err;
	}
	/*
	 * Lineage hooks only matter when we follow a tree; leaving them out
	 * keeps every syscall exit free of BPF on a busy host.
	 */
	if (!opts->filter.lineage) {
		bpf_program__set_autoload(t->skel->progs.lineage_sys_exit, false);
		bpf_program__set_autoload(t->skel->progs.on_process_exec, false);
	}
	/* Only the restore's tracer is synchronised (tracer__sync()). */
	bpf_program__set_autoload(t->skel->progs.mark, false);
	return 0;
}

struct tracer *tracer__new(const struct tracer_opts *opts)
{
	struct tracer *t = calloc(1, sizeof(*t));
	int err;

	if (!t)
		return NULL;
	t->opts = *opts;
	t->events_fd = t->stats_fd = t->tracked_fd = t->mark_fd = -1;
	err = opts->light ? open_light(t, opts) : open_full(t, opts);
	if (err) {
		if (!t->skel && !t->lskel)
			pr_err("cannot open the BPF object: %s", strerror(-err));
		tracer__free(t);
		errno = -err;
		return NULL;
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
	if (bpf_map_update_elem(t->tracked_fd, &key, &one, BPF_ANY))
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

static int load_full(struct tracer *t)
{
	int err;

	/*
	 * Only tp_btf and raw_tp programs: nothing to attach needs tracefs,
	 * which a fresh machine does not have mounted.
	 */
	err = pidtrace_bpf__load(t->skel);
	if (err) {
		start_error(t, "cannot load the BPF programs: %s%s", strerror(-err),
			    err == -EPERM ? load_hint(err) : " (run with -v for the verifier log)");
		return err;
	}
	t->events_fd = bpf_map__fd(t->skel->maps.events);
	t->stats_fd = bpf_map__fd(t->skel->maps.stats);
	t->tracked_fd = bpf_map__fd(t->skel->maps.tracked);
	return 0;
}

/*
 * -v after a failed load: load a second copy with the kernel's log on and
 * print the log of the load that failed (the last one written). Not on
 * the first try: a log too small for everything fails the load.
 */
static void print_light_log(const struct tracer *t)
{
	size_t size = 16 << 20;
	struct watchdog_lbpf *s = open_light_skel(&t->opts);
	char *log = calloc(1, size);

	if (s && log) {
		s->ctx.log_level = 1;
		s->ctx.log_buf = (uintptr_t)log;
		s->ctx.log_size = size;
		if (watchdog_lbpf__load(s))
			fprintf(stderr, "%s\n", log);
	}
	watchdog_lbpf__destroy(s);
	free(log);
}

static int load_light(struct tracer *t)
{
	int err;

	err = watchdog_lbpf__load(t->lskel);
	if (err) {
		bool denied;

		err = err < 0 ? err : -EINVAL;
		denied = err == -EPERM || err == -EACCES;
		if (log__verbose() && !denied)
			print_light_log(t);
		start_error(t, "cannot load the BPF programs: %s%s", strerror(-err),
			    denied ? load_hint(err) : " (run with -v for the verifier log)");
		return err;
	}
	t->events_fd = t->lskel->maps.events.map_fd;
	t->stats_fd = t->lskel->maps.stats.map_fd;
	t->tracked_fd = t->lskel->maps.tracked.map_fd;
	t->mark_fd = t->lskel->progs.mark.prog_fd;
	return 0;
}

int tracer__start(struct tracer *t)
{
	int err, i;

	err = t->lskel ? load_light(t) : load_full(t);
	if (err)
		return err;
	t->loaded = 1;
	for (i = 0; i < t->nearly; i++) {
		err = tracer__track(t, t->early[i]);
		if (err) {
			start_error(t, "cannot track pid %d: %s", t->early[i], strerror(-err));
			return err;
		}
	}
	if (t->opts.filter.registry && t->opts.registry_pin) {
		err = registry_pin(t, t->opts.registry_pin);
		if (err)
			return err;
	}
	err = t->lskel ? watchdog_lbpf__attach(t->lskel) : pidtrace_bpf__attach(t->skel);
	if (err) {
		err = err < 0 ? err : -EINVAL;
		start_error(t, "cannot attach the BPF programs: %s%s", strerror(-err),
			    load_hint(err));
		return err;
	}
	t->rb = ring_buffer__new(t->events_fd, handle_record, t, NULL);
	if (!t->rb) {
		err = -errno;
		start_error(t, "cannot open the ring buffer: %s", strerror(-err));
		return err;
	}
	return 0;
}

unsigned tracer__programs(const struct tracer *t)
{
	const struct bpf_object_skeleton *s;
	unsigned n = 0;
	int i;

	if (!t || !t->loaded || !t->skel || !t->rb)
		return 0;
	s = t->skel->skeleton;
	for (i = 0; i < s->prog_cnt; i++)
		if (*s->progs[i].link)
			n++;
	return n;
}

int tracer__poll(struct tracer *t, int timeout_ms)
{
	int n = ring_buffer__poll(t->rb, timeout_ms);

	/*
	 * Producers wake the reader only once wakeup_bytes are queued (a
	 * wakeup per record costs every sender), so a quiet host can leave a
	 * few records unannounced: epoll then times out and consumes nothing.
	 * Read what is there on every timeout, so a lone kill is printed
	 * within one poll period, not at the end.
	 */
	if (n == 0)
		n = ring_buffer__consume(t->rb);
	return n;
}

int tracer__drain(struct tracer *t)
{
	return ring_buffer__consume(t->rb);
}

static double now_ms(void)
{
	return clock__mono_ns() / 1e6;
}

/* Have the kernel side write marker @seq. Return: 0, -ENOSPC (ring full) or -errno. */
static int put_mark(struct tracer *t, uint64_t seq)
{
	struct bpf_test_run_opts run = {
		.sz = sizeof(run),
		.ctx_in = &seq,
		.ctx_size_in = sizeof(seq),
	};

	if (bpf_prog_test_run_opts(t->mark_fd, &run))
		return -errno;
	return run.retval ? -ENOSPC : 0;
}

int tracer__sync(struct tracer *t, int timeout_ms)
{
	double until = now_ms() + timeout_ms;
	uint64_t seq = ++t->mark_sent;
	int err, n;

	if (!t->loaded || t->mark_fd < 0)
		return -EOPNOTSUPP;
	while ((err = put_mark(t, seq)) == -ENOSPC) {
		/* Full: what fills it is read first, then the marker goes in. */
		n = ring_buffer__poll(t->rb, 10);
		if (n < 0 && n != -EINTR)
			return n;
		if (now_ms() > until)
			return -ETIMEDOUT;
	}
	if (err)
		return err;
	/*
	 * A record reserved before the marker but still being written stops
	 * the reader; its commit wakes us up.
	 */
	while (t->mark_read < seq) {
		double left = until - now_ms();

		if (left <= 0)
			return -ETIMEDOUT;
		n = ring_buffer__poll(t->rb, left < 1 ? 1 : (int)left);
		if (n < 0 && n != -EINTR)
			return n;
	}
	return 0;
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

		if (bpf_map_lookup_elem(t->stats_fd, &k, vals))
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
	watchdog_lbpf__destroy(t->lskel);
	free(t);
}
