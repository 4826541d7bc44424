// SPDX-License-Identifier: GPL-2.0
/*
 * output_plain.c - the human formatter: one aligned line per event (under
 * 100 columns), then indented detail lines when there is more to say.
 *
 * Every string that came from another process (comm, cgroup, memcg,
 * symbol and file names from its binaries, and the sentences built from
 * them) is printed through escape__str(): a comm can hold terminal escape
 * sequences.
 */
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "color.h"
#include "escape.h"
#include "names.h"
#include "output.h"

static void header(struct output *o)
{
	if (o->header_done)
		return;
	fprintf(o->f, "%-12s %-7s %-16s %-9s %-19s %s\n", "TIME", "PID", "COMM", "SIGNAL", "CAUSE",
		"SENDER");
	o->header_done = true;
}

static void sender_column(const struct xrec *r, char *buf, size_t len)
{
	char sc[40] = "";

	if (r->syscall)
		snprintf(sc, sizeof(sc), " %s()", r->syscall);
	if ((r->cause == CAUSE_GROUP_EXIT || r->cause == CAUSE_EXEC_DE_THREAD) &&
	    (!r->has_initiator || !r->init_tid))
		/* Never "thread 0 ()": tid 0 is no thread, the initiator is unknown. */
		snprintf(buf, len, "unknown thread");
	else if (r->cause == CAUSE_GROUP_EXIT || r->cause == CAUSE_EXEC_DE_THREAD)
		snprintf(buf, len, "thread %u (%s)%s", r->init_tid, escape__str(r->init_comm),
			 r->init_syscall ? (r->cause == CAUSE_EXEC_DE_THREAD ? " execve()" :
									   " exit_group()") : "");
	else if (!r->has_sender)
		snprintf(buf, len, r->sender_kind == SENDER_KERNEL ? "kernel" : "?");
	else if (r->sender_kind == SENDER_KERNEL)
		snprintf(buf, len, "kernel, in %u (%s)", r->sender.pid, escape__str(r->sender.comm));
	else
		snprintf(buf, len, "%u (%s)%s", r->sender.pid, escape__str(r->sender.comm), sc);
}

static void exit_words(const struct xrec *r, char *buf, size_t len)
{
	int st = r->exit_status, sig = st & 0x7f;
	char sb[16];

	if (sig)
		snprintf(buf, len, "killed by %s%s (a shell reports %d)",
			 output__signame(sig, sb, sizeof(sb)), (st & 0x80) ? ", core dumped" : "",
			 128 + sig);
	else
		snprintf(buf, len, "exit code %d", (st >> 8) & 0xff);
}

/*
 * A detail line whose text may be long (a verdict, an explanation):
 * wrapped at word boundaries so every line stays under 100 columns.
 */
#define DETAIL_INDENT 13
#define DETAIL_WIDTH (99 - DETAIL_INDENT)

static void print_wrapped(struct output *o, const char *label, const char *col,
			  const char *prefix, const char *text)
{
	char buf[4096];
	const char *p = buf;
	bool first = true;

	snprintf(buf, sizeof(buf), "%s%s", prefix, escape__str(text));
	while (*p) {
		size_t n = strlen(p);

		if (n > DETAIL_WIDTH) {
			size_t cut = DETAIL_WIDTH;

			while (cut > DETAIL_WIDTH / 2 && p[cut] != ' ')
				cut--;
			n = p[cut] == ' ' ? cut : DETAIL_WIDTH;
		}
		if (first)
			fprintf(o->f, "    %s%-8s%s %.*s\n", col, label, *col ? COLOR_RESET : "", (int)n,
				p);
		else
			fprintf(o->f, "%*s%.*s\n", DETAIL_INDENT, "", (int)n, p);
		first = false;
		p += n;
		while (*p == ' ')
			p++;
	}
}

static void print_stack(struct output *o, const char *label, const char (*frames)[96], int n)
{
	int i;

	for (i = 0; i < n; i++)
		fprintf(o->f, "    %-8s %s\n", i ? "" : label, escape__str(frames[i]));
}

