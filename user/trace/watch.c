// SPDX-License-Identifier: GPL-2.0
/*
 * watch.c - `pidtrace watch`: explain every death by signal, live.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "cgroups.h"
#include "cmdline.h"
#include "color.h"
#include "commands.h"
#include "explain.h"
#include "journal.h"
#include "log.h"
#include "metrics.h"
#include "names.h"
#include "lineage.h"
#include "output.h"
#include "timeline.h"
#include "registry.h"
#include "tracer.h"
#include "unwind.h"
#include "xrecs.h"

#define MAX_PIDS 256
#define RINGBUF_MAX_KB (1 << 20)
#define STACKS_RINGBUF_BYTES (16u << 20)	/* the default ring with --stacks */

struct watch_env {
	pid_t pids[MAX_PIDS];
	int npids;
	const char *comm;
	const char *cgroup;
	uint64_t sig_mask; /* -s */
	bool all_signals;
	bool json;
	bool stacks;
	int stack_bytes; /* --stack-bytes, -1 unset */
	const char *out_path;
	size_t ringbuf_bytes;
	double duration_s; /* 0: until Ctrl-C */
	bool help;
	enum color_when color;
	bool pin;	   /* keep the death registry pinned in bpffs */
	const char *timeline; /* Chrome trace-event file of the deaths */
	struct metrics_opts metrics; /* --metrics FILE: .path set */
	bool journal;		     /* --journal: native journal entries */
};

static volatile sig_atomic_t exiting;

static void on_term(int sig)
{
	exiting = 1;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: pidtrace watch [-p PID..] [-c COMM] [--cgroup PATH] [-s SIG|--all-signals]\n"
		"                      [--json] [--stacks] [--timeline FILE] [-o FILE]\n\n"
		"Explain every death by a signal on the host, live: who sent it, by which\n"
		"kernel path, the cause class, and the victim's exit.\n\n"
		"  -p, --pid PID        only victims in PID's tree (repeat, or PID,PID)\n"
		"  -c, --comm COMM      only victims or senders named COMM\n"
		"      --cgroup PATH    only victims in this cgroup or below (v2, or v1 controller path)\n"
		"  -s, --signal SIG     report every generation of SIG, fatal or not (repeatable)\n"
		"      --all-signals    report every generated signal (SIGCHLD/SIGURG/SIGWINCH\n"
		"                       only when named with -s)\n"
		"      --json           one JSON object per line (docs/watch-json.md)\n"
		"      --stacks         kernel and user stacks of every sender\n"
		"      --stack-bytes N  user stack copied per signal to unwind it with the\n"
		"                       binaries' CFI (default 8192, 0: frame pointers only)\n"
		"  -o, --output FILE    write there instead of stdout\n"
		"      --color[=WHEN]   colour the causes: auto (on a terminal, default),\n"
		"                       always or never; NO_COLOR=1 turns auto off\n"
		"      --duration SECS  stop after SECS seconds\n"
		"      --ringbuf-kb N   ring buffer size (default 4096, 16384 with --stacks)\n"
		"      --timeline FILE  also write the deaths as a Chrome trace-event file\n"
		"                       (Perfetto, chrome://tracing): a track per victim\n"
		"      --pin            keep a registry of every process death pinned at\n"
		"                       " PT_REGISTRY_PIN_PATH " (or $PIDTRACE_REGISTRY) for\n"
		"                       pidtrace dump: who a dead pidfd target was, who killed it\n"
		"      --metrics FILE   keep Prometheus counters in FILE (*.prom, for\n"
		"                       node_exporter's textfile collector; docs/fleet.md)\n"
		"      --metrics-labels comm,cgroup,sender\n"
		"                       also count by the victim's comm, its cgroup, the sender's comm\n"
		"      --metrics-label-cap N  distinct values per label before \"other\" (64)\n"
		"      --journal        each death as a native journal entry (PIDTRACE_* fields)\n"
		"  -h, --help           this help\n\n"
		"Examples:\n"
		"  pidtrace watch                    every death by signal, system-wide\n"
		"  pidtrace watch -p 1234 --json     deaths in the tree of pid 1234, as JSON lines\n"
		"  pidtrace watch -s TERM -c nginx   every SIGTERM to or from nginx\n");
}

