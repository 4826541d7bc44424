// SPDX-License-Identifier: GPL-2.0
/*
 * timeline.c - Chrome trace-event format writer (see timeline.h).
 *
 * Tracks: "pid" is the thread group, "tid" the thread, so Perfetto groups
 * threads under their process. Lifetimes are complete ("X") events, the
 * generations of killing signals and the exits are instant ("i") events.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "escape.h"
#include "names.h"
#include "timeline.h"

#define jadd json_object_object_add

static double us(uint64_t ns, uint64_t t0)
{
	return ns > t0 ? (double)(ns - t0) / 1000.0 : 0.0;
}

static struct json_object *event(const char *ph, const char *name, uint32_t pid, uint32_t tid,
				 double ts)
{
	struct json_object *e = json_object_new_object();

	jadd(e, "ph", escape__json_string(ph));
	jadd(e, "name", escape__json_string(name));
	jadd(e, "pid", json_object_new_int64(pid));
	jadd(e, "tid", json_object_new_int64(tid));
	jadd(e, "ts", json_object_new_double(ts));
	return e;
}

static void name_track(struct json_object *evs, const struct lineage_task *t)
{
	struct json_object *e, *args;
	char label[64];

	snprintf(label, sizeof(label), "%s %u", t->comm, t->tid);
	e = event("M", t->pid == t->tid ? "process_name" : "thread_name", t->pid, t->tid, 0);
	args = json_object_new_object();
	jadd(args, "name", escape__json_string(label));
	jadd(e, "args", args);
	json_object_array_add(evs, e);
}

static void add_lifetime(struct json_object *evs, const struct lineage_task *t, uint64_t t0,
			 uint64_t end)
{
	uint64_t stop = t->exited ? t->exit_ns : end;
	struct json_object *e = event("X", t->comm, t->pid, t->tid, us(t->start_ns, t0));
	struct json_object *args = json_object_new_object();

	jadd(e, "dur", json_object_new_double(us(stop, t0) - us(t->start_ns, t0)));
	if (t->has_creator) {
		char by[64];

		snprintf(by, sizeof(by), "%u (%s)", t->creator.pid, t->creator.comm);
		jadd(args, "created_by", escape__json_string(by));
	}
	if (t->exited)
		jadd(args, "exit_status", json_object_new_int(t->exit_code));
	jadd(e, "args", args);
	json_object_array_add(evs, e);
}

static void add_death(struct json_object *evs, const struct xrec *r, uint64_t t0)
{
	const char *sig = names__signal(r->signo) ? names__signal(r->signo) : "signal";
	char name[96];
	struct json_object *e, *args;
	uint64_t gen_ns = r->delay_us >= 0 ? r->ts_ns - (uint64_t)r->delay_us * 1000 : r->ts_ns;

	/* The signal, on the victim's track, at generation time. */
	snprintf(name, sizeof(name), "%s (%s)", sig, cause__name(r->cause));
	e = event("i", name, r->victim.pid, r->victim.tid, us(gen_ns, t0));
	jadd(e, "s", escape__json_string("t"));
	args = json_object_new_object();
	jadd(args, "cause", escape__json_string(cause__name(r->cause)));
	jadd(args, "detail", escape__json_string(r->detail));
	if (r->has_sender) {
		char by[64];

		snprintf(by, sizeof(by), "%u (%s)", r->sender.pid, r->sender.comm);
		jadd(args, "sender", escape__json_string(by));
	}
	jadd(args, "expected", json_object_new_boolean(r->expected));
	jadd(e, "args", args);
	json_object_array_add(evs, e);

	/* The sender's side: a flow-less instant on its own track. */
	if (r->has_sender && r->sender.pid != r->victim.pid) {
		snprintf(name, sizeof(name), "sent %s to %u", sig, r->victim.pid);
		e = event("i", name, r->sender.pid, r->sender.tid, us(gen_ns, t0));
		jadd(e, "s", escape__json_string("t"));
		json_object_array_add(evs, e);
	}
	snprintf(name, sizeof(name), "killed by %s", sig);
	e = event("i", name, r->victim.pid, r->victim.tid, us(r->ts_ns, t0));
	jadd(e, "s", escape__json_string("t"));
	json_object_array_add(evs, e);
}

int timeline__write(const char *path, const struct lineage *l, const struct xrec *deaths,
		    size_t ndeaths, uint64_t t0_ns, uint64_t end_ns)
{
	struct json_object *root = json_object_new_object();
	struct json_object *evs = json_object_new_array();
	const struct lineage_task *tasks;
	size_t n, i;
	int err = 0;
	FILE *f;

	tasks = lineage__all(l, &n);
	for (i = 0; i < n; i++) {
		name_track(evs, &tasks[i]);
		add_lifetime(evs, &tasks[i], t0_ns, end_ns);
	}
	for (i = 0; i < ndeaths; i++)
		add_death(evs, &deaths[i], t0_ns);
	jadd(root, "traceEvents", evs);
	jadd(root, "displayTimeUnit", escape__json_string("ms"));

	f = fopen(path, "we");
	if (!f) {
		err = -errno;
		goto out;
	}
	if (fputs(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN), f) < 0 ||
	    fputc('\n', f) == EOF)
		err = -EIO;
	if (fclose(f) && !err)
		err = -errno;
out:
	json_object_put(root);
	return err;
}
