// SPDX-License-Identifier: GPL-2.0
/*
 * restore_verify_task.c - a restored task's own state against the image,
 * from /proc/PID/stat and status (and a few injected calls through
 * restore_verify_sig.c): identity, credentials, mm fields, signal state,
 * the per-process knobs, limits, cwd, root and umask; every thread's own
 * (restore_verify_threads.c); then its fd table (restore_verify_fds.c) and memory
 * map (restore_verify_mm.c). A zombie: still one, of the right parent.
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

#include <linux/membarrier.h>

#include "procfs.h"
#include "ptrace.h"
#include "restore_aio.h"
#include "restore_ctx.h"
#include "restore_joinns.h"
#include "restore_pgrp.h"
#include "restore_verify.h"
#include "restore_verify_threads.h"

#ifndef MEMBARRIER_CMD_GET_REGISTRATIONS
#define MEMBARRIER_CMD_GET_REGISTRATIONS (1 << 9)
#endif
#ifndef SCHED_RESET_ON_FORK
#define SCHED_RESET_ON_FORK 0x40000000
#endif

/* The mm fields of stat, in the order of vstat.mm, with their stat number. */
static const struct {
	int field;
	const char *name;
} mm_fields[10] = {
	{26, "start_code"}, {27, "end_code"},  {28, "start_stack"}, {45, "start_data"},
	{46, "end_data"},   {47, "start_brk"}, {48, "arg_start"},   {49, "arg_end"},
	{50, "env_start"},  {51, "env_end"},
};

int restore_verify__stat(pid_t opid, const char *name, struct vstat *s)
{
	char *buf = NULL, *open_p, *close_p, *p, *end;
	int err, field;

	err = procfs__read(opid, name, &buf, NULL);
	if (err)
		return err;
	open_p = strchr(buf, '(');
	close_p = strrchr(buf, ')');
	if (!open_p || !close_p || close_p < open_p) {
		free(buf);
		return -EINVAL;
	}
	snprintf(s->comm, sizeof(s->comm), "%.*s", (int)(close_p - open_p - 1), open_p + 1);
	p = close_p + 2;
	s->state = *p;
	for (field = 3; *p && field <= 51; field++) {
		long long x = strtoll(p, &end, 10);
		int i;

		for (i = 0; i < 10; i++)
			if (mm_fields[i].field == field)
				s->mm[i] = strtoull(p, NULL, 10);
		if (field == 4)
			s->ppid = x;
		else if (field == 19)
			s->nice = x;
		else if (field == 40)
			s->rt_priority = x;
		else if (field == 41)
			s->policy = x;
		p = strchr(p, ' ');
		if (!p)
			break;
		p++;
	}
	free(buf);
	/* Zombies have no mm fields: 41 is enough for them. */
	return field >= 41 ? 0 : -EINVAL;
}

/* The last number of a "NSpid:"-like list: the pid as the task's namespace sees it. */
int restore_verify__ns_last(const char *status, const char *key, uint32_t *out)
{
	uint32_t vals[32];
	size_t n = 0;
	int err;

	err = procfs__field_list(status, key, vals, 32, &n);
	if (err)
		return err;
	if (!n)
		return -EINVAL;
	*out = vals[n - 1];
	return 0;
}

uint64_t restore_verify__hex(const char *status, const char *key)
{
	uint64_t x = 0;

	procfs__field_u64(status, key, 16, &x);
	return x;
}

static int cmp_list(struct verify *v, const char *status, const char *key, const char *what,
		    const uint32_t *img, size_t nimg)
{
	uint32_t vals[64];
	char a[400], b[400];
	size_t n = 0, i, o;
	bool same;

	if (procfs__field_list(status, key, vals, 64, &n) && n)
		return restore_verify__cannot(v, key, -EINVAL);
	same = n == nimg;
	for (i = 0; same && i < n; i++)
		same = vals[i] == img[i];
	if (same)
		return 0;
	for (i = 0, o = 0; i < nimg && o + 12 < sizeof(a); i++)
		o += snprintf(a + o, sizeof(a) - o, "%s%u", i ? " " : "", img[i]);
	a[o] = '\0';
	for (i = 0, o = 0; i < n && o + 12 < sizeof(b); i++)
		o += snprintf(b + o, sizeof(b) - o, "%s%u", i ? " " : "", vals[i]);
	b[o] = '\0';
	return restore_ctx__fail(v->ctx, v->pid, -EIO,
			     "pid %d: %s [%s] in the image, [%s] after restore", v->pid, what, a,
			     b);
}

