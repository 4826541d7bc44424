// SPDX-License-Identifier: GPL-2.0
/* log.c - error and debug reporting (see log.h). */
#include <pthread.h>
#include <stdarg.h>
#include <string.h>

#include <bpf/libbpf.h>
#include <json-c/json.h>

#include "escape.h"
#include "log.h"

static int verbose;
static bool json_mode;
static const char *cmd_name;
/* Errors said (printed, kept by a sink or dropped by it as a consequence). */
static int nerrors;
/* Errors may come from restore's copy threads: the sink is taken under a lock. */
static pthread_mutex_t sink_lock = PTHREAD_MUTEX_INITIALIZER;
static struct log_sink *sink;

struct log_sink *log__sink(struct log_sink *s)
{
	struct log_sink *old;

	pthread_mutex_lock(&sink_lock);
	old = sink;
	sink = s;
	pthread_mutex_unlock(&sink_lock);
	return old;
}

/* Return: true when a sink took @msg (kept or dropped). */
static bool to_sink(enum log_level lvl, const char *msg)
{
	bool taken = false;

	pthread_mutex_lock(&sink_lock);
	if (sink && lvl == LOG_WARN) {
		if (sink->warn) {
			sink->warn(sink->arg, msg);
			taken = true;
		}
	} else if (sink) {
		taken = true;
		if (sink->buf && sink->len && !sink->buf[0])
			snprintf(sink->buf, sink->len, "%s%s%s",
				 sink->step && *sink->step ? *sink->step : "",
				 sink->step && *sink->step ? ": " : "", msg);
	}
	pthread_mutex_unlock(&sink_lock);
	return taken;
}

void log__set_verbose(int v)
{
	verbose = v;
}

int log__verbose(void)
{
	return verbose;
}

void log__set_json(bool json)
{
	json_mode = json;
}

int log__errors(void)
{
	return __atomic_load_n(&nerrors, __ATOMIC_RELAXED);
}

void log__set_cmd(const char *cmd)
{
	cmd_name = cmd;
}

static void emit_json_error(const char *level, const char *msg)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, level, json_object_new_string(escape__utf8(msg)));
	if (cmd_name)
		json_object_object_add(o, "command", json_object_new_string(cmd_name));
	fprintf(stdout, "%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	fflush(stdout);
	json_object_put(o);
}

void log__printf(enum log_level lvl, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	size_t n;

	if (lvl == LOG_DEBUG && !verbose)
		return;
	if (lvl == LOG_ERR)
		__atomic_add_fetch(&nerrors, 1, __ATOMIC_RELAXED);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	n = strlen(msg);
	while (n && msg[n - 1] == '\n')
		msg[--n] = '\0';
	if ((lvl == LOG_ERR || lvl == LOG_WARN) && to_sink(lvl, msg))
		return;

	if (json_mode && (lvl == LOG_ERR || lvl == LOG_WARN)) {
		emit_json_error(lvl == LOG_ERR ? "error" : "warning", msg);
		return;
	}
	/* A message may quote a comm or a path: escaped, it cannot drive the terminal. */
	if (lvl == LOG_INFO) {
		fprintf(stderr, "%s\n", escape__str(msg));
		return;
	}
	fprintf(stderr, "pidtrace: %s%s%s%s\n", cmd_name ? cmd_name : "", cmd_name ? ": " : "",
		lvl == LOG_WARN ? "warning: " : "", escape__str(msg));
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG && verbose < 2)
		return 0;
	if (!verbose)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

void log__setup_libbpf(void)
{
	libbpf_set_print(libbpf_print);
}
