/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PT_BPFMAP_DATA_H
#define PT_BPFMAP_DATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "files.pb-c.h"

/* A map type dump reads the entries of (and restore makes). */
bool bpfmap_data__type_ok(uint32_t map_type);
/* Its name ("hash", "percpu_array"), NULL for another type. */
const char *bpfmap_data__type_name(uint32_t map_type);
/* A per-CPU type: a value per possible CPU. */
bool bpfmap_data__percpu(uint32_t map_type);
/* The possible CPUs of this machine (0: unknown). */
uint32_t bpfmap_data__ncpus(void);
/* The bytes of one value as the syscall copies it (m->ncpus set for per-CPU maps). */
size_t bpfmap_data__value_len(const BpfMapEntry *m);

/*
 * bpfmap_data__read() - every entry of map @fd into m->data, m->entries
 * Context: m->map_type, key_size, value_size and ncpus set.
 * Return: 0, -EFBIG past @max bytes, or another -errno.
 */
int bpfmap_data__read(int fd, BpfMapEntry *m, size_t max);
/* Every entry of @m into the new map @fd (writable). Return: 0 or -errno. */
int bpfmap_data__write(int fd, const BpfMapEntry *m);
/*
 * bpfmap_data__compare() - the entries of map @fd against @m's
 * @matched: the image's entries found with the same value; @now: the
 * entries the map has. Equal when both are m->entries.
 * Return: 0 or -errno.
 */
int bpfmap_data__compare(int fd, const BpfMapEntry *m, uint32_t *matched, uint32_t *now);

#endif
