// SPDX-License-Identifier: GPL-2.0
/*
 * show_taskstate.c - scheduling and process knobs in `pidtrace show`
 * (see show_taskstate.h). Fields absent from an older image are not shown.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <linux/membarrier.h>

#include "show_taskstate.h"

static const char *policy_name(uint32_t p)
{
	static const char *const names[] = { "SCHED_OTHER", "SCHED_FIFO", "SCHED_RR",
					     "SCHED_BATCH", NULL,	  "SCHED_IDLE" };

	return p < sizeof(names) / sizeof(names[0]) && names[p] ? names[p] : "?";
}

static const struct {
	uint32_t bit;
	const char *name;
} membarriers[] = {
	{ MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED, "GLOBAL_EXPEDITED" },
	{ MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, "PRIVATE_EXPEDITED" },
	{ MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE, "PRIVATE_EXPEDITED_SYNC_CORE" },
	{ MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_RSEQ, "PRIVATE_EXPEDITED_RSEQ" },
};

/* "0,2-3": the CPUs of an affinity mask. */
static void cpu_list(const ProtobufCBinaryData *m, char *buf, size_t len)
{
	size_t cpu, n = 0, ncpu = m->len * 8, first;

	buf[0] = '\0';
	for (cpu = 0; cpu < ncpu && n < len; cpu++) {
		if (!(m->data[cpu / 8] & (1 << (cpu % 8))))
			continue;
		first = cpu;
		while (cpu + 1 < ncpu && (m->data[(cpu + 1) / 8] & (1 << ((cpu + 1) % 8))))
			cpu++;
		if (first == cpu)
			n += snprintf(buf + n, len - n, "%s%zu", n ? "," : "", first);
		else
			n += snprintf(buf + n, len - n, "%s%zu-%zu", n ? "," : "", first, cpu);
	}
	if (!n)
		snprintf(buf, len, "none");
}

static void print_sched(const char *who, const ThreadCore *th)
{
	char cpus[256];

	if (!th->has_sched_policy)
		return;
	printf("  sched: %s %s", who, policy_name(th->sched_policy));
	if (th->sched_priority)
		printf(" priority %u", th->sched_priority);
	if (th->sched_flags & 1)
		printf(", reset-on-fork");
	if (th->has_cpu_affinity) {
		cpu_list(&th->cpu_affinity, cpus, sizeof(cpus));
		printf(", CPUs %s", cpus);
	}
	printf("\n");
}

/* Only what a program changed: an I/O class, a timer slack other than 50 us. */
static void print_io(const char *who, const ThreadCore *th)
{
	bool io = th->has_ioprio && th->ioprio;
	bool slack = th->has_timer_slack_ns && th->timer_slack_ns != 50000;
	bool numa = th->has_mempolicy_mode && th->mempolicy_mode;

	if (!io && !slack && !numa)
		return;
	printf("  timing: %s", who);
	if (io)
		printf(" ioprio class %u data %u%s", th->ioprio >> 13, th->ioprio & 0x1fff,
		       slack || numa ? "," : "");
	if (slack)
		printf(" timer slack %llu ns%s", (unsigned long long)th->timer_slack_ns,
		       numa ? "," : "");
	if (numa)
		printf(" NUMA policy mode 0x%x", (unsigned int)th->mempolicy_mode);
	printf("\n");
}

static const char *seccomp_mode(uint32_t m)
{
	return m == 0 ? "none" : m == 1 ? "strict" : m == 2 ? "filter" : "?";
}

static size_t seccomp_logged(const ThreadCore *th)
{
	size_t i, n = 0;

	for (i = 0; i < th->n_seccomp_filters; i++)
		n += !!(th->seccomp_filters[i]->flags & 2 /* SECCOMP_FILTER_FLAG_LOG */);
	return n;
}

static void print_seccomp(const char *who, const ThreadCore *th)
{
	size_t logged = seccomp_logged(th);

	if (!th->seccomp_mode)
		return;
	printf("  seccomp: %s %s mode", who, seccomp_mode(th->seccomp_mode));
	if (th->seccomp_mode == 2)
		printf(", %zu filter%s", th->n_seccomp_filters, th->n_seccomp_filters == 1 ? "" : "s");
	if (logged)
		printf(" (%zu with SECCOMP_FILTER_FLAG_LOG)", logged);
	printf("\n");
}

void show_taskstate__print(const TaskCore *c)
{
	char who[32];
	size_t i;
	int n = 0;

	if (!c->thread)
		return;
	print_sched("main thread", c->thread);
	for (i = 0; i < c->n_threads; i++) {
		snprintf(who, sizeof(who), "thread %u", c->threads[i]->tid);
		print_sched(who, c->threads[i]);
	}
	print_seccomp("main thread", c->thread);
	for (i = 0; i < c->n_threads; i++) {
		snprintf(who, sizeof(who), "thread %u", c->threads[i]->tid);
		print_seccomp(who, c->threads[i]);
	}
	print_io("main thread", c->thread);
	for (i = 0; i < c->n_threads; i++) {
		snprintf(who, sizeof(who), "thread %u", c->threads[i]->tid);
		print_io(who, c->threads[i]);
	}
	if (!c->has_oom_score_adj && !c->has_loginuid && !c->has_thp_disable &&
	    !c->has_child_subreaper && !c->has_membarrier && !c->has_coredump_filter &&
	    !c->has_ksm_merge_any)
		return;
	printf("  process:");
	if (c->has_oom_score_adj)
		printf("%s oom_score_adj %d", n++ ? "," : "", c->oom_score_adj);
	if (c->has_loginuid) {
		if (c->loginuid == UINT32_MAX)
			printf("%s loginuid unset", n++ ? "," : "");
		else
			printf("%s loginuid %u", n++ ? "," : "", c->loginuid);
	}
	if (c->thp_disable)
		printf("%s THP disabled", n++ ? "," : "");
	if (c->child_subreaper)
		printf("%s child subreaper", n++ ? "," : "");
	if (c->has_membarrier && c->membarrier) {
		printf("%s membarrier", n++ ? "," : "");
		for (i = 0; i < sizeof(membarriers) / sizeof(membarriers[0]); i++)
			if (c->membarrier & membarriers[i].bit)
				printf(" %s", membarriers[i].name);
	}
	/* The kernel's default filter (0x33) is not news. */
	if (c->has_coredump_filter && c->coredump_filter != 0x33)
		printf("%s coredump_filter 0x%x", n++ ? "," : "", c->coredump_filter);
	if (c->ksm_merge_any)
		printf("%s KSM merge-any", n++ ? "," : "");
	if (c->keep_caps)
		printf("%s keep-caps", n++ ? "," : "");
	if (c->mdwe)
		printf("%s memory-deny-write-execute%s", n++ ? "," : "",
		       c->mdwe & 2 ? " (not inherited)" : "");
	printf("\n");
}

