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
	{ "restore", cmd_restore, "recreate a dumped process tree, every death explained" },
	{ NULL, NULL, NULL },
};

static void usage(FILE *f)
{
	const struct cmd *c;

	fprintf(f, "Usage: pidtrace [-v] COMMAND [OPTIONS]\n"
		   "       pidtrace help [COMMAND] | --help | --version\n\n"
		   "Explain who killed a process, by which kernel path, and why;\n"
		   "checkpoint and restore process trees with every SIGKILL explained.\n\n"
		   "Commands:\n");
	for (c = cmds; c->name; c++)
		fprintf(f, "  %-8s %s\n", c->name, c->summary);
	fprintf(f, "\nOptions (before the command):\n"
		   "  -v, --verbose  debug messages on stderr (twice: libbpf's too)\n"
		   "  -h, --help     this help\n"
		   "  -V, --version  print the version\n\n"
		   "Examples:\n"
		   "  pidtrace watch                  every death by signal, system-wide\n"
		   "  pidtrace watch -p 1234 --json   deaths in the tree of pid 1234, as JSON lines\n"
		   "  pidtrace run -- make check      explain every death in a command's tree\n"
		   "  pidtrace dump -t 1234 -D img    checkpoint the tree of pid 1234 into img/\n"
		   "  pidtrace restore -D img         restore it, every death during it explained\n\n"
		   "Run 'pidtrace COMMAND --help' for the options of a command, and\n"
		   "'man pidtrace-COMMAND' for the details (JSON fields, cause classes).\n"
		   "Exit status: 0 success, 1 failure, 2 usage error; run returns the\n"
		   "command's status.\n");
}

/* `pidtrace help [COMMAND]`: what git and bpftool users type. */
static int help(const char *name)
{
	const struct cmd *c;
	char *argv[] = { NULL, "--help", NULL };

	if (!name) {
		usage(stdout);
		return 0;
	}
	for (c = cmds; c->name; c++) {
		if (!strcmp(c->name, name)) {
			argv[0] = (char *)c->name;
			log__set_cmd(c->name);
			return c->fn(2, argv);
		}
	}
	fprintf(stderr, "pidtrace: unknown command '%s' (see pidtrace --help)\n", name);
	return EXIT_USAGE;
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
	if (!strcmp(argv[i], "help"))
		return help(i + 1 < argc ? argv[i + 1] : NULL);
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
