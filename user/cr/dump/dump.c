// SPDX-License-Identifier: GPL-2.0
/*
 * dump.c - `pidtrace dump -t PID [-D DIR] [--leave-running] [--json]`.
 *
 * Steps: freeze the tree (seize every task, parents first, reading each
 * task's children only once it is stopped so that none can be missed),
 * collect each task (core and signals, which need remote syscalls and a
 * scratch area, before files and memory so the scratch area is gone when
 * the VMAs are read), the shared objects, commit the image, then kill the
 * tree or let it go. On any failure every task is detached as it was and
 * the image directory is left as it was.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "clock.h"
#include "cmdline.h"
#include "commands.h"
#include "dump_cgroup.h"
#include "dump_cow.h"
#include "dump_ctx.h"
#include "dump_fifo.h"
#include "dump_files.h"
#include "dump_freeze.h"
#include "dump_ghost.h"
#include "dump_locks.h"
#include "dump_mem.h"
#include "dump_netmade.h"
#include "dump_netns.h"
#include "dump_refuse.h"
#include "dump_scm.h"
#include "dump_shmem.h"
#include "dump_signals.h"
#include "dump_task.h"
#include "dump_tcp.h"
#include "dump_usage.h"
#include "escape.h"
#include "dump_threads.h"
#include "tcp_lock.h"
#include "interrupts.h"
#include "kinds.h"
#include "log.h"
#include "pidfd_scan.h"
#include "procfs.h"
#include "progress.h"
#include "ptrace.h"
#include "rlimits.h"
#include "testfault.h"

enum phase { PH_FREEZE, PH_CORE, PH_FILES, PH_MEMORY, PH_COMMIT, PH_RELEASE, PH_COUNT };
static const char *const phase_names[PH_COUNT] = { "freeze", "core", "files", "memory",
						   "commit", "release" };

struct dump_run {
	struct dump_ctx ctx;
	bool json;
	double ms[PH_COUNT];
	struct timespec t0;
};

/*
 * Restore forks every child from its parent's main thread. A child that
 * another thread forked has the process as its parent all the same, but
 * its parent-death signal fires when that thread exits, which restore
 * cannot make again.
 */
static int check_parent_thread(struct dump_task *t, const TaskCore *core)
{
	if (!t->parent_tid || t->parent_tid == t->stat.ppid || !core->pdeath_sig)
		return 0;
	pr_err("pid %d: its parent-death signal %u is bound to thread %d of pid %d, not its main thread: not supported",
	       t->pid, core->pdeath_sig, t->parent_tid, t->stat.ppid);
	return -EOPNOTSUPP;
}

static int dump_cores(struct dump_ctx *ctx)
{
	TaskCore *core = NULL;
	size_t i;
	int err = 0, sig;

	for (i = 0; !err && i < ctx->ntasks; i++) {
		struct dump_task *t = &ctx->tasks[i];

		sig = interrupts__pending();
		if (sig) {
			pr_err("interrupted by %s: the tree is left running", interrupts__name(sig));
			return -EINTR;
		}
		/* Each step prints its own failure but for a task gone (ESRCH). */
		err = dump_task__core(ctx, t, &core);
		if (!err) {
			err = dump_signals__task(ctx, t, core);
			if (!err)
				err = check_parent_thread(t, core);
			if (!err)
				err = dump_locks__pending(t, core);
			if (!err && t->pt) {
				err = ptrace__unmap_scratch(t->pt);
				if (err && err != -ESRCH)
					pr_err("pid %d: cannot unmap pidtrace's scratch area: %s",
					       t->pid, strerror(-err));
			}
			if (!err)
				err = image__write(ctx->img, IMG_CORE, t->pid, &core->base);
			task_core__free_unpacked(core, NULL);
		}
		if (err == -ESRCH)
			dump_ctx__gone_or_vanished(t);
	}
	return err;
}

