/* SPDX-License-Identifier: GPL-2.0 */
/*
 * run_job.h - `pidtrace run`'s command as a job of its own: its own
 * process group, so that nothing it does to its group (kill(0, SIGKILL),
 * kill(-pgid)), its session or its terminal reaches the tracer, which must
 * outlive it to write the report; and job control as a user expects it.
 *
 * - The command runs in a new process group (setpgid before it execs).
 * - When pidtrace runs in the foreground of its controlling terminal, that
 *   group is made the terminal's foreground (tcsetpgrp): ^C, ^\ and ^Z go
 *   to the command, as they would without pidtrace, and not to pidtrace.
 * - SIGINT, SIGTERM, SIGHUP and SIGQUIT sent to pidtrace (by a supervisor,
 *   a timeout, a hangup) are forwarded to the command's group; pidtrace
 *   itself stays to write the report.
 * - When the command is stopped from its terminal (^Z, SIGTTIN, SIGTTOU),
 *   pidtrace takes the terminal back and stops itself with the same
 *   signal, so the shell sees the job stopped; on fg (SIGCONT) it hands
 *   the terminal back to the command and continues it.
 * - When the command has exited, pidtrace takes the terminal back.
 */
#ifndef PT_RUN_JOB_H
#define PT_RUN_JOB_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

struct run_job {
	pid_t pgid;		     /* the command's process group, 0 before start */
	int tty;		     /* an fd on our controlling terminal, -1 without one */
	bool handed;		     /* the terminal's foreground is the command's group */
	struct sigaction orig[NSIG]; /* dispositions pidtrace started with */
	sigset_t orig_mask;	     /* and its blocked signals */
};

/* Before the fork: note the dispositions, install the forwarding handlers. */
void run_job__init(struct run_job *j);
/* In the child, before exec: its own group, the dispositions and mask pidtrace was given. */
void run_job__child(struct run_job *j);
/* In the parent, after the fork and before the command runs. */
void run_job__start(struct run_job *j, pid_t child);
/* Forward the signals pidtrace received since the last call. */
void run_job__forward(struct run_job *j);
/* The command's process stopped with @sig (WSTOPSIG): mirror it for the shell. */
void run_job__stopped(struct run_job *j, int sig);
/* The command is over: the terminal back to pidtrace's group. */
void run_job__finish(struct run_job *j);

#endif
