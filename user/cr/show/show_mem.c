// SPDX-License-Identifier: GPL-2.0
/*
 * show_mem.c - what `pidtrace show` says of memory beyond the mapping's
 * line: its advice (MADV_DONTFORK..., MAP_DROPPABLE), guard pages
 * (MADV_GUARD_INSTALL) in a mapping, and shared memory
 * objects (shared anonymous memory, memfds), plain and JSON.
 */
#include <stdbool.h>
#include <stdio.h>

#include "escape.h"
#include "kinds_show.h"
#include "procfs.h"
#include "show_mem.h"

/* The advice smaps shows that restore puts back and checks (restore_madvise.c). */
static void print_advice(const VmaEntry *v)
{
	static const char *const flag[] = { "dc", "wf", "dd", "lo", "dp" };
	static const char *const name[] = { "MADV_DONTFORK", "MADV_WIPEONFORK", "MADV_DONTDUMP",
					    "locked", "MAP_DROPPABLE (its pages not kept: restored dropped)" };
	bool any = false;
	size_t i;

	for (i = 0; i < sizeof(flag) / sizeof(flag[0]); i++) {
		if (!procfs__has_vmflag(v->vm_flags, flag[i]))
			continue;
		printf("%s%s", any ? ", " : "      ", name[i]);
		any = true;
	}
	if (any)
		printf("\n");
}

void show_mem__print_vma(const VmaEntry *v)
{
	uint64_t pages = 0;
	size_t i;

	if (v->kind != VMA_KIND__VMA_VDSO && v->kind != VMA_KIND__VMA_VSYSCALL)
		print_advice(v);

	for (i = 0; i < v->n_guards; i++)
		pages += v->guards[i]->nr_pages;
	if (v->n_guards)
		printf("      %lu guard page%s (MADV_GUARD_INSTALL) in %zu run%s\n",
		       (unsigned long)pages, pages == 1 ? "" : "s", v->n_guards,
		       v->n_guards == 1 ? "" : "s");
}

void show_mem__print_shmem(const ShmemObject *o, unsigned long pages)
{
	if (!o->memfd) {
		printf("  shmem %lu: %lu bytes, %lu pages stored\n", (unsigned long)o->shmid,
		       (unsigned long)o->size, pages);
		return;
	}
	printf("  shmem %lu: memfd:%s, %lu bytes, %lu pages stored, seals 0x%x, mode %04o\n",
	       (unsigned long)o->shmid, escape__str(o->memfd->name), (unsigned long)o->memfd->file_size, pages,
	       o->memfd->seals, o->memfd->mode);
}

void show_mem__vma_json(const VmaEntry *v, struct json_object *o)
{
	struct json_object *a;
	size_t i;

	if (!v->n_guards)
		return;
	a = json_object_new_array();
	for (i = 0; i < v->n_guards; i++) {
		struct json_object *g = json_object_new_object();

		kinds_show__add(g, "start", kinds_show__hex(v->guards[i]->start));
		kinds_show__add(g, "pages", kinds_show__u64(v->guards[i]->nr_pages));
		json_object_array_add(a, g);
	}
	kinds_show__add(o, "guards", a);
}

void show_mem__shmem_json(const ShmemObject *so, struct json_object *o)
{
	struct json_object *m;

	if (!so->memfd)
		return;
	m = json_object_new_object();
	kinds_show__add(m, "name", escape__json_string(so->memfd->name));
	kinds_show__add(m, "seals", kinds_show__hex(so->memfd->seals));
	kinds_show__add(m, "file_size", kinds_show__u64(so->memfd->file_size));
	kinds_show__add(m, "mode", kinds_show__hex(so->memfd->mode));
	kinds_show__add(o, "memfd", m);
}
