// SPDX-License-Identifier: GPL-2.0
/*
 * metrics.c - deaths and signals as Prometheus counters, in a file that
 * node_exporter's textfile collector serves (see metrics.h for the rules:
 * atomic rewrites at a bounded rate, a heartbeat, bounded labels).
 *
 * Series live in an open-addressing hash keyed by (metric, cause, signal,
 * comm, cgroup); comm and cgroup values are interned in small tables whose
 * size is the label cap. Nothing here allocates per death once a series
 * exists, so a kill storm costs a hash lookup per death.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "cause.h"
#include "fdio.h"
#include "log.h"
#include "metrics.h"
#include "output.h"

/* More series than this is a bug or an attack: count, do not grow. */
#define MAX_SERIES 8192
#define LABEL_OTHER (-2)
#define LABEL_NONE (-1)

enum metric { M_DEATHS, M_SIGNALS };

struct series {
	bool used;
	unsigned char metric;
	unsigned char cause;
	unsigned char signo;
	int comm, cgroup, sender; /* index in the label table, LABEL_NONE or LABEL_OTHER */
	uint64_t count;
};

struct label_table {
	char **v;
	unsigned n, cap;
	uint64_t overflow; /* values counted under "other" */
};

struct metrics {
	struct metrics_opts o;
	char *dir, *base;
	struct series *s;
	size_t ns, cap; /* used and allocated slots (cap a power of two) */
	uint64_t series_dropped;
	struct label_table comm, cgroup, sender;
	struct metrics_health h;
	double start_wall;
	double last_write; /* monotonic seconds */
	bool dirty;
	uint64_t write_errors;
	int last_err; /* the -errno of the last write, so each kind is said once */
	bool written; /* the file was written once: the first failure is always said */
};

static uint64_t hash_key(const struct series *s)
{
	uint64_t h = 1469598103934665603ULL;
	int k[6] = { s->metric, s->cause, s->signo, s->comm, s->cgroup, s->sender };
	size_t i;

	for (i = 0; i < 6; i++) {
		h ^= (uint32_t)k[i];
		h *= 1099511628211ULL;
	}
	return h;
}

static int grow(struct metrics *m)
{
	size_t ncap = m->cap ? m->cap * 2 : 64, i;
	struct series *ns = calloc(ncap, sizeof(*ns));

	if (!ns)
		return -ENOMEM;
	for (i = 0; i < m->cap; i++) {
		struct series *s = &m->s[i];
		size_t j;

		if (!s->used)
			continue;
		j = hash_key(s) & (ncap - 1);
		while (ns[j].used)
			j = (j + 1) & (ncap - 1);
		ns[j] = *s;
	}
	free(m->s);
	m->s = ns;
	m->cap = ncap;
	return 0;
}

static bool same_key(const struct series *a, const struct series *b)
{
	return a->metric == b->metric && a->cause == b->cause && a->signo == b->signo &&
	       a->comm == b->comm && a->cgroup == b->cgroup && a->sender == b->sender;
}

/* The series of @key (its count ignored), added when new. NULL: no room. */
static struct series *lookup(struct metrics *m, const struct series *key)
{
	size_t j;

	/* Keep the table at most half full: probes stay short. */
	if ((m->ns + 1) * 2 > m->cap && m->ns < MAX_SERIES && grow(m))
		return NULL;
	j = hash_key(key) & (m->cap - 1);
	for (;; j = (j + 1) & (m->cap - 1)) {
		struct series *s = &m->s[j];

		if (!s->used)
			break;
		if (same_key(s, key))
			return s;
	}
	if (m->ns >= MAX_SERIES)
		return NULL;
	m->s[j] = *key;
	m->s[j].used = true;
	m->s[j].count = 0;
	m->ns++;
	return &m->s[j];
}

/* The index of @v in @t, interning it while there is room; LABEL_OTHER past the cap. */
static int intern(struct label_table *t, const char *v)
{
	unsigned i;

	for (i = 0; i < t->n; i++)
		if (!strcmp(t->v[i], v))
			return i;
	if (t->n == t->cap) {
		t->overflow++;
		return LABEL_OTHER;
	}
	t->v[t->n] = strdup(v);
	if (!t->v[t->n]) {
		t->overflow++;
		return LABEL_OTHER;
	}
	return t->n++;
}

