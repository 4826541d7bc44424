/* SPDX-License-Identifier: GPL-2.0 */
/*
 * log.h - one way to say things to the user.
 *
 * Errors are one line on stderr, "pidtrace: <what>: <why>", or a JSON object
 * {"error": "..."} on stdout when the command runs in --json mode, so that a
 * program reading our JSON never has to parse free text. Debug output (and
 * libbpf's) appears only with -v.
 */
#ifndef PT_LOG_H
#define PT_LOG_H

#include <stdbool.h>
#include <stdio.h>

enum log_level { LOG_ERR, LOG_WARN, LOG_INFO, LOG_DEBUG };

void log__set_verbose(int verbose);
int log__verbose(void);
void log__set_json(bool json);
/*
 * How many errors were said so far (pr_err(), a sink's included): a command
 * that fails with none said says its error itself (nothing ends silently).
 */
int log__errors(void);
/* The subcommand name used as a prefix: "pidtrace: dump: ..." */
void log__set_cmd(const char *cmd);
void log__printf(enum log_level lvl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/*
 * Where errors go while a command must say its failure once, at its end
 * or in its JSON report, rather than where each is detected (restore: the
 * image reader, the ptrace engine and every phase report with pr_err(),
 * and the first failure is the restore's error; the rest are its
 * consequences). While a sink is set, pr_err() does not print: the first
 * message goes into @buf ("STEP: message" when *@step is set), unless @buf
 * already holds one, and the others are dropped. Warnings still print.
 * log__sink(NULL) prints again. Return: the sink that was set (NULL: none).
 */
struct log_sink {
	char *buf;
	size_t len;
	const char *const *step;
	/* When set, warnings go here instead (a JSON report that holds them). */
	void (*warn)(void *arg, const char *msg);
	void *arg;
};
struct log_sink *log__sink(struct log_sink *sink);

/* Install a libbpf print callback that is silent unless -v. */
void log__setup_libbpf(void);

#define pr_err(fmt, ...) log__printf(LOG_ERR, fmt, ##__VA_ARGS__)
#define pr_warn(fmt, ...) log__printf(LOG_WARN, fmt, ##__VA_ARGS__)
#define pr_info(fmt, ...) log__printf(LOG_INFO, fmt, ##__VA_ARGS__)
#define pr_debug(fmt, ...) log__printf(LOG_DEBUG, "%s:%d: " fmt, __FILE__, __LINE__, ##__VA_ARGS__)

#endif
