// SPDX-License-Identifier: GPL-2.0
/*
 * dump_ctx.c - the helpers every part of a dump uses (see dump_ctx.h):
 * finding a task of the tree, protobuf messages that can always be freed,
 * a syscall run in a held task, and saying once why a task is gone.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "dump_ctx.h"
#include "log.h"
#include "ptrace.h"

char *dump_ctx__strdup(const char *s)
{
	return strdup(s ? s : "");
}

void dump_ctx__pb_clear_strings(ProtobufCMessage *m)
{
	const ProtobufCMessageDescriptor *d = m->descriptor;
	unsigned int i;

	for (i = 0; i < d->n_fields; i++) {
		char **p = (char **)((char *)m + d->fields[i].offset);

		if (d->fields[i].type == PROTOBUF_C_TYPE_STRING &&
		    d->fields[i].label != PROTOBUF_C_LABEL_REPEATED && *p == protobuf_c_empty_string)
			*p = NULL;
	}
}

struct dump_task *dump_ctx__find_task(struct dump_ctx *ctx, pid_t pid)
{
	size_t i;

	for (i = 0; i < ctx->ntasks; i++)
		if (ctx->tasks[i].pid == pid)
			return &ctx->tasks[i];
	return NULL;
}

int dump_ctx__syscall(struct dump_task *t, long nr, long a0, long a1, long a2, long a3, long *ret)
{
	long args[6] = { a0, a1, a2, a3, 0, 0 }, r = 0;
	int err;

	err = ptrace__syscall(t->pt, nr, args, &r);
	if (err)
		return err;
	if (ret)
		*ret = r;
	return r < 0 && r > -4096 ? (int)r : 0;
}

/* Say why @t is gone, if it is. Return: true when it was. */
bool dump_ctx__report_gone(struct dump_task *t)
{
	int st = 0;

	/* An ESRCH from /proc may come before ptrace knows: ask ptrace. */
	if (t->pt && !ptrace__exited(t->pt, &st) && ptrace__check(t->pt) != -ESRCH)
		return false;
	if (t->pt)
		ptrace__exited(t->pt, &st);
	if (!t->pt && procfs__exists(t->pid))
		return false;
	if (t->pt && WIFSIGNALED(st))
		pr_err("pid %d exited during the dump (killed by signal %d)", t->pid, WTERMSIG(st));
	else if (t->pt && WIFEXITED(st))
		pr_err("pid %d exited during the dump (status %d)", t->pid, WEXITSTATUS(st));
	else
		pr_err("pid %d exited during the dump", t->pid);
	return true;
}

/*
 * A step failed with @err: when @t died meanwhile (its /proc files vanish
 * with ENOENT, not ESRCH), that is the error to report: -ESRCH.
 */
int dump_ctx__gone_err(struct dump_task *t, int err)
{
	if (err && err != -ESRCH && t->pt && ptrace__check(t->pt) == -ESRCH)
		return -ESRCH;
	return err;
}

/* After an ESRCH while dumping @t: @t died, or something it refers to did. */
void dump_ctx__gone_or_vanished(struct dump_task *t)
{
	if (!dump_ctx__report_gone(t))
		pr_err("pid %d: a process it refers to vanished during the dump", t->pid);
}
