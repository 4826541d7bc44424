// SPDX-License-Identifier: GPL-2.0
/*
 * watchdog.bpf.c - the tracer of `pidtrace restore` (user/trace/watchdog.c):
 * pidtrace.bpf.c without the lineage programs of `pidtrace run`, built as
 * a light skeleton (.output/watchdog.lskel.h). A light skeleton is loaded
 * by one program inside the kernel, which does the CO-RE relocations
 * there: no parsing of the 5 MiB vmlinux BTF in user space and no libbpf
 * scan of its 127k types per relocated type, which were ~30 of the ~45 ms
 * a restore spent loading its tracer (docs/PERFORMANCE.md).
 */
#define PT_WATCHDOG 1
#include "pidtrace.bpf.c"
