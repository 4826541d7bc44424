// SPDX-License-Identifier: GPL-2.0
/*
 * show_kinds.c - sockets, eventfd, signalfd, timerfd, epoll, inotify, memfds,
 * deleted files, guard pages and timers, for `pidtrace show` (plain and
 * JSON).
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <signal.h>
#include <sys/time.h>

#include "escape.h"
#include "names.h"
#include "show.h"
#include "inet_sk.h"
#include "kind_fifo.h"
#include "kind_locks.h"
#include "kind_scm.h"
#include "show_kinds.h"

static void add(struct json_object *o, const char *k, struct json_object *v)
{
	json_object_object_add(o, k, v);
}

static struct json_object *hex(uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%lx", (unsigned long)v);
	return escape__json_string(buf);
}

static struct json_object *u64(uint64_t v)
{
	return json_object_new_int64((int64_t)v);
}

const char *show_kinds__fd_type(FdType t)
{
	switch (t) {
	case FD_TYPE__FD_UNIX: return "unix";
	case FD_TYPE__FD_EVENTFD: return "eventfd";
	case FD_TYPE__FD_SIGNALFD: return "signalfd";
	case FD_TYPE__FD_TIMERFD: return "timerfd";
	case FD_TYPE__FD_MEMFD: return "memfd";
	case FD_TYPE__FD_DELETED: return "deleted";
	case FD_TYPE__FD_EPOLL: return "epoll";
	case FD_TYPE__FD_INOTIFY: return "inotify";
	case FD_TYPE__FD_INET: return "inet";
	case FD_TYPE__FD_FIFO: return "fifo";
	default: return "?";
	}
}

static const char *sk_type(uint32_t t)
{
	return t == SOCK_STREAM ? "stream" : t == SOCK_DGRAM ? "dgram" :
	       t == SOCK_SEQPACKET ? "seqpacket" : "?";
}

static uint64_t queued(const UnixSkEntry *u)
{
	uint64_t n = 0;
	size_t i;

	for (i = 0; i < u->n_queue; i++)
		n += u->queue[i].len;
	return n;
}

/* A socket's name, printable: other bytes (an abstract name may hold any) as \xNN. */
static void sk_name(const UnixSkEntry *u, char *buf, size_t len)
{
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < u->name.len && n + 5 < len; i++) {
		uint8_t c = u->name.data[i];

		if (c < 0x20 || c >= 0x7f || c == '\\')
			n += snprintf(buf + n, len - n, "\\x%02x", c);
		else
			buf[n++] = c;
	}
	buf[n] = '\0';
}

/* "SIGUSR1,SIGRTMIN+2" */
static void sig_list(uint64_t mask, char *buf, size_t len)
{
	char name[16];
	size_t n = 0;
	int sig;

	buf[0] = '\0';
	for (sig = 1; sig <= 64 && n < len; sig++)
		if (mask & (1ULL << (sig - 1)))
			n += snprintf(buf + n, len - n, "%s%s", n ? "," : "",
				      names__signame(sig, name, sizeof(name)));
}

struct bit_name {
	uint32_t bit;
	const char *name;
};

/* The bits of @v by name, "|"-separated; what has no name is kept in hex. */
static void bit_names(uint32_t v, const struct bit_name *names, size_t count, char *buf,
		      size_t len)
{
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < count && n < len; i++)
		if (v & names[i].bit) {
			n += snprintf(buf + n, len - n, "%s%s", n ? "|" : "", names[i].name);
			v &= ~names[i].bit;
		}
	if (v && n < len)
		snprintf(buf + n, len - n, "%s0x%x", n ? "|" : "", v);
}

