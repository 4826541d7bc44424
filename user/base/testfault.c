// SPDX-License-Identifier: GPL-2.0
/* testfault.c - test-only fault injection (see testfault.h). */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "testfault.h"

#define MAX_RULES 16

enum action { ACT_ERROR, ACT_KILL, ACT_PAUSE };

struct rule {
	char point[48];
	unsigned int nth;
	enum action act;
};

static struct rule rules[MAX_RULES];
static size_t nrules;
static bool parsed;

/* Hits per point name, for @N. */
static struct {
	char point[48];
	unsigned int hits;
} seen[64];
static size_t nseen;

static void parse(const char *env, bool pause)
{
	char *copy, *tok, *save = NULL, *at, *colon;
	struct rule *r;

	if (!env || !*env)
		return;
	copy = strdup(env);
	if (!copy)
		return;
	for (tok = strtok_r(copy, ",", &save); tok && nrules < MAX_RULES;
	     tok = strtok_r(NULL, ",", &save)) {
		r = &rules[nrules];
		r->nth = 1;
		r->act = pause ? ACT_PAUSE : ACT_ERROR;
		colon = strchr(tok, ':');
		if (colon) {
			*colon = '\0';
			if (!strcmp(colon + 1, "kill"))
				r->act = ACT_KILL;
		}
		at = strchr(tok, '@');
		if (at) {
			*at = '\0';
			r->nth = strtoul(at + 1, NULL, 10) ?: 1;
		}
		snprintf(r->point, sizeof(r->point), "%s", tok);
		nrules++;
	}
	free(copy);
}

static unsigned int hit(const char *point)
{
	size_t i;

	for (i = 0; i < nseen; i++)
		if (!strcmp(seen[i].point, point))
			return ++seen[i].hits;
	if (nseen == sizeof(seen) / sizeof(seen[0]))
		return 0;
	snprintf(seen[nseen].point, sizeof(seen[nseen].point), "%s", point);
	seen[nseen].hits = 1;
	return seen[nseen++].hits;
}

/* Kill here if asked; else what else was asked for: TESTFAULT_* bits. */
static int reach(const char *point)
{
	unsigned int n;
	size_t i;
	int acts = 0;

	if (!parsed) {
		parsed = true;
		parse(getenv("PIDTRACE_FAULT"), false);
		parse(getenv("PIDTRACE_TEST_PAUSE"), true);
	}
	if (!nrules || !point)
		return 0;
	n = hit(point);
	for (i = 0; i < nrules; i++) {
		if (strcmp(rules[i].point, point) || rules[i].nth != n)
			continue;
		switch (rules[i].act) {
		case ACT_KILL:
			kill(getpid(), SIGKILL);
			pause();
			break;
		case ACT_PAUSE:
			acts |= TESTFAULT_PAUSE;
			break;
		case ACT_ERROR:
			acts |= TESTFAULT_ERROR;
			break;
		}
	}
	return acts;
}

int testfault__check(const char *point)
{
	int acts = reach(point);

	if (acts & TESTFAULT_ERROR)
		pr_debug("test fault at %s", point);
	return acts;
}

int testfault__point(const char *point)
{
	int acts = reach(point);

	if (acts & TESTFAULT_PAUSE)
		kill(getpid(), SIGSTOP);
	if (!(acts & TESTFAULT_ERROR))
		return 0;
	pr_debug("test fault at %s", point);
	return -EIO;
}

void testfault__stop(const char *point)
{
	if (reach(point) & TESTFAULT_PAUSE)
		kill(getpid(), SIGSTOP);
}
