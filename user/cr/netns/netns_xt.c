// SPDX-License-Identifier: GPL-2.0
/*
 * netns_xt.c - see netns_xt.h: the iptables-legacy (x_tables) tables of
 * the calling thread's net namespace, IPv4 and IPv6.
 *
 * Each table the namespace instantiated (named in ip_tables_names, even
 * when left at its default) is read whole with IPT_SO_GET_INFO and
 * IPT_SO_GET_ENTRIES: the kernel hands out every entry as iptables-legacy
 * wrote it (matches and targets by name and revision, their user data,
 * jumps as offsets, the counters). Restore asks for the table by name
 * (IPT_SO_GET_INFO instantiates it, as the first iptables command did),
 * gives the same entries back with IPT_SO_SET_REPLACE (which zeroes the
 * counters) and adds the counters read (IPT_SO_SET_ADD_COUNTERS). The
 * kernel loads the matches and targets it is given as for iptables.
 *
 * arptables: only its empty default instantiated, not made again (any
 * rule: a line the rehearsal lacks, refused). ebtables: not read (asking
 * for a table would instantiate it).
 *
 * Refused at dump (@why): a match or target that keeps state inside the
 * kernel, not in the entries (limit's tokens, recent's lists, quota's
 * remainder, statistic's count, ipsets...), which would come back reset.
 * The state lines hold each table's entries (a hash of them, counters
 * zeroed) and, apart, its counters ("counters ..." lines: a restored
 * connection's first segments move them, so restore's verification
 * leaves them out; dump's rehearsal compares them).
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4/ip_tables.h>
#include <linux/netfilter_ipv6/ip6_tables.h>
#include <linux/netfilter_arp/arp_tables.h>

#include "escape.h"
#include "netns_state.h"
#include "netns_xt.h"

/* The IPv4 and IPv6 structures of GET_INFO, GET_ENTRIES, SET_REPLACE share a layout. */
_Static_assert(sizeof(struct ipt_getinfo) == sizeof(struct ip6t_getinfo), "getinfo");
_Static_assert(sizeof(struct ipt_replace) == sizeof(struct ip6t_replace), "replace");
_Static_assert(offsetof(struct ipt_get_entries, entrytable) ==
	       offsetof(struct ip6t_get_entries, entrytable), "entries");

struct fam {
	int family, level, get_info, get_entries, set_replace, add_counters;
	const char *names, *cmd;
	size_t entry, target_offset, next_offset, counters;
};

#define FAM(F, L, P, E, NAMES, CMD)                                                           \
	{ F, L, P##_SO_GET_INFO, P##_SO_GET_ENTRIES, P##_SO_SET_REPLACE, P##_SO_SET_ADD_COUNTERS, \
	  NAMES, CMD, sizeof(struct E), offsetof(struct E, target_offset),                     \
	  offsetof(struct E, next_offset), offsetof(struct E, counters) }

static const struct fam fams[] = {
	FAM(AF_INET, IPPROTO_IP, IPT, ipt_entry, "ip_tables_names", "iptables"),
	FAM(AF_INET6, IPPROTO_IPV6, IP6T, ip6t_entry, "ip6_tables_names", "ip6tables"),
};

static const struct fam *fam_of(uint32_t family)
{
	return family == AF_INET ? &fams[0] : family == AF_INET6 ? &fams[1] : NULL;
}

/* Matches and targets whose state is the kernel's, not in the entries. */
static const char *const stateful[] = {
	"limit", "hashlimit", "recent", "quota", "statistic", "rateest", "RATEEST",
	"set", "SET", "IDLETIMER", "LED", "connlimit", "cluster", NULL,
};

static uint16_t u16at(const unsigned char *p, size_t off)
{
	uint16_t v;

	memcpy(&v, p + off, 2);
	return v;
}

/*
 * Walk the entries of @x: each entry's counters into @cnt (when not
 * NULL, @x->num_entries of them), its match and target names checked.
 * Return: 0; -EINVAL a malformed blob; -EOPNOTSUPP a stateful one (@why).
 */
