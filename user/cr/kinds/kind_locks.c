// SPDX-License-Identifier: GPL-2.0
/*
 * kind_locks.c - file locks as /proc/PID/fdinfo/FD shows them and as the
 * image keeps them (dump_locks.c writes them, restore_locks.c takes them
 * again and compares): the "lock:" lines read, the image's entries checked
 * before a restore trusts them, and `pidtrace show`'s plain and JSON forms.
 *
 * A line reads "lock:\t1: POSIX  ADVISORY  WRITE 1234 fe:00:123 0 EOF":
 * kind (FLOCK, POSIX, OFDLCK, LEASE; DELEG, ACCESS are not restored),
 * ADVISORY (leases: ACTIVE; BREAKING, being broken, is not restored),
 * READ or WRITE (a lease being broken: what it is broken to), the pid
 * (-1 for OFD locks), device and inode, the first and last byte ("EOF":
 * to the end of the file whatever its size; flock() and leases: 0 EOF).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "image_check.h"
#include "kind_locks.h"

/* POSIX and OFD locks have a byte range; flock() locks and leases not. */
static bool ranged(int kind)
{
	return kind == FILE_LOCK_KIND__LOCK_POSIX || kind == FILE_LOCK_KIND__LOCK_OFD;
}

void kind_locks__parse(const char *v, struct kind_lock *l)
{
	char first[32] = "", last[32] = "";
	int n, skip = 0;

	memset(l, 0, sizeof(*l));
	/* /proc/locks: a request waiting for the lock above is "ID: -> ...". */
	if (sscanf(v, "%*d: ->%n", &skip) >= 0 && skip) {
		l->waiter = true;
		v += skip;
	} else {
		sscanf(v, "%*d:%n", &skip);
		v += skip;
	}
	n = sscanf(v, "%15s %15s %15s %d %39s %31s %31s", l->word, l->mode, l->rw, &l->pid, l->dev,
		   first, last);
	l->write = !strcmp(l->rw, "WRITE");
	if (n < 7 || (!l->write && strcmp(l->rw, "READ")))
		return;
	if (!strcmp(l->word, "LEASE") && !strcmp(l->mode, "ACTIVE")) {
		l->kind = FILE_LOCK_KIND__LOCK_LEASE;
		l->to_eof = true;
		return;
	}
	if (strcmp(l->mode, "ADVISORY"))
		return;
	if (sscanf(first, "%lu", &l->start) != 1)
		return;
	l->to_eof = !strcmp(last, "EOF");
	if (!l->to_eof && (sscanf(last, "%lu", &l->end) != 1 || l->end < l->start))
		return;
	if (!strcmp(l->word, "FLOCK"))
		l->kind = FILE_LOCK_KIND__LOCK_FLOCK;
	else if (!strcmp(l->word, "POSIX"))
		l->kind = FILE_LOCK_KIND__LOCK_POSIX;
	else if (!strcmp(l->word, "OFDLCK"))
		l->kind = FILE_LOCK_KIND__LOCK_OFD;
}

int kind_locks__each(const char *info, int (*cb)(const struct kind_lock *l, void *arg), void *arg)
{
	const char *p = info, *v;
	struct kind_lock l;
	int err;

	while ((p = strstr(p, "lock:"))) {
		if (p != info && p[-1] != '\n') {
			p += 5;
			continue;
		}
		v = p + 5;
		while (*v == ' ' || *v == '\t')
			v++;
		p += 5;
		kind_locks__parse(v, &l);
		/* F_GETLEASE says F_UNLCK already; the kernel drops it soon. */
		if (!strcmp(l.word, "LEASE") && !strcmp(l.mode, "BREAKING") && !strcmp(l.rw, "UNLCK"))
			continue;
		err = cb(&l, arg);
		if (err)
			return err;
	}
	return 0;
}

static const char *kind_name(int kind, const char *word)
{
	switch (kind) {
	case FILE_LOCK_KIND__LOCK_FLOCK: return "flock() lock";
	case FILE_LOCK_KIND__LOCK_POSIX: return "POSIX (fcntl) lock";
	case FILE_LOCK_KIND__LOCK_OFD: return "open file description (F_OFD_SETLK) lock";
	case FILE_LOCK_KIND__LOCK_LEASE: return "lease";
	}
	if (!strcmp(word, "LEASE"))
		return "lease";
	if (!strcmp(word, "DELEG"))
		return "delegation";
	return NULL;
}

