// SPDX-License-Identifier: GPL-2.0
/*
 * test_units.c - one way to write a size, for every command: IEC units with
 * one decimal ("1.5 MiB"), bytes below 1 KiB ("512 B").
 */
#include "units.h"
#include "unit.h"

static void test_bytes(void)
{
	char b[32];

	units__bytes(0, b, sizeof(b));
	CHECK_STR(b, "0 B");
	units__bytes(1023, b, sizeof(b));
	CHECK_STR(b, "1023 B");
	units__bytes(4096, b, sizeof(b));
	CHECK_STR(b, "4.0 KiB");
	units__bytes(3 << 19, b, sizeof(b));
	CHECK_STR(b, "1.5 MiB");
	units__bytes(5ULL << 40, b, sizeof(b));
	CHECK_STR(b, "5.0 TiB");
	units__bytes(3ULL << 50, b, sizeof(b));
	CHECK_STR(b, "3072.0 TiB");
	units__bytes(4096, b, 4);
	CHECK_STR(b, "4.0");
}

UNIT_MAIN({ RUN(test_bytes); })
