// SPDX-License-Identifier: GPL-2.0
/*
 * show_fown.c - who gets a file's O_ASYNC signals (F_SETOWN, F_SETSIG), for
 * any kind of fd, in `pidtrace show`, plain and JSON.
 */
#include <stdio.h>

#include "escape.h"
#include "kinds_show.h"
#include "names.h"
#include "show_fown.h"

static const char *const fown_kinds[] = { "thread", "pid", "process group" };

/* "pid 123 (uid 0/1), signal SIGIO": who gets the file's O_ASYNC signals. */
static void fown_str(const FownEntry *f, char *buf, size_t len)
{
	char nb[16];
	int n = 0;

	if (f->pid)
		n = snprintf(buf, len, "%s %d", f->type <= 2 ? fown_kinds[f->type] : "?", f->pid);
	else
		n = snprintf(buf, len, "nobody");
	if (n >= 0 && (size_t)n < len && f->has_uid)
		n += snprintf(buf + n, len - n, " (set by uid %u euid %u)", f->uid, f->euid);
	if (n >= 0 && (size_t)n < len)
		snprintf(buf + n, len - n, ", signal %s",
			 f->signum ? names__signame(f->signum, nb, sizeof(nb)) : "SIGIO");
}

void show_fown__print(const FdEntry *e)
{
	char buf[128];

	if (!e->fown)
		return;
	fown_str(e->fown, buf, sizeof(buf));
	printf("         O_ASYNC signals go to %s\n", buf);
}

void show_fown__json(const FdEntry *e, struct json_object *o)
{
	struct json_object *f;

	if (!e->fown)
		return;
	f = json_object_new_object();
	kinds_show__add(f, "type", escape__json_string(e->fown->type <= 2 ?
						       fown_kinds[e->fown->type] : "?"));
	kinds_show__add(f, "pid", json_object_new_int(e->fown->pid));
	if (e->fown->has_uid) {
		kinds_show__add(f, "uid", json_object_new_int64(e->fown->uid));
		kinds_show__add(f, "euid", json_object_new_int64(e->fown->euid));
	}
	kinds_show__add(f, "signum", json_object_new_int(e->fown->signum));
	kinds_show__add(o, "owner", f);
}