/* pid, comm, parent, process group, session. */
static int check_ids(struct verify *v, const struct vstat *st, const char *status)
{
	struct restore_ctx *ctx = v->ctx;
	const TaskIds *ids = v->t->core->ids;
	struct rtask *p;
	uint32_t x;
	long want;
	size_t i;
	int err;

	err = restore_verify__ns_last(status, "NSpid:", &x);
	if (err)
		return restore_verify__cannot(v, "NSpid", err);
	err = restore_verify__num(v, "pid", VF_DEC, v->pid, x);
	if (!err && !v->t->zombie)
		err = restore_verify__str(v, "comm", v->t->core->comm, st->comm);
	if (err)
		return err;
	/*
	 * The parent: the task of the image's parent, as pidtrace sees it.
	 * The root's parent is whoever restores it (pidtrace, or the init of
	 * --pidns): the image's is outside the tree.
	 */
	if (v->t->parent >= 0) {
		p = &ctx->tasks[v->t->parent];
		want = p->opid;
	} else {
		p = NULL;
		want = ctx->pidns ? ctx->init_opid : ctx->self;
	}
	if (st->ppid != want) {
		/* Say it in the image's pids when the parent is one of the tree. */
		long now = st->ppid;

		for (i = 0; i < ctx->ntasks; i++)
			if (ctx->tasks[i].opid == st->ppid)
				now = ctx->tasks[i].pid;
		return restore_verify__num(v, "parent", VF_DEC,
					   p ? (uint64_t)p->pid : (uint64_t)want, now);
	}
	v->n->ids += 3;
	/* A group or session led outside the tree is the restorer's (restore_tree.c). */
	if (restore_ctx__find(ctx, ids->pgid) || restore_pgrp__helped(ctx, ids->pgid)) {
		err = restore_verify__ns_last(status, "NSpgid:", &x);
		if (!err)
			err = restore_verify__num(v, "process group", VF_DEC, ids->pgid, x);
		else
			return restore_verify__cannot(v, "NSpgid", err);
		v->n->ids++;
	}
	if (!err && restore_ctx__find(ctx, ids->sid)) {
		err = restore_verify__ns_last(status, "NSsid:", &x);
		if (!err)
			err = restore_verify__num(v, "session", VF_DEC, ids->sid, x);
		else
			return restore_verify__cannot(v, "NSsid", err);
		v->n->ids++;
	}
	return err;
}

/* @label: "" for the leader, "thread N: " for another thread. */
static int cap(struct verify *v, const char *label, const char *key, uint64_t img,
	       const char *status)
{
	char what[64];

	snprintf(what, sizeof(what), "%s%.6s", label, key);
	return restore_verify__num(v, what, VF_HEX, img, restore_verify__hex(status, key));
}

int restore_verify_task__creds(struct verify *v, const TaskCreds *c, const char *status,
			       const char *dir, const char *label)
{
	char name[80], what[3][64], *pers = NULL;
	uint64_t x = 0;
	int err;

	if (!c)
		return 0;
	snprintf(what[0], sizeof(what[0]), "%suids", label);
	snprintf(what[1], sizeof(what[1]), "%sgids", label);
	snprintf(what[2], sizeof(what[2]), "%sgroups", label);
	err = cmp_list(v, status, "Uid:", what[0], c->uid, c->n_uid);
	if (!err)
		err = cmp_list(v, status, "Gid:", what[1], c->gid, c->n_gid);
	if (!err)
		err = cmp_list(v, status, "Groups:", what[2], c->groups, c->n_groups);
	if (!err)
		err = cap(v, label, "CapInh:", c->cap_inh, status);
	if (!err)
		err = cap(v, label, "CapPrm:", c->cap_prm, status);
	if (!err)
		err = cap(v, label, "CapEff:", c->cap_eff, status);
	if (!err)
		err = cap(v, label, "CapBnd:", c->cap_bnd, status);
	if (!err)
		err = cap(v, label, "CapAmb:", c->cap_amb, status);
	if (!err) {
		procfs__field_u64(status, "NoNewPrivs:", 10, &x);
		snprintf(what[0], sizeof(what[0]), "%sno_new_privs", label);
		err = restore_verify__num(v, what[0], VF_DEC, c->no_new_privs, x);
	}
	if (err)
		return err;
	snprintf(name, sizeof(name), "%spersonality", dir);
	err = procfs__read(v->opid, name, &pers, NULL);
	if (err)
		return restore_verify__cannot(v, name, err);
	x = strtoull(pers, NULL, 16);
	free(pers);
	snprintf(what[0], sizeof(what[0]), "%spersonality", label);
	err = restore_verify__num(v, what[0], VF_HEX, c->personality, x);
	if (!err)
		v->n->creds++;
	return err;
}

