// SPDX-License-Identifier: GPL-2.0
/*
 * unwind.c - CFI unwinding of a recorded user stack with libdwfl (see
 * unwind.h).
 *
 * One Dwfl per set of mappings (a sender's executable mappings as
 * recorded), kept in a small LRU: a storm of kills from one process, or
 * from many processes of one binary mapped at the same addresses, opens
 * the files once. libdwfl attaches a process state to a Dwfl only once,
 * so the attached callbacks read the stack and registers of the record
 * being unwound through the unwinder (uw->cur).
 */
#include <dwarf.h>
#include <elfutils/libdwfl.h>
#include <gelf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "buildid.h"
#include "log.h"
#include "unwind.h"
#include "unwind_maps.h"

#define UNWIND_DWFLS 8

struct uw_dwfl {
	Dwfl *dwfl;
	uint64_t key;
	uint64_t last_use;
	bool attached;
};

struct unwinder {
	struct buildid_cache *bids;
	struct uw_dwfl slots[UNWIND_DWFLS];
	uint64_t tick;
	/* The record being unwound, for the libdwfl callbacks. */
	const struct pt_dwarf_stack *cur;
	uint32_t cur_len;
	pid_t cur_tid;
};

/* What the frame callback collects. */
struct uw_walk {
	Dwfl *dwfl;
	uint64_t pc[PT_USTACK_DEPTH];
	int n;
	bool prev_cfi;	 /* the last frame kept was unwound from with CFI */
	Dwarf_Addr last; /* its pc (of the call, for a return address) */
	bool stopped;	 /* we ended the walk: what follows is unproven */
};

struct unwinder *unwind__new(struct buildid_cache *bids)
{
	struct unwinder *uw = calloc(1, sizeof(*uw));

	if (uw)
		uw->bids = bids;
	return uw;
}

void unwind__free(struct unwinder *uw)
{
	int i;

	if (!uw)
		return;
	for (i = 0; i < UNWIND_DWFLS; i++)
		if (uw->slots[i].dwfl)
			dwfl_end(uw->slots[i].dwfl);
	free(uw);
}

const char *unwind__method_name(uint32_t method)
{
	switch (method) {
	case PT_USTACK_DWARF:
		return "dwarf";
	case PT_USTACK_FP_CHECKED:
		return "fp-checked";
	default:
		return "fp";
	}
}

uint32_t unwind__fit_stack_bytes(uint32_t want, size_t ring_bytes)
{
	size_t room = ring_bytes / 8;

	if (room <= sizeof(struct pt_signal_dwarf_event) + 512)
		return 0;
	room = (room - sizeof(struct pt_signal_dwarf_event)) & ~(size_t)7;
	return want < room ? want : (uint32_t)room;
}

int unwind__parse_stack_bytes(const char *arg, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || *end || end == arg || arg[0] == '-' || arg[0] == '+' || v < 0 ||
	    v > PT_STACK_BYTES_MAX || v % 8) {
		pr_err("--stack-bytes: '%s' is not a multiple of 8 from 0 to %d", arg,
		       PT_STACK_BYTES_MAX);
		return -EINVAL;
	}
	*out = (int)v;
	return 0;
}

static pid_t cb_next_thread(Dwfl *dwfl, void *arg, void **thread_argp)
{
	struct unwinder *uw = arg;

	if (*thread_argp)
		return 0;
	*thread_argp = uw;
	return uw->cur_tid;
}

static bool cb_get_thread(Dwfl *dwfl, pid_t tid, void *arg, void **thread_argp)
{
	*thread_argp = arg;
	return true;
}

/* Only the stack copy: anything else was not recorded and is not guessed. */
static bool cb_memory_read(Dwfl *dwfl, Dwarf_Addr addr, Dwarf_Word *result, void *arg)
{
	struct unwinder *uw = arg;
	uint64_t sp = uw->cur->regs[PT_UREG_SP];

	if (addr < sp || addr - sp > uw->cur_len || uw->cur_len - (addr - sp) < sizeof(*result))
		return false;
	memcpy(result, uw->cur->stack + (addr - sp), sizeof(*result));
	return true;
}

