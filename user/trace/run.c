// SPDX-License-Identifier: GPL-2.0
/*
 * run.c - `pidtrace run -- CMD`: trace CMD's whole tree from its first
 * instruction and, when CMD exits, explain every death by a signal in it,
 * with its lineage and a verdict. Exits with CMD's status.
 *
 * The child is forked first and held on a pipe; only once its pid is in the
 * tracer's filter and the programs are attached does it exec CMD, so
 * nothing CMD does escapes. CMD runs in a process group of its own, the
 * terminal's foreground when pidtrace had it (run_job.c): whatever CMD does
 * to its group, session or terminal, pidtrace stays to write the report.
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

#include "clock.h"
#include "cmdline.h"
#include "color.h"
#include "commands.h"
#include "explain.h"
#include "lineage.h"
#include "log.h"
#include "output.h"
#include "rawq.h"
#include "run_job.h"
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
	struct rawq q;	   /* records read, not yet explained (rawq.h) */
	uint64_t lost;	   /* records not queued or not explained (out of memory) */
};

#define RUN_RINGBUF_BYTES (16u << 20)

/* Records explained between two reads of the ring buffer. */
#define EXPLAIN_BATCH 64
/* How long the report waits for the deaths of kills CMD sent as it ended. */
#define KILL_SETTLE_NS (2 * 1000000000ULL)