static int walk(const struct fam *f, const NetnsXt *x, struct xt_counters *cnt, char *why,
		size_t len)
{
	const unsigned char *b = x->entries.data;
	size_t off = 0, n = 0, m, end;
	uint16_t to, next, size;
	int i;

	while (off < x->entries.len) {
		if (x->entries.len - off < f->entry || n >= x->num_entries)
			return -EINVAL;
		to = u16at(b + off, f->target_offset);
		next = u16at(b + off, f->next_offset);
		if (next < f->entry || next > x->entries.len - off || to < f->entry || to > next ||
		    next % 8)
			return -EINVAL;
		if (cnt)
			memcpy(&cnt[n], b + off + f->counters, sizeof(*cnt));
		/* Matches from the end of the entry to its target, then the target. */
		for (m = off + f->entry, end = off + next; m < end; m += size) {
			const struct xt_entry_match *em = (const void *)(b + m);
			char name[XT_EXTENSION_MAXNAMELEN + 1];

			if (end - m < sizeof(*em))
				return -EINVAL;
			size = em->u.user.match_size;
			if (size < sizeof(*em) || size > end - m)
				return -EINVAL;
			snprintf(name, sizeof(name), "%.*s", XT_EXTENSION_MAXNAMELEN,
				 em->u.user.name);
			for (i = 0; stateful[i] && strcmp(stateful[i], name); i++)
				;
			if (stateful[i] && why && !*why)
				snprintf(why, len, "%s table %s: \"%s\", whose state the kernel keeps "
					 "apart from the rules (it would come back reset)",
					 f->cmd, escape__str(x->name), escape__str(name));
		}
		off += next;
		n++;
	}
	return n == x->num_entries ? 0 : -EINVAL;
}

static uint64_t fnv(uint64_t h, const void *p, size_t len)
{
	const unsigned char *c = p;

	while (len--)
		h = (h ^ *c++) * 1099511628211ull;
	return h;
}

/* The lines of table @x: its entries (counters zeroed, hashed), then its counters. */
static int lines(NetnsMade *m, const struct fam *f, const NetnsXt *x)
{
	struct xt_counters *c = calloc(x->num_entries + 1, sizeof(*c));
	unsigned char *copy = malloc(x->entries.len + 1);
	uint64_t h = 14695981039346656037ull;
	char *s = NULL, *p;
	size_t i, off;
	int err = -ENOMEM;

	if (!c || !copy || !(s = malloc(x->num_entries * 44 + 1)))
		goto out;
	err = walk(f, x, c, NULL, 0);
	if (err)
		goto out;
	memcpy(copy, x->entries.data, x->entries.len);
	for (off = 0; off < x->entries.len; off += u16at(copy + off, f->next_offset))
		memset(copy + off + f->counters, 0, sizeof(*c));
	h = fnv(h, copy, x->entries.len);
	for (i = 0; i < x->n_hook_entry && i < x->n_underflow; i++) {
		h = fnv(h, &x->hook_entry[i], 4);
		h = fnv(h, &x->underflow[i], 4);
	}
	*s = 0;
	for (i = 0, p = s; i < x->num_entries; i++)
		p += sprintf(p, "%s%llu/%llu", i ? " " : "", (unsigned long long)c[i].pcnt,
			     (unsigned long long)c[i].bcnt);
	err = netns_state__add(m, "%s table %s: hooks %#x, %u entries, %zu bytes, entries hash %016llx",
			       f->cmd, escape__str(x->name), x->valid_hooks, x->num_entries,
			       x->entries.len, (unsigned long long)h);
	if (!err)
		err = netns_state__add(m, NETNS_MOVING "%s table %s: %s", f->cmd, escape__str(x->name), s);
out:
	free(s);
	free(copy);
	free(c);
	return err;
}

/*
 * A table's info, then its entries: the same two calls in every x_tables
 * family. @info is the family's getinfo struct of @info_len bytes (the
 * name first, the entries' size last in each); the entries come in an
 * ipt_get_entries, whose layout every family's shares. *@all is NULL and 0
 * returned when the namespace has no such table.
 */
static int xt_fetch(int s, int level, int get_info, int get_entries, const char *table,
		    void *info, socklen_t info_len, struct ipt_get_entries **all)
{
	socklen_t l = info_len;
	uint32_t size;

	*all = NULL;
	snprintf(info, XT_TABLE_MAXNAMELEN, "%.31s", table);
	if (getsockopt(s, level, get_info, info, &l))
		return errno == ENOENT ? 0 : -errno;
	memcpy(&size, (char *)info + info_len - sizeof(size), sizeof(size));
	l = sizeof(**all) + size;
	*all = calloc(1, l);
	if (!*all)
		return -ENOMEM;
	memcpy((*all)->name, info, XT_TABLE_MAXNAMELEN);
	(*all)->size = size;
	if (getsockopt(s, level, get_entries, *all, &l)) {
		int err = -errno;

		free(*all);
		*all = NULL;
		return err;
	}
	return 0;
}