/* "IN|ET|ONESHOT" */
static void ep_events(uint32_t ev, char *buf, size_t len)
{
	static const struct bit_name names[] = {
		{ EPOLLIN, "IN" }, { EPOLLPRI, "PRI" }, { EPOLLOUT, "OUT" }, { EPOLLERR, "ERR" },
		{ EPOLLHUP, "HUP" }, { EPOLLRDNORM, "RDNORM" }, { EPOLLRDBAND, "RDBAND" },
		{ EPOLLWRNORM, "WRNORM" }, { EPOLLWRBAND, "WRBAND" }, { EPOLLMSG, "MSG" },
		{ EPOLLRDHUP, "RDHUP" }, { EPOLLEXCLUSIVE, "EXCLUSIVE" }, { EPOLLWAKEUP, "WAKEUP" },
		{ EPOLLONESHOT, "ONESHOT" }, { (uint32_t)EPOLLET, "ET" },
	};

	bit_names(ev, names, sizeof(names) / sizeof(names[0]), buf, len);
}

/* "CREATE|DELETE|ONESHOT" */
static void in_mask(uint32_t m, char *buf, size_t len)
{
	static const struct bit_name names[] = {
		{ IN_ACCESS, "ACCESS" }, { IN_MODIFY, "MODIFY" }, { IN_ATTRIB, "ATTRIB" },
		{ IN_CLOSE_WRITE, "CLOSE_WRITE" }, { IN_CLOSE_NOWRITE, "CLOSE_NOWRITE" },
		{ IN_OPEN, "OPEN" }, { IN_MOVED_FROM, "MOVED_FROM" }, { IN_MOVED_TO, "MOVED_TO" },
		{ IN_CREATE, "CREATE" }, { IN_DELETE, "DELETE" }, { IN_DELETE_SELF, "DELETE_SELF" },
		{ IN_MOVE_SELF, "MOVE_SELF" }, { IN_EXCL_UNLINK, "EXCL_UNLINK" },
		{ IN_ONESHOT, "ONESHOT" },
	};

	bit_names(m, names, sizeof(names) / sizeof(names[0]), buf, len);
}

static void print_inotify(const InotifyEntry *ie)
{
	char m[256];
	size_t i;

	for (i = 0; i < ie->n_watches; i++) {
		in_mask(ie->watches[i]->mask, m, sizeof(m));
		printf("         watch %u: %s: %s\n", ie->watches[i]->wd,
		       escape__str(ie->watches[i]->path), m);
	}
}

static const char *const fown_kinds[] = { "thread", "pid", "process group" };

/* "pid 123 (uid 0/1), signal SIGIO": who gets the file's O_ASYNC signals. */
static void fown_str(const FownEntry *f, char *buf, size_t len)
{
	char nb[16];
	int n = 0;

	if (f->pid)
		n = snprintf(buf, len, "%s %d", f->type <= 2 ? fown_kinds[f->type] : "?", f->pid);
	else
		n = snprintf(buf, len, "nobody");
	if (n >= 0 && (size_t)n < len && f->has_uid)
		n += snprintf(buf + n, len - n, " (set by uid %u euid %u)", f->uid, f->euid);
	if (n >= 0 && (size_t)n < len)
		snprintf(buf + n, len - n, ", signal %s",
			 f->signum ? names__signame(f->signum, nb, sizeof(nb)) : "SIGIO");
}

void show_kinds__print_fd(const FdEntry *e)
{
	char evs[128];
	size_t i;

	kind_locks__print(e);
	if (e->fown) {
		fown_str(e->fown, evs, sizeof(evs));
		printf("         O_ASYNC signals go to %s\n", evs);
	}
	if (e->type == FD_TYPE__FD_INOTIFY && e->inotify)
		print_inotify(e->inotify);
	if (e->type == FD_TYPE__FD_UNIX)
		kind_scm__print(e);
	if (e->type != FD_TYPE__FD_EPOLL || !e->epoll)
		return;
	for (i = 0; i < e->epoll->n_targets; i++) {
		ep_events(e->epoll->targets[i]->events, evs, sizeof(evs));
		printf("         watches fd %u: %s, data 0x%lx\n", e->epoll->targets[i]->tfd, evs,
		       (unsigned long)e->epoll->targets[i]->data);
	}
}

