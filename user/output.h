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

#include "explain.h"

enum output_mode { OUTPUT_PLAIN, OUTPUT_JSON };

struct output_summary {
	uint64_t events, deaths, signals, drops, filtered;
	double duration_s;
};

struct output {
	enum output_mode mode;
	FILE *f;
	bool header_done;
	bool stacks; /* plain mode: print stacks in the detail lines */
};

int output__record(struct output *o, const struct xrec *r);
int output__summary(struct output *o, const struct output_summary *s);

/* The formatters, one per mode. */
int output_plain__record(struct output *o, const struct xrec *r);
int output_plain__summary(struct output *o, const struct output_summary *s);
int output_json__record(struct output *o, const struct xrec *r);
int output_json__summary(struct output *o, const struct output_summary *s);

/* Shared by the formatters: "SIGKILL" or "signal 70". */
const char *output__signame(int sig, char *buf, size_t len);

#endif
