// SPDX-License-Identifier: GPL-2.0
/*
 * kind_timerfd.c - timerfd: clock, time left, interval and the expirations
 * not read yet (fdinfo), set again at restore; an absolute timer keeps its
 * absolute expiry across the restore.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "dump_ctx.h"
#include "kinds.h"
#include "kinds_show.h"
#include "procfs.h"
#include "restore_ctx.h"
#include "restore_verify.h"

#ifndef TFD_IOC_SET_TICKS
#define TFD_IOC_SET_TICKS _IOW('T', 0, uint64_t)
#endif

static bool claims(const struct fd_live *l)
{
	return !strcmp(l->link, "anon_inode:[timerfd]");
}

static int parse_pair(const char *info, const char *key, uint64_t *ns)
{
	const char *v = procfs__field(info, key);
	unsigned long long s, n;

	if (!v || sscanf(v, "(%llu, %llu)", &s, &n) != 2)
		return -EINVAL;
	*ns = s * 1000000000ULL + n;
	return 0;
}

static int dump(struct dump_ctx *ctx, const struct fd_live *l, FdEntry *e)
{
	uint64_t clk, ticks, flags, value, interval;
	const char *info = l->info;
	struct timespec now;
	TimerfdEntry *t;

	if (procfs__field_u64(info, "clockid:", 10, &clk) ||
	    procfs__field_u64(info, "ticks:", 10, &ticks) ||
	    procfs__field_u64(info, "settime flags:", 8, &flags) ||
	    parse_pair(info, "it_value:", &value) || parse_pair(info, "it_interval:", &interval))
		return -EINVAL;
	t = e->timerfd = PB_NEW(TimerfdEntry, timerfd_entry);
	if (!t)
		return -ENOMEM;
	t->clockid = clk;
	t->ticks = ticks;
	t->settime_flags = flags;
	t->value_ns = value;
	t->interval_ns = interval;
	/* An absolute timer keeps its absolute expiry across the restore. */
	if ((flags & 1) && value && !clock_gettime(clk, &now)) {
		t->has_expiry_ns = true;
		t->expiry_ns = now.tv_sec * 1000000000ULL + now.tv_nsec + value;
	}
	return 0;
}

static void ns_to_ts(uint64_t ns, struct timespec *ts)
{
	ts->tv_sec = ns / 1000000000ULL;
	ts->tv_nsec = ns % 1000000000ULL;
}

static int open_timerfd(struct restore_ctx *ctx, pid_t pid, const FdEntry *e)
{
	const TimerfdEntry *t = e->timerfd;
	int flags = TFD_CLOEXEC | (e->flags & O_NONBLOCK ? TFD_NONBLOCK : 0), fd, set = 0;
	struct itimerspec its;
	uint64_t ticks;

	if (!t)
		return restore_ctx__fail(ctx, pid, -EINVAL, "pid %d fd %u: timerfd without its settings",
				     pid, e->fd);
	fd = timerfd_create(t->clockid, flags);
	if (fd < 0)
		return restore_ctx__fail(ctx, pid, -errno, "pid %d fd %u: timerfd_create(%u): %s", pid,
				     e->fd, t->clockid, strerror(errno));
	memset(&its, 0, sizeof(its));
	ns_to_ts(t->interval_ns, &its.it_interval);
	if (t->has_expiry_ns) {
		/* Absolute: the same expiry (already past: it fires at once). */
		ns_to_ts(t->expiry_ns, &its.it_value);
		set = timerfd_settime(fd,
				      t->settime_flags & (TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET),
				      &its, NULL);
	} else if (t->value_ns || t->interval_ns) {
		/* Expired periodic timers show 0 left: the next period is a full one. */
		ns_to_ts(t->value_ns ? t->value_ns : t->interval_ns, &its.it_value);
		set = timerfd_settime(fd, 0, &its, NULL);
	}
	ticks = t->ticks;
	if (!set && ticks)
		set = ioctl(fd, TFD_IOC_SET_TICKS, &ticks);
	if (set) {
		close(fd);
		return restore_ctx__fail(ctx, pid, -errno, "pid %d fd %u: timerfd settings: %s", pid,
				     e->fd, strerror(errno));
	}
	return fd;
}

/* The clock only: time left and ticks change while the restore runs. */
static int verify(struct verify *v, const FdEntry *e, const struct fd_live *l)
{
	uint64_t x = 0;
	char w[64];

	if (!e->timerfd || procfs__field_u64(l->info, "clockid:", 10, &x))
		return 0;
	snprintf(w, sizeof(w), "fd %u: timerfd clock", e->fd);
	return restore_verify__num(v, w, VF_DEC, e->timerfd->clockid, x);
}

static bool describe(const struct image_tree *s, const FdEntry *e, char *buf, size_t len)
{
	if (!e->timerfd)
		return false;
	snprintf(buf, len, "timerfd clock %u, %.3f s left, every %.3f s, %lu ticks",
		 e->timerfd->clockid, e->timerfd->value_ns / 1e9, e->timerfd->interval_ns / 1e9,
		 (unsigned long)e->timerfd->ticks);
	return true;
}

static void json(const struct image_tree *s, const FdEntry *e, struct json_object *o)
{
	const TimerfdEntry *t = e->timerfd;
	struct json_object *k;

	if (!t)
		return;
	k = json_object_new_object();
	kinds_show__add(k, "clockid", json_object_new_int64(t->clockid));
	kinds_show__add(k, "ticks", kinds_show__u64(t->ticks));
	kinds_show__add(k, "settime_flags", json_object_new_int64(t->settime_flags));
	kinds_show__add(k, "value_ns", kinds_show__u64(t->value_ns));
	kinds_show__add(k, "interval_ns", kinds_show__u64(t->interval_ns));
	if (t->has_expiry_ns)
		kinds_show__add(k, "expiry_ns", kinds_show__u64(t->expiry_ns));
	kinds_show__add(o, "timerfd", k);
}

const struct fd_kind kind_timerfd = {
	.type = FD_TYPE__FD_TIMERFD,
	.name = "timerfd",
	.noun = "timerfd",
	.test = "anonfds",
	.claims = claims,
	.dump = dump,
	.open = open_timerfd,
	.verify = verify,
	.describe = describe,
	.json = json,
};