bool show_kinds__describe(const FdEntry *e, char *buf, size_t len)
{
	char sigs[400];

	switch (e->type) {
	case FD_TYPE__FD_UNIX: {
		const UnixSkEntry *u = e->unix_sk;
		int n;

		if (!u)
			break;
		n = snprintf(buf, len, "socket:[%lu] unix %s", (unsigned long)e->ino,
			     sk_type(u->sk_type));
		if (u->listening) {
			sk_name(u, sigs, sizeof(sigs));
			snprintf(buf + n, len - n, ", listening on %s%s, backlog %u", u->abstract ? "@" : "",
				 sigs, u->backlog);
			return true;
		}
		if (u->has_name) {
			sk_name(u, sigs, sizeof(sigs));
			n += snprintf(buf + n, len - n, ", bound to %s%s", u->abstract ? "@" : "",
				      sigs);
		}
		if (u->connected && u->has_peer_ino)
			n += snprintf(buf + n, len - n, ", peer %lu", (unsigned long)u->peer_ino);
		else
			n += snprintf(buf + n, len - n, "%s",
				      u->connected ? ", peer closed" : ", unconnected");
		if (u->queue_here)
			snprintf(buf + n, len - n, ", %lu bytes queued%s", (unsigned long)queued(u),
				 u->shutdown ? ", shut down" : "");
		return true;
	}
	case FD_TYPE__FD_EVENTFD:
		if (!e->eventfd)
			break;
		snprintf(buf, len, "eventfd count %lu%s", (unsigned long)e->eventfd->count,
			 e->eventfd->semaphore ? " (semaphore)" : "");
		return true;
	case FD_TYPE__FD_SIGNALFD:
		if (!e->signalfd)
			break;
		sig_list(e->signalfd->sigmask, sigs, sizeof(sigs));
		snprintf(buf, len, "signalfd %s", sigs);
		return true;
	case FD_TYPE__FD_TIMERFD:
		if (!e->timerfd)
			break;
		snprintf(buf, len, "timerfd clock %u, %.3f s left, every %.3f s, %lu ticks",
			 e->timerfd->clockid, e->timerfd->value_ns / 1e9,
			 e->timerfd->interval_ns / 1e9, (unsigned long)e->timerfd->ticks);
		return true;
	case FD_TYPE__FD_MEMFD:
		snprintf(buf, len, "%s (shmem %lu)", e->path ? e->path : "memfd",
			 (unsigned long)e->memfd_shmid);
		return true;
	case FD_TYPE__FD_DELETED:
		if (!e->deleted)
			break;
		snprintf(buf, len, "%s (deleted, %lu bytes%s%s)", e->deleted->path,
			 (unsigned long)e->deleted->size,
			 e->deleted->n_extents && e->deleted->data.len < e->deleted->size ?
				 " with holes" : "",
			 e->deleted->data_here ? ", saved here" : "");
		return true;
	case FD_TYPE__FD_INOTIFY:
		if (!e->inotify)
			break;
		snprintf(buf, len, "inotify, %zu watch%s", e->inotify->n_watches,
			 e->inotify->n_watches == 1 ? "" : "es");
		return true;
	case FD_TYPE__FD_INET:
		return inet_sk__describe(e, buf, len);
	case FD_TYPE__FD_FIFO:
		return kind_fifo__describe(e, buf, len);
	case FD_TYPE__FD_EPOLL:
		if (!e->epoll)
			break;
		if (e->epoll->targets_here)
			snprintf(buf, len, "epoll, %zu target%s", e->epoll->n_targets,
				 e->epoll->n_targets == 1 ? "" : "s");
		else
			snprintf(buf, len, "epoll (its targets are with another fd of it)");
		return true;
	default:
		break;
	}
	return false;
}

void show_kinds__print_vma(const VmaEntry *v)
{
	uint64_t pages = 0;
	size_t i;

	for (i = 0; i < v->n_guards; i++)
		pages += v->guards[i]->nr_pages;
	if (v->n_guards)
		printf("      %lu guard page%s (MADV_GUARD_INSTALL) in %zu run%s\n",
		       (unsigned long)pages, pages == 1 ? "" : "s", v->n_guards,
		       v->n_guards == 1 ? "" : "s");
}