static bool cb_set_initial_registers(Dwfl_Thread *thread, void *arg)
{
	struct unwinder *uw = arg;
	Dwarf_Word regs[PT_UREG_IP];
	int i;

	for (i = 0; i < PT_UREG_IP; i++)
		regs[i] = uw->cur->regs[i];
	if (!dwfl_thread_state_registers(thread, 0, PT_UREG_IP, regs))
		return false;
	dwfl_thread_state_register_pc(thread, uw->cur->regs[PT_UREG_IP]);
	return true;
}

static const Dwfl_Thread_Callbacks thread_cbs = {
	.next_thread = cb_next_thread,
	.get_thread = cb_get_thread,
	.memory_read = cb_memory_read,
	.set_initial_registers = cb_set_initial_registers,
};

/*
 * The module and executable segment @pc is in: "code of a file". A
 * frame-pointer walk through code without frame pointers reads data as
 * return addresses: text, or pointers into a library's read-only data.
 * Return: the module, @off set to the file offset of @pc; NULL if none.
 */
static Dwfl_Module *code_at(Dwfl *dwfl, uint64_t pc, uint64_t *off)
{
	Dwfl_Module *mod = dwfl_addrmodule(dwfl, pc);
	GElf_Addr bias;
	size_t i, nph;
	Elf *elf;

	if (!mod)
		return NULL;
	elf = dwfl_module_getelf(mod, &bias);
	if (!elf || elf_getphdrnum(elf, &nph))
		return NULL;
	for (i = 0; i < nph; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(elf, i, &ph) || ph.p_type != PT_LOAD || !(ph.p_flags & PF_X))
			continue;
		if (pc >= bias + ph.p_vaddr && pc < bias + ph.p_vaddr + ph.p_filesz) {
			*off = pc - bias - ph.p_vaddr + ph.p_offset;
			return mod;
		}
	}
	return NULL;
}

/* The Dwfl for @d's mappings, attached: cached, or made. */
static Dwfl *get_dwfl(struct unwinder *uw, pid_t pid, const struct uw_maps *d)
{
	uint64_t key = unwind_maps__key(d);
	struct uw_dwfl *slot = NULL;
	int i;

	for (i = 0; i < UNWIND_DWFLS; i++) {
		if (uw->slots[i].dwfl && uw->slots[i].key == key) {
			uw->slots[i].last_use = ++uw->tick;
			return uw->slots[i].dwfl;
		}
	}
	for (i = 0; i < UNWIND_DWFLS; i++)
		if (!slot || !uw->slots[i].dwfl ||
		    (slot->dwfl && uw->slots[i].last_use < slot->last_use))
			slot = &uw->slots[i];
	if (slot->dwfl)
		dwfl_end(slot->dwfl);
	memset(slot, 0, sizeof(*slot));
	slot->dwfl = unwind_maps__report(uw->bids, pid, d);
	if (!slot->dwfl)
		return NULL;
	if (!dwfl_attach_state(slot->dwfl, NULL, pid, &thread_cbs, uw)) {
		pr_debug("pid %d: unwind: %s", pid, dwfl_errmsg(-1));
		dwfl_end(slot->dwfl);
		slot->dwfl = NULL;
		return NULL;
	}
	slot->key = key;
	slot->last_use = ++uw->tick;
	return slot->dwfl;
}

/* Is there CFI for @pc (the address of the call for a return address)? */
static bool has_cfi(Dwfl *dwfl, Dwarf_Addr pc)
{
	Dwfl_Module *mod = dwfl_addrmodule(dwfl, pc);
	Dwarf_CFI *cfi;
	Dwarf_Frame *frame;
	Dwarf_Addr bias;
	int k;

	if (!mod)
		return false;
	for (k = 0; k < 2; k++) {
		cfi = k ? dwfl_module_dwarf_cfi(mod, &bias) : dwfl_module_eh_cfi(mod, &bias);
		if (cfi && !dwarf_cfi_addrframe(cfi, pc - bias, &frame)) {
			free(frame);
			return true;
		}
	}
	return false;
}