static const char *const rlimit_names[] = {
	"CPU",	   "FSIZE", "DATA",  "STACK",	   "CORE",     "RSS",  "NPROC",	 "NOFILE",
	"MEMLOCK", "AS",    "LOCKS", "SIGPENDING", "MSGQUEUE", "NICE", "RTPRIO", "RTTIME",
};
#define NLIMITS (sizeof(rlimit_names) / sizeof(rlimit_names[0]))

static uint64_t limit_value(const char *s)
{
	while (*s == ' ')
		s++;
	if (!strncmp(s, "unlimited", 9))
		return ~0ULL;
	return strtoull(s, NULL, 10);
}

/*
 * /proc/PID/limits: a header, then one line per resource in RLIMIT_*
 * order, "%-25s %-20s %-20s %-10s" (name, soft, hard, units).
 */
static int check_limits(struct verify *v)
{
	const TaskCore *c = v->t->core;
	uint64_t cur[NLIMITS], max[NLIMITS];
	char *buf = NULL, *line, what[32];
	size_t n = 0, i;
	int err;

	err = procfs__read(v->opid, "limits", &buf, NULL);
	if (err)
		return restore_verify__cannot(v, "limits", err);
	line = strchr(buf, '\n');
	while (line && n < NLIMITS) {
		line++;
		if (strlen(line) < 47)
			break;
		cur[n] = limit_value(line + 26);
		max[n] = limit_value(line + 47);
		n++;
		line = strchr(line, '\n');
	}
	free(buf);
	for (i = 0; !err && i < c->n_rlimits; i++) {
		const RlimitEntry *e = c->rlimits[i];

		if (e->resource >= n)
			continue;
		snprintf(what, sizeof(what), "RLIMIT_%s soft", rlimit_names[e->resource]);
		err = restore_verify__num(v, what, VF_DEC, e->cur, cur[e->resource]);
		snprintf(what, sizeof(what), "RLIMIT_%s hard", rlimit_names[e->resource]);
		if (!err)
			err = restore_verify__num(v, what, VF_DEC, e->max, max[e->resource]);
		v->n->limits++;
	}
	return err;
}

/* cwd, root (the paths as pidtrace sees them, as dump read them), umask. */
static int check_fs(struct verify *v, const char *status)
{
	const FilesImage *fi = v->t->files;
	char link[4096];
	uint64_t um = 0;
	int err;

	if (!fi)
		return 0;
	err = procfs__readlink(v->opid, "cwd", link, sizeof(link));
	if (err)
		return restore_verify__cannot(v, "cwd", err);
	if (fi->cwd_removed) {
		char want[4096 + 16];

		/* Made again and removed again (restore_rmdir.c). */
		snprintf(want, sizeof(want), "%s (deleted)", fi->cwd);
		err = restore_verify__str(v, "cwd", want, link);
	} else {
		err = restore_verify__str(v, "cwd", fi->cwd, link);
	}
	if (err)
		return err;
	err = procfs__readlink(v->opid, "root", link, sizeof(link));
	if (err)
		return restore_verify__cannot(v, "root", err);
	err = restore_verify__str(v, "root", fi->root, link);
	if (err)
		return err;
	procfs__field_u64(status, "Umask:", 8, &um);
	err = restore_verify__num(v, "umask", VF_OCT, fi->umask, um);
	v->n->fs += 3;
	return err;
}

static int read_num(struct verify *v, const char *name, long long *x)
{
	char *buf = NULL;
	int err;

	err = procfs__read(v->opid, name, &buf, NULL);
	if (err)
		return restore_verify__cannot(v, name, err);
	*x = strtoll(buf, NULL, 10);
	free(buf);
	return 0;
}

