// SPDX-License-Identifier: GPL-2.0
/*
 * symbolize.c - the stacks of an explanation in names (see symbolize.h):
 * kernel frames from /proc/kallsyms, user frames with libdwfl from the live
 * sender, or by build id and file offset once it is gone.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buildid.h"
#include "ksyms.h"
#include "log.h"
#include "symbolize.h"
#include "usym.h"

struct symbolizer {
	struct ksyms *ksyms;
	bool ksyms_failed;
	struct usym *usym;
	struct buildid_cache *bids; /* symbolizes senders already gone */
};

struct symbolizer *symbolize__new(bool user)
{
	struct symbolizer *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	if (user) {
		s->usym = usym__new();
		s->bids = buildid__new();
		/* The C library and loader the traced tasks most likely share. */
		if (s->bids)
			buildid__add_maps(s->bids, 0);
	}
	return s;
}

void symbolize__free(struct symbolizer *s)
{
	if (!s)
		return;
	ksyms__free(s->ksyms);
	usym__free(s->usym);
	buildid__free(s->bids);
	free(s);
}

int symbolize__add_binary(struct symbolizer *s, const char *path)
{
	return s->bids ? buildid__add_file(s->bids, path) : 0;
}

void symbolize__add_exec(struct symbolizer *s, uint32_t pid, const char *filename)
{
	char exe[64];

	if (!s->bids)
		return;
	snprintf(exe, sizeof(exe), "/proc/%u/exe", pid);
	if (buildid__add_file(s->bids, exe) && buildid__add_file(s->bids, filename))
		pr_debug("exec of %s by %u: no build id found", filename, pid);
	buildid__add_maps(s->bids, pid);
}

/* Frames of the tracer itself sit on top of every stack it takes. */
static bool tracer_frame(const char *name)
{
	return name && (!strncmp(name, "bpf_prog_", 9) || !strncmp(name, "bpf_trace_run", 13) ||
			!strncmp(name, "__traceiter_", 12) || !strncmp(name, "__bpf_trace_", 12));
}

void symbolize__kstack(struct symbolizer *s, struct xrec *r, const __u64 *ips, int sz,
		       const char **names)
{
	int i, k, n = sz > 0 ? sz / 8 : 0;

	if (n > PT_KSTACK_DEPTH)
		n = PT_KSTACK_DEPTH;
	if (!s->ksyms && !s->ksyms_failed) {
		s->ksyms = ksyms__load();
		if (!s->ksyms)
			s->ksyms_failed = true;
	}
	for (i = 0, k = 0; i < n && ips[i]; i++) {
		const struct ksym *ks = s->ksyms ? ksyms__map_addr(s->ksyms, ips[i]) : NULL;

		if (k == 0 && (!ks || tracer_frame(ks->name)) && i < 4)
			continue;
		names[k] = ks ? ks->name : NULL;
		if (s->ksyms)
			ksyms__format(s->ksyms, ips[i], r->kstack[k], sizeof(r->kstack[k]));
		else
			snprintf(r->kstack[k], sizeof(r->kstack[k]), "0x%llx",
				 (unsigned long long)ips[i]);
		k++;
	}
	r->nk = k;
	if (n && s->ksyms_failed)
		xrec__add_unknown(r, "kernel symbols: %s", "/proc/kallsyms could not be read");
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* The C library and the loader: the frames to skip to find the caller. */
static bool system_library(const char *module)
{
	const char *b = base_name(module);

	return !strncmp(b, "libc.so", 7) || !strncmp(b, "libc-", 5) ||
	       !strncmp(b, "ld-linux", 8) || !strncmp(b, "libpthread", 10);
}

static void note_sender_code(struct xrec *r, const struct usym_loc *loc)
{
	if (r->sender_fn[0] || !loc->func[0] || system_library(loc->module))
		return;
	snprintf(r->sender_fn, sizeof(r->sender_fn), "%s", loc->func);
	if (loc->file[0] && loc->line > 0)
		snprintf(r->sender_src, sizeof(r->sender_src), "%.160s:%d", base_name(loc->file),
			 loc->line);
}

/*
 * The frames of a user stack: the frame-pointer walk, plus the caller of a
 * C library syscall wrapper, which pushes no frame and so is skipped by
 * the walk (kill() called from free_helper() shows as kill <- main). The
 * word at the stack pointer is that caller's return address; it is taken
 * when it lies near the next frame, in the same binary.
 */
struct uframe {
	uint64_t ip;
	int bid;	  /* index of the build-id frame to use, -1 none */
	int64_t bid_adj; /* added to that frame's file offset */
};

static int user_frames(const struct pt_ustack *g, struct uframe *out, int max)
{
	int i, k = 0, n = g->ustack_sz > 0 ? g->ustack_sz / 8 : 0;

	if (n > PT_USTACK_DEPTH)
		n = PT_USTACK_DEPTH;
	for (i = 0; i < n && g->ustack[i] && k < max; i++) {
		out[k++] = (struct uframe){ g->ustack[i], i, 0 };
		if (i == 0 && n > 1 && g->user_sp_word && g->user_sp_word != g->ustack[1] &&
		    g->user_sp_word - g->ustack[1] + (1 << 20) < (2 << 20) && k < max)
			out[k++] = (struct uframe){ g->user_sp_word, 1,
						    (int64_t)(g->user_sp_word - g->ustack[1]) };
	}
	return k;
}

/* A frame of a sender already gone, from its build id and file offset. */
static int resolve_by_build_id(struct symbolizer *s, const struct pt_ustack *g,
			       const struct uframe *uf, bool ret_addr, struct usym_loc *loc)
{
	const struct pt_bid_frame *f;

	if (!s->bids || uf->bid < 0 || g->ubid_sz <= 0 ||
	    uf->bid >= g->ubid_sz / (int)sizeof(*f))
		return -ENOENT;
	f = &g->ubid[uf->bid];
	if (f->status != 1)
		return -ENOENT;
	return buildid__resolve(s->bids, f->build_id, f->offset + uf->bid_adj - (ret_addr ? 1 : 0),
				loc);
}

void symbolize__ustack(struct symbolizer *s, struct xrec *r, uint32_t pid,
		       const struct pt_ustack *g)
{
	struct uframe uf[PT_USTACK_DEPTH];
	int i, err, n = user_frames(g, uf, PT_USTACK_DEPTH);
	bool gone = false, missing = false;

	for (i = 0; i < n; i++) {
		struct usym_loc loc;
		/* Frames past the first are return addresses: the call is just before. */
		uint64_t addr = i ? uf[i].ip - 1 : uf[i].ip;

		err = (s->usym && !gone) ? usym__resolve(s->usym, pid, addr, &loc) : -ESRCH;
		/* -ENOENT is one address in anonymous or JIT memory; -ESRCH is the end. */
		if (err == -ESRCH && s->usym)
			gone = true;
		if (err == -ESRCH)
			err = resolve_by_build_id(s, g, &uf[i], i > 0, &loc);
		if (!err) {
			usym__format(&loc, r->ustack[i], sizeof(r->ustack[i]));
			note_sender_code(r, &loc);
			continue;
		}
		if (gone)
			missing = true;
		snprintf(r->ustack[i], sizeof(r->ustack[i]), "0x%llx", (unsigned long long)uf[i].ip);
	}
	r->nu = i;
	if (missing)
		xrec__add_unknown(r, "user stack: %s",
			    "sender exited before symbolization, and some of its files could not "
			    "be found by build id");
}
