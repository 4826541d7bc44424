// SPDX-License-Identifier: GPL-2.0
/*
 * main.c - pidtrace entry point: global options and the subcommand table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "log.h"

struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

static const struct cmd cmds[] = {
	{ "watch", cmd_watch, "explain every death by signal on the host, live" },
	{ "run", cmd_run, "run a command and explain every death by signal in its tree" },
	{ "dump", cmd_dump, "checkpoint a process tree into an image directory" },
	{ "show", cmd_show, "decode and check an image directory" },
	{ NULL, NULL, NULL },
};

static void usage(FILE *f)
{
	const struct cmd *c;

	fprintf(f, "Usage: pidtrace [-v] COMMAND [OPTIONS]\n\n"
		   "Explain who killed a process, by which kernel path, and why;\n"
		   "checkpoint and restore process trees with every SIGKILL explained.\n\n"
		   "Commands:\n");
	for (c = cmds; c->name; c++)
		fprintf(f, "  %-8s %s\n", c->name, c->summary);
	fprintf(f, "\nRun 'pidtrace COMMAND --help' for the options of a command.\n"
		   "Examples:\n"
		   "  pidtrace watch                 every death by signal, system-wide\n"
		   "  pidtrace watch -p 1234 --json  deaths in the tree of pid 1234, as JSON lines\n");
}

int main(int argc, char **argv)
{
	const struct cmd *c;
	int i = 1;

	while (i < argc && argv[i][0] == '-') {
		if (!strcmp(argv[i], "-v") || !strcmp(argv[i], "--verbose")) {
			log__set_verbose(log__verbose() + 1);
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(argv[i], "--version") || !strcmp(argv[i], "-V")) {
			printf("pidtrace %s\n", PIDTRACE_VERSION);
			return 0;
		} else {
			fprintf(stderr, "pidtrace: unknown option '%s' (see pidtrace --help)\n", argv[i]);
			return EXIT_USAGE;
		}
		i++;
	}
	if (i >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	for (c = cmds; c->name; c++) {
		if (!strcmp(c->name, argv[i])) {
			log__set_cmd(c->name);
			log__setup_libbpf();
			return c->fn(argc - i, argv + i);
		}
	}
	fprintf(stderr, "pidtrace: unknown command '%s' (see pidtrace --help)\n", argv[i]);
	return EXIT_USAGE;
}
