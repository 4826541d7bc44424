// SPDX-License-Identifier: GPL-2.0
/*
 * dump_numa.c - mappings with a NUMA policy of their own (mbind).
 *
 * numa_maps shows each mapping's policy: its own, else its thread's. What
 * most mappings show is the thread's (restored by each thread: the
 * mempolicy fields of thread_core); a mapping that shows another one has
 * its own, which get_mempolicy(MPOL_F_ADDR), asked in the task, gives
 * exactly (mode, flags, nodes). A mapping whose own policy is the
 * thread's comes back with the thread's, which is the same. Before,
 * a restore dropped them all and said OK (tools/procdiff: bind:0 ->
 * interleave:0).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#include "dump_ctx.h"
#include "dump_numa.h"
#include "procfs.h"
#include "ptrace.h"

#define NODES_BYTES 128	/* 1024 nodes */
#define MPOL_F_ADDR (1 << 1)

struct nline {
	unsigned long start;
	char pol[64];
};

/* The policy word of each numa_maps line; @n lines. */
static int parse(const char *buf, struct nline **out, size_t *n)
{
	const char *p = buf;
	struct nline *v = NULL, *nv;
	size_t cap = 0;

	*n = 0;
	while (*p) {
		struct nline l;

		if (sscanf(p, "%lx %63s", &l.start, l.pol) == 2) {
			if (*n == cap) {
				cap = cap ? cap * 2 : 64;
				nv = realloc(v, cap * sizeof(*v));
				if (!nv) {
					free(v);
					return -ENOMEM;
				}
				v = nv;
			}
			v[(*n)++] = l;
		}
		p = strchr(p, '\n');
		if (!p)
			break;
		p++;
	}
	*out = v;
	return 0;
}

/*
 * The policy most lines show: the thread's. A process has few distinct
 * policies (a JVM has tens of thousands of mappings, not of policies):
 * counted in a small table; beyond its size the rest count for nothing.
 */
static const char *most(const struct nline *v, size_t n)
{
	struct {
		const char *pol;
		size_t count;
	} seen[16];
	size_t i, j, ns = 0, best = 0;

	for (i = 0; i < n; i++) {
		for (j = 0; j < ns && strcmp(seen[j].pol, v[i].pol); j++)
			;
		if (j == ns && ns < sizeof(seen) / sizeof(seen[0]))
			seen[ns++] = (typeof(seen[0])){ v[i].pol, 0 };
		if (j < ns)
			seen[j].count++;
	}
	for (j = 1; j < ns; j++)
		if (seen[j].count > seen[best].count)
			best = j;
	return ns ? seen[best].pol : "";
}

/* The end of the mapping that starts at @start (maps), 0 if none. */
static unsigned long vma_end(const char *maps, unsigned long start)
{
	unsigned long s, e;
	const char *p = maps;

	while (p && *p) {
		if (sscanf(p, "%lx-%lx", &s, &e) == 2 && s == start)
			return e;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return 0;
}

static int add(TaskCore *core, unsigned long start, unsigned long end, int32_t mode,
	       const uint8_t *nodes)
{
	VmaMempolicyEntry **arr, *e;

	arr = realloc(core->vma_mempolicies, (core->n_vma_mempolicies + 1) * sizeof(*arr));
	if (!arr)
		return -ENOMEM;
	core->vma_mempolicies = arr;
	e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	vma_mempolicy_entry__init(e);
	e->nodes.data = malloc(NODES_BYTES);
	if (!e->nodes.data) {
		free(e);
		return -ENOMEM;
	}
	memcpy(e->nodes.data, nodes, NODES_BYTES);
	e->nodes.len = NODES_BYTES;
	e->start = start;
	e->end = end;
	e->mode = mode;
	arr[core->n_vma_mempolicies++] = e;
	return 0;
}

int dump_numa__vmas(struct dump_task *t, TaskCore *core)
{
	char *buf = NULL, *maps = NULL;
	struct nline *v = NULL;
	const char *usual;
	unsigned long scratch, end;
	uint8_t nodes[NODES_BYTES];
	int32_t mode;
	size_t n = 0, i;
	long args[6], r;
	int err;

	err = procfs__read(t->pid, "numa_maps", &buf, NULL);
	if (err == -ENOENT)
		return 0; /* a kernel without NUMA */
	if (!err)
		err = parse(buf, &v, &n);
	if (!err)
		err = procfs__read(t->pid, "maps", &maps, NULL);
	if (err)
		goto out;
	usual = most(v, n);
	for (i = 0; !err && i < n; i++) {
		if (!strcmp(v[i].pol, usual))
			continue;
		end = vma_end(maps, v[i].start);
		if (!end)
			continue; /* gone between the two reads: nothing to keep */
		err = ptrace__scratch(t->pt, 4096, &scratch);
		if (err)
			break;
		args[0] = (long)scratch;
		args[1] = (long)scratch + 64;
		args[2] = NODES_BYTES * 8;
		args[3] = (long)v[i].start;
		args[4] = MPOL_F_ADDR;
		args[5] = 0;
		err = ptrace__syscall(t->pt, SYS_get_mempolicy, args, &r);
		if (!err && r < 0 && r > -4096)
			err = (int)r;
		if (!err)
			err = ptrace__read_mem(t->pt, scratch, &mode, sizeof(mode));
		if (!err)
			err = ptrace__read_mem(t->pt, scratch + 64, nodes, sizeof(nodes));
		if (!err && mode)
			err = add(core, v[i].start, end, mode, nodes);
	}
out:
	free(v);
	free(buf);
	free(maps);
	return err;
}
