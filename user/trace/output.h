/* SPDX-License-Identifier: GPL-2.0 */
/*
 * output.h - where explanations go: one formatter per output mode
 * (output_plain.c for people, output_json.c for programs).
 */
#ifndef PT_OUTPUT_H
#define PT_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "color.h"
#include "explain.h"
#include "lineage.h"

enum output_mode { OUTPUT_PLAIN, OUTPUT_JSON };

struct output_summary {
	uint64_t events, deaths, signals, drops, filtered, shed;
	double duration_s;
	bool has_command; /* pidtrace run */
	int command_status; /* raw wait status of the command */
	int command_exit;   /* what pidtrace run exits with */
	uint64_t tasks;	    /* tasks seen in the command's tree */
};

/* A death in `pidtrace run`'s report: the explanation plus the lineage. */
struct run_death {
	struct xrec x;
	const struct lineage_task *task; /* NULL when the tracer never saw it born */
	const char *pattern;		 /* verdict pattern name, NULL for none */
	char verdict[768];
	uint64_t t0_ns; /* when the command started */
};

struct output {
	enum output_mode mode;
	FILE *f;
	const char *path; /* NULL: standard output */
	bool header_done;
	bool stacks; /* plain mode: print stacks in the detail lines */
	bool color;  /* plain mode: colour the cause (color__enabled() decides) */
	int werr;	    /* the first write error (errno), 0 while every write worked */
	uint64_t unwritten; /* records lost to write errors */
};

int output__open(struct output *o, const char *path, bool json, enum color_when color);
/*
 * Close the file output__open() opened (never stdout). Return: 0, or -errno
 * when its last buffered bytes could not be written (counted as a failure).
 */
int output__close(struct output *o);
/* Did a write fail? Once one did, later records are counted, not written. */
bool output__failed(const struct output *o);
/*
 * Say in one line on stderr (also in --json mode: the stream is what broke)
 * that records could not be written, and how many. Return: -errno.
 */
int output__say_failure(const struct output *o, const char *what);
int output__record(struct output *o, const struct xrec *r);
int output__summary(struct output *o, const struct output_summary *s);
int output__run_death(struct output *o, const struct run_death *d);

/* The formatters, one per mode. */
int output_plain__record(struct output *o, const struct xrec *r);
int output_plain__summary(struct output *o, const struct output_summary *s);
int output_json__record(struct output *o, const struct xrec *r);
int output_json__summary(struct output *o, const struct output_summary *s);
int output_plain__run_death(struct output *o, const struct run_death *d);
int output_json__run_death(struct output *o, const struct run_death *d);

/* Shared by the formatters: "SIGKILL" or "signal 70". */
const char *output__signame(int sig, char *buf, size_t len);

#endif
