// SPDX-License-Identifier: GPL-2.0
/*
 * kind_scm.c - files in flight in a unix socket's queue, as the image
 * holds them (dump_scm.c writes them, restore_scm.c sends them again):
 * what the image checks require, and how `pidtrace show` prints them.
 */
#include <errno.h>
#include <stdio.h>
#include <sys/socket.h>

#include "image_check.h"
#include "kind_scm.h"
#include "kinds.h"

#define MAX_SCM_FDS 253		/* SCM_MAX_FD */

/* An epoll in flight whose entry names no description (restore_epoll__inflight() needs one). */
static bool bad_epoll(const FdEntry *f)
{
	size_t i;

	for (i = 0; f->type == FD_TYPE__FD_EPOLL && f->epoll && i < f->epoll->n_targets; i++)
		if (!f->epoll->targets[i]->has_ofd_id || !f->epoll->targets[i]->ofd_id)
			return true;
	return false;
}

int kind_scm__check(struct image *img, const char *n, const FdEntry *e)
{
	const UnixSkEntry *u = e->unix_sk;
	size_t i, k;

	if (!u || !u->n_scm)
		return 0;
	if (!u->queue_here)
		return bad(img, n, "unix socket fd %u: files in flight without its queue", e->fd);
	for (i = 0; i < u->n_scm; i++) {
		const ScmEntry *m = u->scm[i];
		uint64_t end = u->sk_type == SOCK_STREAM ? (u->n_queue ? u->queue[0].len : 0) :
							   u->n_queue - 1;

		if (!u->n_queue || m->at > end || (u->sk_type == SOCK_STREAM && !m->at))
			return bad(img, n, "unix socket fd %u: files in flight at %llu, past its queue",
				   e->fd, (unsigned long long)m->at);
		if (!m->n_fds || m->n_fds > MAX_SCM_FDS)
			return bad(img, n, "unix socket fd %u: %zu files in one message", e->fd,
				   m->n_fds);
		/* A pipe end with its pipe, or a description a task holds (restore_scm.c). */
		for (k = 0; k < m->n_fds; k++)
			if (m->fds[k]->type == FD_TYPE__FD_PIPE ? !m->fds[k]->has_pipe_ino :
			    !kinds__find(m->fds[k]->type) || !m->fds[k]->ofd_id)
				return bad(img, n, "unix socket fd %u: a file in flight of kind %d",
					   e->fd, m->fds[k]->type);
		for (k = 0; k < m->n_fds; k++)
			if (bad_epoll(m->fds[k]))
				return bad(img, n, "unix socket fd %u: an epoll in flight with an entry of no description",
					   e->fd);
	}
	return 0;
}

void kind_scm__print(const FdEntry *e)
{
	const UnixSkEntry *u = e->unix_sk;
	size_t i, k, j;

	for (i = 0; u && i < u->n_scm; i++) {
		printf("         in flight %s %lu:", u->sk_type == SOCK_STREAM ? "up to byte" : "in message",
		       (unsigned long)u->scm[i]->at);
		for (k = 0; k < u->scm[i]->n_fds; k++) {
			const FdEntry *d = u->scm[i]->fds[k];

			if (d->type == FD_TYPE__FD_PIPE)
				printf(" pipe:[%lu] (ofd %u)", (unsigned long)d->pipe_ino, d->ofd_id);
			else
				printf(" %s %lu (ofd %u)", kinds__name(d->type), (unsigned long)d->ino,
				       d->ofd_id);
			/* An epoll's entries: fd number, on the description of the tree. */
			for (j = 0; d->epoll && j < d->epoll->n_targets; j++)
				printf("%s%u on ofd %u", j ? ", " : " watching fd ",
				       d->epoll->targets[j]->tfd, d->epoll->targets[j]->ofd_id);
		}
		printf("\n");
	}
}

/* An epoll in flight's entries: [{tfd, events, data, ofd_id}]. */
static struct json_object *epoll_json(const EpollEntry *ee)
{
	struct json_object *a = json_object_new_array(), *t;
	size_t i;

	for (i = 0; i < ee->n_targets; i++) {
		t = json_object_new_object();
		json_object_object_add(t, "tfd", json_object_new_int64(ee->targets[i]->tfd));
		json_object_object_add(t, "events", json_object_new_int64(ee->targets[i]->events));
		json_object_object_add(t, "data", json_object_new_int64((int64_t)ee->targets[i]->data));
		json_object_object_add(t, "ofd_id", json_object_new_int64(ee->targets[i]->ofd_id));
		json_object_array_add(a, t);
	}
	return a;
}

void kind_scm__json(const FdEntry *e, struct json_object *unix_obj)
{
	const UnixSkEntry *u = e->unix_sk;
	struct json_object *arr, *m, *fds, *f;
	size_t i, k;

	if (!u || !u->n_scm)
		return;
	arr = json_object_new_array();
	for (i = 0; i < u->n_scm; i++) {
		m = json_object_new_object();
		json_object_object_add(m, "at", json_object_new_int64(u->scm[i]->at));
		fds = json_object_new_array();
		for (k = 0; k < u->scm[i]->n_fds; k++) {
			const FdEntry *d = u->scm[i]->fds[k];

			f = json_object_new_object();
			json_object_object_add(f, "type", json_object_new_string(kinds__name(d->type)));
			json_object_object_add(f, "flags", json_object_new_int64(d->flags));
			json_object_object_add(f, "ofd_id", json_object_new_int64(d->ofd_id));
			if (d->has_pipe_ino)
				json_object_object_add(f, "pipe_ino", json_object_new_int64(d->pipe_ino));
			else
				json_object_object_add(f, "ino", json_object_new_int64(d->ino));
			if (d->epoll)
				json_object_object_add(f, "epoll", epoll_json(d->epoll));
			json_object_array_add(fds, f);
		}
		json_object_object_add(m, "fds", fds);
		json_object_array_add(arr, m);
	}
	json_object_object_add(unix_obj, "in_flight", arr);
}