static void add(struct json_object *o, const char *k, struct json_object *v)
{
	json_object_object_add(o, k, v);
}

static void sched_json(const ThreadCore *th, struct json_object *o)
{
	struct json_object *s;

	if (!th->has_sched_policy)
		return;
	s = json_object_new_object();
	add(s, "policy", json_object_new_string(policy_name(th->sched_policy)));
	add(s, "priority", json_object_new_int64(th->sched_priority));
	add(s, "reset_on_fork", json_object_new_boolean(th->sched_flags & 1));
	if (th->has_cpu_affinity) {
		char cpus[256];

		cpu_list(&th->cpu_affinity, cpus, sizeof(cpus));
		add(s, "cpus", json_object_new_string(cpus));
	}
	add(o, "sched", s);
	if (th->has_sched_runtime)
		add(o, "slice_ns", json_object_new_int64(th->sched_runtime));
	if (th->has_mempolicy_mode)
		add(o, "mempolicy_mode", json_object_new_int64(th->mempolicy_mode));
	if (th->has_ioprio)
		add(o, "ioprio", json_object_new_int64(th->ioprio));
	if (th->has_timer_slack_ns)
		add(o, "timer_slack_ns", json_object_new_int64(th->timer_slack_ns));
}

static void seccomp_json(const ThreadCore *th, struct json_object *o)
{
	struct json_object *s, *log;
	size_t i;

	if (!th->seccomp_mode)
		return;
	s = json_object_new_object();
	add(s, "mode", json_object_new_string(seccomp_mode(th->seccomp_mode)));
	add(s, "filters", json_object_new_int64(th->n_seccomp_filters));
	log = json_object_new_array();
	for (i = 0; i < th->n_seccomp_filters; i++)
		json_object_array_add(log, json_object_new_boolean(th->seccomp_filters[i]->flags & 2));
	add(s, "log", log);
	add(o, "seccomp", s);
}

void show_taskstate__json(const TaskCore *c, struct json_object *task)
{
	struct json_object *threads, *a;
	size_t i;

	if (!c->thread)
		return;
	sched_json(c->thread, task);
	if (json_object_object_get_ex(task, "threads", &threads))
		for (i = 0; i < c->n_threads && i < json_object_array_length(threads); i++)
			sched_json(c->threads[i], json_object_array_get_idx(threads, i));
	seccomp_json(c->thread, task);
	if (json_object_object_get_ex(task, "threads", &threads))
		for (i = 0; i < c->n_threads && i < json_object_array_length(threads); i++)
			seccomp_json(c->threads[i], json_object_array_get_idx(threads, i));
	if (c->has_oom_score_adj)
		add(task, "oom_score_adj", json_object_new_int(c->oom_score_adj));
	if (c->has_loginuid)
		add(task, "loginuid", c->loginuid == UINT32_MAX ? NULL :
				      json_object_new_int64(c->loginuid));
	if (c->has_thp_disable)
		add(task, "thp_disable", json_object_new_boolean(c->thp_disable));
	if (c->has_child_subreaper)
		add(task, "child_subreaper", json_object_new_boolean(c->child_subreaper));
	if (c->has_coredump_filter)
		add(task, "coredump_filter", json_object_new_int64(c->coredump_filter));
	if (c->has_ksm_merge_any)
		add(task, "ksm_merge_any", json_object_new_boolean(c->ksm_merge_any));
	if (c->has_keep_caps)
		add(task, "keep_caps", json_object_new_boolean(c->keep_caps));
	if (c->has_mdwe)
		add(task, "mdwe", json_object_new_int64(c->mdwe));
	if (c->n_vma_mempolicies) {
		struct json_object *vm = json_object_new_array(), *e;

		for (i = 0; i < c->n_vma_mempolicies; i++) {
			e = json_object_new_object();
			add(e, "start", json_object_new_int64(c->vma_mempolicies[i]->start));
			add(e, "end", json_object_new_int64(c->vma_mempolicies[i]->end));
			add(e, "mode", json_object_new_int64(c->vma_mempolicies[i]->mode));
			json_object_array_add(vm, e);
		}
		add(task, "vma_mempolicies", vm);
	}
	if (!c->has_membarrier)
		return;
	a = json_object_new_array();
	for (i = 0; i < sizeof(membarriers) / sizeof(membarriers[0]); i++)
		if (c->membarrier & membarriers[i].bit)
			json_object_array_add(a, json_object_new_string(membarriers[i].name));
	add(task, "membarrier", a);
}