void show_kinds__print_shmem(const ShmemObject *o, unsigned long pages)
{
	if (!o->memfd) {
		printf("  shmem %lu: %lu bytes, %lu pages stored\n", (unsigned long)o->shmid,
		       (unsigned long)o->size, pages);
		return;
	}
	printf("  shmem %lu: memfd:%s, %lu bytes, %lu pages stored, seals 0x%x, mode %04o\n",
	       (unsigned long)o->shmid, escape__str(o->memfd->name), (unsigned long)o->memfd->file_size, pages,
	       o->memfd->seals, o->memfd->mode);
}

static const char *itimer_name(uint32_t which)
{
	return which == ITIMER_REAL ? "real" : which == ITIMER_VIRTUAL ? "virtual" :
	       which == ITIMER_PROF ? "prof" : "?";
}

static const char *notify_name(int32_t n)
{
	return n == SIGEV_SIGNAL ? "signal" : n == SIGEV_NONE ? "none" :
	       n == SIGEV_THREAD_ID ? "thread-id" : n == SIGEV_THREAD ? "thread" : "?";
}

void show_kinds__print_timers(const TaskCore *c)
{
	char name[16];
	size_t i;

	for (i = 0; i < c->n_itimers; i++)
		printf("  itimer %s: %.3f s left, every %.3f s\n",
		       itimer_name(c->itimers[i]->which), c->itimers[i]->value_us / 1e6,
		       c->itimers[i]->interval_us / 1e6);
	for (i = 0; i < c->n_posix_timers; i++) {
		const PosixTimerEntry *t = c->posix_timers[i];

		printf("  timer %d: clock %d, %s %s value 0x%lx, %.3f s left, every %.3f s\n",
		       t->id, t->clockid, notify_name(t->notify),
		       t->notify == SIGEV_NONE ? "-" : names__signame(t->signo, name, sizeof(name)),
		       (unsigned long)t->sigval, t->value_ns / 1e9, t->interval_ns / 1e9);
	}
}

static void inotify_json(const InotifyEntry *ie, struct json_object *k)
{
	struct json_object *a = json_object_new_array();
	char m[256];
	size_t i;

	for (i = 0; i < ie->n_watches; i++) {
		const InotifyWatch *w = ie->watches[i];
		struct json_object *j = json_object_new_object();

		in_mask(w->mask, m, sizeof(m));
		add(j, "wd", json_object_new_int64(w->wd));
		add(j, "mask", hex(w->mask));
		add(j, "mask_names", escape__json_string(m));
		add(j, "path", escape__json_string(w->path));
		add(j, "dev", u64(w->dev));
		add(j, "ino", u64(w->ino));
		json_object_array_add(a, j);
	}
	add(k, "watches", a);
}

static void epoll_json(const EpollEntry *ep, struct json_object *k)
{
	struct json_object *a = json_object_new_array();
	char evs[128];
	size_t i;

	add(k, "targets_here", json_object_new_boolean(ep->targets_here));
	for (i = 0; i < ep->n_targets; i++) {
		struct json_object *t = json_object_new_object();

		ep_events(ep->targets[i]->events, evs, sizeof(evs));
		add(t, "tfd", json_object_new_int64(ep->targets[i]->tfd));
		add(t, "events", hex(ep->targets[i]->events));
		add(t, "event_names", escape__json_string(evs));
		add(t, "data", hex(ep->targets[i]->data));
		json_object_array_add(a, t);
	}
	add(k, "targets", a);
}

void show_kinds__deleted_json(const DeletedFileEntry *d, struct json_object *k)
{
	struct json_object *a, *r;
	size_t i;

	if (d->has_atime_ns)
		add(k, "atime_ns", json_object_new_int64(d->atime_ns));
	if (d->has_mtime_ns)
		add(k, "mtime_ns", json_object_new_int64(d->mtime_ns));
	if (!d->n_extents)
		return;
	a = json_object_new_array();
	for (i = 0; i + 1 < d->n_extents; i += 2) {
		r = json_object_new_array();
		json_object_array_add(r, u64(d->extents[i]));
		json_object_array_add(r, u64(d->extents[i + 1]));
		json_object_array_add(a, r);
	}
	add(k, "data_ranges", a);
}

