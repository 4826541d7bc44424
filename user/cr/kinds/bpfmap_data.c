// SPDX-License-Identifier: GPL-2.0
/*
 * bpfmap_data.c - the entries of a BPF map, read through the bpf() syscall
 * at dump, written into the new map at restore, and compared by the
 * restore's verification (kind_bpfmap.c holds the rest of the kind).
 *
 * Only map types whose entries BPF_MAP_GET_NEXT_KEY and
 * BPF_MAP_LOOKUP_ELEM read without changing anything are dumped: hash,
 * array, their per-CPU forms, and LPM tries. An LRU map's lookups would
 * reorder it, a queue's or stack's reads pop, maps of maps, program
 * arrays, sockmaps, ring buffers... hold kernel objects or state no
 * syscall reads back: those are refused at dump.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "bpfmap_data.h"

static const struct {
	uint32_t type;
	const char *name;
	bool percpu;
} types[] = {
	{ BPF_MAP_TYPE_HASH, "hash", false },
	{ BPF_MAP_TYPE_ARRAY, "array", false },
	{ BPF_MAP_TYPE_PERCPU_HASH, "percpu_hash", true },
	{ BPF_MAP_TYPE_PERCPU_ARRAY, "percpu_array", true },
	{ BPF_MAP_TYPE_LPM_TRIE, "lpm_trie", false },
};

bool bpfmap_data__type_ok(uint32_t map_type)
{
	return bpfmap_data__type_name(map_type) != NULL;
}

const char *bpfmap_data__type_name(uint32_t map_type)
{
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (types[i].type == map_type)
			return types[i].name;
	return NULL;
}

bool bpfmap_data__percpu(uint32_t map_type)
{
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (types[i].type == map_type)
			return types[i].percpu;
	return false;
}

uint32_t bpfmap_data__ncpus(void)
{
	int n = libbpf_num_possible_cpus();

	return n > 0 ? (uint32_t)n : 0;
}

size_t bpfmap_data__value_len(const BpfMapEntry *m)
{
	/* The syscall copies per-CPU values 8-byte aligned, one per possible CPU. */
	if (bpfmap_data__percpu(m->map_type))
		return (((size_t)m->value_size + 7) & ~(size_t)7) * m->ncpus;
	return m->value_size;
}

int bpfmap_data__read(int fd, BpfMapEntry *m, size_t max)
{
	size_t klen = m->key_size, vlen = bpfmap_data__value_len(m), rec = klen + vlen;
	uint8_t *buf = NULL, *key = NULL, *grown;
	size_t cap = 0, len = 0;
	uint32_t n = 0;
	int err = 0;

	key = calloc(1, klen);
	if (!key)
		return -ENOMEM;
	/* NULL as the first key: the first entry, whatever the map holds. */
	while (!bpf_map_get_next_key(fd, n ? key : NULL, key)) {
		if (len + rec > max) {
			err = -EFBIG;
			goto out;
		}
		if (len + rec > cap) {
			cap = cap ? cap * 2 : rec * 64;
			if (cap > max)
				cap = max;
			grown = realloc(buf, cap);
			if (!grown) {
				err = -ENOMEM;
				goto out;
			}
			buf = grown;
		}
		memcpy(buf + len, key, klen);
		if (bpf_map_lookup_elem(fd, key, buf + len + klen)) {
			/* The tree is frozen and no program uses the map: nothing deletes. */
			err = -errno;
			goto out;
		}
		len += rec;
		n++;
	}
	if (errno != ENOENT) {
		err = -errno;
		goto out;
	}
	m->entries = n;
	m->data.data = buf;
	m->data.len = len;
	m->has_data = true;
	buf = NULL;
out:
	free(buf);
	free(key);
	return err;
}

int bpfmap_data__write(int fd, const BpfMapEntry *m)
{
	size_t rec = m->key_size + bpfmap_data__value_len(m);
	/* An array has every index already (zeroed): its entries are updated. */
	uint64_t flags = m->map_type == BPF_MAP_TYPE_ARRAY ||
			 m->map_type == BPF_MAP_TYPE_PERCPU_ARRAY ? BPF_ANY : BPF_NOEXIST;
	const uint8_t *p = m->data.data;
	uint32_t i;

	for (i = 0; i < m->entries; i++, p += rec)
		if (bpf_map_update_elem(fd, p, p + m->key_size, flags))
			return -errno;
	return 0;
}

int bpfmap_data__compare(int fd, const BpfMapEntry *m, uint32_t *matched, uint32_t *now)
{
	size_t klen = m->key_size, vlen = bpfmap_data__value_len(m), rec = klen + vlen;
	const uint8_t *p = m->data.data;
	uint8_t *key, *val;
	uint32_t i, n = 0;
	int err = 0;

	*matched = 0;
	key = calloc(1, klen);
	val = calloc(1, vlen ? vlen : 1);
	if (!key || !val) {
		err = -ENOMEM;
		goto out;
	}
	/* Every entry of the image is there with its value... */
	for (i = 0; i < m->entries; i++, p += rec)
		if (!bpf_map_lookup_elem(fd, p, val) && !memcmp(val, p + klen, vlen))
			(*matched)++;
	/* ...and no other: as many keys as the image has. */
	while (!bpf_map_get_next_key(fd, n ? key : NULL, key))
		n++;
	*now = n;
out:
	free(key);
	free(val);
	return err;
}
