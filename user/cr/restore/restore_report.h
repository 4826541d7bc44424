/* SPDX-License-Identifier: GPL-2.0 */
/*
 * restore_report.h - what a restore did, plain or one JSON object (restore_report.c).
 */
#ifndef PT_RESTORE_REPORT_H
#define PT_RESTORE_REPORT_H

#include "restore_ctx.h"

enum restore_phase {
	RPH_CHECK, RPH_CREATE, RPH_SEIZE, RPH_MEMORY, RPH_FILES, RPH_STATE, RPH_FINISH,
	RPH_VERIFY, RPH_DETACH, RPH_COUNT,
};
extern const char *const restore_phase_names[RPH_COUNT];
void restore_report__print(struct restore_ctx *ctx, const double *ms, bool ok, bool json);
/* @start_ms: CLOCK_MONOTONIC start of each phase (0: not run). */
int restore_report__timeline(struct restore_ctx *ctx, const char *path, const double *start_ms,
			     const double *ms);

#endif