/*
 * Does the CFI at @pc say this is the outermost frame (the return address
 * undefined, as _start and a thread's first function say)? libdwfl also
 * ends a walk cleanly at a return address of 0, which a wrong frame
 * reads as easily as any other word: that end proves nothing.
 */
static bool outermost(Dwfl *dwfl, Dwarf_Addr pc)
{
	Dwfl_Module *mod = dwfl_addrmodule(dwfl, pc);
	Dwarf_Op ops_mem[3], *ops;
	Dwarf_Frame *frame;
	Dwarf_CFI *cfi;
	Dwarf_Addr bias;
	size_t nops;
	bool undef;
	int k;

	if (!mod)
		return false;
	for (k = 0; k < 2; k++) {
		cfi = k ? dwfl_module_dwarf_cfi(mod, &bias) : dwfl_module_eh_cfi(mod, &bias);
		if (!cfi || dwarf_cfi_addrframe(cfi, pc - bias, &frame))
			continue;
		/* "undefined" is no ops at ops_mem; no ops at NULL is "same value". */
		undef = !dwarf_frame_register(frame, PT_UREG_IP, ops_mem, &ops, &nops) &&
			nops == 0 && ops == ops_mem;
		free(frame);
		return undef;
	}
	return false;
}

static int frame_cb(Dwfl_Frame *state, void *arg)
{
	struct uw_walk *w = arg;
	Dwarf_Addr pc;
	uint64_t off;
	bool act;

	if (!dwfl_frame_pc(state, &pc, &act))
		return DWARF_CB_ABORT;
	/*
	 * A frame is proven when the one below was unwound with its CFI (the
	 * first is the registers themselves) and it is code of a file.
	 */
	if ((w->n && !w->prev_cfi) || !code_at(w->dwfl, act ? pc : pc - 1, &off) ||
	    w->n == PT_USTACK_DEPTH) {
		w->stopped = true;
		return DWARF_CB_ABORT;
	}
	w->pc[w->n++] = pc;
	w->last = act ? pc : pc - 1;
	w->prev_cfi = has_cfi(w->dwfl, w->last);
	return DWARF_CB_OK;
}

/* Frame @i of @u: @pc, and the build id and file offset of its file. */
static void set_frame(Dwfl *dwfl, struct pt_ustack *u, int i, uint64_t pc)
{
	const unsigned char *bits;
	Dwfl_Module *mod = NULL;
	GElf_Addr vaddr;
	uint64_t off = 0;
	int len = 0;

	u->ustack[i] = pc;
	memset(&u->ubid[i], 0, sizeof(u->ubid[i]));
	if (dwfl)
		mod = code_at(dwfl, i ? pc - 1 : pc, &off);
	if (mod)
		len = dwfl_module_build_id(mod, &bits, &vaddr);
	if (len > 0) {
		u->ubid[i].status = 1;
		memcpy(u->ubid[i].build_id, bits, len > 20 ? 20 : len);
		u->ubid[i].offset = off + (i ? 1 : 0);
	} else {
		u->ubid[i].status = 2;
		u->ubid[i].offset = pc;
	}
}

/*
 * The kernel's frame-pointer walk, cut at its first frame that is not
 * code of a file (@dwfl knows the files: without it, nothing is proven).
 * The first frame is the saved instruction pointer itself, never a guess.
 */