/* The optional process-wide fields, compared only when the image has them. */
static int check_misc(struct verify *v, const char *status)
{
	const TaskCore *c = v->t->core;
	long long x;
	uint64_t thp = 1;
	int32_t sr = 0;
	int err = 0;

	if (c->has_oom_score_adj) {
		err = read_num(v, "oom_score_adj", &x);
		if (!err)
			err = restore_verify__num(v, "oom_score_adj", VF_SDEC,
						  (int64_t)c->oom_score_adj, x);
		v->n->misc++;
	}
	if (!err && c->has_loginuid) {
		err = read_num(v, "loginuid", &x);
		if (!err)
			err = restore_verify__num(v, "loginuid", VF_DEC, c->loginuid, (uint32_t)x);
		v->n->misc++;
	}
	if (!err && c->has_thp_disable) {
		procfs__field_u64(status, "THP_enabled:", 10, &thp);
		err = restore_verify__num(v, "thp_disable", VF_DEC, c->thp_disable, !thp);
		v->n->misc++;
	}
	if (!err && c->has_coredump_filter) {
		char *buf = NULL;

		err = procfs__read(v->opid, "coredump_filter", &buf, NULL);
		if (err)
			return restore_verify__cannot(v, "coredump_filter", err);
		err = restore_verify__num(v, "coredump_filter", VF_HEX, c->coredump_filter,
					  strtoull(buf, NULL, 16));
		free(buf);
		v->n->misc++;
	}
	if (!err && c->has_ksm_merge_any) {
		char *buf = NULL;
		const char *f;

		err = procfs__read(v->opid, "ksm_stat", &buf, NULL);
		if (err)
			return restore_verify__cannot(v, "ksm_stat", err);
		f = procfs__field(buf, "ksm_merge_any:");
		err = restore_verify__num(v, "KSM merge-any", VF_DEC, c->ksm_merge_any,
					  f && !strncmp(f + strspn(f, " \t"), "yes", 3));
		free(buf);
		v->n->misc++;
	}
	if (!err && c->has_child_subreaper) {
		err = restore_verify_sig__remote_read(v, SYS_prctl, PR_GET_CHILD_SUBREAPER, 1, 0, 0,
						      &sr, sizeof(sr));
		if (err)
			return restore_verify__cannot(v, "PR_GET_CHILD_SUBREAPER", err);
		err = restore_verify__num(v, "child_subreaper", VF_DEC, c->child_subreaper, !!sr);
		v->n->misc++;
	}
	if (!err && c->has_keep_caps) {
		long r = restore_ctx__sys(v->t, SYS_prctl, PR_GET_KEEPCAPS, 0, 0, 0, 0, 0);

		v->n->injected++;
		if (r < 0)
			return restore_verify__cannot(v, "PR_GET_KEEPCAPS", (int)r);
		err = restore_verify__num(v, "keep_caps", VF_DEC, c->keep_caps, r);
		v->n->misc++;
		/* The other securebits: none (dump refuses them), not pidtrace's own. */
		r = err ? 0 : restore_ctx__sys(v->t, SYS_prctl, PR_GET_SECUREBITS, 0, 0, 0, 0, 0);
		v->n->injected++;
		if (r < 0)
			return restore_verify__cannot(v, "PR_GET_SECUREBITS", (int)r);
		if (!err)
			err = restore_verify__num(v, "securebits", VF_HEX, c->keep_caps ? 0x10 : 0, r);
	}
	if (!err && c->has_mdwe && c->mdwe) {
		long r = restore_ctx__sys(v->t, SYS_prctl, 66 /* PR_GET_MDWE */, 0, 0, 0, 0, 0);

		v->n->injected++;
		if (r < 0)
			return restore_verify__cannot(v, "PR_GET_MDWE", (int)r);
		err = restore_verify__num(v, "memory-deny-write-execute", VF_HEX, c->mdwe, r);
		v->n->misc++;
	}
	/* The main thread's NUMA policy mode (its node mask: set_mempolicy said yes). */
	if (!err && c->thread && c->thread->has_mempolicy_mode) {
		int32_t mode = 0;

		err = restore_verify_sig__remote_read(v, SYS_get_mempolicy, 0, 0, 0, 0, &mode,
						      sizeof(mode));
		if (err)
			return restore_verify__cannot(v, "get_mempolicy", err);
		err = restore_verify__num(v, "NUMA policy mode", VF_HEX, c->thread->mempolicy_mode,
					  (uint32_t)mode);
		v->n->misc++;
	}
	/* No registration: nothing to ask (restore made none). */
	if (!err && c->has_membarrier && c->membarrier) {
		long r = restore_ctx__sys(v->t, SYS_membarrier, MEMBARRIER_CMD_GET_REGISTRATIONS, 0, 0,
				      0, 0, 0);

		v->n->injected++;
		if (r < 0)
			return restore_verify__cannot(v, "membarrier registrations", (int)r);
		err = restore_verify__num(v, "membarrier registrations", VF_HEX, c->membarrier, r);
		v->n->misc++;
	}
	return err;
}