/* The sender's name as a label: a task's comm, or who else it was. */
static const char *sender_name(const struct xrec *r)
{
	if (r->has_sender && r->sender_kind == SENDER_USER)
		return r->sender.comm;
	return r->sender_kind == SENDER_KERNEL ? "kernel" : "unknown";
}

void metrics__record(struct metrics *m, const struct xrec *r)
{
	struct series key = { .comm = LABEL_NONE, .cgroup = LABEL_NONE, .sender = LABEL_NONE };
	struct series *s;

	if (!m)
		return;
	key.metric = r->kind == XREC_DEATH ? M_DEATHS : M_SIGNALS;
	key.cause = r->cause;
	key.signo = r->signo > 0 && r->signo < 256 ? r->signo : 0;
	/* comm and cgroup describe the victim: the program that died, and where. */
	if (m->o.by_comm && key.metric == M_DEATHS)
		key.comm = intern(&m->comm, r->victim.comm);
	if (m->o.by_cgroup && key.metric == M_DEATHS)
		key.cgroup = intern(&m->cgroup, r->victim.cgroup[0] ? r->victim.cgroup : "unknown");
	if (m->o.by_sender)
		key.sender = intern(&m->sender, sender_name(r));
	s = lookup(m, &key);
	if (!s) {
		m->series_dropped++;
	} else {
		s->count++;
	}
	m->dirty = true;
}

void metrics__health(struct metrics *m, const struct metrics_health *h)
{
	if (!m)
		return;
	if (memcmp(&m->h, h, sizeof(*h)))
		m->dirty = true;
	m->h = *h;
}

/*
 * A label value in the text format: backslash, double quote and newline
 * escaped as the format says; other control bytes and bytes past ASCII
 * (a comm is any 15 bytes a process chose) become '?', so that a hostile
 * name can neither break the file nor forge a series.
 */