static int for_each_live(struct dump_ctx *ctx, int (*fn)(struct dump_ctx *, struct dump_task *))
{
	size_t i;
	int err = 0, sig;

	for (i = 0; !err && i < ctx->ntasks; i++) {
		if (ctx->tasks[i].zombie)
			continue;
		sig = interrupts__pending();
		if (sig) {
			pr_err("interrupted by %s: the tree is left running", interrupts__name(sig));
			return -EINTR;
		}
		err = fn(ctx, &ctx->tasks[i]);
		if (err == -ESRCH)
			dump_ctx__gone_or_vanished(&ctx->tasks[i]);
	}
	return err;
}

/* A task killed after it was dumped would make the image a lie. */
static int check_alive(struct dump_ctx *ctx)
{
	size_t i;
	int err;

	for (i = 0; i < ctx->ntasks; i++) {
		if (!ctx->tasks[i].pt)
			continue;
		err = ptrace__check(ctx->tasks[i].pt);
		if (err) {
			if (!dump_ctx__report_gone(&ctx->tasks[i]))
				pr_err("pid %d: %s", ctx->tasks[i].pid, strerror(-err));
			return err;
		}
	}
	return 0;
}

static char *read_line_file(const char *path)
{
	char buf[256] = "";
	FILE *f = fopen(path, "re");

	if (f) {
		if (!fgets(buf, sizeof(buf), f))
			buf[0] = '\0';
		fclose(f);
	}
	buf[strcspn(buf, "\n")] = '\0';
	return strdup(buf);
}

static int commit(struct dump_ctx *ctx)
{
	Inventory inv = INVENTORY__INIT;
	struct utsname u;
	struct timespec ts;
	struct stat st;
	char path[64];
	size_t i;
	int err;

	uname(&u);
	clock_gettime(CLOCK_REALTIME, &ts);
	inv.pidtrace_version = PIDTRACE_VERSION;
	inv.root_pid = ctx->root;
	inv.pids = calloc(ctx->ntasks, sizeof(*inv.pids));
	inv.boot_id = read_line_file("/proc/sys/kernel/random/boot_id");
	if (!inv.pids || !inv.boot_id) {
		free(inv.pids);
		free(inv.boot_id);
		return -ENOMEM;
	}
	for (i = 0; i < ctx->ntasks; i++)
		inv.pids[i] = ctx->tasks[i].pid;
	inv.n_pids = ctx->ntasks;
	inv.created_ns = ts.tv_sec * 1000000000ULL + ts.tv_nsec;
	inv.kernel_release = u.release;
	inv.page_size = sysconf(_SC_PAGESIZE);
	snprintf(path, sizeof(path), "/proc/%d/ns/pid", ctx->root);
	if (!stat(path, &st)) {
		inv.has_pidns_ino = true;
		inv.pidns_ino = st.st_ino;
	}
	inv.has_leave_running = true;
	inv.leave_running = ctx->leave_running;
	dump_netns__inventory(&inv);
	dump_netmade__inventory(&inv);
	inv.netlock = (char *)tcp_lock__pinned();
	err = image__commit(ctx->img, &inv);
	free(inv.pids);
	free(inv.boot_id);
	return err;
}

/*
 * Kill (after a complete dump) or detach every task. Before the first kill
 * every task is set to die with pidtrace: killed halfway through, pidtrace
 * would otherwise leave part of a dumped tree running.
 */
static int release_tree(struct dump_ctx *ctx, bool kill)
{
	size_t i, done = 0;
	int err = 0, e;

	for (i = 0; kill && i < ctx->ntasks; i++)
		if (ctx->tasks[i].pt)
			ptrace__set_exitkill(ctx->tasks[i].pt);
	testfault__stop("release");
	for (i = ctx->ntasks; i-- > 0;) {
		struct dump_task *t = &ctx->tasks[i];

		if (!t->pt)
			continue;
		if (done++ == 1)
			testfault__stop("release-one");
		/* Its other threads first: the leader's exit is reported after theirs. */
		e = dump_threads__release(t, kill);
		if (e && !err)
			err = e;
		e = kill ? ptrace__kill(t->pt) : ptrace__detach(t->pt);
		t->pt = NULL;
		/* Gone already: it was reported, there is nothing to let go. */
		if (e == -ESRCH)
			e = 0;
		if (e && !err) {
			err = e;
			pr_err("pid %d: cannot %s it: %s", t->pid, kill ? "kill" : "detach",
			       strerror(-e));
		}
	}
	return err;
}

