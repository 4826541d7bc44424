/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ksyms.h - kernel text symbols from /proc/kallsyms, to turn the addresses
 * of a kernel stack into "func+0x1f" names.
 *
 * Only text symbols (types T, t, W, w) are kept: a stack never points into
 * data. Symbols of modules and BPF programs ("[mod]") are kept with their
 * module name. The table is loaded once and read many times; it is not
 * refreshed when modules or BPF programs come and go. The core kernel's
 * symbols come from a per-boot cache when there is one (ksyms_cache.h).
 */
#ifndef PT_KSYMS_H
#define PT_KSYMS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/*
 * A kernel text symbol. size is the distance to the next symbol of any
 * type, an upper bound of the function's size (kallsyms gives no sizes);
 * 0 when no symbol follows.
 */
struct ksym {
	uint64_t addr;
	uint64_t size;
	const char *name;
	const char *module; /* NULL for the core kernel */
	char type;	    /* 'T', 't', 'W' or 'w' as in kallsyms */
};

struct ksyms;

struct ksyms *ksyms__load(void);
struct ksyms *ksyms__parse(FILE *f);
void ksyms__free(struct ksyms *ks);
size_t ksyms__count(const struct ksyms *ks);
const struct ksym *ksyms__map_addr(const struct ksyms *ks, uint64_t addr);
/*
 * The same, without loading anything: NULL for an address outside the
 * core kernel when the table came from the per-boot cache (ksyms_cache.h).
 * For the top frames of a stack, which are the tracer's own BPF program.
 */
const struct ksym *ksyms__map_core(const struct ksyms *ks, uint64_t addr);
const struct ksym *ksyms__get_symbol(const struct ksyms *ks, const char *name);
int ksyms__format(const struct ksyms *ks, uint64_t addr, char *buf, size_t len);

#endif