static void usage(FILE *f)
{
	fprintf(f, "Usage: pidtrace run [--json] [--timeline FILE] [-o FILE] -- CMD [ARG..]\n\n"
		   "Run CMD under the tracer and, when it exits, explain every task of its\n"
		   "tree that died by a signal: sender, kernel path, sender's code (function,\n"
		   "file:line), lineage (creator, pidfds, reaper) and a verdict.\n"
		   "Exits with CMD's status (128+N when a signal N killed it).\n\n"
		   "  --json           one JSON object per death, then a summary; without -o,\n"
		   "                   CMD's standard output goes to standard error\n"
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

/* Out of the ring at once: explaining is slow, a storm is fast (rawq.h). */
static int on_event(void *ctx, const void *data, size_t size)
{
	struct run_ctx *rc = ctx;

	if (rawq__push(&rc->q, data, size))
		rc->lost++;
	return 0;
}

static int explain_record(void *ctx, const void *data, size_t size)
{
	struct run_ctx *rc = ctx;
	int err = lineage__feed(rc->lin, data, size);

	return err ? err : explain__feed(rc->ex, data, size);
}

/* Explain up to @max queued records (all: SIZE_MAX). */
static void explain_queued(struct run_ctx *rc, size_t max)
{
	int n;

	/* A record that could not be explained (no memory to keep its
	 * death) is lost: counted, and said at the end. */
	while (max-- && (n = rawq__pop(&rc->q, explain_record, rc)))
		if (n < 0)
			rc->lost++;
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
 * @out_to_err: CMD's standard output goes to pidtrace's standard error
 * (the JSON records are on standard output).
 */
static pid_t start_held(struct run_job *job, char **argv, bool out_to_err, int *gate_w,
			int *err_r)
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
		run_job__child(job);
		if (out_to_err && dup2(STDERR_FILENO, STDOUT_FILENO) < 0)
			_exit(127);
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

/*
 * Lineage records lost under load (shed by the kernel side, or not held for
 * lack of memory): a death whose creator or reaper is unknown says it may
 * be why, rather than leave the reader to think there was none.
 */
static void say_shed(struct run_death *d, bool shed)
{
	const struct lineage_task *t = d->task;
	bool no_creator = !t || !t->has_creator, no_reaper = !t || !t->has_reaper;
	size_t n = strlen(d->verdict);

	if (!shed || (!no_creator && !no_reaper))
		return;
	snprintf(d->verdict + n, sizeof(d->verdict) - n,
		 " Its %s%s%s may be missing: lineage records were shed under load.",
		 no_creator ? "creator" : "", no_creator && no_reaper ? " and " : "",
		 no_reaper ? "reaper" : "");
}

static void report(struct output *out, struct run_ctx *rc, uint64_t t0, bool shed)
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
		say_shed(d, shed);
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
	struct run_job job = { .tty = -1 };
	struct tracer_stats st;
	struct tracer *t = NULL;
	int gate = -1, errp = -1, status = 0, exec_err = 0, ret = 1, report_err = 0, err;
	uint64_t t0, deadline;
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
	/*
	 * Every signal record carries the sender's user stack (~1.5 kB): the
	 * ring of watch --stacks. A storm of 2 000 kills with their lineage
	 * is ~5 MB made in ~20 ms, faster than any reader is woken: under
	 * half of this ring, where the kernel side starts shedding lineage.
	 */
	topts.ringbuf_bytes = RUN_RINGBUF_BYTES;
	topts.filter.wakeup_bytes = RUN_RINGBUF_BYTES / 16; /* the loop polls every 50 ms */
	topts.on_event = on_event;
	topts.ctx = &rc;
	t = tracer__new(&topts);
	if (!t)
		goto cleanup;

	/* Signals for CMD go to CMD; pidtrace stays to write the report. */
	run_job__init(&job);
	/*
	 * --json on standard output is a stream of records a program parses:
	 * CMD's own output must never land in it (CMD and its children write
	 * whenever they like, even after the report started).
	 */
	child = start_held(&job, env.argv, env.json && !env.out_path, &gate, &errp);
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
	run_job__start(&job, child);
	t0 = clock__mono_ns();
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
		pid_t w = waitpid(child, &status, WNOHANG | WUNTRACED);

		if (w == child && WIFSTOPPED(status)) {
			run_job__stopped(&job, WSTOPSIG(status));
			continue;
		}
		if (w == child)
			break;
		if (w < 0 && errno != EINTR) {
			pr_err("waiting for %s: %s", env.argv[0], strerror(errno));
			goto cleanup;
		}
		run_job__forward(&job);
		/* A backlog: read what came meanwhile, and explain more of it. */
		err = tracer__poll(t, rc.q.n ? 0 : 50);
		if (err < 0 && err != -EINTR) {
			pr_err("reading the ring buffer: %s", strerror(-err));
			goto cleanup;
		}
		explain_queued(&rc, EXPLAIN_BATCH);
	}
	child = -1;
	run_job__finish(&job);
	tracer__drain(t);
	explain_queued(&rc, SIZE_MAX);
	/*
	 * A SIGKILL CMD sent just before it exited may not have killed yet:
	 * its victim dies on its own CPU, after CMD, and its death belongs in
	 * the report. Wait for those deaths, a bounded while (a victim stuck
	 * in an uninterruptible sleep takes as long as that sleep).
	 */
	for (deadline = clock__mono_ns() + KILL_SETTLE_NS;
	     explain__pending(rc.ex, SIGKILL) && clock__mono_ns() < deadline;) {
		err = tracer__poll(t, 20);
		if (err < 0 && err != -EINTR)
			break;
		explain_queued(&rc, SIZE_MAX);
	}
	/* Not a silent gap in the report: say what is missing from it. */
	if (explain__pending(rc.ex, SIGKILL))
		pr_warn("%zu SIGKILL(s) sent before %s ended: their deaths did not come within %llu s and are not in the report",
			explain__pending(rc.ex, SIGKILL), env.argv[0],
			(unsigned long long)(KILL_SETTLE_NS / 1000000000ULL));
	explain__flush(rc.ex);
	tracer__stats(t, &st);
	report(&out, &rc, t0, st.shed || rc.lost);
	if (env.timeline) {
		report_err = timeline__write(env.timeline, rc.lin, rc.deaths.v, rc.deaths.n, t0,
					     clock__mono_ns());
		if (report_err)
			pr_err("timeline %s: %s", env.timeline, strerror(-report_err));
	}
	lineage__all(rc.lin, &sum.tasks);
	sum.events = st.events;
	sum.drops = st.drops;
	sum.filtered = st.filtered;
	sum.shed = st.shed;
	sum.deaths = rc.deaths.n;
	sum.duration_s = (clock__mono_ns() - t0) / 1e9;
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
	if (rc.lost)
		pr_warn("%llu records were lost: out of memory to hold them", (unsigned long long)rc.lost);
	pr_debug("records held before being explained: at most %zu kB", rc.q.peak_bytes / 1024);
	ret = sum.command_exit;
	/*
	 * The report is what run is for: one that could not be written is a
	 * failure of pidtrace (1), whatever CMD's status, which is said too.
	 */
	if (output__close(&out) || output__failed(&out)) {
		output__say_failure(&out, "the report");
		pr_err("%s exited with status %d", env.argv[0], ret);
		report_err = -EIO;
	}
	if (report_err)
		ret = 1;
cleanup:
	if (child > 0) {
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
	}
	if (job.pgid)
		run_job__finish(&job);
	if (gate >= 0)
		close(gate);
	if (errp >= 0)
		close(errp);
	tracer__free(t);
	explain__free(rc.ex);
	lineage__free(rc.lin);
	xrecs__free(&rc.deaths);
	rawq__free(&rc.q);
	output__close(&out);
	return ret;
}
