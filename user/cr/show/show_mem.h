/* SPDX-License-Identifier: GPL-2.0 */
/*
 * show_mem.h - guard pages and shared memory objects in `pidtrace show`
 * (show_mem.c), plain and JSON.
 */
#ifndef PT_SHOW_MEM_H
#define PT_SHOW_MEM_H

#include <json-c/json.h>

#include "mm.pb-c.h"
#include "pagemap.pb-c.h"

void show_mem__print_vma(const VmaEntry *v);
void show_mem__print_shmem(const ShmemObject *o, unsigned long pages);
void show_mem__vma_json(const VmaEntry *v, struct json_object *o);
void show_mem__shmem_json(const ShmemObject *so, struct json_object *o);

#endif
