/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sched_attr.h - struct sched_attr as sched_getattr()/sched_setattr() take
 * it (glibc 2.36 has no wrapper nor the struct), for dump_taskstate.c and
 * restore_taskstate.c.
 */
#ifndef PT_SCHED_ATTR_H
#define PT_SCHED_ATTR_H

#include <stdint.h>

#ifndef SCHED_FLAG_RESET_ON_FORK
#define SCHED_FLAG_RESET_ON_FORK 0x01
#endif

/* Version 0 (48 bytes): what sched_getattr fills. */
struct taskstate_sched_attr {
	uint32_t size;
	uint32_t sched_policy;
	uint64_t sched_flags;
	int32_t sched_nice;
	uint32_t sched_priority;
	uint64_t sched_runtime, sched_deadline, sched_period;
};

#endif
