/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ustack.bpf.h - what user space needs to unwind a task's user stack with
 * its CFI (.eh_frame/.debug_frame), the way perf --call-graph dwarf does:
 * the user registers, a copy of the top of the stack, the main
 * executable's text mapping and every library the dynamic linker loaded,
 * each with its GNU build id, all as they were at the signal. The frame-pointer walk the kernel does (bpf_get_stack) is wrong
 * for code built without frame pointers, which is most distribution code.
 *
 * The mappings are recorded because the task may be gone, or have exec'd,
 * or replaced its own memory (CRIU's restorer) by the time user space
 * reads the record. The executable's build id is read from its ELF header
 * mapped in the task's memory (program headers, notes), once per file:
 * the result is kept in an LRU map keyed by the file's identity.
 *
 * Included by pidtrace.bpf.c (not the watchdog's light skeleton, which
 * cannot call kfuncs).
 */
#ifndef PT_USTACK_BPF_H
#define PT_USTACK_BPF_H


#define AT_PHDR 3

/* A file as the build-id cache knows it: replaced or changed, it is another. */
struct bid_key {
	u64 ino;
	u64 ctime_sec;
	u32 dev;
	u32 ctime_nsec;
};

struct bid_val {
	s32 status; /* 1: id is valid, 0: the file has none we could read */
	u8 id[20];
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1024);
	__type(key, struct bid_key);
	__type(value, struct bid_val);
} build_ids SEC(".maps");

/* ELF64 as much as the build-id search needs. */
struct elf_ehdr {
	u8 ident[16];
	u16 type, machine;
	u32 version;
	u64 entry, phoff, shoff;
	u32 flags;
	u16 ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf_phdr {
	u32 type, flags;
	u64 offset, vaddr, paddr, filesz, memsz, align;
};

#define PT_NOTE_TYPE 4
#define PT_DYNAMIC_TYPE 2
#define PT_PHDR_TYPE 6
#define DT_DEBUG 21
#define NT_GNU_BUILD_ID 3
#define PT_LINK_MAPS 24 /* libraries looked at, the main program's entry included */

/* glibc's struct r_debug and struct link_map, as much as is read. */
struct r_debug_head {
	s32 version;
	u32 pad;
	u64 r_map;
};

struct link_map_head {
	u64 l_addr; /* load bias */
	u64 l_name;
	u64 l_ld;
	u64 l_next;
	u64 l_prev;
};

/* A library's build id, by where it is loaded in which address space. */
struct lib_key {
	u64 mm;
	u64 l_addr;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, struct lib_key);
	__type(value, struct bid_val);
} lib_ids SEC(".maps");

/*
 * The GNU build id of the ELF file whose offset 0 is mapped at @base in
 * the current task, read from its notes. The notes live in the first
 * page(s) of every linker-made file, mapped read-only at @base. A global
 * function: the verifier checks it once, not once per mapping.
 */
__noinline int elf_build_id(u64 base, struct bid_val *out)
{
	struct elf_ehdr eh;
	int i;

	if (!out)
		return -1;

	if (bpf_probe_read_user(&eh, sizeof(eh), (void *)base))
		return -1;
	if (eh.ident[0] != 0x7f || eh.ident[1] != 'E' || eh.ident[2] != 'L' ||
	    eh.ident[3] != 'F' || eh.ident[4] != 2 /* ELFCLASS64 */ ||
	    eh.phentsize != sizeof(struct elf_phdr))
		return -1;
	for (i = 0; i < 16 && i < eh.phnum; i++) {
		struct elf_phdr ph;
		u64 at, end;
		int k;

		if (bpf_probe_read_user(&ph, sizeof(ph),
					(void *)(base + eh.phoff + i * sizeof(ph))))
			return -1;
		if (ph.type != PT_NOTE_TYPE)
			continue;
		at = base + ph.offset;
		end = at + ph.filesz;
		for (k = 0; k < 4 && at + 12 <= end; k++) {
			struct {
				u32 namesz, descsz, type;
				char name[4];
			} n;

			if (bpf_probe_read_user(&n, sizeof(n), (void *)at))
				break;
			if (n.type == NT_GNU_BUILD_ID && n.namesz == 4 && n.name[0] == 'G' &&
			    n.name[1] == 'N' && n.name[2] == 'U' && n.name[3] == 0) {
				u32 len = n.descsz > 20 ? 20 : n.descsz;

				__builtin_memset(out->id, 0, sizeof(out->id));
				if (bpf_probe_read_user(out->id, len & 31, (void *)(at + 16)))
					return -1;
				out->status = 1;
				return 0;
			}
			at += 12 + ((n.namesz + 3) & ~3u) + ((n.descsz + 3) & ~3u);
		}
	}
	return -1;
}

