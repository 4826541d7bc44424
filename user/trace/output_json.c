// SPDX-License-Identifier: GPL-2.0
/*
 * output_json.c - the program formatter: one JSON object per line, field
 * names as documented in docs/watch-json.md (a stable interface).
 */
#include <stdio.h>
#include <time.h>

#include <json-c/json.h>

#include "escape.h"
#include "names.h"
#include "output.h"

#define jadd json_object_object_add

/*
 * Every string goes out through here: json-c escapes control characters
 * but passes bytes that are not UTF-8 (a comm may hold any) on, which makes
 * the line invalid JSON. They become U+FFFD.
 */
static struct json_object *jstr(const char *s)
{
	return json_object_new_string(escape__utf8(s));
}

static struct json_object *jstr_or_null(const char *s)
{
	return s ? jstr(s) : NULL;
}

static struct json_object *task_json(const struct xtask *t)
{
	struct json_object *o = json_object_new_object();

	jadd(o, "pid", json_object_new_int64(t->pid));
	jadd(o, "tid", json_object_new_int64(t->tid));
	jadd(o, "comm", jstr(t->comm));
	jadd(o, "ppid", json_object_new_int64(t->ppid));
	jadd(o, "uid", json_object_new_int64(t->uid));
	jadd(o, "cgroup", t->cgroup[0] ? jstr(t->cgroup) : NULL);
	jadd(o, "pidns", json_object_new_int64(t->pidns));
	jadd(o, "ns_pid", json_object_new_int64(t->ns_pid));
	return o;
}

static void add_time(struct json_object *o, const struct timespec *wall, uint64_t ts_ns)
{
	char buf[64];
	struct tm tm;

	gmtime_r(&wall->tv_sec, &tm);
	snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		 wall->tv_nsec / 1000);
	jadd(o, "time", jstr(buf));
	jadd(o, "ts_ns", json_object_new_int64((int64_t)ts_ns));
}

static struct json_object *str_array(const char *base, size_t stride, int n)
{
	struct json_object *a = json_object_new_array();
	int i;

	for (i = 0; i < n; i++)
		json_object_array_add(a, jstr(base + i * stride));
	return a;
}

static struct json_object *exit_json(const struct xrec *r)
{
	struct json_object *o = json_object_new_object();
	int st = r->exit_status, sig = st & 0x7f;

	jadd(o, "status", json_object_new_int(st));
	jadd(o, "code", sig ? NULL : json_object_new_int((st >> 8) & 0xff));
	jadd(o, "signal", sig ? jstr_or_null(names__signal(sig)) : NULL);
	jadd(o, "core", json_object_new_boolean(!!(st & 0x80)));
	return o;
}

static const char *sender_kind(enum sender_kind k)
{
	return k == SENDER_USER ? "user" : k == SENDER_KERNEL ? "kernel" : "unknown";
}

/*
 * What a kill() aimed at: {"arg": 0, "kind": "own-group", "pgid": 4193,
 * "processes": 3, "words": "..."}; null for other syscalls.
 */
static struct json_object *kill_target_json(const struct xrec *r)
{
	char words[96];
	const char *kind = explain_words__kill_target(r, words, sizeof(words));
	struct json_object *o;
	bool group;

	if (!kind)
		return NULL;
	group = r->kill_pgrp && (int)r->sys_args[0] <= 0 && (int)r->sys_args[0] != -1;
	o = json_object_new_object();
	jadd(o, "arg", json_object_new_int((int)r->sys_args[0]));
	jadd(o, "kind", jstr(kind));
	jadd(o, "pgid", group ? json_object_new_int64(r->kill_pgrp) : NULL);
	jadd(o, "processes", group && r->kill_pgrp_size ?
				     json_object_new_int64(r->kill_pgrp_size) : NULL);
	jadd(o, "words", words[0] ? jstr(words) : NULL);
	return o;
}

static struct json_object *record_object(const struct xrec *r)
{
	struct json_object *j = json_object_new_object();
	int i;

