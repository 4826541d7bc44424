// SPDX-License-Identifier: GPL-2.0
/*
 * symbolize.c - the stacks of an explanation in names (see symbolize.h):
 * kernel frames from /proc/kallsyms; user frames by file and offset,
 * through a cache (symcache.h) in front of one libdwfl session per file
 * (symobj.h), the file found in the sender's mappings (pidmaps.h) or, once
 * the sender is gone, by build id.
 *
 * A frame takes the cached way only when its file is known for sure: the
 * kernel's (build id, offset) of the frame agree with the mapping read
 * from /proc and with the file at that path (without a build id: the
 * path's device and inode are the mapping's). An address in no file at
 * all (anonymous or JIT memory, a garbage frame) prints as the address,
 * as libdwfl would print it. Anything else (the vDSO, a deleted file, a
 * file another mount namespace hides) goes the way it always went: a
 * libdwfl view of the live process (usym.h). Every way prints the same
 * text for the same frame.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "buildid.h"
#include "ksyms.h"
#include "log.h"
#include "pidmaps.h"
#include "symbolize.h"
#include "symcache.h"
#include "symobj.h"
#include "unwind.h"
#include "usym.h"

struct symbolizer {
	struct ksyms *ksyms;
	bool ksyms_failed;
	bool kstacks_for_cause; /* name only the stacks a cause needs */
	struct usym *usym;
	struct buildid_cache *bids; /* symbolizes senders already gone */
	struct symcache *frames;    /* (file, offset) -> symbol */
	struct symobj_cache *objs;  /* the files, each opened once */
	struct pidmaps *maps;	    /* where each sender maps them */
	struct unwinder *uw;	    /* CFI unwinding of recorded stacks */
	uint64_t stacks, stack_ns;  /* for the -v summary */
};

struct symbolizer *symbolize__new(bool user)
{
	struct symbolizer *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	if (user) {
		s->usym = usym__new();
		s->bids = buildid__new();
		s->frames = symcache__new(0);
		s->objs = symobj__new(0);
		s->maps = pidmaps__new(0);
		s->uw = unwind__new(s->bids);
		if (!s->usym || !s->bids || !s->frames || !s->objs || !s->maps || !s->uw) {
			symbolize__free(s);
			return NULL;
		}
		/* The C library and loader the traced tasks most likely share. */
		buildid__add_maps(s->bids, 0);
	}
	return s;
}

void symbolize__stats(const struct symbolizer *s, struct symbolize_stats *st)
{
	struct symcache_stats fc = { 0 };
	struct symobj_stats oc = { 0 };
	struct pidmaps_stats mc = { 0 };

	if (s->frames) {
		symcache__stats(s->frames, &fc);
		symobj__stats(s->objs, &oc);
		pidmaps__stats(s->maps, &mc);
	}
	*st = (struct symbolize_stats){
		.stacks = s->stacks,
		.stack_ns = s->stack_ns,
		.frame_hits = fc.hits,
		.frame_misses = fc.misses,
		.frame_evictions = fc.evictions,
		.frames_kept = fc.entries,
		.file_opens = oc.opens,
		.file_open_failures = oc.open_failures,
		.maps_reads = mc.reads,
	};
}

static void log_stats(const struct symbolizer *s)
{
	struct symbolize_stats st;

	symbolize__stats(s, &st);
	pr_debug("user stacks: %llu, %.1f us each; frames: %llu from the cache, %llu symbolized, "
		 "%llu evicted, %zu kept; files opened %llu (%llu failed); maps read %llu",
		 (unsigned long long)st.stacks, st.stack_ns / 1e3 / (double)st.stacks,
		 (unsigned long long)st.frame_hits, (unsigned long long)st.frame_misses,
		 (unsigned long long)st.frame_evictions, st.frames_kept,
		 (unsigned long long)st.file_opens, (unsigned long long)st.file_open_failures,
		 (unsigned long long)st.maps_reads);
}