const char *kind_locks__words(const struct kind_lock *l, char *buf, size_t len)
{
	const char *what = kind_name(l->kind, l->word);
	char rw[16], range[64] = "";
	size_t i;

	for (i = 0; l->rw[i] && i + 1 < sizeof(rw); i++)
		rw[i] = l->rw[i] >= 'A' && l->rw[i] <= 'Z' ? l->rw[i] - 'A' + 'a' : l->rw[i];
	rw[i] = '\0';
	if (ranged(l->kind)) {
		if (l->to_eof)
			snprintf(range, sizeof(range), " on bytes %lu-EOF", (unsigned long)l->start);
		else
			snprintf(range, sizeof(range), " on bytes %lu-%lu", (unsigned long)l->start,
				 (unsigned long)l->end);
	}
	if (!l->kind && !strcmp(l->word, "LEASE") && !strcmp(l->mode, "BREAKING"))
		snprintf(buf, len, "lease being broken (to %s)", rw[0] ? rw : "?");
	else if (what)
		snprintf(buf, len, "%s%s%s%s", rw, rw[0] ? " " : "", what, range);
	else
		snprintf(buf, len, "lock of kind %s %s %s", l->word[0] ? l->word : "?",
			 l->mode[0] ? l->mode : "?", l->rw[0] ? l->rw : "?");
	return buf;
}

void kind_locks__from_entry(const FileLockEntry *fl, struct kind_lock *l)
{
	memset(l, 0, sizeof(*l));
	l->kind = fl->kind;
	l->write = fl->write;
	snprintf(l->rw, sizeof(l->rw), "%s", fl->write ? "WRITE" : "READ");
	snprintf(l->mode, sizeof(l->mode), "ADVISORY");
	if (ranged(fl->kind)) {
		l->start = fl->start;
		l->to_eof = !fl->has_end;
		l->end = fl->end;
	} else {
		l->to_eof = true;
	}
	l->pid = fl->has_pid ? fl->pid : 0;
}

const char *kind_locks__entry_words(const FileLockEntry *fl, char *buf, size_t len)
{
	struct kind_lock l;

	kind_locks__from_entry(fl, &l);
	return kind_locks__words(&l, buf, len);
}

bool kind_locks__same(const struct kind_lock *a, const struct kind_lock *b)
{
	if (a->kind != b->kind || a->write != b->write)
		return false;
	if (a->kind == FILE_LOCK_KIND__LOCK_FLOCK || a->kind == FILE_LOCK_KIND__LOCK_LEASE)
		return true;
	return a->start == b->start && a->to_eof == b->to_eof && (a->to_eof || a->end == b->end);
}

int kind_locks__check(struct image *img, const char *n, const FdEntry *e)
{
	size_t i;

	for (i = 0; i < e->n_locks; i++) {
		const FileLockEntry *fl = e->locks[i];

		if (!fl->has_kind || !image_check__known(&file_lock_kind__descriptor, fl->kind) ||
		    !fl->has_write)
			return bad(img, n, "fd %u: lock %zu has no known kind", e->fd, i);
		if (!ranged(fl->kind) && (fl->has_start || fl->has_end))
			return bad(img, n, "fd %u: lock %zu has a byte range", e->fd, i);
		/* fcntl takes a signed off_t: no range beyond it exists. */
		if (ranged(fl->kind) &&
		    (!fl->has_start || fl->start > INT64_MAX ||
		     (fl->has_end && (fl->end < fl->start || fl->end >= INT64_MAX))))
			return bad(img, n, "fd %u: lock %zu has an impossible byte range", e->fd, i);
	}
	return 0;
}

void kind_locks__print(const FdEntry *e)
{
	char w[128];
	size_t i;

	for (i = 0; i < e->n_locks; i++)
		printf("         holds %s\n", kind_locks__entry_words(e->locks[i], w, sizeof(w)));
}

void kind_locks__json(const FdEntry *e, struct json_object *o)
{
	static const char *const kinds[] = { [FILE_LOCK_KIND__LOCK_FLOCK] = "flock",
					     [FILE_LOCK_KIND__LOCK_POSIX] = "posix",
					     [FILE_LOCK_KIND__LOCK_OFD] = "ofd",
					     [FILE_LOCK_KIND__LOCK_LEASE] = "lease" };
	struct json_object *arr, *k;
	size_t i;

	if (!e->n_locks)
		return;
	arr = json_object_new_array();
	for (i = 0; i < e->n_locks; i++) {
		const FileLockEntry *fl = e->locks[i];

		k = json_object_new_object();
		json_object_object_add(k, "kind",
				       json_object_new_string(fl->kind >= 1 && fl->kind <= 4 ?
								      kinds[fl->kind] : "unknown"));
		json_object_object_add(k, "type", json_object_new_string(fl->write ? "write" : "read"));
		if (ranged(fl->kind)) {
			json_object_object_add(k, "start", json_object_new_int64(fl->start));
			json_object_object_add(k, "end", fl->has_end ?
								 json_object_new_int64(fl->end) :
								 json_object_new_string("EOF"));
		}
		if (fl->has_pid)
			json_object_object_add(k, "pid", json_object_new_int(fl->pid));
		json_object_array_add(arr, k);
	}
	json_object_object_add(o, "locks", arr);
}