/*
 * The address of the dynamic linker's struct r_debug in the task whose
 * executable's ELF header is at @base: DT_DEBUG of its dynamic section,
 * which ld.so fills in at start. 0 for a static executable, or not yet.
 * A global function: verified once.
 */
__noinline u64 dyn_r_debug(u64 base)
{
	u64 bias = 0, dyn = 0, dyn_sz = 0;
	struct elf_ehdr eh;
	int i;

	if (!base || bpf_probe_read_user(&eh, sizeof(eh), (void *)base) || eh.ident[0] != 0x7f ||
	    eh.phentsize != sizeof(struct elf_phdr))
		return 0;
	bias = base; /* a PIE's first segment is at 0; PT_PHDR says for sure */
	for (i = 0; i < 16 && i < eh.phnum; i++) {
		struct elf_phdr ph;

		if (bpf_probe_read_user(&ph, sizeof(ph),
					(void *)(base + eh.phoff + i * sizeof(ph))))
			return 0;
		if (ph.type == PT_PHDR_TYPE)
			bias = base + eh.phoff - ph.vaddr;
		else if (ph.type == PT_DYNAMIC_TYPE) {
			dyn = ph.vaddr;
			dyn_sz = ph.memsz;
		}
	}
	if (!dyn)
		return 0;
	for (i = 0; i < 64 && (u64)i * 16 < dyn_sz; i++) {
		u64 e[2];

		if (bpf_probe_read_user(e, sizeof(e), (void *)(bias + dyn + i * 16)))
			return 0;
		if (e[0] == 0)
			return 0;
		if (e[0] == DT_DEBUG)
			return e[1];
	}
	return 0;
}

/*
 * Where r_debug is, by address space and executable base: ld.so sets it
 * once at start, and finding it reads the program headers and the dynamic
 * section (~40 reads of user memory, a few microseconds): once per process.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, struct lib_key);
	__type(value, u64);
} r_debugs SEC(".maps");

static __always_inline u64 cached_r_debug(struct mm_struct *mm, u64 base)
{
	struct lib_key key = { .mm = (u64)mm, .l_addr = base };
	u64 *c = bpf_map_lookup_elem(&r_debugs, &key), at;

	if (c)
		return *c;
	at = dyn_r_debug(base);
	/* Not set yet (ld.so still starting): look again next time. */
	if (at)
		bpf_map_update_elem(&r_debugs, &key, &at, BPF_ANY);
	return at;
}

/*
 * Every library the dynamic linker loaded, from its list of them in the
 * task's memory (r_debug.r_map): where each is loaded and its build id.
 * No mmap lock is taken, so this works where the kernel's walks of the
 * mappings are refused or already used up (another BPF program's
 * build-id stack on the same signal).
 */