void show_kinds__fd_json(const FdEntry *e, struct json_object *o)
{
	struct json_object *k = json_object_new_object();
	char sigs[400];

	kind_locks__json(e, o);
	if (e->fown) {
		struct json_object *f = json_object_new_object();

		add(f, "type", escape__json_string(e->fown->type <= 2 ?
						      fown_kinds[e->fown->type] : "?"));
		add(f, "pid", json_object_new_int(e->fown->pid));
		if (e->fown->has_uid) {
			add(f, "uid", json_object_new_int64(e->fown->uid));
			add(f, "euid", json_object_new_int64(e->fown->euid));
		}
		add(f, "signum", json_object_new_int(e->fown->signum));
		add(o, "owner", f);
	}

	switch (e->type) {
	case FD_TYPE__FD_UNIX:
		if (!e->unix_sk)
			break;
		add(k, "sk_type", escape__json_string(sk_type(e->unix_sk->sk_type)));
		add(k, "ino", u64(e->ino));
		add(k, "connected", json_object_new_boolean(e->unix_sk->connected));
		if (e->unix_sk->has_peer_ino)
			add(k, "peer_ino", u64(e->unix_sk->peer_ino));
		add(k, "shutdown", json_object_new_int(e->unix_sk->shutdown));
		add(k, "sndbuf", json_object_new_int64(e->unix_sk->sndbuf));
		add(k, "rcvbuf", json_object_new_int64(e->unix_sk->rcvbuf));
		add(k, "peek_off", json_object_new_int(e->unix_sk->peek_off));
		add(k, "passcred", json_object_new_boolean(e->unix_sk->passcred));
		add(k, "queue_here", json_object_new_boolean(e->unix_sk->queue_here));
		add(k, "listening", json_object_new_boolean(e->unix_sk->listening));
		if (e->unix_sk->has_name) {
			sk_name(e->unix_sk, sigs, sizeof(sigs));
			add(k, "name", escape__json_string(sigs));
			add(k, "abstract", json_object_new_boolean(e->unix_sk->abstract));
			if (e->unix_sk->has_backlog)
				add(k, "backlog", json_object_new_int64(e->unix_sk->backlog));
		}
		if (e->unix_sk->has_file_mode) {
			char mode[8];

			snprintf(mode, sizeof(mode), "%04o", e->unix_sk->file_mode & 07777);
			add(k, "file_mode", escape__json_string(mode));
			add(k, "file_uid", json_object_new_int64(e->unix_sk->file_uid));
			add(k, "file_gid", json_object_new_int64(e->unix_sk->file_gid));
		}
		if (e->unix_sk->queue_here) {
			add(k, "queued_bytes", u64(queued(e->unix_sk)));
			add(k, "queued_messages", u64(e->unix_sk->n_queue));
		}
		kind_scm__json(e, k);
		add(o, "unix", k);
		return;
	case FD_TYPE__FD_EVENTFD:
		if (!e->eventfd)
			break;
		add(k, "count", u64(e->eventfd->count));
		add(k, "semaphore", json_object_new_boolean(e->eventfd->semaphore));
		add(o, "eventfd", k);
		return;
	case FD_TYPE__FD_SIGNALFD:
		if (!e->signalfd)
			break;
		sig_list(e->signalfd->sigmask, sigs, sizeof(sigs));
		add(k, "sigmask", hex(e->signalfd->sigmask));
		add(k, "signals", escape__json_string(sigs));
		add(o, "signalfd", k);
		return;
	case FD_TYPE__FD_TIMERFD:
		if (!e->timerfd)
			break;
		add(k, "clockid", json_object_new_int64(e->timerfd->clockid));
		add(k, "ticks", u64(e->timerfd->ticks));
		add(k, "settime_flags", json_object_new_int64(e->timerfd->settime_flags));
		add(k, "value_ns", u64(e->timerfd->value_ns));
		add(k, "interval_ns", u64(e->timerfd->interval_ns));
		if (e->timerfd->has_expiry_ns)
			add(k, "expiry_ns", u64(e->timerfd->expiry_ns));
		add(o, "timerfd", k);
		return;
	case FD_TYPE__FD_MEMFD:
		add(o, "memfd_shmid", u64(e->memfd_shmid));
		break;
	case FD_TYPE__FD_DELETED:
		if (!e->deleted)
			break;
		add(k, "path", escape__json_string(e->deleted->path));
		add(k, "size", u64(e->deleted->size));
		add(k, "mode", hex(e->deleted->mode));
		add(k, "uid", json_object_new_int64(e->deleted->uid));
		add(k, "gid", json_object_new_int64(e->deleted->gid));
		add(k, "data_here", json_object_new_boolean(e->deleted->data_here));
		show_kinds__deleted_json(e->deleted, k);
		add(o, "deleted", k);
		return;
	case FD_TYPE__FD_INOTIFY:
		if (!e->inotify)
			break;
		inotify_json(e->inotify, k);
		add(o, "inotify", k);
		return;
	case FD_TYPE__FD_INET:
		inet_sk__json(e, o);
		break;
	case FD_TYPE__FD_FIFO:
		kind_fifo__json(e, o);
		break;
	case FD_TYPE__FD_EPOLL:
		if (!e->epoll)
			break;
		epoll_json(e->epoll, k);
		add(o, "epoll", k);
		return;
	default:
		break;
	}
	json_object_put(k);
}

