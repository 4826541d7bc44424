/* SPDX-License-Identifier: GPL-2.0 */
/*
 * unit.h - a minimal unit-test harness. Each test function is a case;
 * main() runs them and prints "PASS name" or "FAIL name: file:line: expr".
 */
#ifndef PT_UNIT_H
#define PT_UNIT_H

#include <stdio.h>
#include <string.h>

static int unit__failed_case;

#define CHECK(cond)                                                                        \
	do {                                                                               \
		if (!(cond)) {                                                             \
			printf("FAIL %s: %s:%d: %s\n", __func__, __FILE__, __LINE__, #cond); \
			unit__failed_case = 1;                                             \
			return;                                                            \
		}                                                                          \
	} while (0)

#define CHECK_STR(a, b)                                                                       \
	do {                                                                                  \
		const char *a_ = (a), *b_ = (b);                                              \
		if (!a_ || !b_ || strcmp(a_, b_)) {                                           \
			printf("FAIL %s: %s:%d: \"%s\" != \"%s\"\n", __func__, __FILE__, __LINE__, \
			       a_ ? a_ : "(null)", b_ ? b_ : "(null)");                         \
			unit__failed_case = 1;                                                \
			return;                                                               \
		}                                                                             \
	} while (0)

#define RUN(fn)                                          \
	do {                                             \
		unit__failed_case = 0;                   \
		fn();                                    \
		if (!unit__failed_case)                  \
			printf("PASS %s\n", #fn);        \
		else                                     \
			unit__failures++;                \
	} while (0)

#define UNIT_MAIN(body)                        \
	int main(void)                         \
	{                                      \
		int unit__failures = 0;        \
		setvbuf(stdout, NULL, _IOLBF, 0); \
		body;                          \
		return unit__failures ? 1 : 0; \
	}

#endif