static __always_inline void fill_libs(struct pt_dwarf_stack *d, struct mm_struct *mm,
				      u64 r_debug)
{
	struct r_debug_head rd;
	struct link_map_head lm;
	u64 at;
	int k;

	if (!r_debug || bpf_probe_read_user(&rd, sizeof(rd), (void *)r_debug))
		return;
	at = rd.r_map;
	for (k = 0; k < PT_LINK_MAPS && at; k++) {
		struct lib_key key = { .mm = (u64)mm };
		struct bid_val v = {}, *c;
		u32 n = d->nr_maps;
		int i;

		if (bpf_probe_read_user(&lm, sizeof(lm), (void *)at))
			return;
		at = lm.l_next;
		/* The main program's entry (k == 0) is maps[0] already. */
		if (!k || !lm.l_addr)
			continue;
		if (n >= PT_UMAPS)
			return;
		key.l_addr = lm.l_addr;
		c = bpf_map_lookup_elem(&lib_ids, &key);
		if (c) {
			v = *c;
		} else {
			if (elf_build_id(lm.l_addr, &v))
				v.status = 0;
			bpf_map_update_elem(&lib_ids, &key, &v, BPF_ANY);
		}
		if (v.status != 1)
			continue;
		d->maps[n].start = lm.l_addr;
		d->maps[n].end = 0;
		d->maps[n].pgoff = 0;
		d->maps[n].ino = 0;
		d->maps[n].dev = 0;
		d->maps[n].bid_status = 1;
		d->maps[n].pad = 0;
		for (i = 0; i < 20; i++)
			d->maps[n].build_id[i] = v.id[i];
		d->nr_maps = n + 1;
	}
}

static __always_inline void umap_build_id(struct pt_umap *m, struct file *file)
{
	struct inode *ino = BPF_CORE_READ(file, f_inode);
	struct bid_key k = {};
	struct bid_val v = {}, *c;
	int i;

	k.ino = BPF_CORE_READ(ino, i_ino);
	k.dev = BPF_CORE_READ(ino, i_sb, s_dev);
	k.ctime_sec = BPF_CORE_READ(ino, i_ctime_sec);
	k.ctime_nsec = BPF_CORE_READ(ino, i_ctime_nsec);
	m->ino = k.ino;
	m->dev = k.dev;
	c = bpf_map_lookup_elem(&build_ids, &k);
	if (c) {
		v = *c;
	} else {
		/* Not cached: read it, and remember a failure as well. */
		if (elf_build_id(m->start - m->pgoff, &v))
			v.status = 0;
		bpf_map_update_elem(&build_ids, &k, &v, BPF_ANY);
	}
	m->bid_status = v.status;
	for (i = 0; i < 20; i++)
		m->build_id[i] = v.id[i];
}

/*
 * Where the main executable's ELF header is mapped: the auxiliary vector
 * the kernel saved at exec has the address of its program headers.
 */
static __noinline u64 exe_base(struct mm_struct *mm)
{
	u64 v[16], phdr = 0;
	int c, i;

	/* Eight pairs a read: AT_PHDR is among the first few the kernel writes. */
	for (c = 0; c < 3 && !phdr; c++) {
		if (bpf_probe_read_kernel(v, sizeof(v), (void *)&mm->saved_auxv[c * 16]))
			return 0;
		for (i = 0; i < 16; i += 2) {
			if (v[i] == 0)
				return 0;
			if (v[i] == AT_PHDR) {
				phdr = v[i + 1];
				break;
			}
		}
	}
	/* Linkers put the program headers right after the 64-byte ELF header. */
	return phdr >= 64 ? phdr - 64 : 0;
}

/*
 * Fill @d from @task (current, in a syscall or an exception): its user
 * registers, the main executable's text mapping with its build id, the
 * fault's address for a fault at @fault_addr (@is_fault), and @cap bytes
 * (at most) of its stack from the stack pointer up.
 *
 * The kernel's walks of the mappings are not used: the VMA iterator
 * refuses to run with interrupts off, which they are at signal_generate,
 * and bpf_find_vma() (like the build-id stack) gets one mmap-lock use per
 * signal across every BPF program on it: a second tracer starves it. The
 * libraries come from the dynamic linker's own list in the task's memory
 * (fill_libs()); the build-id stack's frames add any file it names.
 * Return: the bytes of stack copied.
 */
