// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_ksyms.c - /proc/kallsyms text into ksyms__parse(), then lookups at
 * the addresses the input's lines start with (and around them), so that
 * they hit the symbols the fuzzer created.
 */
#include "fuzz.h"
#include "ksyms.h"

static void ksyms_fuzz_lookup(const struct ksyms *ks, uint64_t addr)
{
	const struct ksym *s;
	char buf[128];

	ksyms__format(ks, addr, buf, sizeof(buf));
	ksyms__format(ks, addr, buf, 8);
	s = ksyms__map_addr(ks, addr);
	if (!s)
		return;
	ksyms__format(ks, s->addr + s->size, buf, sizeof(buf));
	ksyms__format(ks, s->addr - 1, buf, sizeof(buf));
	/* A symbol found by its address is found by its name. */
	if (!ksyms__get_symbol(ks, s->name))
		abort();
}

FUZZ_TARGET(ksyms)
{
	struct ksyms *ks;
	char *text, *line, *next;
	FILE *f;
	int n = 0;

	text = fuzz__strdup(data, size);
	f = fmemopen((void *)data, size, "r");
	if (!text || !f || !size)
		goto out;
	ks = ksyms__parse(f);
	if (!ks)
		goto out;
	for (line = text; line && n < 64; line = next, n++) {
		uint64_t addr = strtoull(line, NULL, 16);

		next = strchr(line, '\n');
		if (next)
			next++;
		ksyms_fuzz_lookup(ks, addr);
		ksyms_fuzz_lookup(ks, addr + 1);
	}
	ksyms_fuzz_lookup(ks, 0);
	ksyms_fuzz_lookup(ks, UINT64_MAX);
	ksyms__get_symbol(ks, "");
	ksyms__free(ks);
out:
	if (f)
		fclose(f);
	free(text);
	return 0;
}