	jadd(j, "event", jstr(r->kind == XREC_DEATH ? "death" : "signal"));
	add_time(j, &r->wall, r->ts_ns);
	jadd(j, "victim", task_json(&r->victim));
	jadd(j, "signal", jstr_or_null(names__signal(r->signo)));
	jadd(j, "signo", json_object_new_int(r->signo));
	jadd(j, "si_code", jstr_or_null(r->si_code));
	jadd(j, "result", jstr_or_null(r->has_gen ? r->result : NULL));
	jadd(j, "sender_kind", jstr(sender_kind(r->sender_kind)));
	jadd(j, "sender", r->has_sender ? task_json(&r->sender) : NULL);
	jadd(j, "syscall", jstr_or_null(r->syscall));
	jadd(j, "kill_target", kill_target_json(r));
	jadd(j, "cause", jstr(cause__name(r->cause)));
	jadd(j, "expected", json_object_new_boolean(r->expected));
	jadd(j, "detail", jstr(r->detail));
	jadd(j, "kernel_stack", str_array(r->kstack[0], sizeof(r->kstack[0]), r->nk));
	jadd(j, "user_stack", str_array(r->ustack[0], sizeof(r->ustack[0]), r->nu));
	jadd(j, "stack_method", jstr_or_null(r->stack_method));
	jadd(j, "stack_truncated", json_object_new_boolean(r->stack_truncated));
	if (r->has_fault) {
		struct json_object *fo = json_object_new_object();
		char a[24];

		snprintf(a, sizeof(a), "0x%llx", (unsigned long long)r->fault_addr);
		jadd(fo, "address", json_object_new_string(a));
		jadd(fo, "what", jstr_or_null(r->fault_what[0] ? r->fault_what : NULL));
		jadd(fo, "at", jstr_or_null(r->fault_at[0] ? r->fault_at : NULL));
		jadd(j, "fault", fo);
	}
	if (r->aborted)
		jadd(j, "aborted_by", json_object_new_string(r->aborted == 2 ? "assert" : "abort"));
	if (r->kind == XREC_DEATH) {
		jadd(j, "exit", r->has_exit ? exit_json(r) : NULL);
		jadd(j, "delay_us", r->delay_us >= 0 ? json_object_new_int64(r->delay_us) : NULL);
	}
	if (r->has_initiator) {
		struct json_object *in = json_object_new_object();

		jadd(in, "tid", json_object_new_int64(r->init_tid));
		jadd(in, "comm", jstr(r->init_comm));
		jadd(in, "syscall", jstr_or_null(r->init_syscall));
		jadd(j, "initiator", in);
	}
	if (r->has_oom) {
		struct json_object *oo = json_object_new_object();

		jadd(oo, "memcg", jstr(r->oom.memcg));
		jadd(oo, "total_vm_kb", json_object_new_int64(r->oom.total_vm_kb));
		jadd(oo, "anon_rss_kb", json_object_new_int64(r->oom.anon_rss_kb));
		jadd(oo, "file_rss_kb", json_object_new_int64(r->oom.file_rss_kb));
		jadd(oo, "shmem_rss_kb", json_object_new_int64(r->oom.shmem_rss_kb));
		jadd(oo, "oom_score_adj", json_object_new_int(r->oom.oom_score_adj));
		jadd(oo, "trigger", task_json(&r->oom.trigger));
		jadd(j, "oom", oo);
	}
	if (r->nalso) {
		struct json_object *a = json_object_new_array();

		for (i = 0; i < r->nalso; i++) {
			struct json_object *e = json_object_new_object();

			jadd(e, "sender", task_json(&r->also[i].sender));
			jadd(e, "signal", jstr_or_null(names__signal(r->also[i].signo)));
			jadd(e, "result", jstr_or_null(r->also[i].result));
			jadd(e, "cause", jstr(cause__name(r->also[i].cause)));
			json_object_array_add(a, e);
		}
		jadd(j, "also", a);
	}
	jadd(j, "unknown", str_array(r->unknown[0], sizeof(r->unknown[0]), r->nunknown));
	return j;
}

static void print_object(struct output *o, struct json_object *j)
{
	fprintf(o->f, "%s\n", json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN));
	json_object_put(j);
}