/* Frames that every signal or every syscall goes through: not worth a glance. */
static bool boring_frame(const char *f)
{
	static const char *const prefixes[] = {
		"__send_signal_locked", "send_signal_locked", "do_send_sig_info", "send_sig_info",
		"group_send_sig_info", "do_syscall_64", "entry_SYSCALL_64", "x64_sys_call",
		"asm_exc_", "complete_signal", NULL,
	};
	int i;

	for (i = 0; prefixes[i]; i++)
		if (!strncmp(f, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

/*
 * The kernel path in one line, innermost first, without offsets and
 * without the frames every signal shares: "__cgroup_kill < cgroup_kill_write
 * < kernfs_fop_write_iter < vfs_write". --stacks prints the whole stack.
 */
static void print_path(struct output *o, const char (*frames)[96], int n)
{
	char line[256] = "";
	size_t off = 0;
	int i, shown = 0;

	for (i = 0; i < n && shown < 6; i++) {
		size_t len = strcspn(frames[i], "+ ");

		if (boring_frame(frames[i]))
			continue;
		if (off + len + 4 >= sizeof(line) - 1 || off + len > 88)
			break;
		off += snprintf(line + off, sizeof(line) - off, "%s%.*s", shown ? " < " : "",
				(int)len, frames[i]);
		shown++;
	}
	if (shown)
		fprintf(o->f, "    %-8s %s\n", "path", escape__str(line));
}

/*
 * The victim, and its cgroup on the same line while that fits in 100
 * columns: real cgroup paths (systemd scopes, containers, test harnesses)
 * are often longer, then the cgroup gets a line of its own.
 */
static void print_victim(struct output *o, const struct xrec *r)
{
	const char *cg = escape__str(r->victim.cgroup);
	char who[160];
	int n;

	n = snprintf(who, sizeof(who), "pid %u tid %u (%s) ppid %u uid %u", r->victim.pid,
		     r->victim.tid, escape__str(r->victim.comm), r->victim.ppid, r->victim.uid);
	if (!cg[0]) {
		fprintf(o->f, "    %-8s %s\n", "victim", who);
	} else if (n + strlen(" cgroup ") + strlen(cg) <= DETAIL_WIDTH) {
		fprintf(o->f, "    %-8s %s cgroup %s\n", "victim", who, cg);
	} else {
		fprintf(o->f, "    %-8s %s\n", "victim", who);
		fprintf(o->f, "    %-8s %s\n", "cgroup", cg);
	}
}

int output_plain__record(struct output *o, const struct xrec *r)
{
	char tbuf[48], sender[160], sb[16], ex[96];
	const char *col = "";
	struct tm tm;
	int i;

	header(o);
	localtime_r(&r->wall.tv_sec, &tm);
	snprintf(tbuf, sizeof(tbuf), "%02d:%02d:%02d.%03ld", tm.tm_hour, tm.tm_min, tm.tm_sec,
		 r->wall.tv_nsec / 1000000);
	sender_column(r, sender, sizeof(sender));
	if (o->color && r->kind == XREC_DEATH)
		col = cause__color(r->cause, r->expected);
	/* The escapes go around the padded field: the columns stay aligned. */
	fprintf(o->f, "%-12s %-7u %-16s %-9s %s%-19s%s %.33s\n", tbuf, r->victim.pid,
		escape__str(r->victim.comm),
		output__signame(r->signo, sb, sizeof(sb)), col,
		r->kind == XREC_SIGNAL ? "(signal)" : cause__name(r->cause), *col ? COLOR_RESET : "",
		sender);

	print_wrapped(o, "why", r->expected && o->color ? color__verdict(true) : "",
		      r->expected ? "expected: " : "", r->detail);
	if (r->kind == XREC_SIGNAL)
		fprintf(o->f, "    %-8s cause would be %s\n", "", cause__name(r->cause));
	print_victim(o, r);
	if (r->has_sender && r->sender_kind == SENDER_USER)
		fprintf(o->f, "    %-8s pid %u tid %u (%s) uid %u%s%s\n", "sender", r->sender.pid,
			r->sender.tid, escape__str(r->sender.comm), r->sender.uid, r->syscall ? " in " : "",
			r->syscall ? r->syscall : "");
	if (r->has_gen)
		fprintf(o->f, "    %-8s %s, %s%s\n", "signal", r->si_code ? r->si_code : "?",
			r->result, r->kind == XREC_DEATH && r->delay_us >= 0 ? "" : "");
	if (r->has_exit) {
		exit_words(r, ex, sizeof(ex));
		if (r->delay_us >= 0)
			fprintf(o->f, "    %-8s %s, %.3f ms after the signal\n", "exit", ex,
				r->delay_us / 1000.0);
		else
			fprintf(o->f, "    %-8s %s\n", "exit", ex);
	}
	if (r->has_oom)
		fprintf(o->f, "    %-8s memcg %s, total-vm %llu kB, anon-rss %llu kB, trigger %u (%s)\n",
			"oom", escape__str(r->oom.memcg), (unsigned long long)r->oom.total_vm_kb,
			(unsigned long long)r->oom.anon_rss_kb, r->oom.trigger.pid,
			escape__str(r->oom.trigger.comm));
	for (i = 0; i < r->nalso; i++)
		fprintf(o->f, "    %-8s %s from %u (%s), %s, %s\n", i ? "" : "also",
			output__signame(r->also[i].signo, sb, sizeof(sb)), r->also[i].sender.pid,
			escape__str(r->also[i].sender.comm), r->also[i].result, cause__name(r->also[i].cause));
	if (o->stacks)
		print_stack(o, "kernel", r->kstack, r->nk);
	else
		print_path(o, r->kstack, r->nk);
	if (r->has_fault && r->fault_at[0])
		fprintf(o->f, "    %-8s at %s\n", "fault", escape__str(r->fault_at));
	if (r->has_fault)
		fprintf(o->f, "    %-8s address 0x%llx%s%s\n", r->fault_at[0] ? "" : "fault",
			(unsigned long long)r->fault_addr, r->fault_what[0] ? ": " : "", r->fault_what);
	for (i = 0; i < r->nu; i++)
		fprintf(o->f, "    %-8s %s\n", i ? "" : "user", escape__str(r->ustack[i]));
	if (r->nu && r->stack_truncated)
		fprintf(o->f, "    %-8s ... (%s: no frame past this one could be proven)\n", "",
			r->stack_method);
	for (i = 0; i < r->nunknown; i++)
		fprintf(o->f, "    %-8s %s\n", i ? "" : "unknown", escape__str(r->unknown[i]));
	return 0;
}

int output_plain__summary(struct output *o, const struct output_summary *s)
{
	if (s->has_command) {
		int st = s->command_status;

		if (st & 0x7f)
			fprintf(o->f, "command killed by %s (exit status %d); %llu tasks in its tree\n",
				names__signal(st & 0x7f) ? names__signal(st & 0x7f) : "a signal",
				s->command_exit, (unsigned long long)s->tasks);
		else
			fprintf(o->f, "command exited with status %d; %llu tasks in its tree\n",
				s->command_exit, (unsigned long long)s->tasks);
	}
	if (s->shed)
		fprintf(o->f, "%llu records of other signals or lineage were shed to keep room for "
			      "kills\n", (unsigned long long)s->shed);
	fprintf(o->f, "%llu death%s, %llu signal%s reported; %llu events, %llu dropped, %.1f s\n",
		(unsigned long long)s->deaths, s->deaths == 1 ? "" : "s",
		(unsigned long long)s->signals, s->signals == 1 ? "" : "s",
		(unsigned long long)s->events, (unsigned long long)s->drops, s->duration_s);
	return 0;
}

static void print_actor(struct output *o, const char *label, const struct lineage_actor *a,
			uint64_t t0, const char *what)
{
	const char *sc = a->syscall_nr >= 0 ? names__syscall(a->syscall_nr) : NULL;

	fprintf(o->f, "    %-8s pid %u (%s)%s%s%s at +%.3f ms%s\n", label, a->pid, escape__str(a->comm),
		sc ? " with " : "", sc ? sc : "", sc ? "()" : "",
		a->ts_ns > t0 ? (a->ts_ns - t0) / 1e6 : 0.0, what);
}

int output_plain__run_death(struct output *o, const struct run_death *d)
{
	const struct lineage_task *t = d->task;
	int i;

	output_plain__record(o, &d->x);
	if (d->x.sender_fn[0])
		fprintf(o->f, "    %-8s %s()%s%s\n", "code", escape__str(d->x.sender_fn),
			d->x.sender_src[0] ? " at " : "", escape__str(d->x.sender_src));
	if (t && t->has_creator)
		print_actor(o, "created", &t->creator, d->t0_ns, "");
	for (i = 0; t && i < t->npidfds; i++)
		print_actor(o, i ? "" : "pidfd", &t->pidfds[i].opener, d->t0_ns,
			    t->pidfds[i].at_clone ? " (CLONE_PIDFD)" : "");
	if (t && t->has_reaper)
		print_actor(o, "reaped", &t->reaper, d->t0_ns, "");
	if (t && t->has_parent_handler)
		fprintf(o->f, "    %-8s parent's SIGCHLD: %s%s\n", "sigchld",
			t->parent_chld_handler == 0 ? "default" :
			t->parent_chld_handler == 1 ? "ignored" : "handler installed",
			t->parent_chld_blocked ? ", blocked when it died" : "");
	print_wrapped(o, "verdict", o->color ? cause__color(d->x.cause, d->x.expected) : "", "",
		      d->verdict);
	return 0;
}