void show_kinds__vma_json(const VmaEntry *v, struct json_object *o)
{
	struct json_object *a;
	size_t i;

	if (!v->n_guards)
		return;
	a = json_object_new_array();
	for (i = 0; i < v->n_guards; i++) {
		struct json_object *g = json_object_new_object();

		add(g, "start", hex(v->guards[i]->start));
		add(g, "pages", u64(v->guards[i]->nr_pages));
		json_object_array_add(a, g);
	}
	add(o, "guards", a);
}

void show_kinds__shmem_json(const ShmemObject *so, struct json_object *o)
{
	struct json_object *m;

	if (!so->memfd)
		return;
	m = json_object_new_object();
	add(m, "name", escape__json_string(so->memfd->name));
	add(m, "seals", hex(so->memfd->seals));
	add(m, "file_size", u64(so->memfd->file_size));
	add(m, "mode", hex(so->memfd->mode));
	add(o, "memfd", m);
}

void show_kinds__timers_json(const TaskCore *c, struct json_object *o)
{
	struct json_object *a = json_object_new_array();
	char name[16];
	size_t i;

	for (i = 0; i < c->n_itimers; i++) {
		struct json_object *t = json_object_new_object();

		add(t, "which", escape__json_string(itimer_name(c->itimers[i]->which)));
		add(t, "value_us", u64(c->itimers[i]->value_us));
		add(t, "interval_us", u64(c->itimers[i]->interval_us));
		json_object_array_add(a, t);
	}
	add(o, "itimers", a);
	a = json_object_new_array();
	for (i = 0; i < c->n_posix_timers; i++) {
		const PosixTimerEntry *p = c->posix_timers[i];
		struct json_object *t = json_object_new_object();

		add(t, "id", json_object_new_int(p->id));
		add(t, "clockid", json_object_new_int(p->clockid));
		add(t, "notify", escape__json_string(notify_name(p->notify)));
		add(t, "signo", json_object_new_int(p->signo));
		if (p->signo > 0)
			add(t, "signal", escape__json_string(names__signame(p->signo, name, sizeof(name))));
		add(t, "sigval", hex(p->sigval));
		if (p->has_notify_tid)
			add(t, "tid", json_object_new_int(p->notify_tid));
		add(t, "value_ns", u64(p->value_ns));
		add(t, "interval_ns", u64(p->interval_ns));
		if (p->has_overrun)
			add(t, "overrun", json_object_new_int(p->overrun));
		json_object_array_add(a, t);
	}
	add(o, "posix_timers", a);
}
