/* SPDX-License-Identifier: GPL-2.0 */
/*
 * names.h - numbers users never want to see: signals, si_codes, syscalls,
 * generation results, and their names.
 */
#ifndef PT_NAMES_H
#define PT_NAMES_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Signal names, the same in every command and in JSON. Real-time signals
 * are counted from the kernel's first one, 32 ("SIGRTMIN"; 34 is
 * "SIGRTMIN+2", 64 "SIGRTMIN+32"), as pidtrace sees them in the kernel and
 * parses them (names__parse_signal): not from glibc's SIGRTMIN, which is 34
 * because glibc keeps 32 and 33 for itself, and differs between libcs.
 */
/* "SIGKILL" for 9, "SIGRTMIN+3" for 35; NULL when out of range. */
const char *names__signal(int sig);
/* The same, or "signal N" (in @buf) when out of range: never NULL. */
const char *names__signame(int sig, char *buf, size_t len);
/* Parse "KILL", "SIGKILL", "sigkill", "9", "RTMIN+2". Return: signal or -EINVAL. */
int names__parse_signal(const char *s);
/* "SI_USER", "SI_KERNEL", "SEGV_MAPERR"... for a signal's si_code. */
const char *names__si_code(int sig, int code, char *buf, int len);
/* x86-64 syscall number to name, NULL when unknown. */
const char *names__syscall(int nr);
/* TRACE_SIGNAL_* result of signal_generate: "delivered", "ignored"... */
const char *names__gen_result(int result);

#endif