static __always_inline u32 fill_dwarf(struct pt_dwarf_stack *d, struct task_struct *task,
				      bool is_fault, u64 fault_addr, u32 cap)
{
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(task);
	struct mm_struct *mm = BPF_CORE_READ(task, mm);
	u64 sp, base, top;
	u32 len;

	d->nr_maps = 0;
	d->stack_len = 0;
	d->stack_err = 0;
	d->fault_addr = fault_addr;
	d->fault_vm_start = d->fault_vm_end = d->fault_vm_flags = 0;
	d->stack_vm_end = 0;
	d->flags = is_fault ? PT_DW_FAULT : 0;
	if (!regs || !mm) {
		d->flags = PT_DW_NO_REGS;
		return 0;
	}
	d->regs[0] = BPF_CORE_READ(regs, ax);
	d->regs[1] = BPF_CORE_READ(regs, dx);
	d->regs[2] = BPF_CORE_READ(regs, cx);
	d->regs[3] = BPF_CORE_READ(regs, bx);
	d->regs[4] = BPF_CORE_READ(regs, si);
	d->regs[5] = BPF_CORE_READ(regs, di);
	d->regs[6] = BPF_CORE_READ(regs, bp);
	d->regs[7] = BPF_CORE_READ(regs, sp);
	d->regs[8] = BPF_CORE_READ(regs, r8);
	d->regs[9] = BPF_CORE_READ(regs, r9);
	d->regs[10] = BPF_CORE_READ(regs, r10);
	d->regs[11] = BPF_CORE_READ(regs, r11);
	d->regs[12] = BPF_CORE_READ(regs, r12);
	d->regs[13] = BPF_CORE_READ(regs, r13);
	d->regs[14] = BPF_CORE_READ(regs, r14);
	d->regs[15] = BPF_CORE_READ(regs, r15);
	d->regs[16] = BPF_CORE_READ(regs, ip);
	sp = d->regs[7];

	/* The main executable: its text as exec mapped it. */
	base = exe_base(mm);
	d->maps[0].start = BPF_CORE_READ(mm, start_code);
	d->maps[0].end = BPF_CORE_READ(mm, end_code);
	if (base && d->maps[0].start >= base && d->maps[0].end > d->maps[0].start &&
	    BPF_CORE_READ(mm, exe_file)) {
		d->maps[0].pgoff = d->maps[0].start - base;
		d->maps[0].pad = 0;
		umap_build_id(&d->maps[0], BPF_CORE_READ(mm, exe_file));
		d->nr_maps = 1;
	}
	fill_libs(d, mm, cached_r_debug(mm, base));

	/*
	 * The main thread's stack ends a little above start_stack (the
	 * argument and environment strings); a thread's stack has its
	 * thread control block above it. A copy that crosses the end fails
	 * as a whole: try the whole size, then less.
	 */
	top = BPF_CORE_READ(mm, start_stack);
	len = cap;
	if (top > sp && top - sp + 8 < cap)
		len = top - sp + 8;
	len = *(volatile u32 *)&len; /* one bound check, where the verifier sees it */
	if (len > cap || len > PT_STACK_BYTES_MAX || len < 8)
		return 0;
	d->stack_err = bpf_probe_read_user(d->stack, len, (void *)sp);
	if (d->stack_err) {
		len = len / 2;
		d->stack_err = bpf_probe_read_user(d->stack, len, (void *)sp);
	}
	if (d->stack_err) {
		len = len / 2;
		d->stack_err = bpf_probe_read_user(d->stack, len, (void *)sp);
	}
	if (d->stack_err)
		return 0;
	d->stack_len = len;
	return len;
}

#endif
