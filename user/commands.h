/* SPDX-License-Identifier: GPL-2.0 */
/*
 * commands.h - the subcommands. Each takes the arguments after its name
 * (argv[0] is the subcommand) and returns the process exit status:
 * 0 success, 1 failure, 2 usage error (run: the command's own status).
 */
#ifndef PT_COMMANDS_H
#define PT_COMMANDS_H

#include "cmdline.h"

int cmd_watch(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_dump(int argc, char **argv);
int cmd_restore(int argc, char **argv);
int cmd_show(int argc, char **argv);

/*
 * Check a command line as cmd_watch()/cmd_run() would, and start nothing
 * (tests, fuzzing). Return: 0 (valid, or --help), or EXIT_USAGE after
 * printing why.
 */
int watch__parse_args(int argc, char **argv);
int run__parse_args(int argc, char **argv);

#endif
