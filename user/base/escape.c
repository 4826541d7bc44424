// SPDX-License-Identifier: GPL-2.0
/* escape.c - strings from other processes made safe for a terminal (see escape.h). */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "escape.h"

#define ESCAPE_RING 8
#define ESCAPE_BUF  4096

/*
 * The length of the valid UTF-8 sequence at @p (2 to 4 bytes) and its code
 * point, or 0 when @p does not start one (overlong forms and surrogates
 * are not valid).
 */
static int utf8_seq(const unsigned char *p, uint32_t *cp)
{
	uint32_t c;
	int n, i;

	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		n = 2;
		c = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		n = 3;
		c = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		n = 4;
		c = p[0] & 0x07;
	} else {
		return 0;
	}
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (p[i] & 0x3f);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

/* Code points a terminal acts on, or that rearrange the text after them. */
static bool unsafe_cp(uint32_t c)
{
	return (c >= 0x80 && c <= 0x9f) || (c >= 0x202a && c <= 0x202e) ||
	       (c >= 0x2066 && c <= 0x2069) || c == 0x200e || c == 0x200f || c == 0x061c;
}

/* The controls with a name of their own: tab, newline, carriage return. */
static char named_escape(unsigned char c)
{
	return c == '\t' ? 't' : c == '\n' ? 'n' : c == '\r' ? 'r' : 0;
}

char *escape__into(char *buf, size_t len, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t o = 0;

	if (!len)
		return buf;
	while (*p) {
		char esc[17];
		size_t n = 0, k;
		uint32_t cp;
		int seq = 0;

		if (*p == '\\') {
			n = snprintf(esc, sizeof(esc), "\\\\");
		} else if (named_escape(*p)) {
			n = snprintf(esc, sizeof(esc), "\\%c", named_escape(*p));
		} else if (*p < 0x20 || *p == 0x7f) {
			n = snprintf(esc, sizeof(esc), "\\x%02x", *p);
		} else if (*p >= 0x80) {
			seq = utf8_seq(p, &cp);
			if (!seq) {
				n = snprintf(esc, sizeof(esc), "\\x%02x", *p);
			} else if (unsafe_cp(cp)) {
				for (k = 0; k < (size_t)seq; k++)
					n += snprintf(esc + n, sizeof(esc) - n, "\\x%02x", p[k]);
			} else {
				memcpy(esc, p, seq);
				n = seq;
			}
		} else {
			esc[0] = *p;
			n = 1;
		}
		if (o + n >= len)
			break;
		memcpy(buf + o, esc, n);
		o += n;
		p += seq ? seq : 1;
	}
	buf[o] = '\0';
	return buf;
}

static __thread char ring[ESCAPE_RING][ESCAPE_BUF];
static __thread unsigned int ring_next;

const char *escape__str(const char *s)
{
	return escape__into(ring[ring_next++ % ESCAPE_RING], ESCAPE_BUF, s);
}

const char *escape__utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	char *buf;
	size_t o = 0;

	if (!s)
		return NULL;
	buf = ring[ring_next++ % ESCAPE_RING];
	while (*p) {
		uint32_t cp;
		int n = *p < 0x80 ? 1 : utf8_seq(p, &cp);

		if (o + (n ? n : 3) >= ESCAPE_BUF)
			break;
		if (n) {
			memcpy(buf + o, p, n);
			o += n;
			p += n;
		} else {
			memcpy(buf + o, "\xef\xbf\xbd", 3);
			o += 3;
			p++;
		}
	}
	buf[o] = '\0';
	return buf;
}

struct json_object *escape__json_string(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	struct json_object *o;
	uint32_t cp;
	char *fixed;
	size_t i = 0;

	if (!s)
		return json_object_new_string("");
	while (*p) {
		int n = *p < 0x80 ? 1 : utf8_seq(p, &cp);

		if (!n)
			break;
		p += n;
	}
	if (!*p)
		return json_object_new_string(s);
	/* Each bad byte becomes U+FFFD: at most 3 bytes for 1. */
	fixed = malloc(strlen(s) * 3 + 1);
	if (!fixed)
		return json_object_new_string("");
	for (p = (const unsigned char *)s; *p;) {
		int n = *p < 0x80 ? 1 : utf8_seq(p, &cp);

		if (n) {
			memcpy(fixed + i, p, n);
			i += n;
			p += n;
		} else {
			memcpy(fixed + i, "\xef\xbf\xbd", 3);
			i += 3;
			p++;
		}
	}
	fixed[i] = '\0';
	o = json_object_new_string(fixed);
	free(fixed);
	return o;
}
