// SPDX-License-Identifier: GPL-2.0
/*
 * run.c - `pidtrace run -- CMD`: trace CMD's whole tree from its first
 * instruction and, when CMD exits, explain every death by a signal in it,
 * with its lineage and a verdict. Exits with CMD's status.
 *
 * The child is forked first and held on a pipe; only once its pid is in the
 * tracer's filter and the programs are attached does it exec CMD, so
 * nothing CMD does escapes.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cmdline.h"
#include "color.h"
#include "commands.h"
#include "explain.h"
#include "lineage.h"
#include "log.h"
#include "output.h"
#include "timeline.h"
#include "tracer.h"
#include "unwind.h"
#include "verdict.h"
#include "xrecs.h"

struct run_env {
	bool json;
	const char *out_path;
	const char *timeline;
	char **argv;
	enum color_when color;
	int stack_bytes; /* --stack-bytes, -1 unset */
	bool help;
};

struct run_ctx {
	struct explain *ex;
	struct lineage *lin;
	struct xrecs deaths;
};

static volatile sig_atomic_t forward_sig;

static void on_signal(int sig)
{
	forward_sig = sig;
}

static void usage(FILE *f)
{
	fprintf(f, "Usage: pidtrace run [--json] [--timeline FILE] [-o FILE] -- CMD [ARG..]\n\n"
		   "Run CMD under the tracer and, when it exits, explain every task of its\n"
		   "tree that died by a signal: sender, kernel path, sender's code (function,\n"
		   "file:line), lineage (creator, pidfds, reaper) and a verdict.\n"
		   "Exits with CMD's status (128+N when a signal N killed it).\n\n"
		   "  --json           one JSON object per death, then a summary\n"
		   "  --timeline FILE  Chrome trace-event JSON (Perfetto, chrome://tracing)\n"
		   "  -o, --output F   write the report there instead of stdout\n"
		   "  --stack-bytes N  user stack copied per signal to unwind it with the\n"
		   "                   binaries' CFI (default 8192, 0: frame pointers only)\n"
		   "  --color[=WHEN]   colour the causes: auto (on a terminal, default),\n"
		   "                   always or never; NO_COLOR=1 turns auto off\n"
		   "  -h, --help       this help\n\n"
		   "Examples:\n"
		   "  pidtrace run -- make check\n"
		   "  pidtrace run --json --timeline restore.json -- criu restore -D img\n");
}