static int read_table(NetnsMade *m, const struct fam *f, const char *table, char *why, size_t len)
{
	struct ipt_getinfo info = { 0 };
	struct ipt_get_entries *all = NULL;
	NetnsXt *x, **v;
	int s, err = 0, h;

	s = socket(f->family, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
	if (s < 0)
		return -errno;
	err = xt_fetch(s, f->level, f->get_info, f->get_entries, table, &info, sizeof(info), &all);
	if (err || !all)
		goto out;
	/* In @m from here: netns_xt__free() frees what is made of it. */
	x = calloc(1, sizeof(*x));
	v = realloc(m->xt, (m->n_xt + 1) * sizeof(*v));
	if (v)
		m->xt = v;
	if (!x || !v) {
		free(x);
		err = -ENOMEM;
		goto out;
	}
	netns_xt__init(x);
	m->xt[m->n_xt++] = x;
	x->family = f->family;
	x->valid_hooks = info.valid_hooks;
	x->num_entries = info.num_entries;
	x->name = strdup(info.name);
	x->hook_entry = calloc(NF_INET_NUMHOOKS, sizeof(uint32_t));
	x->underflow = calloc(NF_INET_NUMHOOKS, sizeof(uint32_t));
	x->entries.data = malloc(info.size + 1);
	if (!x->name || !x->hook_entry || !x->underflow || !x->entries.data) {
		err = -ENOMEM;
		goto out;
	}
	x->n_hook_entry = x->n_underflow = NF_INET_NUMHOOKS;
	for (h = 0; h < NF_INET_NUMHOOKS; h++) {
		x->hook_entry[h] = info.hook_entry[h];
		x->underflow[h] = info.underflow[h];
	}
	x->entries.len = info.size;
	memcpy(x->entries.data, all->entrytable, info.size);
	err = walk(f, x, NULL, why, len);
	if (err == -EINVAL) {
		if (!*why)
			snprintf(why, len, "%s table %s: entries pidtrace cannot read", f->cmd,
				 escape__str(table));
		err = netns_state__add(m, "%s table %s: unreadable", f->cmd, escape__str(table));
	} else if (!err) {
		err = lines(m, f, x);
	}
out:
	free(all);
	close(s);
	return err;
}

/*
 * arptables (legacy): not made again. A table the namespace instantiated
 * is left out when it is its empty default (one ACCEPT policy per hook
 * and the end: a namespace made again would not have it, which nothing
 * of the tree sees but /proc/net/arp_tables_names); else its line, which
 * a namespace made again lacks: refused by the comparison.
 */
static int arp_table(NetnsMade *m, const char *table)
{
	struct arpt_getinfo info = { 0 };
	struct ipt_get_entries *all = NULL;
	int s, h, hooks = 0, drop = 0, err = 0;

	s = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
	if (s < 0)
		return -errno;
	err = xt_fetch(s, IPPROTO_IP, ARPT_SO_GET_INFO, ARPT_SO_GET_ENTRIES, table, &info,
		       sizeof(info), &all);
	if (err || !all)
		goto out;
	for (h = 0; h < NF_ARP_NUMHOOKS; h++) {
		const struct arpt_entry *e;
		const struct xt_standard_target *t;

		if (!(info.valid_hooks & (1u << h)) ||
		    info.underflow[h] + sizeof(*e) + sizeof(*t) > info.size)
			continue;
		hooks++;
		e = (const void *)((char *)all->entrytable + info.underflow[h]);
		t = (const void *)((const char *)e + e->target_offset);
		if (e->target_offset + sizeof(*t) > info.size - info.underflow[h] ||
		    t->verdict != -NF_ACCEPT - 1)
			drop++;
	}
	if (info.num_entries != (unsigned int)hooks + 1 || drop)
		err = netns_state__add(m, "arptables table %s: %u entries, %d policies not ACCEPT (not made again)",
				       escape__str(table), info.num_entries, drop);
out:
	free(all);
	close(s);
	return err;
}

/*
 * The kernel lists a family's tables newest first (iptables-legacy-save
 * prints them so): restore instantiates them in the reverse order of the
 * list, and the order is a line of its own.
 */
int netns_xt__read(NetnsMade *m, char *why, size_t len)
{
	char path[96], line[64], order[512];
	size_t i, n;
	FILE *f;
	int err = 0;

	for (i = 0; !err && i < sizeof(fams) / sizeof(fams[0]); i++) {
		snprintf(path, sizeof(path), "/proc/thread-self/net/%s", fams[i].names);
		f = fopen(path, "re");
		if (!f)
			continue; /* no iptables-legacy in this kernel */
		n = 0;
		*order = 0;
		while (!err && fgets(line, sizeof(line), f)) {
			line[strcspn(line, "\n")] = 0;
			if (n + strlen(line) + 8 < sizeof(order))
				n += snprintf(order + n, sizeof(order) - n, " %s", escape__str(line));
			err = read_table(m, &fams[i], line, why, len);
		}
		fclose(f);
		if (!err && n)
			err = netns_state__add(m, "%s tables, newest first:%s", fams[i].cmd, order);
	}
	f = err ? NULL : fopen("/proc/thread-self/net/arp_tables_names", "re");
	while (f && !err && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		err = arp_table(m, line);
	}
	if (f)
		fclose(f);
	return err;
}

/* Match and target names of @x, into @out (for a failed SET_REPLACE). */
static void names(const struct fam *f, const NetnsXt *x, char *out, size_t len)
{
	const unsigned char *b = x->entries.data;
	size_t off, m, end, n = 0;
	uint16_t size;

	*out = 0;
	for (off = 0; off < x->entries.len; off += u16at(b + off, f->next_offset))
		for (m = off + f->entry, end = off + u16at(b + off, f->next_offset); m < end;
		     m += size) {
			const struct xt_entry_match *em = (const void *)(b + m);
			char name[XT_EXTENSION_MAXNAMELEN + 1];

			size = em->u.user.match_size;
			snprintf(name, sizeof(name), "%.*s", XT_EXTENSION_MAXNAMELEN,
				 em->u.user.name);
			if (!*name || strstr(out, name) || n + strlen(name) + 8 > len)
				continue;
			n += snprintf(out + n, len - n, "%s%s", n ? " " : "", escape__str(name));
		}
}

static int set_table(const struct fam *f, const NetnsXt *x, char *err, size_t len)
{
	struct ipt_getinfo info = { 0 };
	struct ipt_replace *r = NULL;
	struct xt_counters_info *ci = NULL;
	struct xt_counters *old = NULL;
	socklen_t l = sizeof(info);
	const char *step = "instantiating it";
	char used[256];
	int s, e = 0, h;

	s = socket(f->family, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
	if (s < 0) {
		e = -errno;
		goto fail;
	}
	snprintf(info.name, sizeof(info.name), "%s", x->name);
	if (getsockopt(s, f->level, f->get_info, &info, &l))
		goto fail_errno;
	r = calloc(1, sizeof(*r) + x->entries.len);
	old = calloc(info.num_entries + 1, sizeof(*old));
	ci = calloc(1, sizeof(*ci) + (x->num_entries + 1) * sizeof(struct xt_counters));
	e = -ENOMEM;
	if (!r || !old || !ci)
		goto fail;
	snprintf(r->name, sizeof(r->name), "%s", x->name);
	r->valid_hooks = x->valid_hooks;
	r->num_entries = x->num_entries;
	r->size = x->entries.len;
	for (h = 0; h < NF_INET_NUMHOOKS && h < (int)x->n_hook_entry && h < (int)x->n_underflow; h++) {
		r->hook_entry[h] = x->hook_entry[h];
		r->underflow[h] = x->underflow[h];
	}
	r->num_counters = info.num_entries;
	r->counters = old;
	memcpy(r->entries, x->entries.data, x->entries.len);
	step = "setting its rules (IPT_SO_SET_REPLACE)";
	if (setsockopt(s, f->level, f->set_replace, r, sizeof(*r) + x->entries.len))
		goto fail_errno;
	snprintf(ci->name, sizeof(ci->name), "%s", x->name);
	ci->num_counters = x->num_entries;
	e = walk(f, x, ci->counters, NULL, 0);
	step = "reading its entries from the image";
	if (e)
		goto fail;
	step = "setting its counters (IPT_SO_SET_ADD_COUNTERS)";
	if (setsockopt(s, f->level, f->add_counters, ci,
		       sizeof(*ci) + x->num_entries * sizeof(struct xt_counters)))
		goto fail_errno;
	goto out;
fail_errno:
	e = -errno;
fail:
	names(f, x, used, sizeof(used));
	snprintf(err, len, "%s table %s: %s: %s%s%s%s", f->cmd, escape__str(x->name), step,
		 strerror(-e), e == -ENOENT ? " (a match or target the kernel cannot load? it uses: " : "",
		 e == -ENOENT ? used : "", e == -ENOENT ? ")" : "");
out:
	free(r);
	free(old);
	free(ci);
	if (s >= 0)
		close(s);
	return e;
}

int netns_xt__apply(const NetnsMade *m, char *err, size_t len)
{
	const struct fam *f;
	size_t i;
	int e = 0;

	/* Oldest first (netns_xt__read()). */
	for (i = m->n_xt; !e && i-- > 0;) {
		f = fam_of(m->xt[i]->family);
		if (!f || !m->xt[i]->entries.len) {
			snprintf(err, len, "iptables table %s of family %u: not one restore makes",
				 escape__str(m->xt[i]->name), m->xt[i]->family);
			return -EINVAL;
		}
		e = set_table(f, m->xt[i], err, len);
	}
	return e;
}

void netns_xt__free(NetnsMade *m)
{
	size_t i;

	for (i = 0; i < m->n_xt; i++) {
		free(m->xt[i]->name);
		free(m->xt[i]->hook_entry);
		free(m->xt[i]->underflow);
		free(m->xt[i]->entries.data);
		free(m->xt[i]);
	}
	free(m->xt);
	m->xt = NULL;
	m->n_xt = 0;
}
