// SPDX-License-Identifier: GPL-2.0
/*
 * restore.c - `pidtrace restore [-D DIR] [--detach] [--json]`.
 *
 * Phases: check (the image, the pids are free), create (the tasks, as
 * stubs, with their links), seize, memory, files (and pidfds), state
 * (signals, limits, credentials), finish (helpers die as the originals
 * did, registers), detach. The tracer (watchdog) runs from before the
 * first task exists until the tree runs on its own: every death by a
 * signal of a task pidtrace created is in the report, explained, marked
 * expected or not. Between steps pidtrace looks for unexpected deaths and
 * for SIGINT/SIGTERM; either, or any failed step, rolls everything back:
 * every task created is killed and reaped (pidtrace is their subreaper
 * meanwhile), nothing is left stopped or running.
 *
 * Test-only fault points (user/base/testfault.h, docs/reliability.md): one
 * before each phase, "restore-<phase>", and restore-mmap, restore-write,
 * restore-reopen inside the steps. PIDTRACE_FAULT fails the step there or
 * kills pidtrace; PIDTRACE_TEST_PAUSE makes the restore wait there, up to
 * PIDTRACE_TEST_PAUSE_MS (default 5000), still watching the tree (the wait
 * ends at an unexpected death or SIGINT/SIGTERM), so that a test can do
 * something nasty to the half-restored tree.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "cmdline.h"
#include "commands.h"
#include "escape.h"
#include "interrupts.h"
#include "kinds.h"
#include "log.h"
#include "names.h"
#include "output.h"
#include "page.h"
#include "procfs.h"
#include "progress.h"
#include "ptrace.h"
#include "restore_cgroot.h"
#include "restore_cgroup.h"
#include "restore_cow.h"
#include "restore_ctx.h"
#include "restore_fdt.h"
#include "restore_files.h"
#include "restore_ghost.h"
#include "restore_inherit.h"
#include "restore_joinns.h"
#include "restore_load.h"
#include "restore_locks.h"
#include "restore_mem.h"
#include "restore_ns.h"
#include "restore_report.h"
#include "restore_shmem.h"
#include "restore_state.h"
#include "restore_tcp.h"
#include "restore_threads.h"
#include "restore_ctty.h"
#include "restore_tree.h"
#include "restore_stopped.h"
#include "restore_verify.h"
#include "testfault.h"
#include "watchdog.h"

static void usage(FILE *f)
{
	fprintf(f, "Usage: pidtrace restore [-D DIR] [--pidns] [--detach] [--json] [--timeline FILE]\n"
		   "                        [--cgroups MODE] [--cgroup-root [CONTROLLER:]PATH]\n"
		   "                        [--tcp-close] [--join-ns KIND:PATH]\n"
		   "       pidtrace restore [-D DIR] --unlock-only\n\n"
		   "Recreate the process tree dumped in the image directory DIR (default: the\n"
		   "current directory) with the same pids, links and state, watched by the\n"
		   "tracer: every death by a signal during the restore is explained in the\n"
		   "report. Any failure rolls the restore back: nothing is left behind.\n\n"
		   "  -D, --images-dir DIR  the image to restore\n"
		   "      --detach          exit once the tree runs on its own (default: wait\n"
		   "                        for the restored root and return its exit status)\n"
		   "      --json            print the report as one JSON object\n\n"
		   "      --pidns           restore into a new pid namespace (its init is\n"
		   "                        pidtrace's): the old pids are free there\n"
		   "      --timeline FILE   write the phases and deaths as a Chrome trace\n"
		   "                        (open it in Perfetto or chrome://tracing)\n"
		   "      --cgroups MODE    the tasks' cgroups: restore (default: each task back\n"
		   "                        in its cgroups; those of the tree's that are gone\n"
		   "                        are made again with their settings, those that\n"
		   "                        exist used as they are), strict (as restore, and\n"
		   "                        one that exists must have the image's settings),\n"
		   "                        existing (back in cgroups that exist, none made),\n"
		   "                        ignore (every task stays in pidtrace's)\n"
		   "      --cgroup-root [CONTROLLER:]PATH\n"
		   "                        the cgroup the root task was in becomes PATH, the\n"
		   "                        tree's cgroups below it follow (made if missing),\n"
		   "                        in the hierarchy of CONTROLLER (memory, cpu,\n"
		   "                        name=NAME, cgroup2), or without it in each where\n"
		   "                        the tree had its own cgroup; repeatable\n"
		   "      --tcp-close       TCP connections of the image come back closed\n"
		   "                        (never bound, shut down both ways: reads give the\n"
		   "                        end of the stream, writes EPIPE), not made again\n"
		   "      --join-ns KIND:PATH\n"
		   "                        make the tree in the existing net, uts or ipc\n"
		   "                        namespace of file PATH (or of pid PATH), as the\n"
		   "                        image's external one, which it requires (warned\n"
		   "                        if not the one dumped)\n"
		   "      --unlock-only     restore nothing: remove the image's network lock\n"
		   "                        (held from the dump until a restore succeeds),\n"
		   "                        for an image given up: the peers of its TCP\n"
		   "                        connections are reset from then on\n");
}

static int for_each_live(struct restore_ctx *ctx, int (*fn)(struct restore_ctx *, struct rtask *))
{
	size_t i;
	int err = 0;

	for (i = 0; !err && i < ctx->ntasks; i++) {
		if (ctx->tasks[i].zombie)
			continue;
		err = fn(ctx, &ctx->tasks[i]);
		if (!err)
			err = restore_ctx__checkpoint(ctx, NULL);
	}
	return err;
}

static int run_phase(struct restore_ctx *ctx, enum restore_phase ph)
{
	const struct fd_kind *k;
	int err = 0;
	size_t i;

	switch (ph) {
	case RPH_CHECK:
		/* First: every task, socket and object is then made in them. */
		err = restore_joinns__check(ctx);
		/* What the stubs, forks of pidtrace, would keep of pidtrace's own. */
		if (!err)
			err = restore_inherit__check(ctx);
		if (!err)
			err = restore_tree__check_pids(ctx);
		if (!err)
			err = restore_threads__check(ctx);
		if (!err)
			err = restore_fdt__check(ctx);
		/* Before the stubs: they inherit the objects' fds. */
		if (!err)
			err = restore_shmem__create(ctx);
		if (!err)
			err = restore_ghost__create(ctx);
		/* Before any task: the tree's cgroups that are gone, made again. */
		if (!err)
			err = restore_cgroup__create(ctx);
		break;
	case RPH_CREATE:
		err = restore_tree__create(ctx);
		break;
	case RPH_SEIZE:
		err = restore_tree__seize(ctx);
		/* Into their cgroups before their memory is charged anywhere. */
		if (!err)
			err = for_each_live(ctx, restore_cgroup__task);
		break;
	case RPH_MEMORY:
		err = for_each_live(ctx, restore_mem__task);
		/* Threads once their memory is there (and before files: pidfds to them). */
		if (!err)
			err = for_each_live(ctx, restore_threads__create);
		if (!err)
			err = for_each_live(ctx, restore_cgroup__threads);
		restore_shmem__close(ctx);
		if (!err)
			progress__done(ctx->progress);
		progress__free(ctx->progress);
		ctx->progress = NULL;
		break;
	case RPH_FILES:
		err = restore_files__open(ctx);
		if (!err)
			err = for_each_live(ctx, restore_files__task);
		/* Every fd of the tree in place: what a kind does then (kinds.h). */
		for (i = 0; !err && (k = kinds__at(i)); i++)
			if (k->restore_task)
				err = for_each_live(ctx, k->restore_task);
		for (i = 0; !err && (k = kinds__at(i)); i++)
			if (k->restore_tree)
				err = k->restore_tree(ctx);
		if (!err)
			err = for_each_live(ctx, restore_ctty__task);
		/* Every fd in place, none closed any more: the tasks take their locks. */
		if (!err)
			err = for_each_live(ctx, restore_locks__task);
		restore_files__close(ctx);
		for (i = 0; !err && (k = kinds__at(i)); i++)
			if (k->restore_closed)
				err = for_each_live(ctx, k->restore_closed);
		if (!err)
			err = restore_files__helpers_die(ctx);
		break;
	case RPH_STATE:
		/* Stopped tasks first: their parents' SIGCHLD actions still the stubs'. */
		err = restore_stopped__tree(ctx);
		if (!err)
			err = for_each_live(ctx, restore_state__task);
		break;
	case RPH_FINISH:
		err = for_each_live(ctx, restore_state__finish);
		break;
	case RPH_VERIFY:
		/* Still held: what the tree would run with, compared with the image. */
		err = restore_verify__tree(ctx);
		break;
	case RPH_DETACH:
		err = restore_tree__detach_all(ctx);
		break;
	default:
		break;
	}
	return err;
}

