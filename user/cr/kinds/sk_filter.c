// SPDX-License-Identifier: GPL-2.0
/*
 * sk_filter.c - classic socket filters, whatever the socket (see
 * sk_filter.h). The kernel keeps the program a filter was attached with
 * and SO_GET_FILTER copies it back, so attaching it again makes the same
 * filter; an eBPF program (SO_ATTACH_BPF) has no such copy and is
 * refused. SO_LOCK_FILTER forbids changing the filter, so restore sets
 * it after attaching.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/filter.h>

#include <json-c/json.h>

#include "dump_ctx.h"
#include "log.h"
#include "restore_verify.h"
#include "sk_filter.h"

#ifndef SO_LOCK_FILTER
#define SO_LOCK_FILTER 44
#endif

int sk_filter__dump(int s, FdEntry *e, char *why, size_t len)
{
	socklen_t n = 0;
	int locked = 0;
	socklen_t ll = sizeof(locked);
	SkFilterEntry *f;
	void *prog = NULL;

	/* The length comes in instructions, not bytes. */
	if (getsockopt(s, SOL_SOCKET, SO_GET_FILTER, NULL, &n)) {
		if (errno != EACCES)
			return -errno;
		snprintf(why, len, "an eBPF socket filter (SO_ATTACH_BPF)");
		return -EOPNOTSUPP;
	}
	if (getsockopt(s, SOL_SOCKET, SO_LOCK_FILTER, &locked, &ll))
		locked = 0;
	if (!n && !locked)
		return 0;
	if (n > BPF_MAXINSNS) {
		snprintf(why, len, "a socket filter of %u instructions", n);
		return -EOPNOTSUPP;
	}
	if (n) {
		prog = calloc(n, sizeof(struct sock_filter));
		if (!prog)
			return -ENOMEM;
		if (getsockopt(s, SOL_SOCKET, SO_GET_FILTER, prog, &n)) {
			free(prog);
			return -errno;
		}
	}
	f = e->sk_filter = PB_NEW(SkFilterEntry, sk_filter_entry);
	if (!f) {
		free(prog);
		return -ENOMEM;
	}
	f->prog.data = prog;
	f->prog.len = (size_t)n * sizeof(struct sock_filter);
	f->locked = locked;
	return 0;
}

int sk_filter__check(const FdEntry *e, char *why, size_t len)
{
	const SkFilterEntry *f = e->sk_filter;

	if (!f)
		return 0;
	if (f->prog.len % sizeof(struct sock_filter) ||
	    f->prog.len > BPF_MAXINSNS * sizeof(struct sock_filter) ||
	    (f->prog.len && !f->prog.data)) {
		snprintf(why, len, "socket filter of %zu bytes", f->prog.len);
		return -EINVAL;
	}
	return 0;
}

int sk_filter__restore(int s, const FdEntry *e, const char **what)
{
	const SkFilterEntry *f = e->sk_filter;
	struct sock_fprog p;
	int one = 1;

	if (!f)
		return 0;
	if (f->prog.len) {
		p.len = f->prog.len / sizeof(struct sock_filter);
		p.filter = (struct sock_filter *)f->prog.data;
		if (setsockopt(s, SOL_SOCKET, SO_ATTACH_FILTER, &p, sizeof(p))) {
			*what = "SO_ATTACH_FILTER";
			return -errno;
		}
	}
	if (f->locked && setsockopt(s, SOL_SOCKET, SO_LOCK_FILTER, &one, sizeof(one))) {
		*what = "SO_LOCK_FILTER";
		return -errno;
	}
	return 0;
}

int sk_filter__verify(struct verify *v, const FdEntry *e, int s)
{
	const SkFilterEntry *f = e->sk_filter;
	size_t want = f ? f->prog.len / sizeof(struct sock_filter) : 0;
	socklen_t n = 0;
	void *prog;
	char w[64];
	int err;

	err = restore_verify__sockopt(v, e, s, SOL_SOCKET, SO_LOCK_FILTER, "SO_LOCK_FILTER",
				      f && f->locked);
	if (err)
		return err;
	snprintf(w, sizeof(w), "fd %u: socket filter instructions", e->fd);
	if (getsockopt(s, SOL_SOCKET, SO_GET_FILTER, NULL, &n))
		return restore_verify__cannot(v, w, -errno);
	v->n->sockopts++;
	if (n != want)
		return restore_verify__num(v, w, VF_DEC, want, n);
	if (!n)
		return 0;
	prog = calloc(n, sizeof(struct sock_filter));
	if (!prog)
		return -ENOMEM;
	err = getsockopt(s, SOL_SOCKET, SO_GET_FILTER, prog, &n) ? -errno : 0;
	if (err) {
		free(prog);
		return restore_verify__cannot(v, w, err);
	}
	snprintf(w, sizeof(w), "fd %u: socket filter program (first word differing)", e->fd);
	if (memcmp(prog, f->prog.data, f->prog.len)) {
		uint64_t a = 0, b = 0;
		size_t i;

		/* The image's bytes need not be aligned for a uint64_t. */
		for (i = 0; i < want; i++) {
			memcpy(&a, f->prog.data + i * 8, 8);
			memcpy(&b, (const uint8_t *)prog + i * 8, 8);
			if (a != b)
				break;
		}
		err = restore_verify__num(v, w, VF_HEX, a, b);
	}
	free(prog);
	return err;
}

void sk_filter__describe(const FdEntry *e, char *buf, size_t len)
{
	const SkFilterEntry *f = e->sk_filter;
	size_t n = f ? f->prog.len / sizeof(struct sock_filter) : 0;

	if (!f)
		snprintf(buf, len, "%s", "");
	else if (!n)
		snprintf(buf, len, ", filter locked");
	else
		snprintf(buf, len, ", filter of %zu instruction%s%s", n, n == 1 ? "" : "s",
			 f->locked ? ", locked" : "");
}

void sk_filter__json(const FdEntry *e, struct json_object *o)
{
	const SkFilterEntry *f = e->sk_filter;
	struct json_object *j;

	if (!f)
		return;
	j = json_object_new_object();
	json_object_object_add(j, "insns",
			       json_object_new_int64(f->prog.len / sizeof(struct sock_filter)));
	json_object_object_add(j, "locked", json_object_new_boolean(f->locked));
	json_object_object_add(o, "sk_filter", j);
}
