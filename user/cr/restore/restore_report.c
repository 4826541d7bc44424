// SPDX-License-Identifier: GPL-2.0
/*
 * restore_report.c - what a restore did: phases with their durations, the
 * tasks, pidfds and pages restored, and every death by a signal of a task
 * or helper pidtrace created, explained by the tracer and marked expected
 * or not. Plain: a summary and the tracer's own lines. --json: one object,
 * "event": "restore", whose "deaths" are the records `pidtrace watch
 * --json` prints (docs/watch-json.md).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "escape.h"
#include "names.h"

#include "output.h"
#include "restore_ctx.h"
#include "restore_report.h"
#include "restore_verify.h"
#include "watchdog.h"

#define jadd json_object_object_add

const char *const restore_phase_names[RPH_COUNT] = {
	"check", "create", "seize", "memory", "files", "state", "finish", "verify", "detach",
};

static struct json_object *death_json(const struct xrec *r)
{
	struct output o = { .mode = OUTPUT_JSON };
	struct json_object *j = NULL;
	char *buf = NULL;
	size_t len = 0;

	o.f = open_memstream(&buf, &len);
	if (!o.f)
		return NULL;
	output_json__record(&o, r);
	fclose(o.f);
	if (buf)
		j = json_tokener_parse(buf);
	free(buf);
	return j;
}

static struct json_object *helpers_json(const struct restore_ctx *ctx)
{
	struct json_object *a = json_object_new_array(), *h;
	size_t i;

	for (i = 0; i < ctx->nhelpers; i++) {
		h = json_object_new_object();
		jadd(h, "pid", json_object_new_int(ctx->helpers[i].pid));
		jadd(h, "pidfs_ino", json_object_new_int64(ctx->helpers[i].ino));
		jadd(h, "status", json_object_new_int(ctx->helpers[i].status));
		jadd(h, "reaped", json_object_new_boolean(ctx->helpers[i].reaped));
		json_object_array_add(a, h);
	}
	return a;
}

/* "exited with 3 (0x300)" or "killed by SIGKILL (0x9)" */
static void status_words(int st, char *buf, size_t len)
{
	char sb[16];

	if (st & 0x7f)
		snprintf(buf, len, "killed by %s (0x%x)", output__signame(st & 0x7f, sb, sizeof(sb)),
			 st);
	else
		snprintf(buf, len, "exited with %d (0x%x)", (st >> 8) & 0xff, st);
}

static size_t count_live(const struct restore_ctx *ctx)
{
	size_t i, n = 0;

	for (i = 0; i < ctx->ntasks; i++)
		n += !ctx->tasks[i].zombie;
	return n;
}

