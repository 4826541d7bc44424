// SPDX-License-Identifier: GPL-2.0
/*
 * test_metrics.c - the metrics file as node_exporter will read it: hostile
 * comm names cannot break a line or forge a series, the label cap and the
 * series limit hold, and the file is replaced whole, never left in parts.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "metrics.h"
#include "unit.h"

static char dir[] = "/tmp/pidtrace-unit-metrics.XXXXXX";
static char path[512];

static char *slurp(void)
{
	static char buf[1 << 20];
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = 0;
	fclose(f);
	return buf;
}

static struct xrec death(const char *comm, enum cause cause, int signo)
{
	struct xrec r = { .kind = XREC_DEATH, .cause = cause, .signo = signo };

	snprintf(r.victim.comm, sizeof(r.victim.comm), "%s", comm);
	snprintf(r.victim.cgroup, sizeof(r.victim.cgroup), "/system.slice/x.service");
	r.sender_kind = SENDER_USER;
	r.has_sender = true;
	snprintf(r.sender.comm, sizeof(r.sender.comm), "killer");
	return r;
}

static struct metrics *open_metrics(bool by_comm, unsigned cap)
{
	struct metrics_opts o = { .path = path, .by_comm = by_comm, .label_cap = cap };

	return metrics__new(&o);
}

/* Every line is a comment or one sample: name{labels} value. */
static int bad_lines(const char *text)
{
	const char *p = text;
	int bad = 0;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char line[1024];

		snprintf(line, sizeof(line), "%.*s", (int)len, p);
		if (line[0] != '#' && strncmp(line, "pidtrace_", 9))
			bad++;
		p += len + (nl ? 1 : 0);
	}
	return bad;
}

static void hostile_comm_is_escaped(void)
{
	struct metrics *m = open_metrics(true, 0);
	struct xrec r = death("a\"b\\c\nd\x1b]0;", CAUSE_KILL_SYSCALL, 9);
	struct xrec forge = death("x\"} 99\npidtra", CAUSE_KILL_SYSCALL, 9);
	const char *t;

	CHECK(m);
	metrics__record(m, &r);
	metrics__record(m, &forge);
	CHECK(metrics__flush(m, true) == 0);
	t = slurp();
	CHECK(t);
	CHECK(strstr(t, "comm=\"a\\\"b\\\\c\\nd?]0;\"} 1\n"));
	CHECK(strstr(t, "comm=\"x\\\"} 99\\npidtra\"} 1\n"));
	CHECK(bad_lines(t) == 0);
	CHECK(metrics__close(m) == 0);
}

static void counts_by_cause_and_signal(void)
{
	struct metrics *m = open_metrics(false, 0);
	struct xrec a = death("a", CAUSE_OOM_KILL, 9), b = death("b", CAUSE_FAULT, 11);
	int i;
	const char *t;

	CHECK(m);
	for (i = 0; i < 3; i++)
		metrics__record(m, &a);
	metrics__record(m, &b);
	CHECK(metrics__flush(m, true) == 0);
	t = slurp();
	CHECK(strstr(t, "pidtrace_deaths_total{cause=\"oom-kill\",signal=\"SIGKILL\"} 3\n"));
	CHECK(strstr(t, "pidtrace_deaths_total{cause=\"fault\",signal=\"SIGSEGV\"} 1\n"));
	/* No comm label unless asked for: the cardinality stays the causes'. */
	CHECK(!strstr(t, "comm="));
	CHECK(metrics__close(m) == 0);
	t = slurp();
	CHECK(strstr(t, "pidtrace_up 0\n"));
}

static void label_cap_uses_other(void)
{
	struct metrics *m = open_metrics(true, 2);
	char name[16];
	int i;
	const char *t;

	CHECK(m);
	for (i = 0; i < 10; i++) {
		struct xrec r;

		snprintf(name, sizeof(name), "w%d", i);
		r = death(name, CAUSE_KILL_SYSCALL, 9);
		metrics__record(m, &r);
	}
	CHECK(metrics__flush(m, true) == 0);
	t = slurp();
	CHECK(strstr(t, "comm=\"w0\"} 1\n"));
	CHECK(strstr(t, "comm=\"w1\"} 1\n"));
	CHECK(!strstr(t, "comm=\"w2\""));
	CHECK(strstr(t, "comm=\"other\"} 8\n"));
	CHECK(strstr(t, "pidtrace_metrics_label_overflow_total{label=\"comm\"} 8\n"));
	CHECK(metrics__close(m) == 0);
}

static void series_limit_is_counted(void)
{
	struct metrics *m = open_metrics(true, 4096);
	char name[16];
	int i, sig;
	const char *t;

	CHECK(m);
	/* 4096 comms x 4 signals: past the limit of series, counted, not grown. */
	for (i = 0; i < 4096; i++) {
		for (sig = 1; sig <= 4; sig++) {
			struct xrec r;

			snprintf(name, sizeof(name), "c%d", i);
			r = death(name, CAUSE_KILL_SYSCALL, sig);
			metrics__record(m, &r);
		}
	}
	CHECK(metrics__flush(m, true) == 0);
	t = slurp();
	CHECK(strstr(t, "pidtrace_metrics_series_dropped_total 8192\n"));
	CHECK(metrics__close(m) == 0);
}

/* No temporary file is left beside the target, and the target is 0644. */
static void rewrite_leaves_one_file(void)
{
	struct metrics *m = open_metrics(false, 0);
	struct dirent *e;
	int n = 0, i;
	DIR *d;

	CHECK(m);
	for (i = 0; i < 5; i++)
		CHECK(metrics__flush(m, true) == 0);
	CHECK(metrics__close(m) == 0);
	d = opendir(dir);
	CHECK(d);
	while ((e = readdir(d)))
		if (e->d_name[0] != '.' || (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")))
			n++;
	closedir(d);
	CHECK(n == 1);
	CHECK(access(path, R_OK) == 0);
}

static void name_must_end_in_prom(void)
{
	struct metrics_opts o = { .path = "/tmp/pidtrace-unit-metrics.txt" };

	CHECK(!metrics__new(&o));
	CHECK(errno == EINVAL);
}

static void labels_parse(void)
{
	struct metrics_opts o = { 0 };

	CHECK(metrics__parse_labels(&o, "comm,sender") == 0);
	CHECK(o.by_comm && o.by_sender && !o.by_cgroup);
	CHECK(metrics__parse_labels(&o, "pid") == -EINVAL);
}

UNIT_MAIN({
	if (!mkdtemp(dir))
		return 99;
	snprintf(path, sizeof(path), "%s/pidtrace.prom", dir);
	RUN(hostile_comm_is_escaped);
	RUN(counts_by_cause_and_signal);
	RUN(label_cap_uses_other);
	RUN(series_limit_is_counted);
	RUN(rewrite_leaves_one_file);
	RUN(name_must_end_in_prom);
	RUN(labels_parse);
	unlink(path);
	rmdir(dir);
})
