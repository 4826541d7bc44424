// SPDX-License-Identifier: GPL-2.0
/*
 * netns_nft.c - see netns_xt.h: the nftables ruleset of the calling
 * thread's net namespace, as `nft list ruleset` writes it (nft's rule
 * language is its stable interface: nft_cmd.h), loaded again by `nft -f
 * -` at restore, in the new namespace before anything else of nftables
 * (pidtrace's own firewall pass comes with the sockets, later), so the
 * handles the kernel gives are those of a ruleset loaded in one go:
 * tables numbered from 1, chains and rules in order within each table.
 *
 * The counters are in the text and come back with it. What the text
 * cannot carry is refused at dump (@why), by its keyword: set elements
 * that expire (their timeouts start again), limits, named or not, and
 * meters (their tokens), connection counts, flowtables (devices), ct helpers, timeouts
 * and expectations, synproxy, tunnels, secmarks, numgen; a rule of a
 * pidtrace killed during its firewall pass ("pidtrace-replay", tcp_fwpass.h)
 * or its lock's table ("pidtrace_lock_", tcp_lock.c), not the tree's.
 * Whatever else differs once loaded (a handle after a deletion left a
 * gap: nft gives the next one) is found by dump's rehearsal, which
 * compares `nft -a list ruleset` line by line: one state line each, its
 * counters in a moving one (NETNS_MOVING).
 */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "netns_state.h"
#include "netns_xt.h"
#include "nft_cmd.h"

static const struct {
	const char *word, *what;
} refused[] = {
	{ "expires ", "a set element that expires (its timeout would start again)" },
	{ "limit rate ", "a limit (its tokens are the kernel's)" },
	/* A limit object ("\tlimit NAME {" in its table, its rate on the next line) and its use. */
	{ "\tlimit ", "a named limit (its tokens are the kernel's)" },
	{ "limit name ", "a named limit (its tokens are the kernel's)" },
	{ "meter ", "a meter (its state is the kernel's)" },
	{ "ct count ", "a connection count (the kernel's)" },
	{ "flowtable ", "a flowtable" },
	{ "ct helper ", "a ct helper" },
	{ "ct timeout ", "a ct timeout policy" },
	{ "ct expectation ", "a ct expectation" },
	{ "synproxy ", "synproxy" },
	{ "tunnel ", "a tunnel object" },
	{ "secmark ", "a secmark" },
	{ "numgen inc ", "an incrementing numgen (its counter is the kernel's)" },
	{ "pidtrace-replay", "a rule of a pidtrace's firewall pass left by a pidtrace that died (restore --unlock-only removes it)" },
	{ "pidtrace_lock_", "the network lock's table of a pidtrace" },
};

/* Whether any nftables table is in the namespace (netns_lines.c's lines). */
static int has_tables(const NetnsMade *m)
{
	size_t i;

	for (i = 0; i < m->n_state; i++)
		if (!strncmp(m->state[i], "nftables table ", 15))
			return 1;
	return 0;
}

/* @line with the numbers after "packets ", "bytes ", "used " as "-", into @out (as long as @line). */
static void blank_counters(const char *line, char *out)
{
	static const char *const words[] = { "packets ", "bytes ", "used " };
	size_t n = 0, i, w;
	int changed = 0;

	for (i = 0; line[i];) {
		for (w = 0; w < 3; w++)
			if (!strncmp(line + i, words[w], strlen(words[w])) &&
			    isdigit((unsigned char)line[i + strlen(words[w])]))
				break;
		if (w < 3) {
			/* At least one digit becomes "-": never longer than @line. */
			n += sprintf(out + n, "%s-", words[w]);
			for (i += strlen(words[w]); isdigit((unsigned char)line[i]); i++)
				;
			changed = 1;
			continue;
		}
		out[n++] = line[i++];
	}
	out[n] = 0;
	if (!changed)
		*out = 0;
}

/*
 * One state line of line @n, @text. A line longer than escape__str()
 * shows whole (a rule with an anonymous set of hundreds of elements) is
 * its head and tail (where nft -a writes the handle) and a hash of it
 * all: cut, two lines that differ at the end would compare equal.
 * (1000 bytes escaped are at most 4000: escape__str()'s 4 KiB hold them.)
 */
