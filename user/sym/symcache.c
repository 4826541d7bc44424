// SPDX-License-Identifier: GPL-2.0
/*
 * symcache.c - symbolized frames by (object identity, file offset) (see
 * symcache.h).
 *
 * A fixed array of entries, chained from a power-of-two bucket table twice
 * its size. Free slots are used in order; once all are taken, the clock
 * hand picks the victim: it walks the array, clears the "referenced" bit
 * of every entry hit since its last pass and stops at the first one that
 * was not, so an entry of a call site that keeps killing stays.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "symcache.h"

#define NIL UINT32_MAX

struct entry {
	struct symcache_id id;
	uint64_t off;
	uint32_t next; /* in its bucket's chain, NIL at the end */
	uint32_t hash;
	bool ref; /* hit since the clock hand last passed */
	bool inl_cut;
	int nr_inl;
	struct usym_inline *inl; /* nr_inl of them, malloc()ed; NULL without inlining */
	int line;
	uint64_t sym_off;
	uint64_t addr;
	char func[sizeof(((struct usym_loc *)0)->func)];
	char file[sizeof(((struct usym_loc *)0)->file)];
};

struct symcache {
	struct entry *e;
	uint32_t *buckets;
	size_t max, used, hand;
	uint32_t mask; /* number of buckets - 1 */
	struct symcache_stats st;
};

void symcache__id_build_id(struct symcache_id *id, const uint8_t build_id[SYMCACHE_BUILD_ID_LEN])
{
	memset(id, 0, sizeof(*id));
	id->kind = SYMCACHE_BUILD_ID;
	memcpy(id->build_id, build_id, SYMCACHE_BUILD_ID_LEN);
}

void symcache__id_inode(struct symcache_id *id, uint64_t dev, uint64_t ino, int64_t mtime_ns)
{
	memset(id, 0, sizeof(*id));
	id->kind = SYMCACHE_INODE;
	id->dev = dev;
	id->ino = ino;
	id->mtime_ns = mtime_ns;
}

bool symcache__id_equal(const struct symcache_id *a, const struct symcache_id *b)
{
	return !memcmp(a, b, sizeof(*a));
}

/* FNV-1a over the key bytes: the ids are built zero-padded for this. */
static uint32_t key_hash(const struct symcache_id *id, uint64_t off)
{
	const unsigned char *p = (const unsigned char *)id;
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < sizeof(*id); i++)
		h = (h ^ p[i]) * 16777619u;
	for (i = 0; i < sizeof(off); i++)
		h = (h ^ (unsigned char)(off >> (8 * i))) * 16777619u;
	return h;
}

struct symcache *symcache__new(size_t max_entries)
{
	struct symcache *c = calloc(1, sizeof(*c));
	size_t nb = 2;

	if (!c)
		return NULL;
	c->max = max_entries ? max_entries : SYMCACHE_DEFAULT_ENTRIES;
	if (c->max >= NIL / 2) {
		free(c);
		return NULL;
	}
	while (nb < 2 * c->max)
		nb *= 2;
	c->mask = (uint32_t)(nb - 1);
	/* calloc: the pages of slots never used are never touched. */
	c->e = calloc(c->max, sizeof(*c->e));
	c->buckets = malloc(nb * sizeof(*c->buckets));
	if (!c->e || !c->buckets) {
		symcache__free(c);
		return NULL;
	}
	memset(c->buckets, 0xff, nb * sizeof(*c->buckets));
	c->st.max_entries = c->max;
	return c;
}

void symcache__free(struct symcache *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; c->e && i < c->used; i++)
		free(c->e[i].inl);
	free(c->e);
	free(c->buckets);
	free(c);
}

static struct entry *find(struct symcache *c, const struct symcache_id *id, uint64_t off,
			  uint32_t h)
{
	uint32_t i;

	for (i = c->buckets[h & c->mask]; i != NIL; i = c->e[i].next) {
		struct entry *e = &c->e[i];

		if (e->hash == h && e->off == off && symcache__id_equal(&e->id, id))
			return e;
	}
	return NULL;
}

int symcache__lookup(struct symcache *c, const struct symcache_id *id, uint64_t off,
		     struct usym_loc *out)
{
	struct entry *e = find(c, id, off, key_hash(id, off));

	if (!e) {
		c->st.misses++;
		return -ENOENT;
	}
	c->st.hits++;
	e->ref = true;
	memcpy(out->func, e->func, sizeof(out->func));
	memcpy(out->file, e->file, sizeof(out->file));
	out->offset = e->sym_off;
	out->line = e->line;
	out->addr = e->addr;
	out->nr_inl = e->nr_inl;
	out->inl_cut = e->inl_cut;
	if (e->nr_inl)
		memcpy(out->inl, e->inl, (size_t)e->nr_inl * sizeof(*e->inl));
	return 0;
}

static void unlink_entry(struct symcache *c, uint32_t idx)
{
	uint32_t *pp = &c->buckets[c->e[idx].hash & c->mask];

	while (*pp != idx)
		pp = &c->e[*pp].next;
	*pp = c->e[idx].next;
}

/* A slot for a new entry: a free one, or the clock's victim. */
static uint32_t take_slot(struct symcache *c)
{
	uint32_t idx;

	if (c->used < c->max)
		return (uint32_t)c->used++;
	/* Terminates: every pass clears the bits it skips. */
	while (c->e[c->hand].ref) {
		c->e[c->hand].ref = false;
		c->hand = (c->hand + 1) % c->max;
	}
	idx = (uint32_t)c->hand;
	c->hand = (c->hand + 1) % c->max;
	unlink_entry(c, idx);
	c->st.evictions++;
	return idx;
}

int symcache__store(struct symcache *c, const struct symcache_id *id, uint64_t off,
		    const struct usym_loc *loc)
{
	struct usym_inline *inl = NULL;
	int nr_inl = loc->nr_inl;
	uint32_t h, idx;
	struct entry *e;

	if (id->kind != SYMCACHE_BUILD_ID && id->kind != SYMCACHE_INODE)
		return -EINVAL;
	if (nr_inl < 0 || nr_inl > USYM_MAX_INLINE)
		return -EINVAL;
	/* Only frames with inlined code pay for the chain. */
	if (nr_inl) {
		inl = malloc((size_t)nr_inl * sizeof(*inl));
		if (!inl)
			return -ENOMEM;
		memcpy(inl, loc->inl, (size_t)nr_inl * sizeof(*inl));
	}
	h = key_hash(id, off);
	e = find(c, id, off, h);
	if (!e) {
		idx = take_slot(c);
		e = &c->e[idx];
		e->id = *id;
		e->off = off;
		e->hash = h;
		e->next = c->buckets[h & c->mask];
		c->buckets[h & c->mask] = idx;
	}
	/* A new entry starts unreferenced: one use does not make it hot. */
	e->ref = false;
	memcpy(e->func, loc->func, sizeof(e->func));
	memcpy(e->file, loc->file, sizeof(e->file));
	e->func[sizeof(e->func) - 1] = '\0';
	e->file[sizeof(e->file) - 1] = '\0';
	e->sym_off = loc->offset;
	e->line = loc->line;
	e->addr = loc->addr;
	free(e->inl);
	e->inl = inl;
	e->nr_inl = nr_inl;
	e->inl_cut = loc->inl_cut;
	c->st.stores++;
	return 0;
}

void symcache__stats(const struct symcache *c, struct symcache_stats *st)
{
	*st = c->st;
	st->entries = c->used;
}