static void print_json(struct restore_ctx *ctx, const double *ms, bool ok,
		       const struct xrec *d, size_t nd)
{
	struct json_object *o = json_object_new_object(), *ph = json_object_new_object();
	struct json_object *deaths = json_object_new_array(), *pids = json_object_new_array();
	struct json_object *opids = json_object_new_array(), *warnings;
	double total = 0;
	size_t i, unexpected = 0;

	for (i = 0; i < RPH_COUNT; i++) {
		jadd(ph, restore_phase_names[i], json_object_new_double(ms[i]));
		total += ms[i];
	}
	for (i = 0; i < nd; i++) {
		unexpected += !d[i].expected;
		json_object_array_add(deaths, death_json(&d[i]));
	}
	for (i = 0; i < ctx->ntasks; i++) {
		json_object_array_add(pids, json_object_new_int(ctx->tasks[i].pid));
		json_object_array_add(opids, json_object_new_int(ctx->tasks[i].opid));
	}
	jadd(o, "event", escape__json_string("restore"));
	jadd(o, "ok", json_object_new_boolean(ok));
	jadd(o, "error", ok ? NULL : escape__json_string(ctx->error));
	warnings = json_object_new_array();
	for (i = 0; i < ctx->nwarnings; i++)
		json_object_array_add(warnings, escape__json_string(ctx->warnings[i]));
	jadd(o, "warnings", warnings);
	/* The task the error names (as in the image), null when it names none. */
	jadd(o, "error_pid", ok || !ctx->error_pid ? NULL : json_object_new_int(ctx->error_pid));
	jadd(o, "dir", escape__json_string(ctx->dir));
	jadd(o, "root", json_object_new_int(ctx->ntasks ? ctx->tasks[0].pid : 0));
	jadd(o, "pids", pids);
	jadd(o, "pidns", json_object_new_boolean(ctx->pidns));
	jadd(o, "host_pids", opids);
	jadd(o, "tasks", json_object_new_int64(count_live(ctx)));
	jadd(o, "zombies", json_object_new_int64(ctx->zombies));
	jadd(o, "threads", json_object_new_int64(ctx->threads));
	jadd(o, "cgroups_made", json_object_new_int64(ctx->cgroups_made));
	jadd(o, "vmas", json_object_new_int64(ctx->vmas));
	jadd(o, "pages", json_object_new_int64(ctx->pages));
	jadd(o, "pages_bytes", json_object_new_int64(ctx->pages_bytes));
	jadd(o, "cow_shared", json_object_new_int64(ctx->cow_shared));
	jadd(o, "cow_filled", json_object_new_int64(ctx->cow_filled));
	jadd(o, "cow_copied", json_object_new_int64(ctx->cow_copied));
	jadd(o, "fds", json_object_new_int64(ctx->fds));
	jadd(o, "pidfds", json_object_new_int64(ctx->pidfds_done));
	jadd(o, "helpers", json_object_new_int64(ctx->nhelpers));
	jadd(o, "helper_list", helpers_json(ctx));
	jadd(o, "verified", restore_verify__json());
	jadd(o, "phases_ms", ph);
	jadd(o, "total_ms", json_object_new_double(total));
	jadd(o, "unexpected_deaths", json_object_new_int64(unexpected));
	jadd(o, "deaths", deaths);
	printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	fflush(stdout);
	json_object_put(o);
}

/*
 * A Chrome trace-event file (Perfetto, chrome://tracing): the phases on a
 * "pidtrace restore" track, every death as an instant event on the
 * victim's track with its explanation.
 */
