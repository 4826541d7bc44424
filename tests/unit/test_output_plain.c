// SPDX-License-Identifier: GPL-2.0
/*
 * test_output_plain.c - the SENDER column of the plain report for a thread
 * that died with its group (exit_group, execve): the initiator when it is
 * known, and never "thread 0 ()" when it is not (a real CRIU restore showed
 * that, docs/criu.md).
 */
#include <stdlib.h>
#include <string.h>

#include "output.h"
#include "unit.h"

/* The first line after the header: the record's summary line. */
static void summary_line(const struct xrec *r, char *line, size_t len)
{
	struct output o = { .mode = OUTPUT_PLAIN };
	char *buf = NULL, *nl;
	size_t n = 0;

	line[0] = '\0';
	o.f = open_memstream(&buf, &n);
	if (!o.f)
		return;
	output_plain__record(&o, r);
	fclose(o.f);
	nl = buf ? strchr(buf, '\n') : NULL;
	if (nl) {
		snprintf(line, len, "%s", nl + 1);
		nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
	}
	free(buf);
}

static struct xrec *zapped(enum cause cause)
{
	static struct xrec r;

	memset(&r, 0, sizeof(r));
	r.kind = XREC_DEATH;
	r.cause = cause;
	r.signo = 9;
	r.victim.pid = r.victim.tid = 4242;
	strcpy(r.victim.comm, "victim");
	r.has_exit = true;
	r.exit_status = 0;
	r.delay_us = -1;
	return &r;
}

static void unknown_initiator_is_said_unknown(void)
{
	char line[256];
	enum cause c[] = { CAUSE_GROUP_EXIT, CAUSE_EXEC_DE_THREAD };
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		summary_line(zapped(c[i]), line, sizeof(line));
		CHECK(strstr(line, "4242") != NULL);
		CHECK(strstr(line, "thread 0") == NULL);
		CHECK(strstr(line, "()") == NULL);
		CHECK(strstr(line, "unknown thread") != NULL);
	}
}

static void known_initiator_is_named(void)
{
	struct xrec *r = zapped(CAUSE_GROUP_EXIT);
	char line[256];

	r->has_initiator = true;
	r->init_tid = 4243;
	strcpy(r->init_comm, "quitter");
	r->init_syscall = "exit_group";
	summary_line(r, line, sizeof(line));
	/* The column is cut at 33 characters to keep the line under 100. */
	CHECK(strstr(line, "thread 4243 (quitter) exit_group") != NULL);
}

UNIT_MAIN(RUN(unknown_initiator_is_said_unknown); RUN(known_initiator_is_named))
