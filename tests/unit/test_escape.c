// SPDX-License-Identifier: GPL-2.0
/*
 * test_escape.c - what a hostile process can put in its comm, a path or a
 * cgroup name reaches a terminal only as inert text.
 */
#include "escape.h"
#include "unit.h"

static void escapes_terminal_sequences(void)
{
	CHECK_STR(escape__str("\033]0;pwn\a\033[2J"), "\\x1b]0;pwn\\x07\\x1b[2J");
	CHECK_STR(escape__str("a\tb\nc\rd\x7f"), "a\\tb\\nc\\rd\\x7f");
}

static void keeps_printable_text(void)
{
	CHECK_STR(escape__str("sleep"), "sleep");
	CHECK_STR(escape__str("/sys/fs/cgroup/a b/c"), "/sys/fs/cgroup/a b/c");
	CHECK_STR(escape__str("caf\xc3\xa9"), "caf\xc3\xa9"); /* é */
	CHECK_STR(escape__str(NULL), "");
}

static void escapes_the_backslash(void)
{
	/* A name that spells an escape cannot pass for one. */
	CHECK_STR(escape__str("\\x1b"), "\\\\x1b");
}

static void escapes_c1_bidi_and_bad_utf8(void)
{
	CHECK_STR(escape__str("\xc2\x9b" "2J"), "\\xc2\\x9b2J");	   /* CSI as U+009B */
	CHECK_STR(escape__str("a\xe2\x80\xae" "b"), "a\\xe2\\x80\\xaeb"); /* RLO */
	CHECK_STR(escape__str("\x9b" "2J"), "\\x9b2J");		   /* a lone 8-bit CSI */
	CHECK_STR(escape__str("\xc0\xaf"), "\\xc0\\xaf");		   /* overlong */
	CHECK_STR(escape__str("\xe2\x82"), "\\xe2\\x82");		   /* cut short */
}

static void cuts_between_escapes(void)
{
	char buf[6];

	/* "ab" then "\\x1b" (4) would need 6 bytes + NUL: cut before it. */
	CHECK_STR(escape__into(buf, sizeof(buf), "ab\033cd"), "ab");
	CHECK_STR(escape__into(buf, sizeof(buf), "abcdefghij"), "abcde");
}

static void ring_keeps_eight_results(void)
{
	const char *a = escape__str("one");
	int i;

	for (i = 0; i < 7; i++)
		escape__str("x");
	CHECK_STR(a, "one");
}

static void utf8_for_json(void)
{
	CHECK_STR(escape__utf8("caf\xc3\xa9\033"), "caf\xc3\xa9\033"); /* JSON escapes \033 */
	CHECK_STR(escape__utf8("a\x9b" "b\xc0"), "a\xef\xbf\xbd" "b\xef\xbf\xbd");
	CHECK(escape__utf8(NULL) == NULL);
}

UNIT_MAIN({
	RUN(utf8_for_json);
	RUN(escapes_terminal_sequences);
	RUN(keeps_printable_text);
	RUN(escapes_the_backslash);
	RUN(escapes_c1_bidi_and_bad_utf8);
	RUN(cuts_between_escapes);
	RUN(ring_keeps_eight_results);
})