static int parse_pids(struct watch_env *env, const char *arg)
{
	char *copy = strdup(arg), *tok, *save = NULL;
	int err = 0;

	if (!copy)
		return -ENOMEM;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *end;
		long v;

		errno = 0;
		v = strtol(tok, &end, 10);
		if (errno || *end || end == tok || v <= 0 || v > INT_MAX) {
			pr_err("-p: '%s' is not a pid", tok);
			err = -EINVAL;
			break;
		}
		if (env->npids == MAX_PIDS) {
			pr_err("-p: at most %d pids", MAX_PIDS);
			err = -E2BIG;
			break;
		}
		env->pids[env->npids++] = v;
	}
	free(copy);
	return err;
}

/* Return: 0, or EXIT_USAGE after printing why. */
static int parse_args(struct watch_env *env, int argc, char **argv)
{
	enum { OPT_CGROUP = 256, OPT_ALL, OPT_JSON, OPT_STACKS, OPT_DURATION, OPT_RINGBUF,
	       OPT_COLOR, OPT_PIN, OPT_TIMELINE, OPT_METRICS, OPT_METRICS_LABELS,
	       OPT_METRICS_CAP, OPT_JOURNAL, OPT_STACK_BYTES };
	static const struct option opts[] = {
		{ "pid", required_argument, NULL, 'p' },
		{ "comm", required_argument, NULL, 'c' },
		{ "cgroup", required_argument, NULL, OPT_CGROUP },
		{ "signal", required_argument, NULL, 's' },
		{ "all-signals", no_argument, NULL, OPT_ALL },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "stacks", no_argument, NULL, OPT_STACKS },
		{ "stack-bytes", required_argument, NULL, OPT_STACK_BYTES },
		{ "output", required_argument, NULL, 'o' },
		{ "duration", required_argument, NULL, OPT_DURATION },
		{ "ringbuf-kb", required_argument, NULL, OPT_RINGBUF },
		{ "color", optional_argument, NULL, OPT_COLOR },
		{ "colour", optional_argument, NULL, OPT_COLOR },
		{ "pin", no_argument, NULL, OPT_PIN },
		{ "timeline", required_argument, NULL, OPT_TIMELINE },
		{ "metrics", required_argument, NULL, OPT_METRICS },
		{ "metrics-labels", required_argument, NULL, OPT_METRICS_LABELS },
		{ "metrics-label-cap", required_argument, NULL, OPT_METRICS_CAP },
		{ "journal", no_argument, NULL, OPT_JOURNAL },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long kb;
	char *end;
	int c, sig;

	cmdline__begin();
	while ((c = getopt_long(argc, argv, ":p:c:s:o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			if (parse_pids(env, optarg))
				return EXIT_USAGE;
			break;
		case 'c':
			if (strlen(optarg) >= PT_COMM_LEN) {
				pr_err("-c: '%s' is longer than a comm (%d characters)", optarg,
				       PT_COMM_LEN - 1);
				return EXIT_USAGE;
			}
			env->comm = optarg;
			break;
		case OPT_CGROUP:
			env->cgroup = optarg;
			break;
		case 's':
			sig = names__parse_signal(optarg);
			if (sig < 1 || sig > PT_MAX_SIG) {
				pr_err("-s: '%s' is not a signal", optarg);
				return EXIT_USAGE;
			}
			env->sig_mask |= 1ULL << (sig - 1);
			break;
		case OPT_ALL:
			env->all_signals = true;
			break;
		case OPT_JSON:
			env->json = true;
			break;
		case OPT_STACKS:
			env->stacks = true;
			break;
		case OPT_STACK_BYTES:
			if (unwind__parse_stack_bytes(optarg, &env->stack_bytes))
				return EXIT_USAGE;
			break;
		case 'o':
			env->out_path = optarg;
			break;
		case OPT_DURATION:
			env->duration_s = strtod(optarg, &end);
			/* Written so that NaN is refused too. */
			if (*end || end == optarg || !(env->duration_s > 0)) {
				pr_err("--duration: '%s' is not a positive number of seconds", optarg);
				return EXIT_USAGE;
			}
			break;
		case OPT_RINGBUF:
			if (cmdline__ulong(optarg, 4, RINGBUF_MAX_KB, &kb)) {
				pr_err("--ringbuf-kb: '%s' is not a size from 4 kB to %d kB", optarg,
				       RINGBUF_MAX_KB);
				return EXIT_USAGE;
			}
			env->ringbuf_bytes = kb * 1024;
			break;
		case OPT_PIN:
			env->pin = true;
			break;
		case OPT_TIMELINE:
			env->timeline = optarg;
			break;
		case OPT_METRICS:
			env->metrics.path = optarg;
			break;
		case OPT_METRICS_LABELS:
			if (metrics__parse_labels(&env->metrics, optarg)) {
				pr_err("--metrics-labels: '%s' is not a list of comm, cgroup, sender", optarg);
				return EXIT_USAGE;
			}
			break;
		case OPT_METRICS_CAP:
			if (cmdline__ulong(optarg, 1, 4096, &kb)) {
				pr_err("--metrics-label-cap: '%s' is not a number from 1 to 4096", optarg);
				return EXIT_USAGE;
			}
			env->metrics.label_cap = kb;
			break;
		case OPT_JOURNAL:
			env->journal = true;
			break;
		case OPT_COLOR:
			if (cmdline__color(optarg, &env->color))
				return EXIT_USAGE;
			break;
		case 'h':
			env->help = true;
			return 0;
		default:
			return cmdline__bad_option("watch", c, argv);
		}
	}
	/*
	 * A death with stacks is a ~2.5 KB record, 20 times a plain one: a
	 * larger ring rides out the moments the reader is not scheduled in a
	 * storm of kills (4 MiB held ~90 ms of a 17k kills/s storm).
	 */
	if (env->stacks && !env->ringbuf_bytes)
		env->ringbuf_bytes = STACKS_RINGBUF_BYTES;
	if ((env->metrics.by_comm || env->metrics.by_cgroup || env->metrics.by_sender ||
	     env->metrics.label_cap) &&
	    !env->metrics.path) {
		pr_err("--metrics-labels and --metrics-label-cap go with --metrics FILE");
		return EXIT_USAGE;
	}
	return cmdline__no_arguments_left("watch", argc, argv);
}

/* Signals never worth a record unless asked for by name. */
#define NOISY_SIGNALS ((1ULL << (SIGCHLD - 1)) | (1ULL << (SIGURG - 1)) | (1ULL << (SIGWINCH - 1)))

static int build_filter(struct watch_env *env, struct pt_filter_cfg *f)
{
	int i, err;

	memset(f, 0, sizeof(*f));
	f->cgroup_ssid = -1;
	if (env->all_signals) {
		f->sig_mask = ~NOISY_SIGNALS | env->sig_mask;
	} else if (env->sig_mask) {
		/* -s SIG: every generation of SIG, and still every death. */
		f->sig_mask = env->sig_mask;
	} else {
		f->sig_mask = ~0ULL;
		f->deaths_only = 1;
	}
	/* Wake the reader once 1/16 of the ring is queued; it also polls every 100 ms. */
	f->wakeup_bytes = (env->ringbuf_bytes ? env->ringbuf_bytes : 4 << 20) / 16;
	f->kstacks = env->stacks;
	f->ustacks = env->stacks;
	f->stack_bytes = unwind__fit_stack_bytes(env->stack_bytes < 0 ? PT_STACK_BYTES_DEFAULT :
									env->stack_bytes,
						 env->ringbuf_bytes ? env->ringbuf_bytes : 4 << 20);
	if (env->npids) {
		f->filter_pids = 1;
		f->follow_children = 1;
		for (i = 0; i < env->npids; i++) {
			if (kill(env->pids[i], 0) && errno == ESRCH) {
				pr_err("pid %d: no such process", env->pids[i]);
				return -ESRCH;
			}
		}
	}
	if (env->comm) {
		f->filter_comm = 1;
		snprintf(f->comm, sizeof(f->comm), "%s", env->comm);
	}
	if (env->cgroup) {
		uint64_t id = 0;
		int ssid = -1;

		err = cgroups__resolve(env->cgroup, &id, &ssid);
		f->cgroup_id = id;
		f->cgroup_ssid = ssid;
		if (err) {
			pr_err("cgroup %s: %s", env->cgroup,
			       err == -EINVAL ? "not a cgroup directory" : strerror(-err));
			return err;
		}
		f->filter_cgroup = 1;
	}
	return 0;
}

/* Deaths kept for --timeline: enough for hours of a busy host, bounded. */
#define TIMELINE_MAX_DEATHS 100000

struct watch_ctx {
	struct explain *ex;
	struct output out;
	bool keep;		/* --timeline: keep the deaths */
	struct xrecs deaths;
	uint64_t t0_ns;
	struct metrics *metrics; /* --metrics */
	struct journal *journal; /* --journal */
};

static int on_event(void *ctx, const void *data, size_t size)
{
	struct watch_ctx *w = ctx;

	return explain__feed(w->ex, data, size);
}

static void keep_death(struct watch_ctx *w, const struct xrec *r)
{
	if (!w->keep || r->kind != XREC_DEATH || w->deaths.n == TIMELINE_MAX_DEATHS)
		return;
	/* Out of memory: the timeline misses this death, the output does not. */
	xrecs__push(&w->deaths, r);
}

static int on_record(void *ctx, const struct xrec *r)
{
	struct watch_ctx *w = ctx;

	keep_death(w, r);
	metrics__record(w->metrics, r);
	/* A lost journal entry is counted and said there; the output goes on. */
	if (w->journal)
		journal__record(w->journal, r);
	return output__record(&w->out, r);
}

/* The timeline of a watch: a track per victim, its signal and its death. */
static int write_timeline(struct watch_env *env, struct watch_ctx *w)
{
	struct lineage *l = lineage__new();
	uint64_t t0 = w->t0_ns, end;
	int err;

	if (!l) {
		pr_err("timeline %s: out of memory", env->timeline);
		return -ENOMEM;
	}
	end = clock__mono_ns();
	err = timeline__write(env->timeline, l, w->deaths.v, w->deaths.n, t0, end);
	if (err)
		pr_err("timeline %s: %s", env->timeline, strerror(-err));
	if (w->deaths.n == TIMELINE_MAX_DEATHS)
		pr_warn("timeline %s: only the first %d deaths are in it", env->timeline,
			TIMELINE_MAX_DEATHS);
	lineage__free(l);
	return err;
}

/*
 * The fleet outputs between two polls: the metrics file when it is due
 * (metrics.c bounds the rate), and whether journald still listens, once
 * per heartbeat. Return: 0 or the -errno of a failed forced write.
 */
static int tick_fleet(struct watch_ctx *w, struct tracer *t, double *next_check, bool force)
{
	struct metrics_health h = { 0 };
	struct tracer_stats st;

	if (w->journal && (force || clock__mono_s() >= *next_check)) {
		journal__check(w->journal);
		*next_check = clock__mono_s() + METRICS_HEARTBEAT_S;
	}
	if (!w->metrics)
		return 0;
	tracer__stats(t, &st);
	h.events = st.events;
	h.drops = st.drops;
	h.shed = st.shed;
	h.programs = tracer__programs(t);
	metrics__health(w->metrics, &h);
	return metrics__flush(w->metrics, force);
}

int watch__parse_args(int argc, char **argv)
{
	struct watch_env env = { .stack_bytes = -1 };

	return parse_args(&env, argc, argv);
}

int cmd_watch(int argc, char **argv)
{
	struct watch_env env = { .stack_bytes = -1 };
	struct watch_ctx w = { 0 };
	struct tracer_opts topts = { 0 };
	struct explain_opts xopts = { 0 };
	struct output_summary sum = { 0 };
	struct tracer_stats st;
	struct tracer *t = NULL;
	struct sigaction sa = { .sa_handler = on_term };
	sigset_t stop;
	double start, next_check = 0;
	int err, i, status = 1;

	err = parse_args(&env, argc, argv);
	if (err)
		return err;
	if (env.help) {
		usage(stdout);
		return 0;
	}
	log__set_json(env.json);
	if (build_filter(&env, &topts.filter))
		return 1;

	w.keep = env.timeline != NULL;
	w.out.stacks = env.stacks;
	if (output__open(&w.out, env.out_path, env.json, env.color))
		return 1;
	if (env.metrics.path) {
		w.metrics = metrics__new(&env.metrics);
		if (!w.metrics) {
			if (errno == ENOMEM)
				pr_err("out of memory");
			goto cleanup;
		}
	}
	if (env.journal) {
		w.journal = journal__new();
		if (!w.journal)
			goto cleanup;
	}
	xopts.report_signals = env.all_signals || env.sig_mask;
	xopts.symbolize_user = env.stacks;
	xopts.emit = on_record;
	xopts.ctx = &w;
	w.ex = explain__new(&xopts);
	if (!w.ex) {
		pr_err("out of memory");
		goto cleanup;
	}

	topts.ringbuf_bytes = env.ringbuf_bytes;
	if (env.pin) {
		topts.filter.registry = 1;
		topts.registry_pin = registry__path();
	}
	topts.on_event = on_event;
	topts.ctx = &w;
	t = tracer__new(&topts);
	if (!t)
		goto cleanup;
	for (i = 0; i < env.npids; i++) {
		err = tracer__track(t, env.pids[i]);
		if (err) {
			pr_err("pid %d: %s", env.pids[i], strerror(-err));
			goto cleanup;
		}
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/*
	 * Blocked by whoever started us (the mask survives exec: a service
	 * manager's, a CI runner's): the handler never ran, SIGTERM did not
	 * end watch, only SIGKILL did, its last records and summary lost.
	 */
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigprocmask(SIG_UNBLOCK, &stop, NULL);
	if (tracer__start(t))
		goto cleanup;
	/* The metrics say "attached" from the moment watch says "tracing". */
	tick_fleet(&w, t, &next_check, true);

	pr_info("pidtrace: watch: tracing %s%s (Ctrl-C to end)",
		xopts.report_signals ? "signals and deaths" : "deaths by signal",
		env.npids || env.comm || env.cgroup ? ", filtered" : " on the whole host");
	start = clock__mono_s();
	w.t0_ns = clock__mono_ns();
	while (!exiting) {
		double left = env.duration_s ? env.duration_s - (clock__mono_s() - start) : 1;

		if (left <= 0)
			break;
		err = tracer__poll(t, left < 0.1 ? (int)(left * 1000) + 1 : 100);
		/*
		 * A signal, a stop and continue, a ptrace attach (strace -p, a
		 * dump of this very process) all interrupt the wait: none of
		 * them is a reason to stop. SIGINT/SIGTERM set exiting.
		 */
		/* A record that cannot be written ends the watch (see below). */
		if (output__failed(&w.out))
			break;
		if (err == -EINTR)
			continue;
		if (err < 0) {
			pr_err("reading the ring buffer: %s", strerror(-err));
			goto cleanup;
		}
		tick_fleet(&w, t, &next_check, false);
	}
	if (output__failed(&w.out)) {
		/* Non-zero: a service's Restart=on-failure brings it back. */
		output__say_failure(&w.out, "the records");
		goto cleanup;
	}
	tracer__drain(t);
	explain__flush(w.ex);
	tracer__stats(t, &st);
	sum.events = st.events;
	sum.drops = st.drops;
	sum.filtered = st.filtered;
	sum.shed = st.shed;
	sum.deaths = explain__deaths(w.ex);
	sum.signals = explain__signals(w.ex);
	sum.duration_s = clock__mono_s() - start;
	output__summary(&w.out, &sum);
	/* The last counts, then pidtrace_up 0: a clean stop is not a crash. */
	err = tick_fleet(&w, t, &next_check, true);
	if (!err && w.metrics) {
		err = metrics__close(w.metrics);
		w.metrics = NULL;
	}
	if (output__close(&w.out) || output__failed(&w.out)) {
		output__say_failure(&w.out, "the records");
		goto cleanup;
	}
	status = err ? 1 : 0;
	if (env.timeline && write_timeline(&env, &w))
		status = 1;
	if (st.drops)
		pr_warn("%llu records were lost: the ring buffer was full (try --ringbuf-kb)",
			(unsigned long long)st.drops);
	/* Shed on purpose to keep room for kills, but lost all the same. */
	if (st.shed)
		pr_warn("%llu records of other signals were shed to keep room for kills "
			"(try --ringbuf-kb)", (unsigned long long)st.shed);
	/* Entries lost to the journal are records not written: not a clean end. */
	if (journal__errors(w.journal)) {
		pr_err("journal: %llu failures (entries not sent, or journald not answering a check)",
		       (unsigned long long)journal__errors(w.journal));
		status = 1;
	}
cleanup:
	tracer__free(t);
	explain__free(w.ex);
	xrecs__free(&w.deaths);
	metrics__close(w.metrics);
	journal__free(w.journal);
	output__close(&w.out);
	return status;
}
