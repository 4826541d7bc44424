/* SPDX-License-Identifier: GPL-2.0 */
/*
 * journal.h - `watch --journal`: each death as one native journal entry
 * whose fields a person can match on (journalctl PIDTRACE_CAUSE=oom-kill),
 * with a MESSAGE_ID per cause class (docs/fleet.md lists them).
 */
#ifndef PT_JOURNAL_H
#define PT_JOURNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "cause.h"
#include "explain.h"

struct journal;

/*
 * Connect (an entry saying that watch started is the proof that journald
 * listens). Return: the journal, or NULL with errno set after saying why.
 */
struct journal *journal__new(void);
/* One entry for @r. A failure is counted and said once per kind. Return: 0 or -errno. */
int journal__record(struct journal *j, const struct xrec *r);
/*
 * Is journald still listening? (sd_journal_sendv() drops entries silently
 * once its socket is gone: watch asks every heartbeat.) Return: 0 or -errno.
 */
int journal__check(struct journal *j);
/* Entries that could not be sent, and failed checks. */
uint64_t journal__errors(const struct journal *j);
/* Accepts NULL. */
void journal__free(struct journal *j);
/* The MESSAGE_ID of a cause class: 32 hex digits, stable across versions. */
const char *journal__message_id(enum cause c);
/* The syslog priority an entry of this cause gets (3 err .. 6 info). */
int journal__priority(enum cause c, bool expected);

#endif
