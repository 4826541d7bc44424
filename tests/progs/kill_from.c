// SPDX-License-Identifier: GPL-2.0
/*
 * kill_from - N senders, each a fresh exec of this binary (so each maps it
 * at its own random address), SIGKILL one sleeping victim each from the
 * same call site, send_kill(), one after the other, and each stays alive
 * HOLD_MS milliseconds after its kill, so that the tracer can read their
 * stacks while they run.
 *
 * Usage: kill_from COMM N HOLD_MS
 * Prints: victims=PID,.. senders=PID,.. line=L (the line of the kill()
 * call in kill_from.h) function=send_kill
 * Exits 0 when every victim died by SIGKILL and every sender exited 0.
 *
 * kill_from_b is the same program with the call site named send_kill_b,
 * to check that frames are never named from a cached binary that was
 * replaced on disk.
 */
#define SEND_FN send_kill
#include "kill_from.h"