#define LINE_WHOLE 1000
static int add_line(NetnsMade *m, const char *prefix, int n, const char *text)
{
	size_t len = strlen(text), i;
	uint64_t h = 14695981039346656037ull;
	char head[201];

	if (len <= LINE_WHOLE)
		return netns_state__add(m, "%snftables ruleset line %04d: %s", prefix, n,
					escape__str(text));
	for (i = 0; i < len; i++)
		h = (h ^ (unsigned char)text[i]) * 1099511628211ull;
	memcpy(head, text, sizeof(head) - 1);
	head[sizeof(head) - 1] = 0;
	return netns_state__add(m, "%snftables ruleset line %04d: %s ... %s (%zu bytes, hash %016llx)",
				prefix, n, escape__str(head), escape__str(text + len - 200), len,
				(unsigned long long)h);
}

/* The state lines of `nft -a list ruleset` @text. */
static int lines(NetnsMade *m, char *text)
{
	char *line, *save, *blank;
	int err = 0, n = 0;

	blank = malloc(strlen(text) + 1);
	if (!blank)
		return -ENOMEM;
	for (line = strtok_r(text, "\n", &save); !err && line; line = strtok_r(NULL, "\n", &save)) {
		while (*line == '\t' || *line == ' ')
			line++;
		n++;
		blank_counters(line, blank);
		err = add_line(m, "", n, *blank ? blank : line);
		if (!err && *blank)
			err = add_line(m, NETNS_MOVING, n, line);
	}
	free(blank);
	return err;
}

int netns_nft__read(NetnsMade *m, char *why, size_t len)
{
	static const char *const list[] = { "list", "ruleset", NULL };
	static const char *const list_a[] = { "-a", "list", "ruleset", NULL };
	char *text = NULL, *shown = NULL;
	size_t i;
	int err;

	if (!has_tables(m))
		return 0;
	err = nft_cmd__run(list, NULL, &text);
	if (!err)
		err = nft_cmd__run(list_a, NULL, &shown);
	if (err) {
		if (!*why)
			snprintf(why, len, "nftables tables, whose ruleset nft could not list: %s%s%s",
				 err == -ENOENT ? "no nft command" : strerror(-err),
				 *nft_cmd__error_raw() ? ": " : "", nft_cmd__error_raw());
		free(text);
		return 0;
	}
	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		if (strstr(text, refused[i].word) && !*why)
			snprintf(why, len, "nftables ruleset: %s, which restore would not make the same",
				 refused[i].what);
	m->nft_ruleset = text;
	err = lines(m, shown);
	free(shown);
	return err;
}

/* A statement of @text that begins with "include" (after a newline or ';'). */
static int has_include(const char *text)
{
	const char *p = text;

	for (;;) {
		p += strspn(p, " \t\r\n;");
		if (!strncmp(p, "include", 7))
			return 1;
		p += strcspn(p, "\n;");
		if (!*p)
			return 0;
	}
}

int netns_nft__apply(const NetnsMade *m, char *err, size_t len)
{
	static const char *const load[] = { "-f", "-", NULL };
	int e;

	if (!m->nft_ruleset)
		return 0;
	/* nft lists no include: one in an image would read a file of this machine's. */
	if (has_include(m->nft_ruleset)) {
		snprintf(err, len, "the image's nftables ruleset has an include, which nft list ruleset never writes: not loaded");
		return -EINVAL;
	}
	e = nft_cmd__run(load, m->nft_ruleset, NULL);
	if (e)
		snprintf(err, len, "loading the nftables ruleset (nft -f): %s%s%s",
			 e == -ENOENT ? "no nft command" : strerror(-e),
			 *nft_cmd__error_raw() ? ": " : "", nft_cmd__error_raw());
	return e;
}

void netns_nft__free(NetnsMade *m)
{
	free(m->nft_ruleset);
	m->nft_ruleset = NULL;
}
