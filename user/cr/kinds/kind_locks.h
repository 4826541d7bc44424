/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kind_locks.h - file locks as fdinfo shows them and the image keeps them
 * (fd_entry.locks): the "lock:" lines read into entries (dump and restore
 * verification read the same lines), their check before restore, their
 * words, and `pidtrace show`'s plain and JSON forms. Taking them at dump
 * and restore is dump_locks.h's and restore_locks.h's.
 */
#ifndef PT_KIND_LOCKS_H
#define PT_KIND_LOCKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "files.pb-c.h"
#include "image_int.h"

/* One "lock:" line of an fdinfo file. */
struct kind_lock {
	int kind;		/* FILE_LOCK_KIND__*, 0: a kind pidtrace does not restore */
	bool write;
	uint64_t start, end;	/* POSIX, OFD */
	bool to_eof;		/* end is OFFSET_MAX ("EOF") */
	int pid;
	char word[16];		/* the kernel's kind ("FLOCK", "LEASE", "DELEG"...) */
	char mode[16];		/* "ADVISORY", a lease's "ACTIVE", "BREAKING"... */
	char rw[16];		/* "READ", "WRITE", "UNLCK" */
	char dev[40];		/* "MAJ:MIN:INO" as the kernel prints it (hex:hex:dec) */
	bool waiter;		/* /proc/locks: a request waiting for the lock above */
};

/*
 * One line of fdinfo ("ID: KIND ...", after "lock:") or /proc/locks
 * ("ID: [-> ]KIND ...") into @l. A line that does not parse has kind 0
 * and its words as far as read.
 */
void kind_locks__parse(const char *line, struct kind_lock *l);

/*
 * The "lock:" lines of fdinfo text @info, in their order: @cb is called for
 * each (a lease being broken to nothing, "LEASE BREAKING UNLCK", is gone
 * already and skipped). A line that does not parse has kind 0 and its
 * words as far as read. Return: 0, or the first non-zero @cb result.
 */
int kind_locks__each(const char *info, int (*cb)(const struct kind_lock *l, void *arg), void *arg);

/* "write POSIX lock on bytes 0-EOF" and the like, into @buf. */
const char *kind_locks__words(const struct kind_lock *l, char *buf, size_t len);
/* The same for an image entry. */
const char *kind_locks__entry_words(const FileLockEntry *fl, char *buf, size_t len);
/* An image entry as a kind_lock (for comparing with what fdinfo shows). */
void kind_locks__from_entry(const FileLockEntry *fl, struct kind_lock *l);
/* Same lock (kind, mode, range; not the pid). */
bool kind_locks__same(const struct kind_lock *a, const struct kind_lock *b);

/* Return: 0, or -EINVAL with the damage printed (image_check.h's bad()). */
int kind_locks__check(struct image *img, const char *n, const FdEntry *e);

/* show: one line per lock under the fd, and a "locks" array in its JSON. */
void kind_locks__print(const FdEntry *e);
void kind_locks__json(const FdEntry *e, struct json_object *o);

#endif
