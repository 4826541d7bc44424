/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kinds.h - the kinds of file descriptor checkpoint/restore knows, and the
 * one table every engine goes through.
 *
 * A kind is one module (kind_NAME.c) that holds everything pidtrace knows
 * about that kernel object: which live fds are of it, how dump describes
 * one into the image, what the image must say of it before a restore
 * trusts it, how restore opens it again (and, where it needs other fds in
 * place first, what it does once they are), what the restore's
 * verification compares, and how `pidtrace show` prints it, plain and
 * JSON. The engines (dump_files.c, image_check_files.c, restore_files.c,
 * restore.c, restore_verify_fds.c, show.c, show_json.c) hold what is common
 * to every fd — number, flags, close-on-exec, offset, shared open file
 * descriptions, O_ASYNC owner — and never switch on the kind.
 *
 * Adding a kind: its module, one line in kinds.c's table, its test program
 * and test script (docs/kinds.md walks through one).
 */
#ifndef PT_KINDS_H
#define PT_KINDS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "files.pb-c.h"

struct dump_ctx;
struct image;
struct json_object;
struct restore_ctx;
struct rtask;
struct image_tree;
struct verify;

/* A live fd as dump sees it in the frozen task, and verify in the restored one. */
struct fd_live {
	pid_t pid;		/* as pidtrace sees it */
	int fd;
	const char *link;	/* readlink of /proc/PID/fd/FD */
	const struct stat *st;	/* stat() of it */
	const char *info;	/* /proc/PID/fdinfo/FD */
	int family;		/* a socket's SO_DOMAIN, 0 for other fds */
	int protocol;		/* and its SO_PROTOCOL */
	int sock;		/* verify: a copy of the socket (pidfd_getfd), else -1 */
};

struct fd_kind {
	FdType type;
	const char *name;	/* show's TYPE column and JSON "type": "unix" */
	const char *noun;	/* in sentences: "unix socket" */
	const char *test;	/* its test script: tests/root/cr_TEST.sh (tests/unit/test_kinds.c) */
	bool seeks;		/* restore sets its offset, so verify compares it */

	/* Dump. claims: is @l of this kind (the first kind of the table that
	 * claims an fd has it); dump: fill @e (type, fd, flags, offset, dev,
	 * ino, mode already set), refusing in one line with -EOPNOTSUPP what
	 * restore could not bring back; dump_tree: once, after every task;
	 * dump_free: what the kind kept in the dump's context. */
	bool (*claims)(const struct fd_live *l);
	int (*dump)(struct dump_ctx *ctx, const struct fd_live *l, FdEntry *e);
	int (*dump_tree)(struct dump_ctx *ctx);
	void (*dump_free)(struct dump_ctx *ctx);

	/* The image. After every fd of @fi is known sorted and of a known
	 * kind: -EINVAL with the damage said (image_check.h's bad()). */
	int (*check)(struct image *img, const char *n, const FilesImage *fi, const FdEntry *e);

	/* Restore, as the tree is made: session leader @t has just called
	 * setsid() and has no child yet. *pts: the /dev/pts index it opens
	 * (then closes) to take that terminal as its controlling one, which
	 * the tasks it forks inherit; -1: none. The kind makes the terminal
	 * first. Return 0, or -errno after restore_ctx__fail(). */
	int (*ctty_pts)(struct restore_ctx *ctx, struct rtask *t, int *pts);

	/* Restore. open: a new fd of pidtrace's for the description @e of
	 * task @pid, or -errno after restore_ctx__fail(); restore_task: once
	 * every fd of the tree is in place, per task; restore_tree: then once. */
	int (*open)(struct restore_ctx *ctx, pid_t pid, const FdEntry *e);
	int (*restore_task)(struct restore_ctx *ctx, struct rtask *t);
	int (*restore_tree)(struct restore_ctx *ctx);
	/* Once pidtrace has closed its own descriptions, per task, before
	 * the tasks run again (inotify: events those closes queued). */
	int (*restore_closed)(struct restore_ctx *ctx, struct rtask *t);
	/* At the end of every restore, @failed or not (socket files a
	 * failed restore bound, repair state). */
	void (*restore_end)(struct restore_ctx *ctx, bool failed);
	/* The kind's own state of the restored fd @l against @e:
	 * restore_verify__num()/__str() on a difference. */
	int (*verify)(struct verify *v, const FdEntry *e, const struct fd_live *l);

	/* Show. describe: show's OBJECT column (false: the path is);
	 * print: lines under the fd's; json: the kind's members in @o. */
	bool (*describe)(const struct image_tree *s, const FdEntry *e, char *buf, size_t len);
	void (*print)(const FdEntry *e);
	void (*json)(const struct image_tree *s, const FdEntry *e, struct json_object *o);
};

/* The kind of an image's fd type, NULL for one no kind has. */
const struct fd_kind *kinds__find(int type);
/* The kind a live fd is (NULL: none knows it). */
const struct fd_kind *kinds__claim(const struct fd_live *l);
/* kinds__find(type)->name, or "?". */
const char *kinds__name(int type);
/* kinds__find(type)->noun, or "?". */
const char *kinds__noun(int type);
/* Every kind, in table order: for (i = 0; (k = kinds__at(i)); i++). */
const struct fd_kind *kinds__at(size_t i);

/*
 * The family and protocol of socket @l->fd of @l->pid, into @l (left 0
 * if it is not a socket), read on a copy taken with pidfd_getfd(): kept
 * in @l->sock when @keep, closed otherwise. @pidfd: a pidfd of the task,
 * opened on first use (the caller closes it).
 * Return: 0, or -errno (-ESRCH: the task is gone).
 */
int kinds__probe_socket(struct fd_live *l, int *pidfd, bool keep);
/*
 * Restore: a warning (in the report's "warnings") that fd @e of @pid comes
 * back without the unread events dump --drop-unread-events left behind.
 */
void kinds__warn_dropped(pid_t pid, const FdEntry *e);
/* A copy in pidtrace of fd @fd of @pid (pidfd_getfd), or -errno. */
int kinds__copy_fd(pid_t pid, int fd);
/*
 * Dump socket @l by @fn on a copy of it (the kinds that read the socket
 * themselves: netlink, packet). An error of @fn other than a refusal
 * (-EOPNOTSUPP, said by @fn), -ENOMEM or -ESRCH (the task is gone) is
 * said in one line naming @noun, and refuses the dump.
 * Return: 0 or -errno.
 */
int kinds__dump_socket(const struct fd_live *l, FdEntry *e, const char *noun,
		       int (*fn)(const struct fd_live *l, int s, FdEntry *e));
/* Bytes fd @fd of @pid has to read (FIONREAD on a copy: inotify, fanotify), or -errno. */
int kinds__queued(pid_t pid, int fd);
/* Whether socket @s (pidtrace's copy) lives in pidtrace's network namespace: 1, 0, -errno. */
int kinds__sock_same_netns(int s);
/* What a live fd no kind claims is, for the refusal ("packet socket"). */
void kinds__unknown(const struct fd_live *l, char *buf, size_t len);

#endif