int restore_report__timeline(struct restore_ctx *ctx, const char *path, const double *start_ms,
			     const double *ms)
{
	struct json_object *o = json_object_new_object(), *ev = json_object_new_array(), *e, *a;
	const struct xrec *d = NULL;
	double t0 = start_ms[0];
	size_t nd = 0, i;
	char name[64];
	int err = 0;
	FILE *f;

	if (ctx->wd)
		d = watchdog__deaths(ctx->wd, &nd);
	for (i = 0; i < RPH_COUNT; i++) {
		if (!start_ms[i])
			continue;
		e = json_object_new_object();
		jadd(e, "name", escape__json_string(restore_phase_names[i]));
		jadd(e, "cat", escape__json_string("phase"));
		jadd(e, "ph", escape__json_string("X"));
		jadd(e, "ts", json_object_new_double((start_ms[i] - t0) * 1000));
		jadd(e, "dur", json_object_new_double(ms[i] * 1000));
		jadd(e, "pid", json_object_new_int(ctx->self));
		jadd(e, "tid", json_object_new_int(ctx->self));
		json_object_array_add(ev, e);
	}
	for (i = 0; i < nd; i++) {
		e = json_object_new_object();
		a = json_object_new_object();
		snprintf(name, sizeof(name), "%s %s%s", names__signal(d[i].signo) ?: "signal",
			 cause__name(d[i].cause), d[i].expected ? " (expected)" : "");
		jadd(e, "name", escape__json_string(name));
		jadd(e, "cat", escape__json_string("death"));
		jadd(e, "ph", escape__json_string("i"));
		jadd(e, "s", escape__json_string("p"));
		jadd(e, "ts", json_object_new_double(d[i].ts_ns / 1e3 - t0 * 1000));
		jadd(e, "pid", json_object_new_int(d[i].victim.pid));
		jadd(e, "tid", json_object_new_int(d[i].victim.pid));
		jadd(a, "detail", escape__json_string(d[i].detail));
		jadd(a, "comm", escape__json_string(d[i].victim.comm));
		jadd(e, "args", a);
		json_object_array_add(ev, e);
	}
	e = json_object_new_object();
	jadd(e, "name", escape__json_string("process_name"));
	jadd(e, "ph", escape__json_string("M"));
	jadd(e, "pid", json_object_new_int(ctx->self));
	a = json_object_new_object();
	jadd(a, "name", escape__json_string("pidtrace restore"));
	jadd(e, "args", a);
	json_object_array_add(ev, e);
	jadd(o, "traceEvents", ev);
	jadd(o, "displayTimeUnit", escape__json_string("ms"));
	f = fopen(path, "we");
	if (!f || fprintf(f, "%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN)) < 0)
		err = -errno;
	if (f && fclose(f) && !err)
		err = -errno;
	json_object_put(o);
	return err;
}

void restore_report__print(struct restore_ctx *ctx, const double *ms, bool ok, bool json)
{
	struct output o = { .mode = OUTPUT_PLAIN, .f = stdout };
	const struct xrec *d = NULL;
	size_t nd = 0, i, unexpected = 0;
	double total = 0;

	if (ctx->wd)
		d = watchdog__deaths(ctx->wd, &nd);
	if (json) {
		print_json(ctx, ms, ok, d, nd);
		return;
	}
	for (i = 0; i < RPH_COUNT; i++)
		total += ms[i];
	for (i = 0; i < nd; i++)
		unexpected += !d[i].expected;
	if (ok)
		printf("restored pid %d: %zu task%s (%lu zombie%s), %lu VMAs, %lu pages (%.1f MiB), "
		       "%lu fds, %lu pidfds (%zu helper%s) in %.1f ms\n",
		       ctx->tasks[0].pid, count_live(ctx), count_live(ctx) == 1 ? "" : "s",
		       (unsigned long)ctx->zombies, ctx->zombies == 1 ? "" : "s",
		       (unsigned long)ctx->vmas, (unsigned long)ctx->pages,
		       ctx->pages_bytes / 1048576.0, (unsigned long)ctx->fds,
		       (unsigned long)ctx->pidfds_done, ctx->nhelpers,
		       ctx->nhelpers == 1 ? "" : "s", total);
	else
		printf("restore of %s failed and was rolled back: %s\n", escape__str(ctx->dir),
		       escape__str(ctx->error));
	if (ok && ctx->threads)
		printf("  %lu more thread%s, each with its old tid\n", (unsigned long)ctx->threads,
		       ctx->threads == 1 ? "" : "s");
	if (ok && ctx->cgroups_made)
		printf("  %lu cgroup%s of the tree's made again, with their settings\n",
		       (unsigned long)ctx->cgroups_made, ctx->cgroups_made == 1 ? "" : "s");
	if (ok && (ctx->cow_shared || ctx->cow_copied))
		printf("  %lu pages shared copy-on-write with a parent again (checked in pagemap), "
		       "%lu copied (not shared)\n", (unsigned long)ctx->cow_shared,
		       (unsigned long)ctx->cow_copied);
	if (ok)
		restore_verify__print(stdout, ms[RPH_VERIFY]);
	printf("  phases (ms):");
	for (i = 0; i < RPH_COUNT; i++)
		printf(" %s %.1f", restore_phase_names[i], ms[i]);
	printf("\n");
	for (i = 0; i < ctx->nhelpers; i++) {
		char sw[64];

		status_words(ctx->helpers[i].status, sw, sizeof(sw));
		printf("  pidfd helper %d stood for the reaped process of pidfs inode %lu: %s%s\n",
		       ctx->helpers[i].pid, (unsigned long)ctx->helpers[i].ino, sw,
		       ctx->helpers[i].reaped ? ", reaped" : "");
	}
	printf("  deaths by a signal during the restore: %zu (%zu unexpected)\n", nd, unexpected);
	for (i = 0; i < nd; i++)
		output_plain__record(&o, &d[i]);
	fflush(stdout);
}
