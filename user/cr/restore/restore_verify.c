// SPDX-License-Identifier: GPL-2.0
/*
 * restore_verify.c - after the restore, before the tree is let go: every
 * task compared with the image (restore_verify.h). This file walks the
 * tree, words a difference and counts what was compared; each task's own
 * state is restore_verify_task.c's, its fd table restore_verify_fds.c's,
 * its memory map restore_verify_mm.c's.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "procfs.h"
#include "ptrace.h"
#include "restore_ctx.h"
#include "restore_verify.h"


static struct restore_verified counts;

const struct restore_verified *restore_verify__counts(void)
{
	return &counts;
}

static void fmt_num(enum verify_fmt fmt, uint64_t x, char *buf, size_t len)
{
	switch (fmt) {
	case VF_SDEC:
		snprintf(buf, len, "%lld", (long long)x);
		break;
	case VF_HEX:
		snprintf(buf, len, "0x%llx", (unsigned long long)x);
		break;
	case VF_OCT:
		snprintf(buf, len, "0%llo", (unsigned long long)x);
		break;
	default:
		snprintf(buf, len, "%llu", (unsigned long long)x);
		break;
	}
}

int restore_verify__num(struct verify *v, const char *what, enum verify_fmt fmt, uint64_t img,
			uint64_t now)
{
	char a[32], b[32];

	if (img == now)
		return 0;
	fmt_num(fmt, img, a, sizeof(a));
	fmt_num(fmt, now, b, sizeof(b));
	return restore_ctx__fail(v->ctx, v->pid, -EIO, "pid %d: %s %s in the image, %s after restore",
			     v->pid, what, a, b);
}

/* Raw: the error is escaped where it is printed (log.c, restore_report.c). */
int restore_verify__str(struct verify *v, const char *what, const char *img, const char *now)
{
	if (!strcmp(img ? img : "", now ? now : ""))
		return 0;
	return restore_ctx__fail(v->ctx, v->pid, -EIO,
			     "pid %d: %s \"%.150s\" in the image, \"%.150s\" after restore", v->pid,
			     what, img ? img : "", now ? now : "");
}

int restore_verify__cannot(struct verify *v, const char *what, int err)
{
	return restore_ctx__fail(v->ctx, v->pid, err, "pid %d: cannot read %s: %s", v->pid, what,
			     strerror(-err));
}

int restore_verify__tree(struct restore_ctx *ctx)
{
	struct verify v;
	size_t i;
	int err = 0;

	memset(&counts, 0, sizeof(counts));
	restore_verify_fds__reset();
	for (i = 0; !err && i < ctx->ntasks; i++) {
		memset(&v, 0, sizeof(v));
		v.ctx = ctx;
		v.t = &ctx->tasks[i];
		v.pid = v.t->pid;
		v.opid = v.t->opid;
		v.n = &counts;
		if (!v.t->created)
			continue;
		err = v.t->zombie ? restore_verify_task__zombie(&v) : restore_verify_task__alive(&v);
	}
	restore_verify_fds__reset();
	return err;
}

struct json_object *restore_verify__json(void)
{
	struct json_object *o = json_object_new_object();

#define J(f) json_object_object_add(o, #f, json_object_new_int64(counts.f))
	J(tasks);
	J(zombies);
	J(threads);
	J(ids);
	J(creds);
	J(sched);
	J(sigactions);
	J(sigmasks);
	J(limits);
	J(fs);
	J(misc);
	J(fds);
	J(sockopts);
	J(shared);
	J(vmas);
	J(mm);
	J(injected);
#undef J
	return o;
}

void restore_verify__print(FILE *f, double ms)
{
	const struct restore_verified *c = &counts;

	if (!c->tasks && !c->zombies)
		return;
	fprintf(f,
		"  verified against the image in %.2f ms: %llu task%s, %llu thread%s, "
		"%llu fds, %llu VMAs, %llu signal actions, %llu limits, %llu socket options\n",
		ms, (unsigned long long)c->tasks, c->tasks == 1 ? "" : "s",
		(unsigned long long)c->threads, c->threads == 1 ? "" : "s",
		(unsigned long long)c->fds, (unsigned long long)c->vmas,
		(unsigned long long)c->sigactions, (unsigned long long)c->limits,
		(unsigned long long)c->sockopts);
}