static int fp_checked(Dwfl *dwfl, struct pt_ustack *u)
{
	int i, n = u->ustack_sz > 0 ? u->ustack_sz / 8 : 0;
	uint64_t off;

	if (n > PT_USTACK_DEPTH)
		n = PT_USTACK_DEPTH;
	for (i = 0; i < n && u->ustack[i]; i++)
		if (i && (!dwfl || !code_at(dwfl, u->ustack[i] - 1, &off)))
			break;
	/*
	 * Complete only when the last frame's CFI says it is the outermost:
	 * a walk that was cut, or that ran out of frame pointers, may have
	 * more frames above.
	 */
	if (!i || !dwfl || !outermost(dwfl, i > 1 ? u->ustack[i - 1] - 1 : u->ustack[0]))
		u->flags |= PT_USTACK_TRUNCATED;
	if (u->user_sp_word && (!dwfl || !code_at(dwfl, u->user_sp_word - 1, &off)))
		u->user_sp_word = 0;
	u->ustack_sz = i * 8;
	if (u->ubid_sz > i * (int)sizeof(u->ubid[0]))
		u->ubid_sz = i * (int)sizeof(u->ubid[0]);
	u->method = PT_USTACK_FP_CHECKED;
	return i;
}

int unwind__stack(struct unwinder *uw, pid_t pid, pid_t tid, const struct pt_dwarf_stack *d,
		  size_t avail, struct pt_ustack *u)
{
	struct uw_walk w = {0};
	struct pt_ustack alt = {.method = PT_USTACK_FP};
	struct uw_maps *ms;
	bool complete;
	int ret, i;

	if (avail < sizeof(*d) || (d->flags & PT_DW_NO_REGS))
		return -EINVAL;
	pr_debug("pid %d: unwind: %u mappings, %u bytes of stack (error %d), pc %llx sp %llx", pid,
		 d->nr_maps, d->stack_len, d->stack_err, (unsigned long long)d->regs[PT_UREG_IP],
		 (unsigned long long)d->regs[PT_UREG_SP]);
	ms = malloc(sizeof(*ms));
	if (!ms)
		return -ENOMEM;
	unwind_maps__collect(d, u, ms);
	pr_debug(
		"pid %d: unwind: %u files (fp walk: %d frames, %d with build ids, first status %d)",
		pid, ms->n, u->ustack_sz / 8, u->ubid_sz / (int)sizeof(u->ubid[0]),
		u->ubid_sz > 0 ? u->ubid[0].status : -1);
	w.dwfl = get_dwfl(uw, pid, ms);
	free(ms);
	if (w.dwfl && d->stack_len <= avail - sizeof(*d)) {
		uw->cur = d;
		uw->cur_len = d->stack_len;
		uw->cur_tid = tid;
		ret = dwfl_getthread_frames(w.dwfl, tid, frame_cb, &w);
		if (ret < 0)
			pr_debug("pid %d: unwind stopped after %d frames: %s", pid, w.n,
				 dwfl_errmsg(-1));
		uw->cur = NULL;
		/*
		 * A walk ends cleanly at the outermost frame (_start, a
		 * thread's start: their CFI says so), or when libdwfl's
		 * guess for a frame without CFI found nothing: that end
		 * proves nothing.
		 */
		complete = ret == 0 && !w.stopped && w.n && outermost(w.dwfl, w.last);
		pr_debug("pid %d: unwind: %d frames, ret %d, stopped %d, last with CFI %d", pid,
			 w.n, ret, w.stopped, w.prev_cfi);
		/*
		 * Not the CFI's way when it proved fewer frames than the
		 * frame pointers give (a file that could not be found), unless
		 * it reached the outermost frame: the fp walk, checked, then.
		 */
		alt = *u;
		if (w.n && (complete || w.n >= fp_checked(w.dwfl, &alt))) {
			for (i = 0; i < w.n; i++)
				set_frame(w.dwfl, u, i, w.pc[i]);
			u->ustack_sz = w.n * 8;
			u->ubid_sz = w.n * (int)sizeof(u->ubid[0]);
			u->user_sp_word = 0;
			u->method = PT_USTACK_DWARF;
			u->flags =
				(u->flags & PT_USTACK_FAULT) | (complete ? 0 : PT_USTACK_TRUNCATED);
			return 0;
		}
	}
	if (w.dwfl && alt.method == PT_USTACK_FP_CHECKED) {
		*u = alt;
		return 0;
	}
	fp_checked(w.dwfl, u);
	return 0;
}