static void free_shared(struct dump_ctx *ctx)
{
	const struct fd_kind *k;
	size_t i;

	for (i = 0; i < ctx->npipes; i++)
		pipe_entry__free_unpacked(ctx->pipes[i], NULL);
	for (i = 0; i < ctx->npidfds; i++)
		pidfd_target_entry__free_unpacked(ctx->pidfds[i], NULL);
	free(ctx->pipes);
	free(ctx->pidfds);
	free(ctx->shmem);
	free(ctx->ofds);
	free(ctx->tasks);
	/* What each kind kept for the whole dump (kinds.h). */
	for (i = 0; (k = kinds__at(i)); i++)
		if (k->dump_free)
			k->dump_free(ctx);
	dump_ghost__free(ctx);
	dump_locks__free(ctx);
	dump_cgroup__free(ctx);
	if (ctx->registry_fd >= 0)
		close(ctx->registry_fd);
}

/* Milliseconds with microsecond precision, printed as such. */
static struct json_object *ms_json(double ms)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%.3f", ms);
	return json_object_new_double_s(ms, buf);
}

static void print_summary(struct dump_run *r, bool killed)
{
	struct dump_ctx *ctx = &r->ctx;
	size_t i, zombies = 0;
	double total = 0;

	for (i = 0; i < ctx->ntasks; i++)
		zombies += ctx->tasks[i].zombie;
	for (i = 0; i < PH_COUNT; i++)
		total += r->ms[i];
	if (r->json) {
		struct json_object *o = json_object_new_object(), *ph = json_object_new_object();

		json_object_object_add(o, "event", json_object_new_string("dump"));
		json_object_object_add(o, "root", json_object_new_int(ctx->root));
		json_object_object_add(o, "dir", json_object_new_string(ctx->dir));
		json_object_object_add(o, "tasks", json_object_new_int64(ctx->ntasks));
		json_object_object_add(o, "zombies", json_object_new_int64(zombies));
		json_object_object_add(o, "vmas", json_object_new_int64(ctx->nvmas));
		json_object_object_add(o, "pages", json_object_new_int64(ctx->pages));
		json_object_object_add(o, "pages_bytes", json_object_new_int64(ctx->pages_bytes));
		json_object_object_add(o, "cow_pages", json_object_new_int64(ctx->cow_pages));
		/* The memory phase's path: tasks and bytes by vmsplice, tasks that fell back. */
		json_object_object_add(o, "splice_tasks", json_object_new_int64(ctx->splice_tasks));
		json_object_object_add(o, "spliced_bytes",
				       json_object_new_int64(ctx->spliced_bytes));
		json_object_object_add(o, "splice_fallbacks",
				       json_object_new_int64(ctx->splice_fallbacks));
		json_object_object_add(o, "image_bytes",
				       json_object_new_int64(image__bytes(ctx->img)));
		json_object_object_add(o, "pipes", json_object_new_int64(ctx->npipes));
		json_object_object_add(o, "pidfd_targets", json_object_new_int64(ctx->npidfds));
		json_object_object_add(o, "killed", json_object_new_boolean(killed));
		for (i = 0; i < PH_COUNT; i++)
			json_object_object_add(ph, phase_names[i], ms_json(r->ms[i]));
		json_object_object_add(o, "phases_ms", ph);
		json_object_object_add(o, "total_ms", ms_json(total));
		printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
		json_object_put(o);
		return;
	}
	printf("dumped pid %d: %zu task%s (%zu zombie%s), %lu VMAs, %lu pages (%.1f MiB) in %s\n",
	       ctx->root, ctx->ntasks, ctx->ntasks == 1 ? "" : "s", zombies, zombies == 1 ? "" : "s",
	       (unsigned long)ctx->nvmas, (unsigned long)ctx->pages, ctx->pages_bytes / 1048576.0,
	       ctx->dir);
	printf("  image %.1f MiB, %.1f ms:", image__bytes(ctx->img) / 1048576.0, total);
	for (i = 0; i < PH_COUNT; i++)
		printf(" %s %.1f", phase_names[i], r->ms[i]);
	if (ctx->cow_pages)
		printf("\n  %lu pages shared copy-on-write with a parent: stored once",
		       (unsigned long)ctx->cow_pages);
	printf("\n  tree %s\n", killed ? "killed" : "left running");
}

