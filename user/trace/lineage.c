// SPDX-License-Identifier: GPL-2.0
/*
 * lineage.c - family history of a traced tree (see lineage.h).
 *
 * Tasks are kept in creation order in one array, found by tid through a
 * small open-addressing index: a traced tree has thousands of tasks at
 * most, and the timeline wants them in order anyway.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lineage.h"

#define CLONE_PIDFD 0x00001000
#define INDEX_MIN 1024

struct lineage {
	struct lineage_task *v;
	size_t n, cap;
	uint32_t *index; /* slot -> position + 1 in v, 0 empty */
	size_t index_cap;
};

struct lineage *lineage__new(void)
{
	return calloc(1, sizeof(struct lineage));
}

void lineage__free(struct lineage *l)
{
	if (!l)
		return;
	free(l->v);
	free(l->index);
	free(l);
}

static size_t slot_of(const struct lineage *l, uint32_t tid)
{
	return (tid * 2654435761u) & (l->index_cap - 1);
}

static struct lineage_task *find(const struct lineage *l, uint32_t tid)
{
	size_t i, k;

	if (!l->index_cap)
		return NULL;
	for (i = slot_of(l, tid), k = 0; k < l->index_cap; i = (i + 1) & (l->index_cap - 1), k++) {
		uint32_t pos = l->index[i];

		if (!pos)
			return NULL;
		/* A tid can be reused: the latest task with it wins. */
		if (l->v[pos - 1].tid == tid) {
			size_t j;

			for (j = l->n; j > pos - 1; j--)
				if (l->v[j - 1].tid == tid)
					return &l->v[j - 1];
			return &l->v[pos - 1];
		}
	}
	return NULL;
}

static int reindex(struct lineage *l, size_t cap)
{
	uint32_t *idx = calloc(cap, sizeof(*idx));
	size_t p;

	if (!idx)
		return -ENOMEM;
	free(l->index);
	l->index = idx;
	l->index_cap = cap;
	for (p = 0; p < l->n; p++) {
		size_t i = slot_of(l, l->v[p].tid);

		while (l->index[i] && l->v[l->index[i] - 1].tid != l->v[p].tid)
			i = (i + 1) & (cap - 1);
		if (!l->index[i])
			l->index[i] = p + 1;
	}
	return 0;
}

static struct lineage_task *add(struct lineage *l, uint32_t pid, uint32_t tid)
{
	struct lineage_task *t;
	size_t i;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 256;
		struct lineage_task *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return NULL;
		l->v = v;
		l->cap = cap;
	}
	if ((l->n + 1) * 2 > l->index_cap &&
	    reindex(l, l->index_cap ? l->index_cap * 2 : INDEX_MIN))
		return NULL;
	t = &l->v[l->n++];
	memset(t, 0, sizeof(*t));
	t->pid = pid;
	t->tid = tid;
	i = slot_of(l, tid);
	while (l->index[i] && l->v[l->index[i] - 1].tid != tid)
		i = (i + 1) & (l->index_cap - 1);
	if (!l->index[i])
		l->index[i] = l->n;
	return t;
}

static struct lineage_task *get_or_add(struct lineage *l, const struct pt_task *pt)
{
	struct lineage_task *t = find(l, pt->tid);

	if (!t || t->exited) {
		t = add(l, pt->pid, pt->tid);
		if (!t)
			return NULL;
		memcpy(t->comm, pt->comm, sizeof(t->comm));
	}
	return t;
}

static void actor(struct lineage_actor *a, const struct pt_task *t, int nr, uint64_t ts)
{
	a->pid = t->pid;
	a->tid = t->tid;
	memcpy(a->comm, t->comm, sizeof(a->comm));
	a->comm[sizeof(a->comm) - 1] = '\0';
	a->syscall_nr = nr;
	a->ts_ns = ts;
}

int lineage__add_root(struct lineage *l, uint32_t pid, const char *comm, uint64_t start_ns)
{
	struct lineage_task *t = add(l, pid, pid);

	if (!t)
		return -ENOMEM;
	strncpy(t->comm, comm, sizeof(t->comm) - 1);
	t->start_ns = start_ns;
	return 0;
}

static void add_pidfd(struct lineage_task *t, const struct pt_task *opener, int nr, uint64_t ts,
		      int fd, bool at_clone, uint32_t flags)
{
	struct lineage_pidfd *p;

	if (t->npidfds == LINEAGE_MAX_PIDFDS)
		return;
	p = &t->pidfds[t->npidfds++];
	actor(&p->opener, opener, nr, ts);
	p->fd = fd;
	p->at_clone = at_clone;
	p->flags = flags;
}

int lineage__feed(struct lineage *l, const void *data, size_t size)
{
	const struct pt_hdr *h = data;
	struct lineage_task *t;

	switch (h->type) {
	case PT_EV_FORK: {
		const struct pt_fork_event *e = data;

		if (size < sizeof(*e))
			return 0;
		t = add(l, e->child.pid, e->child.tid);
		if (!t)
			return -ENOMEM;
		memcpy(t->comm, e->child.comm, sizeof(t->comm));
		t->start_ns = h->ts_ns;
		t->has_creator = true;
		actor(&t->creator, &e->parent, e->syscall_nr, h->ts_ns);
		t->clone_flags = e->clone_flags_lo;
		if (e->clone_flags_lo & CLONE_PIDFD)
			add_pidfd(t, &e->parent, e->syscall_nr, h->ts_ns, -1, true, 0);
		return 0;
	}
	case PT_EV_EXEC: {
		const struct pt_exec_event *e = data;

		if (size < sizeof(*e))
			return 0;
		t = get_or_add(l, &e->task);
		if (t)
			memcpy(t->comm, e->task.comm, sizeof(t->comm));
		return 0;
	}
	case PT_EV_PIDFD: {
		const struct pt_pidfd_event *e = data;

		if (size < sizeof(*e) || e->ret < 0)
			return 0;
		t = find(l, e->target_pid);
		if (t && !t->exited)
			add_pidfd(t, &e->opener, e->syscall_nr, h->ts_ns, e->ret, false, e->flags);
		return 0;
	}
	case PT_EV_REAP: {
		const struct pt_reap_event *e = data;

		if (size < sizeof(*e))
			return 0;
		t = find(l, e->target_pid);
		if (t && !t->has_reaper) {
			t->has_reaper = true;
			actor(&t->reaper, &e->reaper, e->syscall_nr, h->ts_ns);
			t->reap_status = e->status;
		}
		return 0;
	}
	case PT_EV_EXIT: {
		const struct pt_exit_event *e = data;

		if (size < sizeof(*e))
			return 0;
		t = get_or_add(l, &e->task);
		if (!t)
			return -ENOMEM;
		t->exited = true;
		t->exit_ns = h->ts_ns;
		t->exit_code = e->exit_code;
		t->parent_chld_handler = e->parent_chld_handler;
		t->parent_chld_blocked = e->parent_chld_blocked;
		t->has_parent_handler = true;
		return 0;
	}
	}
	return 0;
}

const struct lineage_task *lineage__get(const struct lineage *l, uint32_t tid)
{
	return find(l, tid);
}

const struct lineage_task *lineage__all(const struct lineage *l, size_t *n)
{
	*n = l->n;
	return l->v;
}