int output_json__record(struct output *o, const struct xrec *r)
{
	print_object(o, record_object(r));
	return 0;
}

static struct json_object *actor_json(const struct lineage_actor *a, uint64_t t0)
{
	struct json_object *o = json_object_new_object();

	jadd(o, "pid", json_object_new_int64(a->pid));
	jadd(o, "tid", json_object_new_int64(a->tid));
	jadd(o, "comm", jstr(a->comm));
	jadd(o, "syscall", jstr_or_null(a->syscall_nr >= 0 ? names__syscall(a->syscall_nr) : NULL));
	jadd(o, "ts_ns", json_object_new_int64((int64_t)a->ts_ns));
	jadd(o, "at_ms", json_object_new_double(a->ts_ns > t0 ? (a->ts_ns - t0) / 1e6 : 0));
	return o;
}

static const char *handler_name(uint64_t h)
{
	return h == 0 ? "default" : h == 1 ? "ignored" : "handler";
}

int output_json__run_death(struct output *o, const struct run_death *d)
{
	struct json_object *j = record_object(&d->x);
	const struct lineage_task *t = d->task;
	struct json_object *lin = json_object_new_object();
	struct json_object *pfds = json_object_new_array();
	int i;

	if (t) {
		jadd(lin, "created_by", t->has_creator ? actor_json(&t->creator, d->t0_ns) : NULL);
		for (i = 0; i < t->npidfds; i++) {
			struct json_object *p = json_object_new_object();

			jadd(p, "opener", actor_json(&t->pidfds[i].opener, d->t0_ns));
			jadd(p, "via", jstr(t->pidfds[i].at_clone ? "clone-pidfd" :
										   "pidfd_open"));
			jadd(p, "fd", t->pidfds[i].fd >= 0 ? json_object_new_int(t->pidfds[i].fd) : NULL);
			jadd(p, "thread", json_object_new_boolean(!!(t->pidfds[i].flags & 0x80)));
			json_object_array_add(pfds, p);
		}
		jadd(lin, "reaped_by", t->has_reaper ? actor_json(&t->reaper, d->t0_ns) : NULL);
		jadd(lin, "parent_sigchld",
		     t->has_parent_handler ? jstr(handler_name(t->parent_chld_handler)) :
					     NULL);
		jadd(lin, "parent_sigchld_blocked",
		     t->has_parent_handler ? json_object_new_boolean(t->parent_chld_blocked) :
					     NULL);
		jadd(lin, "lifetime_ms",
		     t->start_ns && d->x.ts_ns > t->start_ns ?
			     json_object_new_double((d->x.ts_ns - t->start_ns) / 1e6) : NULL);
	}
	jadd(lin, "pidfds", pfds);
	jadd(j, "lineage", lin);
	jadd(j, "sender_function", d->x.sender_fn[0] ? jstr(d->x.sender_fn) : NULL);
	jadd(j, "sender_source", d->x.sender_src[0] ? jstr(d->x.sender_src) : NULL);
	jadd(j, "pattern", jstr_or_null(d->pattern));
	jadd(j, "verdict", jstr(d->verdict));
	print_object(o, j);
	return 0;
}

int output_json__summary(struct output *o, const struct output_summary *s)
{
	struct json_object *j = json_object_new_object();

	jadd(j, "event", jstr("summary"));
	jadd(j, "events", json_object_new_int64(s->events));
	jadd(j, "deaths", json_object_new_int64(s->deaths));
	jadd(j, "signals", json_object_new_int64(s->signals));
	jadd(j, "drops", json_object_new_int64(s->drops));
	jadd(j, "filtered", json_object_new_int64(s->filtered));
	jadd(j, "shed", json_object_new_int64(s->shed));
	jadd(j, "duration_s", json_object_new_double(s->duration_s));
	if (s->has_command) {
		jadd(j, "command_status", json_object_new_int(s->command_status));
		jadd(j, "command_exit", json_object_new_int(s->command_exit));
		jadd(j, "tasks", json_object_new_int64(s->tasks));
	}
	print_object(o, j);
	return 0;
}
