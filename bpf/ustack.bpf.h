/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ustack.bpf.h - what user space needs to unwind a task's user stack with
 * its CFI (.eh_frame/.debug_frame), the way perf --call-graph dwarf does:
 * the user registers, a copy of the top of the stack, and the main
 * executable's text mapping with its GNU build id, all as they were at
 * the signal (the libraries' come from the build-id stack). The frame-pointer walk the kernel does (bpf_get_stack) is wrong
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
#define NT_GNU_BUILD_ID 3

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
 * The mappings of the libraries are not walked here: the kernel's walk of
 * them (the VMA iterator) refuses to run with interrupts off, which they
 * are at signal_generate, and bpf_find_vma() gets one lookup per program
 * run. The build-id stack (bpf_get_stack) names the file and offset of
 * each frame-pointer frame, the first of which is the C library's; user
 * space derives those mappings from it.
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
