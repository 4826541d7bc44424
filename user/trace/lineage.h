/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lineage.h - the family history of the tasks of a traced tree: who created
 * each task and how, which pidfds were opened on it and by whom, who reaped
 * it, its exit, and whether its parent handled SIGCHLD. Built from the
 * tracer's lineage records (fork, exec, pidfd, reap, exit).
 */
#ifndef PT_LINEAGE_H
#define PT_LINEAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pidtrace.h"

#define LINEAGE_MAX_PIDFDS 8

struct lineage_actor {
	uint32_t pid, tid;
	char comm[PT_COMM_LEN];
	int syscall_nr; /* -1 when unknown */
	uint64_t ts_ns;
};

struct lineage_pidfd {
	struct lineage_actor opener;
	int fd;		/* the pidfd's number in the opener, -1 when unknown */
	bool at_clone;	/* CLONE_PIDFD rather than pidfd_open() */
	uint32_t flags; /* pidfd_open flags */
};

struct lineage_task {
	uint32_t pid, tid;
	char comm[PT_COMM_LEN];
	uint64_t start_ns; /* fork, or when tracking started */
	bool has_creator;
	struct lineage_actor creator;
	uint32_t clone_flags;
	int npidfds;
	struct lineage_pidfd pidfds[LINEAGE_MAX_PIDFDS];
	bool has_reaper;
	struct lineage_actor reaper;
	int reap_status;
	bool exited;
	uint64_t exit_ns;
	uint32_t exit_code;
	uint64_t parent_chld_handler; /* 0 SIG_DFL, 1 SIG_IGN, else a handler */
	bool has_parent_handler;
	bool parent_chld_blocked; /* ... and had SIGCHLD blocked when it died */
};

struct lineage;

struct lineage *lineage__new(void);
void lineage__free(struct lineage *l);
/* Record a task the caller started itself (the root of `pidtrace run`). */
int lineage__add_root(struct lineage *l, uint32_t pid, const char *comm, uint64_t start_ns);
/* Feed one raw tracer record; records that carry no lineage are ignored. */
int lineage__feed(struct lineage *l, const void *data, size_t size);
/* The history of thread @tid, NULL when it was never seen. */
const struct lineage_task *lineage__get(const struct lineage *l, uint32_t tid);
/* Every task seen, in creation order (for the timeline). */
const struct lineage_task *lineage__all(const struct lineage *l, size_t *n);

#endif