/* Read everything the tracer recorded until now, and the deaths it announces. */
static void settle(struct restore_ctx *ctx)
{
	int err = watchdog__settle(ctx->wd);

	if (err)
		pr_warn("the tracer's last records may be missing from the report: %s",
			strerror(-err));
}

/* Without --detach: be the tree's parent until its root exits. */
static int wait_root(struct restore_ctx *ctx)
{
	pid_t root = ctx->tasks[0].opid, r;
	struct timespec ts = { 0, 100 * 1000 * 1000 };
	struct pollfd pfd = { ctx->init_ctl, POLLIN, 0 };
	sigset_t set;
	int st, sig;

	interrupts__set(&set);
	for (;;) {
		if (ctx->pidns && poll(&pfd, 1, 0) > 0) {
			if (!restore_ns__wait_root(ctx, &st))
				break;
			pr_err("the restored root's exit status is unknown: the namespace's init died first");
			return 1;
		}
		r = waitpid(-1, &st, __WALL | WNOHANG);
		if (r == root && (WIFEXITED(st) || WIFSIGNALED(st)))
			break;
		if (r > 0)
			continue;
		/* Not ours to wait for any more (reaped by someone else). */
		if (r < 0 && errno == ECHILD) {
			pr_err("the restored root (pid %d) ended, its exit status is unknown", (int)root);
			return 1;
		}
		/* Signals to pidtrace are meant for the program it runs. */
		sig = interrupts__take_own();
		if (!sig)
			sig = sigtimedwait(&set, NULL, &ts);
		if (sig > 0)
			kill(root, sig);
	}
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Bytes of pages the memory phase will write. */
static uint64_t pages_bytes(const struct restore_ctx *ctx)
{
	uint64_t n = 0;
	size_t i;

	for (i = 0; i < ctx->ntasks; i++)
		if (ctx->tasks[i].pm)
			n += ctx->tasks[i].pm->nr_pages * PAGE;
	return n;
}

static void timeline(struct restore_ctx *ctx, const char *path, const double *start,
		     const double *ms)
{
	int err;

	if (!path)
		return;
	err = restore_report__timeline(ctx, path, start, ms);
	if (err)
		pr_warn("%s: cannot write the timeline: %s", path, strerror(-err));
}

static int restore(struct restore_ctx *ctx, bool json, bool detach, const char *tl)
{
	struct watchdog_opts wopts = { .follow_children = true };
	double ms[RPH_COUNT] = { 0 }, start[RPH_COUNT] = { 0 }, t0;
	const struct fd_kind *k;
	struct stat sb;
	size_t i;
	char name[32];
	int err, ret = 1, ph;

	/*
	 * Every failure from here on is said once, at the end or in the JSON
	 * report: the first one, what the others follow from (log.h).
	 */
	ctx->sink = (struct log_sink){ ctx->error, sizeof(ctx->error), &ctx->step };
	/* --json: one object, its warnings inside it, not objects of their own. */
	if (json) {
		ctx->sink.warn = restore_ctx__warn;
		ctx->sink.arg = ctx;
	}
	log__sink(&ctx->sink);
	/* Before the tracer's loading thread starts: it inherits the mask. */
	interrupts__block("restore", "the tasks it still held die with it");
	ctx->self = getpid();
	if (!stat("/proc/self/ns/pid", &sb))
		ctx->self_pidns = sb.st_ino;
	ctx->src_pid = ctx->pidns ? 1 : ctx->self;
	ctx->step = "check";
	err = procfs__check_mounted();
	if (err)
		goto fail_early;
	/* The tracer loads in a thread while the image is read (watchdog.h). */
	err = watchdog__start(&ctx->wd, &wopts);
	if (err) {
		restore_ctx__fail(ctx, 0, err, "cannot start the tracer: %s", strerror(-err));
		goto fail_early;
	}
	err = restore_load__image(ctx);
	if (!err)
		err = restore_load__vdso(ctx);
	if (err)
		goto fail_early;
	err = watchdog__ready(ctx->wd);
	if (err) {
		restore_ctx__fail(ctx, 0, err, "cannot start the tracer: %s", watchdog__error(ctx->wd));
		goto fail_early;
	}
	err = watchdog__track(ctx->wd, getpid());
	if (err) {
		restore_ctx__fail(ctx, 0, err, "cannot track pidtrace's children: %s", strerror(-err));
		goto fail_early;
	}
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	ctx->progress = progress__new("restore", pages_bytes(ctx), !json);
	for (ph = 0; ph < RPH_COUNT; ph++) {
		ctx->step = restore_phase_names[ph];
		snprintf(name, sizeof(name), "restore-%s", ctx->step);
		t0 = start[ph] = clock__mono_ms();
		err = restore_ctx__checkpoint(ctx, name);
		if (!err)
			err = run_phase(ctx, ph);
		if (!err && ph < RPH_DETACH)
			err = restore_ctx__checkpoint(ctx, NULL);
		ms[ph] = clock__mono_ms() - t0;
		if (err)
			break;
	}
	/* Socket files bound by a failed restore go with it (kinds.h). */
	for (i = 0; (k = kinds__at(i)); i++)
		if (k->restore_end)
			k->restore_end(ctx, err != 0);
	restore_ctty__end(err != 0);
	if (err) {
		bool created = ctx->ntasks && ctx->tasks[0].created;
		uint64_t decided = clock__mono_ns();
		char step_error[sizeof(ctx->error)];

		restore_ctx__fail(ctx, 0, err, "%s", strerror(-err));
		progress__free(ctx->progress);
		ctx->progress = NULL;
		restore_files__close(ctx);
		restore_shmem__close(ctx);
		restore_tree__kill_all(ctx);
		restore_cgroup__end(ctx, true);
		settle(ctx);
		/*
		 * A task that died, of no signal of ours, before we decided to
		 * roll back: that death is why the step failed ("pid N: exited",
		 * "No such process"); say who killed it. Deaths after the
		 * decision are in the report, not the cause.
		 */
		memcpy(step_error, ctx->error, sizeof(step_error));
		ctx->error[0] = '\0';
		if (!restore_ctx__unexpected_death(ctx, decided))
			memcpy(ctx->error, step_error, sizeof(step_error));
		log__sink(NULL);
		if (!json)
			pr_err("%s%s", ctx->error, created ? " (rolled back)" : "");
		restore_report__print(ctx, ms, false, json);
		timeline(ctx, tl, start, ms);
		prctl(PR_SET_CHILD_SUBREAPER, 0);
		return 1;
	}
	if (ctx->pidns && restore_ns__run(ctx, detach)) {
		restore_ctx__fail(ctx, 0, -EPIPE, "the namespace's init is gone");
		log__sink(NULL);
		if (!json)
			pr_err("%s (rolled back)", ctx->error);
		restore_tree__kill_all(ctx);
		restore_cgroup__end(ctx, true);
		restore_report__print(ctx, ms, false, json);
		return 1;
	}
	log__sink(NULL);
	restore_cgroup__end(ctx, false);
	settle(ctx);
	restore_report__print(ctx, ms, true, json);
	timeline(ctx, tl, start, ms);
	watchdog__free(ctx->wd);
	ctx->wd = NULL;
	if (detach) {
		prctl(PR_SET_CHILD_SUBREAPER, 0);
		return 0;
	}
	ret = wait_root(ctx);
	return ret;
fail_early:
	/* A step that failed without saying why: its errno, not an empty line. */
	if (!ctx->error[0])
		snprintf(ctx->error, sizeof(ctx->error), "%s: %s", ctx->step, strerror(-err));
	log__sink(NULL);
	if (json)
		restore_report__print(ctx, ms, false, json);
	else
		pr_err("%s", ctx->error);
	return 1;
}

int cmd_restore(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "images-dir", required_argument, NULL, 'D' },
		{ "pidns", no_argument, NULL, 'P' },
		{ "detach", no_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "timeline", required_argument, NULL, 'T' },
		{ "cgroups", required_argument, NULL, 'G' },
		{ "cgroup-root", required_argument, NULL, 'R' },
		{ "tcp-close", no_argument, NULL, 'C' },
		{ "join-ns", required_argument, NULL, 'J' },
		{ "unlock-only", no_argument, NULL, 'U' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct restore_ctx ctx;
	bool json = false, detach = false, unlock = false;
	const char *tl = NULL;
	int c, ret;

	memset(&ctx, 0, sizeof(ctx));
	ctx.dir = ".";
	ctx.init_ctl = ctx.init_stub_ctl = -1;
	cmdline__begin();
	while ((c = getopt_long(argc, argv, ":D:h", opts, NULL)) != -1) {
		switch (c) {
		case 'D':
			ctx.dir = optarg;
			break;
		case 'd':
			detach = true;
			break;
		case 'j':
			json = true;
			break;
		case 'P':
			ctx.pidns = true;
			break;
		case 'T':
			tl = optarg;
			break;
		case 'C':
			restore_tcp__set_close(true);
			break;
		case 'J':
			if (restore_joinns__add(optarg)) {
				ret = EXIT_USAGE;
				goto out;
			}
			break;
		case 'U':
			unlock = true;
			break;
		case 'G':
			ctx.cgroups_mode = restore_cgroup__parse_mode(optarg);
			if (ctx.cgroups_mode < 0) {
				pr_err("--cgroups: '%s' is not restore, strict, existing or ignore",
				       escape__str(optarg));
				ret = EXIT_USAGE;
				goto out;
			}
			break;
		case 'R':
			if (restore_cgroot__add(&ctx, optarg)) {
				ret = EXIT_USAGE;
				goto out;
			}
			break;
		case 'h':
			usage(stdout);
			ret = 0;
			goto out;
		default:
			ret = cmdline__bad_option("restore", c, argv);
			goto out;
		}
	}
	ret = EXIT_USAGE;
	if (cmdline__no_arguments_left("restore", argc, argv))
		goto out;
	log__set_json(json);
	if (unlock) {
		ret = restore_tcp__unlock_only(ctx.dir);
		goto out;
	}
	ret = restore(&ctx, json, detach, tl);
	restore_cow__free(&ctx);
	restore_load__free(&ctx);
out:
	restore_cgroot__free(&ctx);
	return ret;
}
