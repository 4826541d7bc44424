// SPDX-License-Identifier: GPL-2.0
/*
 * ksyms.c - kernel text symbols from /proc/kallsyms (see ksyms.h).
 *
 * The whole file is read into one buffer and split in place: names and
 * module names point into it, so loading ~120k symbols costs one read, one
 * pass and one sort, with no allocation per symbol. Measured on the project
 * machines: ~40 ms, of which ~28 ms is the kernel producing the text.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "ksyms.h"
#include "ksyms_cache.h"
#include "log.h"

#define KALLSYMS_PATH "/proc/kallsyms"
/* Input larger than this is not a kallsyms file (today's is ~5 MiB). */
#define KSYMS_MAX_INPUT (256u << 20)
/* Extent assumed for the last symbol, whose size nothing bounds. */
#define KSYM_UNSIZED_MAX 4096

/* The full table, loaded at the first address a core-only one lacks. */
struct ksyms_full {
	struct ksyms *ks;
	bool failed;
};

struct ksyms {
	struct ksym *syms; /* text symbols by address, preferred alias first */
	size_t nr;
	char *text; /* the file's contents; every name points into it */
	/*
	 * Loaded from the per-boot cache: the core kernel's symbols only,
	 * authoritative in [core_lo, core_hi); any other address (a module,
	 * a BPF program) loads the full table from /proc/kallsyms.
	 */
	bool core_only;
	uint64_t core_lo, core_hi;
	struct ksyms_full *full;
};

static bool is_text_type(char t)
{
	return t == 'T' || t == 't' || t == 'W' || t == 'w';
}

