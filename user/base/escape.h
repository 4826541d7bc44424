/* SPDX-License-Identifier: GPL-2.0 */
/*
 * escape.h - strings that came from another process, made safe to print to
 * a terminal: a comm, a path, a cgroup name, an argv, a symbol or file name
 * read from a process's binaries. Any process can put terminal escape
 * sequences there (prctl(PR_SET_NAME, "\e]0;pwn\a\e[2J")) to clear root's
 * screen, retitle it, or forge and hide lines. The plain-text printers
 * (watch, run, the restore report, show) pass every such string through
 * here at the moment they print it; JSON has its own escaping.
 *
 * Escaped: C0 controls and DEL, C1 controls (U+0080-U+009F), the Unicode
 * bidi overrides and isolates (which reorder what follows them), bytes
 * that are not valid UTF-8, and the backslash itself, so that a literal
 * "\x1b" in a name reads "\\x1b" and cannot pass for an escape. Printable
 * text, UTF-8 included, is left as it is. Every escape is "\xHH" per byte
 * (tab, newline, carriage return: "\t", "\n", "\r").
 */
#ifndef PT_ESCAPE_H
#define PT_ESCAPE_H

#include <stddef.h>

/*
 * escape__into() - @s escaped into @buf
 * Cut short (never in the middle of an escape) when @len is too small; an
 * escaped string is at most 4 times as long as @s.
 * Return: @buf.
 */
char *escape__into(char *buf, size_t len, const char *s);

/*
 * escape__str() - @s escaped, for printing at once
 * Context: the result lives in one of 8 rotating buffers of this thread
 * (4 KiB each): valid until 8 more calls, enough for one printf's
 * arguments. NULL gives "".
 */
const char *escape__str(const char *s);

/*
 * escape__utf8() - @s as valid UTF-8, for JSON: every byte that is not part
 * of a valid UTF-8 sequence becomes U+FFFD. (A JSON encoder escapes the
 * control characters; it passes such bytes on, and makes invalid JSON.)
 * Context: the same ring of buffers as escape__str(). NULL gives NULL.
 */
const char *escape__utf8(const char *s);

struct json_object;
/*
 * escape__json_string() - a JSON string of @s, made valid UTF-8 as
 * escape__utf8() does but without its length limit (a copy is made only
 * when @s is not valid UTF-8). NULL gives "".
 */
struct json_object *escape__json_string(const char *s);

#endif