/* What the memory phase will copy, about: the tree's resident memory. */
static uint64_t resident_bytes(struct dump_ctx *ctx)
{
	uint64_t total = 0, kb;
	size_t i, len;
	char *buf;

	for (i = 0; i < ctx->ntasks; i++) {
		if (ctx->tasks[i].zombie || procfs__read(ctx->tasks[i].pid, "status", &buf, &len))
			continue;
		if (!procfs__field_u64(buf, "VmRSS:", 10, &kb))
			total += kb * 1024;
		free(buf);
	}
	return total;
}

static int run(struct dump_run *r)
{
	struct dump_ctx *ctx = &r->ctx;
	static const enum phase steps[] = { PH_FREEZE, PH_CORE, PH_FILES, PH_MEMORY, PH_COMMIT };
	struct stat st;
	double t;
	size_t i;
	int err = 0, sig;

	if (!stat("/proc/self/ns/pid", &st))
		ctx->self_pidns = st.st_ino;
	err = image__create(ctx->dir, &ctx->img);
	for (i = 0; !err && i < sizeof(steps) / sizeof(steps[0]); i++) {
		t = clock__mono_ms();
		/* "freeze" is reached inside the step, once the root is held. */
		if (steps[i] != PH_FREEZE && testfault__point(phase_names[steps[i]])) {
			pr_err("test fault at %s", phase_names[steps[i]]);
			err = -EIO;
			break;
		}
		switch (steps[i]) {
		case PH_FREEZE:
			err = dump_freeze__tree(ctx);
			if (!err)
				err = dump_refuse__frozen(ctx);
			if (!err && tcp_lock__netns())
				err = dump_netns__lockable();
			/* Before any connection is read: the tree's own stop moving. */
			if (!err && (!dump_tcp__close_mode() || tcp_lock__netns()))
				err = tcp_lock__tree(ctx);
			break;
		case PH_CORE:
			err = dump_cores(ctx);
			if (!err)
				err = dump_cgroup__write(ctx);
			break;
		case PH_FILES:
			err = for_each_live(ctx, dump_files__task);
			/* Before the memory is copied: the cheap refusals first. */
			if (!err)
				err = dump_refuse__ttys(ctx);
			if (!err)
				err = dump_refuse__fd_limit(ctx);
			if (!err)
				err = dump_outside__check(ctx);
			if (!err)
				err = dump_locks__outside(ctx);
			break;
		case PH_MEMORY:
			ctx->progress = progress__new("dump", resident_bytes(ctx), !r->json);
			/* Before any page is read: reading one unshares it (dump_cow.h). */
			err = dump_cow__scan(ctx);
			if (!err)
				err = for_each_live(ctx, dump_mem__task);
			dump_cow__free(ctx);
			if (!err)
				progress__done(ctx->progress);
			progress__free(ctx->progress);
			ctx->progress = NULL;
			if (!err)
				err = dump_shmem__write(ctx);
			if (!err)
				err = dump_files__shared(ctx);
			break;
		default:
			sig = interrupts__pending();
			if (sig) {
				pr_err("interrupted by %s: the tree is left running", interrupts__name(sig));
				err = -EINTR;
				break;
			}
			err = check_alive(ctx);
			if (!err)
				err = dump_tcp__check(ctx->leave_running ? 0 : ctx->root);
			if (!err)
				err = commit(ctx);
			break;
		}
		r->ms[steps[i]] = clock__mono_ms() - t;
	}
	t = clock__mono_ms();
	/* Before the tree runs on or dies: TCP repair mode off, or kept for a silent close. */
	dump_tcp__end(!err && !ctx->leave_running);
	if (release_tree(ctx, !err && !ctx->leave_running) && !err)
		err = -EIO;
	r->ms[PH_RELEASE] = clock__mono_ms() - t;
	pidfd_scan__cleanup();
	if (!err)
		print_summary(r, !ctx->leave_running);
	return err;
}