static int read_all(FILE *f, char **bufp, size_t *lenp)
{
	size_t cap = 1u << 20, len = 0, n;
	char *buf = NULL, *tmp;

	for (;;) {
		if (!buf || cap - len < 2) {
			if (buf && cap >= KSYMS_MAX_INPUT) {
				free(buf);
				return -EFBIG;
			}
			if (buf)
				cap *= 2;
			tmp = realloc(buf, cap);
			if (!tmp) {
				free(buf);
				return -ENOMEM;
			}
			buf = tmp;
		}
		/* Large reads: /proc/kallsyms fills as much as it is given. */
		n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		free(buf);
		return -EIO;
	}
	buf[len] = '\0';
	*bufp = buf;
	*lenp = len;
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Split one line "<hex addr> <type> <name>[\t[<module>]]" in place
 * (line[eol - line] is writable). Returns 0 or -EINVAL.
 */
static int parse_line(char *p, char *eol, struct ksym *s)
{
	uint64_t addr = 0;
	int digits = 0, v;
	char *tab, *mod = NULL;

	while (p < eol && (v = hexval(*p)) >= 0) {
		if (++digits > 16)
			return -EINVAL;
		addr = addr << 4 | (uint64_t)v;
		p++;
	}
	if (!digits || eol - p < 4 || p[0] != ' ' || p[2] != ' ')
		return -EINVAL;
	s->type = p[1];
	s->name = p + 3;
	tab = memchr(s->name, '\t', eol - s->name);
	if (tab) {
		mod = tab + 1;
		if (eol - mod < 3 || mod[0] != '[' || eol[-1] != ']')
			return -EINVAL;
		*tab = '\0';
		eol[-1] = '\0';
		mod++;
	}
	if (!s->name[0])
		return -EINVAL;
	s->addr = addr;
	s->module = mod;
	s->size = 0;
	return 0;
}

/* Among aliases of one address, the most telling name sorts first. */
static int alias_rank(const struct ksym *s)
{
	static const char order[] = "TWtw";
	int rank = (int)(strchr(order, s->type) - order) * 64;
	const char *n = s->name;

	while (*n == '_' && n - s->name < 63)
		n++;
	return rank + (int)(n - s->name);
}

static int cmp_ksym(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;
	int rx, ry;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	rx = alias_rank(x);
	ry = alias_rank(y);
	if (rx != ry)
		return rx - ry;
	return strcmp(x->name, y->name);
}

/*
 * The kernel lists its symbols by address already: then only the groups of
 * aliases need ordering (a full sort would add ~4 ms to a ~10 ms parse).
 */
static void sort_syms(struct ksym *syms, size_t nr)
{
	size_t i, g;

	for (i = 1; i < nr; i++) {
		if (syms[i].addr < syms[i - 1].addr) {
			qsort(syms, nr, sizeof(*syms), cmp_ksym);
			return;
		}
	}
	for (i = 0; i < nr; i = g) {
		for (g = i + 1; g < nr && syms[g].addr == syms[i].addr; g++)
			;
		if (g - i > 1)
			qsort(syms + i, g - i, sizeof(*syms), cmp_ksym);
	}
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int grow(void **arr, size_t *cap, size_t need, size_t elem)
{
	size_t ncap = *cap ? *cap : 1024;
	void *tmp;

	if (need <= *cap)
		return 0;
	while (ncap < need)
		ncap *= 2;
	tmp = realloc(*arr, ncap * elem);
	if (!tmp)
		return -ENOMEM;
	*arr = tmp;
	*cap = ncap;
	return 0;
}

/*
 * A function ends where the next symbol of any type starts: text symbols
 * of equal address share one size; data symbols (bounds) end text ones.
 */
static void compute_sizes(struct ksym *syms, size_t nr, const uint64_t *bounds, size_t nb)
{
	size_t i = 0, g, k, j = 0;
	uint64_t next;

	while (i < nr) {
		for (g = i + 1; g < nr && syms[g].addr == syms[i].addr; g++)
			;
		next = g < nr ? syms[g].addr : 0;
		while (j < nb && bounds[j] <= syms[i].addr)
			j++;
		if (j < nb && (!next || bounds[j] < next))
			next = bounds[j];
		for (k = i; k < g; k++)
			syms[k].size = next ? next - syms[i].addr : 0;
		i = g;
	}
}

static struct ksyms *parse_text(char *text, size_t len);

/**
 * ksyms__parse() - build a symbol table from kallsyms-formatted text
 * @f: stream in /proc/kallsyms format, read to its end
 *
 * Lines that do not parse are skipped, so any input is safe (this is the
 * entry point for fuzzing). Messages go to the debug log only.
 *
 * Return: the table, or NULL with errno set: EPERM when every address
 * reads as 0 (kptr_restrict hides them), ENODATA when there is no text
 * symbol, EFBIG, EIO or ENOMEM.
 */
struct ksyms *ksyms__parse(FILE *f)
{
	char *text = NULL;
	size_t len;
	int err;

	err = read_all(f, &text, &len);
	if (err) {
		errno = -err;
		return NULL;
	}
	return parse_text(text, len);
}

/* The table of kallsyms text @text (@len bytes, NUL after them), which it takes. */
static struct ksyms *parse_text(char *text, size_t len)
{
	struct ksyms *ks = NULL;
	struct ksym s, *syms = NULL;
	uint64_t *bounds = NULL;
	size_t cap = 0, nr = 0, bcap = 0, nb = 0, bad = 0, zero = 0, lines = 0;
	char *p, *nl, *end;
	bool any_addr = false;
	int err = 0;

	end = text + len;
	for (p = text; p < end; p = nl + 1) {
		nl = memchr(p, '\n', end - p);
		if (!nl)
			nl = end;
		*nl = '\0';
		if (p == nl)
			continue;
		lines++;
		if (parse_line(p, nl, &s)) {
			bad++;
			continue;
		}
		if (!s.addr) {
			zero++;
			continue;
		}
		any_addr = true;
		if (!is_text_type(s.type)) {
			err = grow((void **)&bounds, &bcap, nb + 1, sizeof(*bounds));
			if (err)
				goto err;
			bounds[nb++] = s.addr;
			continue;
		}
		err = grow((void **)&syms, &cap, nr + 1, sizeof(*syms));
		if (err)
			goto err;
		syms[nr++] = s;
	}
	if (bad)
		pr_debug("kallsyms: skipped %zu malformed line(s) of %zu", bad, lines);
	if (zero && !any_addr) {
		err = -EPERM;
		goto err;
	}
	if (!nr) {
		err = -ENODATA;
		goto err;
	}
	sort_syms(syms, nr);
	/* qsort(NULL, 0, ...) is undefined: a table may have no data symbol. */
	if (nb)
		qsort(bounds, nb, sizeof(*bounds), cmp_u64);
	compute_sizes(syms, nr, bounds, nb);
	free(bounds);
	bounds = NULL;

	ks = calloc(1, sizeof(*ks));
	if (!ks) {
		err = -ENOMEM;
		goto err;
	}
	ks->syms = syms;
	ks->nr = nr;
	ks->text = text;
	return ks;
err:
	free(bounds);
	free(syms);
	free(text);
	errno = -err;
	return NULL;
}

static void read_kptr_restrict(char *buf, size_t len)
{
	FILE *f = fopen("/proc/sys/kernel/kptr_restrict", "re");

	snprintf(buf, len, "?");
	if (!f)
		return;
	if (fgets(buf, (int)len, f))
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

/* The full table from /proc/kallsyms; @store: its core part into the cache. */
static struct ksyms *load_live(const char *store)
{
	char restrict_val[16];
	struct ksyms *ks;
	size_t len;
	char *text;
	FILE *f;
	int err;

	f = fopen(KALLSYMS_PATH, "re");
	if (!f) {
		err = errno;
		pr_warn("%s: %s: kernel stacks will not be symbolized", KALLSYMS_PATH,
			strerror(err));
		errno = err;
		return NULL;
	}
	err = read_all(f, &text, &len);
	fclose(f);
	if (err) {
		errno = -err;
		ks = NULL;
	} else {
		/* Before parse_text() splits the text in place. */
		if (store && len > 17 && strncmp(text, "0000000000000000 ", 17))
			ksyms_cache__store(store, text, len);
		ks = parse_text(text, len);
	}
	err = errno;
	if (ks)
		return ks;
	if (err == EPERM) {
		read_kptr_restrict(restrict_val, sizeof(restrict_val));
		pr_warn("%s: every address reads as 0 (kernel.kptr_restrict=%s, or no CAP_SYSLOG): "
			"kernel stacks will not be symbolized",
			KALLSYMS_PATH, restrict_val);
	} else {
		pr_warn("%s: %s: kernel stacks will not be symbolized", KALLSYMS_PATH,
			strerror(err));
	}
	errno = err;
	return NULL;
}

/**
 * ksyms__load() - load the running kernel's text symbols
 *
 * The core kernel's from the per-boot cache when there is one to trust
 * (ksyms_cache.h), else all of /proc/kallsyms, read once (and the cache
 * written). When the kernel hides addresses (all zero: kernel.kptr_restrict,
 * or no CAP_SYSLOG) it warns once, saying so, because the caller can go on
 * and show raw addresses.
 *
 * Return: the table, or NULL with errno set (EPERM for hidden addresses,
 * or the error of opening or reading the file).
 */
struct ksyms *ksyms__load(void)
{
	struct ksyms *ks = NULL;
	char path[512];
	size_t len;
	char *text;

	if (ksyms_cache__path(path, sizeof(path)))
		return load_live(NULL);
	text = ksyms_cache__read(path, &len);
	if (text)
		ks = parse_text(text, len);
	if (ks)
		ks->full = calloc(1, sizeof(*ks->full));
	if (ks && !ks->full) {
		ksyms__free(ks);
		ks = NULL;
	}
	if (!ks)
		return load_live(path);
	ks->core_only = true;
	ks->core_lo = ks->syms[0].addr;
	ks->core_hi = ks->syms[ks->nr - 1].addr +
		      (ks->syms[ks->nr - 1].size ? ks->syms[ks->nr - 1].size : KSYM_UNSIZED_MAX);
	pr_debug("kallsyms: %zu core symbols from %s", ks->nr, path);
	return ks;
}

/**
 * ksyms__free() - release a table and every name it handed out
 * @ks: table, or NULL
 */
void ksyms__free(struct ksyms *ks)
{
	if (!ks)
		return;
	if (ks->full)
		ksyms__free(ks->full->ks);
	free(ks->full);
	free(ks->syms);
	free(ks->text);
	free(ks);
}

/**
 * ksyms__count() - number of text symbols in the table
 * @ks: table, or NULL (0)
 */
size_t ksyms__count(const struct ksyms *ks)
{
	return ks ? ks->nr : 0;
}

static const struct ksym *map_in(const struct ksyms *ks, uint64_t addr)
{
	size_t lo = 0, hi, mid;
	const struct ksym *s;
	uint64_t limit;

	hi = ks->nr;
	/* First symbol above addr; the one before it may contain addr. */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (ks->syms[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return NULL;
	s = &ks->syms[lo - 1];
	while (s > ks->syms && s[-1].addr == s->addr)
		s--;
	limit = s->size ? s->size : KSYM_UNSIZED_MAX;
	return addr - s->addr < limit ? s : NULL;
}

static bool in_core(const struct ksyms *ks, uint64_t addr)
{
	return !ks->core_only || (addr >= ks->core_lo && addr < ks->core_hi);
}

/**
 * ksyms__map_addr() - the text symbol that contains an address
 * @ks: table, or NULL
 * @addr: kernel address
 *
 * Of several symbols at one address, a global one with the fewest leading
 * underscores is returned. The offset into the function is
 * addr - ksym->addr.
 *
 * A table from the cache holds the core kernel's symbols: an address
 * outside them loads the full table from /proc/kallsyms (once).
 *
 * Return: the symbol (valid until ksyms__free()), or NULL when @addr is
 * outside every known function.
 */
const struct ksym *ksyms__map_addr(const struct ksyms *ks, uint64_t addr)
{
	if (!ks)
		return NULL;
	if (in_core(ks, addr))
		return map_in(ks, addr);
	/* A module's or BPF program's address: the full table, once. */
	if (!ks->full->ks && !ks->full->failed) {
		ks->full->ks = load_live(NULL);
		ks->full->failed = !ks->full->ks;
	}
	return ks->full->ks ? map_in(ks->full->ks, addr) : NULL;
}

const struct ksym *ksyms__map_core(const struct ksyms *ks, uint64_t addr)
{
	if (!ks || !in_core(ks, addr))
		return NULL;
	return map_in(ks, addr);
}

/**
 * ksyms__get_symbol() - look a text symbol up by name
 * @ks: table, or NULL
 * @name: exact symbol name
 *
 * A linear scan (about 0.2 ms for 120k symbols): meant for a few lookups
 * at start-up, not per event. Static functions may share a name; the one
 * with the lowest address is returned.
 *
 * Return: the symbol, or NULL when no text symbol has that name.
 */
const struct ksym *ksyms__get_symbol(const struct ksyms *ks, const char *name)
{
	size_t i;

	if (!ks || !name)
		return NULL;
	for (i = 0; i < ks->nr; i++) {
		if (!strcmp(ks->syms[i].name, name))
			return &ks->syms[i];
	}
	return NULL;
}

/**
 * ksyms__format() - write an address as "func+0x1f" (or "func+0x1f [mod]")
 * @ks: table, or NULL (every address is then unknown)
 * @addr: kernel address
 * @buf: output, always NUL-terminated when @len > 0
 * @len: size of @buf
 *
 * An address outside every function is written "0xffffffff81234567 [unknown]".
 *
 * Return: 0, -ENOENT when the address is unknown (@buf still holds the
 * fallback text), -ENOSPC when @buf was too small (the text is truncated).
 */
int ksyms__format(const struct ksyms *ks, uint64_t addr, char *buf, size_t len)
{
	const struct ksym *s = ksyms__map_addr(ks, addr);
	int n;

	if (!s)
		n = snprintf(buf, len, "0x%016" PRIx64 " [unknown]", addr);
	else if (s->module)
		n = snprintf(buf, len, "%s+0x%" PRIx64 " [%s]", s->name, addr - s->addr, s->module);
	else
		n = snprintf(buf, len, "%s+0x%" PRIx64, s->name, addr - s->addr);
	if (n < 0 || (size_t)n >= len)
		return -ENOSPC;
	return s ? 0 : -ENOENT;
}