static int parse_args(struct run_env *env, int argc, char **argv)
{
	enum { OPT_JSON = 256, OPT_TIMELINE, OPT_COLOR, OPT_STACK_BYTES };
	static const struct option opts[] = {
		{ "json", no_argument, NULL, OPT_JSON },
		{ "timeline", required_argument, NULL, OPT_TIMELINE },
		{ "stack-bytes", required_argument, NULL, OPT_STACK_BYTES },
		{ "output", required_argument, NULL, 'o' },
		{ "color", optional_argument, NULL, OPT_COLOR },
		{ "colour", optional_argument, NULL, OPT_COLOR },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	cmdline__begin();
	/* '+': stop at the first non-option, CMD's own options are its own. */
	while ((c = getopt_long(argc, argv, "+:o:h", opts, NULL)) != -1) {
		switch (c) {
		case OPT_JSON:
			env->json = true;
			break;
		case OPT_TIMELINE:
			env->timeline = optarg;
			break;
		case OPT_STACK_BYTES:
			if (unwind__parse_stack_bytes(optarg, &env->stack_bytes))
				return EXIT_USAGE;
			break;
		case 'o':
			env->out_path = optarg;
			break;
		case OPT_COLOR:
			if (cmdline__color(optarg, &env->color))
				return EXIT_USAGE;
			break;
		case 'h':
			env->help = true;
			return 0;
		default:
			return cmdline__bad_option("run", c, argv);
		}
	}
	if (optind >= argc) {
		pr_err("no command to run (pidtrace run [OPTIONS] -- CMD [ARG..])");
		return EXIT_USAGE;
	}
	env->argv = argv + optind;
	return 0;
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int on_event(void *ctx, const void *data, size_t size)
{
	struct run_ctx *rc = ctx;
	int err = lineage__feed(rc->lin, data, size);

	return err ? err : explain__feed(rc->ex, data, size);
}

static int keep_death(void *ctx, const struct xrec *r)
{
	struct run_ctx *rc = ctx;

	if (r->kind != XREC_DEATH)
		return 0;
	return xrecs__push(&rc->deaths, r);
}

/*
 * Fork the child that will become CMD, held until @gate is closed. Exec
 * failures come back through @errpipe (close-on-exec: EOF means success).
 */
static pid_t start_held(char **argv, int *gate_w, int *err_r)
{
	int gate[2], errp[2];
	pid_t pid;

	if (pipe2(gate, O_CLOEXEC) || pipe2(errp, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		char c;
		int e;

		close(gate[1]);
		close(errp[0]);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGQUIT, SIG_DFL);
		/* Released (EOF) when the tracer is ready; a byte means abort. */
		if (read(gate[0], &c, 1) != 0)
			_exit(127);
		execvp(argv[0], argv);
		e = errno;
		if (write(errp[1], &e, sizeof(e)) < 0)
			_exit(127);
		_exit(127);
	}
	close(gate[0]);
	close(errp[1]);
	*gate_w = gate[1];
	*err_r = errp[0];
	return pid;
}

static int exit_status_of(int status)
{
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

static void report(struct output *out, struct run_ctx *rc, uint64_t t0)
{
	size_t i;

	for (i = 0; i < rc->deaths.n; i++) {
		struct run_death *d = calloc(1, sizeof(*d));
		enum verdict_pattern p;

		if (!d)
			return;
		d->x = rc->deaths.v[i];
		d->task = lineage__get(rc->lin, d->x.victim.tid);
		d->t0_ns = t0;
		p = verdict__write(&d->x, d->task, rc->lin, d->verdict, sizeof(d->verdict));
		d->pattern = verdict__pattern_name(p);
		output__run_death(out, d);
		free(d);
	}
}

int run__parse_args(int argc, char **argv)
{
	struct run_env env = { .stack_bytes = -1 };

	return parse_args(&env, argc, argv);
}

int cmd_run(int argc, char **argv)
{
	struct run_env env = { .stack_bytes = -1 };
	struct run_ctx rc = { 0 };
	struct tracer_opts topts = { 0 };
	struct explain_opts xopts = { 0 };
	struct output out = { 0 };
	struct output_summary sum = { 0 };
	struct sigaction sa = { .sa_handler = on_signal };
	struct tracer_stats st;
	struct tracer *t = NULL;
	int gate = -1, errp = -1, status = 0, exec_err = 0, ret = 1, err;
	uint64_t t0;
	pid_t child = -1;

	err = parse_args(&env, argc, argv);
	if (err)
		return err;
	if (env.help) {
		usage(stdout);
		return 0;
	}
	log__set_json(env.json);
	if (output__open(&out, env.out_path, env.json, env.color))
		return 1;
	rc.lin = lineage__new();
	xopts.symbolize_user = true;
	xopts.emit = keep_death;
	xopts.ctx = &rc;
	rc.ex = explain__new(&xopts);
	if (!rc.lin || !rc.ex) {
		pr_err("out of memory");
		goto cleanup;
	}

	topts.filter.sig_mask = ~0ULL;
	topts.filter.deaths_only = 1;
	topts.filter.filter_pids = 1;
	topts.filter.follow_children = 1;
	topts.filter.lineage = 1;
	topts.filter.ustacks = 1;
	topts.filter.stack_bytes = unwind__fit_stack_bytes(
		env.stack_bytes < 0 ? PT_STACK_BYTES_DEFAULT : env.stack_bytes, 4 << 20);
	topts.filter.cgroup_ssid = -1;
	topts.filter.wakeup_bytes = (4 << 20) / 16; /* the loop polls every 50 ms */
	topts.on_event = on_event;
	topts.ctx = &rc;
	t = tracer__new(&topts);
	if (!t)
		goto cleanup;

	/* Signals for CMD go to CMD; pidtrace stays to write the report. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGQUIT, &sa, NULL);
	child = start_held(env.argv, &gate, &errp);
	if (child < 0) {
		pr_err("cannot start %s: %s", env.argv[0], strerror((int)-child));
		goto cleanup;
	}
	if (tracer__track(t, child) || tracer__start(t)) {
		/* Not traced: CMD must not run at all. */
		if (write(gate, "x", 1) < 0)
			kill(child, SIGKILL);
		goto cleanup;
	}
	t0 = mono_ns();
	lineage__add_root(rc.lin, child, env.argv[0], t0);
	close(gate);
	gate = -1;
	if (read(errp, &exec_err, sizeof(exec_err)) == sizeof(exec_err)) {
		waitpid(child, &status, 0);
		child = -1;
		pr_err("cannot run %s: %s", env.argv[0], strerror(exec_err));
		ret = exec_err == ENOENT ? 127 : 126;
		goto cleanup;
	}

	for (;;) {
		pid_t w = waitpid(child, &status, WNOHANG);

		if (w == child)
			break;
		if (w < 0 && errno != EINTR) {
			pr_err("waiting for %s: %s", env.argv[0], strerror(errno));
			goto cleanup;
		}
		if (forward_sig) {
			/* SIGINT/SIGQUIT from a terminal reach CMD by themselves. */
			if (forward_sig == SIGTERM)
				kill(child, SIGTERM);
			forward_sig = 0;
		}
		err = tracer__poll(t, 50);
		if (err < 0 && err != -EINTR) {
			pr_err("reading the ring buffer: %s", strerror(-err));
			goto cleanup;
		}
	}
	child = -1;
	tracer__drain(t);
	explain__flush(rc.ex);
	report(&out, &rc, t0);
	if (env.timeline) {
		err = timeline__write(env.timeline, rc.lin, rc.deaths.v, rc.deaths.n, t0, mono_ns());
		if (err)
			pr_err("timeline %s: %s", env.timeline, strerror(-err));
	}
	tracer__stats(t, &st);
	lineage__all(rc.lin, &sum.tasks);
	sum.events = st.events;
	sum.drops = st.drops;
	sum.filtered = st.filtered;
	sum.shed = st.shed;
	sum.deaths = rc.deaths.n;
	sum.duration_s = (mono_ns() - t0) / 1e9;
	sum.has_command = true;
	sum.command_status = status;
	sum.command_exit = exit_status_of(status);
	output__summary(&out, &sum);
	if (st.drops)
		pr_warn("%llu records were lost: the ring buffer was full",
			(unsigned long long)st.drops);
	if (st.shed)
		pr_warn("%llu records of other signals or lineage were shed to keep room for kills: "
			"lineage may be incomplete", (unsigned long long)st.shed);
	ret = sum.command_exit;
cleanup:
	if (child > 0) {
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
	}
	if (gate >= 0)
		close(gate);
	if (errp >= 0)
		close(errp);
	tracer__free(t);
	explain__free(rc.ex);
	lineage__free(rc.lin);
	xrecs__free(&rc.deaths);
	output__close(&out);
	return ret;
}