static void put_label(FILE *f, const char *name, const char *v)
{
	const unsigned char *p;

	fprintf(f, "%s=\"", name);
	for (p = (const unsigned char *)v; *p; p++) {
		if (*p == '\\' || *p == '"')
			fprintf(f, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", f);
		else if (*p < 0x20 || *p >= 0x7f)
			fputc('?', f);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

static const char *label_value(const struct label_table *t, int i)
{
	return i == LABEL_OTHER ? "other" : t->v[i];
}

static int cmp_series(const void *a, const void *b)
{
	const struct series *x = *(struct series *const *)a, *y = *(struct series *const *)b;

	if (x->metric != y->metric)
		return x->metric - y->metric;
	if (x->cause != y->cause)
		return x->cause - y->cause;
	if (x->signo != y->signo)
		return x->signo - y->signo;
	if (x->comm != y->comm)
		return x->comm - y->comm;
	if (x->cgroup != y->cgroup)
		return x->cgroup - y->cgroup;
	return x->sender - y->sender;
}

static void put_family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void put_series(FILE *f, const struct metrics *m, struct series **v, size_t n,
		       enum metric metric)
{
	static const char *const names[] = { "pidtrace_deaths_total", "pidtrace_signals_total" };
	char buf[32];
	size_t i;

	for (i = 0; i < n; i++) {
		const struct series *s = v[i];

		if (s->metric != metric)
			continue;
		fprintf(f, "%s{", names[metric]);
		put_label(f, "cause", cause__name(s->cause));
		fputc(',', f);
		put_label(f, "signal", output__signame(s->signo, buf, sizeof(buf)));
		if (s->comm != LABEL_NONE) {
			fputc(',', f);
			put_label(f, "comm", label_value(&m->comm, s->comm));
		}
		if (s->cgroup != LABEL_NONE) {
			fputc(',', f);
			put_label(f, "cgroup", label_value(&m->cgroup, s->cgroup));
		}
		if (s->sender != LABEL_NONE) {
			fputc(',', f);
			put_label(f, "sender_comm", label_value(&m->sender, s->sender));
		}
		fprintf(f, "} %llu\n", (unsigned long long)s->count);
	}
}

/* The whole file, in memory. Return: 0 or -ENOMEM. */
static int render(const struct metrics *m, bool up, char **out, size_t *len)
{
	struct series **v = NULL;
	size_t i, n = 0;
	FILE *f = open_memstream(out, len);

	if (!f)
		return -ENOMEM;
	if (m->ns) {
		v = malloc(m->ns * sizeof(*v));
		if (!v) {
			fclose(f);
			free(*out);
			return -ENOMEM;
		}
		for (i = 0; i < m->cap; i++)
			if (m->s[i].used)
				v[n++] = &m->s[i];
		qsort(v, n, sizeof(*v), cmp_series);
	}
	put_family(f, "pidtrace_up", "gauge",
		   "1 while pidtrace watch runs, 0 once it has stopped.");
	fprintf(f, "pidtrace_up %d\n", up);
	put_family(f, "pidtrace_start_time_seconds", "gauge",
		   "When this pidtrace watch started, in seconds since the epoch.");
	fprintf(f, "pidtrace_start_time_seconds %.3f\n", m->start_wall);
	put_family(f, "pidtrace_bpf_programs_attached", "gauge",
		   "BPF programs the tracer has attached.");
	fprintf(f, "pidtrace_bpf_programs_attached %u\n", up ? m->h.programs : 0);
	put_family(f, "pidtrace_deaths_total", "counter",
		   "Deaths by a signal, by cause class and signal.");
	put_series(f, m, v, n, M_DEATHS);
	put_family(f, "pidtrace_signals_total", "counter",
		   "Signals generated that watch reported (-s, --all-signals), by cause and signal.");
	put_series(f, m, v, n, M_SIGNALS);
	put_family(f, "pidtrace_events_total", "counter",
		   "Records the kernel side submitted to the ring buffer.");
	fprintf(f, "pidtrace_events_total %llu\n", (unsigned long long)m->h.events);
	put_family(f, "pidtrace_records_dropped_total", "counter",
		   "Records lost: the ring buffer was full, or shed to keep room for kills.");
	fprintf(f, "pidtrace_records_dropped_total{reason=\"ring_buffer_full\"} %llu\n",
		(unsigned long long)m->h.drops);
	fprintf(f, "pidtrace_records_dropped_total{reason=\"shed\"} %llu\n",
		(unsigned long long)m->h.shed);
	put_family(f, "pidtrace_metrics_label_overflow_total", "counter",
		   "Deaths counted under the label value \"other\": the label cap was reached.");
	fprintf(f, "pidtrace_metrics_label_overflow_total{label=\"comm\"} %llu\n",
		(unsigned long long)m->comm.overflow);
	fprintf(f, "pidtrace_metrics_label_overflow_total{label=\"cgroup\"} %llu\n",
		(unsigned long long)m->cgroup.overflow);
	fprintf(f, "pidtrace_metrics_label_overflow_total{label=\"sender_comm\"} %llu\n",
		(unsigned long long)m->sender.overflow);
	put_family(f, "pidtrace_metrics_series_dropped_total", "counter",
		   "Records not counted because the number of series reached its limit.");
	fprintf(f, "pidtrace_metrics_series_dropped_total %llu\n",
		(unsigned long long)m->series_dropped);
	put_family(f, "pidtrace_metrics_write_errors_total", "counter",
		   "Rewrites of this file that failed (the previous file was kept).");
	fprintf(f, "pidtrace_metrics_write_errors_total %llu\n",
		(unsigned long long)m->write_errors);
	free(v);
	if (fclose(f)) {
		free(*out);
		return -ENOMEM;
	}
	return 0;
}

/*
 * Write @buf to a temporary file beside the target and rename it over the
 * target: a reader sees the old file or the new one, never a part. The
 * temporary name does not end in ".prom", so the collector never reads it.
 */
static int write_atomic(const struct metrics *m, const char *buf, size_t len)
{
	char tmp[PATH_MAX];
	int fd, err;

	if (snprintf(tmp, sizeof(tmp), "%s/.%s.XXXXXX", m->dir, m->base) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	fd = mkstemp(tmp);
	if (fd < 0)
		return -errno;
	/* node_exporter runs as its own user: the counters are not secret. */
	err = fchmod(fd, 0644) ? -errno : 0;
	if (!err)
		err = fdio__write_all(fd, buf, len);
	if (close(fd) && !err)
		err = -errno;
	if (!err && rename(tmp, m->o.path))
		err = -errno;
	if (err)
		unlink(tmp);
	return err;
}

static int write_now(struct metrics *m, bool up)
{
	char *buf = NULL;
	size_t len = 0;
	int err;

	err = render(m, up, &buf, &len);
	if (!err)
		err = write_atomic(m, buf, len);
	free(buf);
	m->last_write = clock__mono_s();
	if (err) {
		m->write_errors++;
		if (err != m->last_err || !m->written)
			pr_err("metrics: cannot write %s: %s (counted; the previous file stays)",
			       m->o.path, strerror(-err));
		m->last_err = err;
		return err;
	}
	if (m->last_err)
		pr_info("metrics: %s written again", m->o.path);
	m->last_err = 0;
	m->written = true;
	m->dirty = false;
	return 0;
}

int metrics__flush(struct metrics *m, bool force)
{
	double since;

	if (!m)
		return 0;
	since = clock__mono_s() - m->last_write;
	if (force || (m->dirty && since >= m->o.min_interval_s) || since >= m->o.heartbeat_s)
		return write_now(m, true);
	return 0;
}

int metrics__parse_labels(struct metrics_opts *opts, const char *arg)
{
	char *copy = strdup(arg), *tok, *save = NULL;
	int err = 0;

	if (!copy)
		return -ENOMEM;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (!strcmp(tok, "comm")) {
			opts->by_comm = true;
		} else if (!strcmp(tok, "cgroup")) {
			opts->by_cgroup = true;
		} else if (!strcmp(tok, "sender")) {
			opts->by_sender = true;
		} else {
			err = -EINVAL;
			break;
		}
	}
	free(copy);
	return err;
}

static int label_table_init(struct label_table *t, unsigned cap)
{
	t->v = calloc(cap, sizeof(*t->v));
	t->cap = cap;
	return t->v ? 0 : -ENOMEM;
}

static void label_table_free(struct label_table *t)
{
	unsigned i;

	for (i = 0; i < t->n; i++)
		free(t->v[i]);
	free(t->v);
}

static void metrics_free(struct metrics *m)
{
	label_table_free(&m->comm);
	label_table_free(&m->cgroup);
	label_table_free(&m->sender);
	free(m->s);
	free(m->dir);
	free(m->base);
	free(m);
}

struct metrics *metrics__new(const struct metrics_opts *opts)
{
	struct metrics *m = calloc(1, sizeof(*m));
	char *d = NULL, *b = NULL;
	struct timespec ts;
	size_t len;
	int err = -ENOMEM;

	if (!m)
		goto fail;
	m->o = *opts;
	if (!m->o.label_cap)
		m->o.label_cap = METRICS_LABEL_CAP_DEFAULT;
	if (m->o.min_interval_s <= 0)
		m->o.min_interval_s = 1;
	if (m->o.heartbeat_s <= 0)
		m->o.heartbeat_s = METRICS_HEARTBEAT_S;
	len = strlen(opts->path);
	if (len < 6 || strcmp(opts->path + len - 5, ".prom")) {
		/* node_exporter's textfile collector reads *.prom only. */
		pr_err("--metrics %s: the file name must end in .prom (node_exporter reads only those)",
		       opts->path);
		err = -EINVAL;
		goto fail;
	}
	d = strdup(opts->path);
	b = strdup(opts->path);
	if (!d || !b)
		goto fail;
	m->dir = strdup(dirname(d));
	m->base = strdup(basename(b));
	if (!m->dir || !m->base)
		goto fail;
	if (label_table_init(&m->comm, m->o.label_cap) ||
	    label_table_init(&m->cgroup, m->o.label_cap) ||
	    label_table_init(&m->sender, m->o.label_cap) || grow(m))
		goto fail;
	clock_gettime(CLOCK_REALTIME, &ts);
	m->start_wall = ts.tv_sec + ts.tv_nsec / 1e9;
	/* The first write says at once whether the directory is usable. */
	err = write_now(m, true);
	if (err)
		goto fail;
	free(d);
	free(b);
	return m;
fail:
	free(d);
	free(b);
	if (m)
		metrics_free(m);
	errno = -err;
	return NULL;
}

int metrics__close(struct metrics *m)
{
	int err;

	if (!m)
		return 0;
	err = write_now(m, false);
	metrics_free(m);
	return err;
}