int cmd_dump(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "tree", required_argument, NULL, 't' },
		{ "images-dir", required_argument, NULL, 'D' },
		{ "leave-running", no_argument, NULL, 'L' },
		{ "tcp-close", no_argument, NULL, 'C' },
		{ "skip-in-flight", no_argument, NULL, 'F' },
		{ "drop-unread-events", no_argument, NULL, 'E' },
		{ "external-ns", required_argument, NULL, 'N' },
		{ "network-lock", required_argument, NULL, 'K' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct dump_run r;
	char *end;
	long pid = 0;
	int c, err;

	memset(&r, 0, sizeof(r));
	r.ctx.dir = ".";
	r.ctx.registry_fd = -1;
	r.ctx.max_fd = -1;
	cmdline__begin();
	while ((c = getopt_long(argc, argv, ":t:D:h", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			pid = strtol(optarg, &end, 10);
			if (*end || end == optarg || pid <= 0 || pid > 0x3fffffff) {
				pr_err("-t: '%s' is not a pid", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'D':
			r.ctx.dir = optarg;
			break;
		case 'L':
			r.ctx.leave_running = true;
			break;
		case 'C':
			dump_tcp__set_close(true);
			break;
		case 'F':
			dump_tcp__set_skip_in_flight(true);
			break;
		case 'E':
			r.ctx.drop_events = true;
			break;
		case 'N':
			if (dump_netns__add(optarg))
				return EXIT_USAGE;
			break;
		case 'K':
			if (strcmp(optarg, "netns") && strcmp(optarg, "tcp")) {
				pr_err("--network-lock: '%s' is not tcp or netns", escape__str(optarg));
				return EXIT_USAGE;
			}
			tcp_lock__set_netns(!strcmp(optarg, "netns"));
			break;
		case 'j':
			r.json = true;
			break;
		case 'h':
			dump_usage__print(stdout);
			return 0;
		default:
			return cmdline__bad_option("dump", c, argv);
		}
	}
	if (cmdline__no_arguments_left("dump", argc, argv))
		return EXIT_USAGE;
	if (!pid) {
		pr_err("-t PID is required (see pidtrace dump --help)");
		return EXIT_USAGE;
	}
	if (tcp_lock__netns() && !dump_netns__external("net")) {
		pr_err("--network-lock netns needs --external-ns net[:PATH]");
		return EXIT_USAGE;
	}
	log__set_json(r.json);
	r.ctx.root = pid;
	/* What the tree may hold is checked against what restore will have. */
	err = rlimits__raise_nofile();
	if (err)
		pr_debug("cannot raise the fd limit: %s", strerror(-err));
	interrupts__block("dump", "the tree is let go as it was held (killed, if its image was complete)");
	err = procfs__check_mounted();
	if (!err)
		err = run(&r);
	/* Every step says its own failure; one that did not still gets its line. */
	if (err && !log__errors())
		pr_err("failed: %s", strerror(-err));
	image__free(r.ctx.img);
	free_shared(&r.ctx);
	return err ? 1 : 0;
}