void symbolize__free(struct symbolizer *s)
{
	if (!s)
		return;
	if (s->stacks)
		log_stats(s);
	ksyms__free(s->ksyms);
	usym__free(s->usym);
	buildid__free(s->bids);
	symcache__free(s->frames);
	symobj__free(s->objs);
	pidmaps__free(s->maps);
	unwind__free(s->uw);
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

void symbolize__kstacks_for_cause(struct symbolizer *s)
{
	s->kstacks_for_cause = true;
}

bool symbolize__every_kstack(const struct symbolizer *s)
{
	return !s->kstacks_for_cause;
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
		/*
		 * The top frames are the tracer's own, its BPF program first:
		 * looked up in the core kernel only, so that a table from the
		 * per-boot cache does not load all of kallsyms for them.
		 */
		const struct ksym *ks = !s->ksyms	    ? NULL :
					k == 0 && i < 4 ? ksyms__map_core(s->ksyms, ips[i]) :
							  ksyms__map_addr(s->ksyms, ips[i]);

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
		xrecs__add_unknown(r, "kernel symbols: %s", "/proc/kallsyms could not be read");
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

/* abort() and assert()'s failure path, in the C library. */
static int abort_frame(const struct usym_loc *loc)
{
	if (!loc->func[0] || !system_library(loc->module))
		return 0;
	if (!strncmp(loc->func, "__assert_fail", 13) || !strncmp(loc->func, "__assert_perror_fail", 20))
		return 2;
	if (!strcmp(loc->func, "abort") || !strncmp(loc->func, "abort@", 6))
		return 1;
	return 0;
}

/*
 * The innermost function of a frame and its line: the innermost inlined
 * one, unless that is a system header's (glibc's fortified wrappers are
 * inlined into their callers: the caller is what the code did).
 */
static void innermost(const struct usym_loc *loc, const char **fn, const char **file, int *line)
{
	int k;

	for (k = 0; k < loc->nr_inl; k++) {
		if (strncmp(loc->inl[k].file, "/usr/include/", 13)) {
			*fn = loc->inl[k].func;
			*file = loc->inl[k].file;
			*line = loc->inl[k].line;
			return;
		}
	}
	*fn = loc->func;
	*file = loc->file;
	*line = loc->line;
}

static void note_sender_code(struct xrec *r, const struct usym_loc *loc)
{
	const char *fn, *file;
	int line;

	if (r->sender_fn[0] || !loc->func[0] || system_library(loc->module))
		return;
	innermost(loc, &fn, &file, &line);
	snprintf(r->sender_fn, sizeof(r->sender_fn), "%s", fn);
	if (file[0] && line > 0)
		snprintf(r->sender_src, sizeof(r->sender_src), "%.160s:%d", usym__src_name(file),
			 line);
}

/*
 * Write frame @loc into r->ustack from slot *k on: its inlined functions
 * (innermost first), then its symbol. Return: false when the slots ran out
 * before its symbol's frame was written.
 */
static bool put_frame(struct xrec *r, int *k, const struct usym_loc *loc)
{
	int j;

	for (j = 0; j < loc->nr_inl; j++) {
		if (*k >= PT_USTACK_DEPTH)
			return false;
		usym__format_inline(loc, j, r->ustack[*k], sizeof(r->ustack[*k]));
		(*k)++;
	}
	if (*k >= PT_USTACK_DEPTH)
		return false;
	usym__format(loc, r->ustack[*k], sizeof(r->ustack[*k]));
	(*k)++;
	return true;
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
		if (i == 0 && n > 1 && g->method != PT_USTACK_DWARF && g->user_sp_word && g->user_sp_word != g->ustack[1] &&
		    g->user_sp_word - g->ustack[1] + (1 << 20) < (2 << 20) && k < max)
			out[k++] = (struct uframe){ g->user_sp_word, 1,
						    (int64_t)(g->user_sp_word - g->ustack[1]) };
	}
	return k;
}

/* The kernel's (build id, file offset) record of a frame, NULL without one. */
static const struct pt_bid_frame *kernel_bid(const struct pt_ustack *g, const struct uframe *uf)
{
	const struct pt_bid_frame *f;

	if (uf->bid < 0 || g->ubid_sz <= 0 || uf->bid >= g->ubid_sz / (int)sizeof(*f))
		return NULL;
	f = &g->ubid[uf->bid];
	return f->status == 1 ? f : NULL;
}

/*
 * Offset @off of file @id: from the frame cache, or symbolized from the
 * file at @path and remembered. Sets what symcache__lookup() sets.
 */
static int cached_frame(struct symbolizer *s, const struct symcache_id *id, const char *path,
			uint64_t off, struct usym_loc *loc)
{
	int err;

	if (!symcache__lookup(s->frames, id, off, loc))
		return 0;
	err = symobj__resolve(s->objs, id, path, off, loc);
	if (err)
		return err;
	return symcache__store(s->frames, id, off, loc);
}

/*
 * The kernel records a build id for an address below a mapping (its
 * find_vma() returns the next mapping up), at a "file offset" that is
 * before that mapping's start: a garbage frame of a frame-pointer walk
 * through code built without frame pointers. It lay in no mapping.
 */
static bool kernel_gap(struct pidmaps_proc *view, uint64_t kip, const struct pt_bid_frame *kb)
{
	struct pidmaps_map up;

	return !pidmaps__above(view, kip, &up) && up.ino &&
	       kb->offset == up.pgoff + kip - up.start;
}

/*
 * A frame of a sender whose mappings are known (@view), as usym.h would
 * resolve it in the live process: the module is the mapped path, the
 * address the process's.
 *
 * Return: 0; -ENXIO when there is no file at all at the address (no
 * mapping, or an anonymous one: a JIT, a garbage frame), which libdwfl
 * resolves to nothing either; -EAGAIN when the view disagrees with the
 * kernel's record of the frame, or does not cover the address (stale: an
 * exec, a dlopen, a reused pid); another -errno when the frame is not in
 * a file that can be opened (the caller takes the libdwfl way).
 */
static int view_frame(struct symbolizer *s, struct pidmaps_proc *view, const struct pt_ustack *g,
		      const struct uframe *uf, bool ret_addr, struct usym_loc *loc)
{
	const struct pt_bid_frame *kb = kernel_bid(g, uf);
	uint64_t addr = ret_addr ? uf->ip - 1 : uf->ip;
	struct pidmaps_map m, km = { 0 };
	struct symcache_id file, id;
	uint8_t bid[SYMCACHE_BUILD_ID_LEN];
	int err;

	if (kb) {
		/* The kernel saw the walked address at this offset of a file. */
		uint64_t kip = g->ustack[uf->bid];

		if (pidmaps__find(view, kip, &km) || !km.ino ||
		    kip - km.start + km.pgoff != kb->offset)
			return kernel_gap(view, kip, kb) ? -ENXIO : -EAGAIN;
	}
	if (pidmaps__find(view, addr, &m))
		/* Beyond 57 bits nothing is ever mapped: no need to look again. */
		return addr >> 56 ? -ENXIO : -EAGAIN;
	if (m.anon)
		return -ENXIO;
	if (!m.path)
		return -ENOENT;
	err = pidmaps__file_id(view, &m, &file);
	if (err)
		return err;
	id = file;
	if (kb && km.dev == m.dev && km.ino == m.ino) {
		/* ... and that file must be the one mapped there now. */
		err = symobj__file_build_id(s->objs, &file, m.path, bid);
		if (err == -ENODATA ||
		    (!err && memcmp(bid, kb->build_id, SYMCACHE_BUILD_ID_LEN)))
			return -EAGAIN;
		if (err)
			return err;
		symcache__id_build_id(&id, kb->build_id);
	}
	memset(loc, 0, sizeof(*loc));
	err = cached_frame(s, &id, m.path, addr - m.start + m.pgoff, loc);
	if (err)
		return err;
	loc->addr = addr;
	snprintf(loc->module, sizeof(loc->module), "%s", m.path);
	return 0;
}

/* A frame of a sender already gone, from its build id and file offset. */
static int resolve_by_build_id(struct symbolizer *s, const struct pt_ustack *g,
			       const struct uframe *uf, bool ret_addr, struct usym_loc *loc)
{
	const struct pt_bid_frame *f = kernel_bid(g, uf);
	struct symcache_id id;
	const char *path;
	int err;

	if (!s->bids || !f)
		return -ENOENT;
	path = buildid__path(s->bids, f->build_id);
	if (!path)
		return -ENOENT;
	symcache__id_build_id(&id, f->build_id);
	memset(loc, 0, sizeof(*loc));
	err = cached_frame(s, &id, path, f->offset + uf->bid_adj - (ret_addr ? 1 : 0), loc);
	if (err)
		return err;
	loc->from_snapshot = true;
	snprintf(loc->module, sizeof(loc->module), "%s", path);
	return 0;
}

void symbolize__unwind(struct symbolizer *s, uint32_t pid, uint32_t tid,
		       const struct pt_dwarf_stack *d, size_t avail, struct pt_ustack *u)
{
	if (s->uw)
		unwind__stack(s->uw, (pid_t)pid, (pid_t)tid, d, avail, u);
}

void symbolize__ustack(struct symbolizer *s, struct xrec *r, uint32_t pid,
		       const struct pt_ustack *g)
{
	struct uframe uf[PT_USTACK_DEPTH];
	int i, k = 0, err, n = user_frames(g, uf, PT_USTACK_DEPTH);
	bool gone = false, missing = false, reloaded = false, full = false, cut = false;
	struct pidmaps_proc *view = NULL;
	uint64_t t0 = clock__mono_ns();

	/* No view: the sender is gone (or unreadable), as usym.h will find. */
	if (s->maps && pidmaps__get(s->maps, (pid_t)pid, &view))
		view = NULL;
	for (i = 0; i < n && k < PT_USTACK_DEPTH; i++) {
		struct usym_loc loc;
		/* Frames past the first are return addresses: the call is just before. */
		uint64_t addr = i ? uf[i].ip - 1 : uf[i].ip;

		/*
		 * A checked stack's frames were mapped to files at the
		 * signal: that file first (the sender may have replaced its
		 * memory since), the live view only for a file without a
		 * build id.
		 */
		err = -ENOENT;
		if (g->method != PT_USTACK_FP)
			err = resolve_by_build_id(s, g, &uf[i], i > 0, &loc);
		if (err)
			err = view ? view_frame(s, view, g, &uf[i], i > 0, &loc) : -ENOENT;
		/* Read the mappings again (once per stack at most), else libdwfl. */
		if (err == -EAGAIN && !reloaded) {
			reloaded = true;
			if (!pidmaps__reload(s->maps, view))
				err = view_frame(s, view, g, &uf[i], i > 0, &loc);
		}
		/* No file there: libdwfl finds nothing either, while the sender runs. */
		if (err == -ENXIO && !pidmaps__gone(view)) {
			err = -ENOENT;
		} else if (err) {
			err = (s->usym && !gone) ? usym__resolve(s->usym, pid, addr, &loc) : -ESRCH;
			/* -ENOENT is one address in anonymous or JIT memory; -ESRCH is the end. */
			if (err == -ESRCH && s->usym)
				gone = true;
			if (err == -ESRCH)
				err = resolve_by_build_id(s, g, &uf[i], i > 0, &loc);
		}
		if (!err) {
			int ab = abort_frame(&loc);
			const char *fn, *file;
			int line;

			cut |= loc.inl_cut;
			if (!put_frame(r, &k, &loc))
				full = true;
			/* assert() calls abort(): the assert is what the code did. */
			if (ab > r->aborted && !r->sender_fn[0])
				r->aborted = ab;
			note_sender_code(r, &loc);
			innermost(&loc, &fn, &file, &line);
			if (i == 0 && (g->flags & PT_USTACK_FAULT) && loc.func[0]) {
				if (file[0] && line > 0)
					snprintf(r->fault_at, sizeof(r->fault_at), "%.120s() at %.100s:%d",
						 fn, usym__src_name(file), line);
				else
					snprintf(r->fault_at, sizeof(r->fault_at), "%.120s() in %.100s",
						 fn, base_name(loc.module));
			}
			continue;
		}
		if (gone)
			missing = true;
		snprintf(r->ustack[k], sizeof(r->ustack[k]), "0x%llx",
			 (unsigned long long)uf[i].ip);
		k++;
	}
	/* Inlined frames filled the slots: the outer frames are left out. */
	if (i < n)
		full = true;
	r->nu = k;
	r->stack_method = unwind__method_name(g->method);
	r->stack_truncated = (g->flags & PT_USTACK_TRUNCATED) || full;
	if (full)
		xrecs__add_unknown(r, "user stack: %s",
				  "with its inlined functions it has more frames than the "
				  "24 kept: the outermost are left out");
	if (cut)
		xrecs__add_unknown(r, "user stack: %s",
				  "code inlined more than 8 deep: the outer inlined functions "
				  "of a frame are left out");
	if (missing)
		xrecs__add_unknown(r, "user stack: %s",
			    "sender exited before symbolization, and some of its files could not "
			    "be found by build id");
	s->stacks++;
	s->stack_ns += clock__mono_ns() - t0;
}
