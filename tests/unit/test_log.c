// SPDX-License-Identifier: GPL-2.0
/*
 * test_log.c - every error said is counted, printed or kept by a sink, so
 * that a command failing with none said can say its own (log__errors).
 */
#include <stdio.h>

#include "log.h"
#include "unit.h"

static void counts_printed_and_sunk_errors(void)
{
	char buf[64] = "";
	const char *step = "files";
	struct log_sink sink = { buf, sizeof(buf), &step, NULL, NULL };
	int before = log__errors();

	pr_warn("a warning is not an error");
	pr_debug("nor is debug output");
	CHECK(log__errors() == before);
	pr_err("printed");
	CHECK(log__errors() == before + 1);
	log__sink(&sink);
	pr_err("kept");
	pr_err("dropped, a consequence");
	log__sink(NULL);
	CHECK(log__errors() == before + 3);
	CHECK_STR(buf, "files: kept");
}

UNIT_MAIN({
	RUN(counts_printed_and_sunk_errors);
})