/* The mm fields PR_SET_MM_MAP set (stat), the auxv and the executable. */
static int check_mm_fields(struct verify *v, const struct vstat *st)
{
	const MmCore *m = v->t->core->mm;
	const uint64_t img[10] = {m ? m->start_code : 0,  m ? m->end_code : 0,
				  m ? m->start_stack : 0, m ? m->start_data : 0,
				  m ? m->end_data : 0,	  m ? m->start_brk : 0,
				  m ? m->arg_start : 0,	  m ? m->arg_end : 0,
				  m ? m->env_start : 0,	  m ? m->env_end : 0};
	char link[4096], *auxv = NULL;
	size_t len = 0, i;
	int err = 0;

	if (!m)
		return 0;
	for (i = 0; !err && i < 10; i++)
		err = restore_verify__num(v, mm_fields[i].name, VF_HEX, img[i], st->mm[i]);
	if (err)
		return err;
	err = procfs__read(v->opid, "auxv", &auxv, &len);
	if (err)
		return restore_verify__cannot(v, "auxv", err);
	if (len != m->n_auxv * 8 || memcmp(auxv, m->auxv, len)) {
		const uint64_t *a = (const uint64_t *)auxv;

		/* Name the first entry that differs (type, value pairs). */
		for (i = 0; i + 1 < m->n_auxv && (i + 1) * 8 < len; i += 2)
			if (a[i] != m->auxv[i] || a[i + 1] != m->auxv[i + 1])
				break;
		snprintf(link, sizeof(link), "auxv entry %zu (type %llu)", i / 2,
			 (unsigned long long)(i < m->n_auxv ? m->auxv[i] : 0));
		err = restore_verify__num(v, link, VF_HEX, i + 1 < m->n_auxv ? m->auxv[i + 1] : 0,
					  (i + 1) * 8 < len ? a[i + 1] : 0);
		if (!err)
			err = restore_verify__num(v, "auxv size", VF_DEC, m->n_auxv * 8, len);
	}
	free(auxv);
	if (err)
		return err;
	/* An executable deleted since is a copy (restore_ghost.c): not its path. */
	if (m->exe_path && m->exe_path[0] && !strstr(m->exe_path, " (deleted)")) {
		err = procfs__readlink(v->opid, "exe", link, sizeof(link));
		if (err)
			return restore_verify__cannot(v, "exe", err);
		err = restore_verify__str(v, "exe", m->exe_path, link);
	}
	v->n->mm += 12;
	return err;
}

/* A zombie: still a zombie, of the right parent, with the right pid. */
int restore_verify_task__zombie(struct verify *v)
{
	char *status = NULL;
	struct vstat st;
	int err;

	err = restore_verify__stat(v->opid, "stat", &st);
	if (!err)
		err = procfs__read(v->opid, "status", &status, NULL);
	if (err)
		return restore_verify__cannot(v, "stat", err);
	err = restore_verify__str(v, "state", "Z", (char[]){st.state, '\0'});
	if (!err)
		err = check_ids(v, &st, status);
	free(status);
	if (!err)
		v->n->zombies++;
	return err;
}

int restore_verify_task__alive(struct verify *v)
{
	char *status = NULL;
	struct vstat st;
	int err, err2;

	err = restore_verify__stat(v->opid, "stat", &st);
	if (err)
		return restore_verify__cannot(v, "stat", err);
	err = procfs__read(v->opid, "status", &status, NULL);
	if (err)
		return restore_verify__cannot(v, "status", err);
	err = check_ids(v, &st, status);
	if (!err)
		err = restore_verify_task__creds(v, v->t->core->creds, status, "", "");
	if (!err)
		err = check_mm_fields(v, &st);
	if (!err)
		err = restore_verify_sig__actions(v, status);
	if (!err)
		err = restore_verify_sig__pending(
			v, "shared pending signals", v->t->core->shared_pending,
			v->t->core->n_shared_pending, restore_verify__hex(status, "ShdPnd:"));
	if (!err)
		err = check_misc(v, status);
	/* Its net, uts and ipc namespaces: the joined ones (--join-ns) or pidtrace's. */
	if (!err)
		err = restore_joinns__verify(v);
	/* The scratch area goes (a page: before the memory map is read). */
	err2 = restore_verify_sig__scratch_put(v);
	if (!err && err2)
		err = restore_verify__cannot(v, "its state (putting the scratch area back)", err2);
	if (!err)
		err = restore_verify_threads__all(v);
	if (!err)
		err = check_limits(v);
	if (!err)
		err = check_fs(v, status);
	free(status);
	if (!err)
		err = restore_verify_fds__task(v);
	if (!err)
		err = restore_verify_mm__task(v);
	/* AIO rings: made anew, their state compared here (restore_aio.c). */
	if (!err)
		err = restore_aio__verify(v);
	if (!err)
		v->n->tasks++;
	return err;
}
