/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * pidtrace.h - the event ABI between the BPF programs and user space.
 *
 * Both sides include this file. Every record starts with struct pt_hdr and
 * uses fixed-width types with explicit padding, so the layout is the same
 * for clang -target bpf and for the host compiler. Changing a record is an
 * ABI change: bump PT_ABI_VERSION and keep the _Static_asserts at the end
 * of this file in step. Both compilers check them (clang -target bpf for
 * the programs, the host compiler for user space), so a layout the two
 * sides would read differently does not build. Version 2: signal records
 * carry the registers and stack copy for CFI unwinding (pt_dwarf_stack).
 */
#ifndef PIDTRACE_H
#define PIDTRACE_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;
typedef __s32 s32;
typedef __s64 s64;
#endif

#define PT_ABI_VERSION 2
#define PT_COMM_LEN 16
#define PT_KSTACK_DEPTH 24
#define PT_USTACK_DEPTH 24
#define PT_MAX_SIG 64
#define PT_CG_DEPTH 6     /* cgroup path components kept by an OOM record */
#define PT_CG_NAME_LEN 48

enum pt_event_type {
	PT_EV_SIGNAL = 1, /* signal_generate: a signal was generated */
	PT_EV_EXIT = 2,	  /* sched_process_exit: a task died (see flags) */
	PT_EV_OOM = 3,	  /* oom/mark_victim: the OOM killer chose a task */
	PT_EV_FORK = 4,	  /* sched_process_fork of a tracked task */
	PT_EV_PIDFD = 5,  /* pidfd_open() or clone(CLONE_PIDFD) on a tracked task */
	PT_EV_EXEC = 6,	  /* sched_process_exec of a tracked task */
	PT_EV_REAP = 7,	  /* a tracked task's wait4()/waitid() returned a child */
	PT_EV_MARK = 8,	  /* user space asked for it: everything before is read */
};

/* How the siginfo argument of signal_generate looked. */
enum pt_info_kind {
	PT_INFO_NOINFO = 0, /* SEND_SIG_NOINFO: kernel sent it as if SI_USER */
	PT_INFO_PRIV = 1,   /* SEND_SIG_PRIV: kernel sent it as SI_KERNEL */
	PT_INFO_REAL = 2,   /* a real kernel_siginfo: si_code and sender are in it */
};

/*
 * Hints the BPF side derives from kernel structures at generation time.
 * User space turns them, together with the kernel stack, into a cause class.
 */
enum pt_gen_hint {
	PT_HINT_SENDER_EXITING = 1 << 0,  /* current has PF_EXITING set */
	PT_HINT_PDEATH_MATCH = 1 << 1,	  /* victim->pdeath_signal == sig */
	PT_HINT_SENDER_IS_REAPER = 1 << 2, /* current is the victim's pidns init */
	PT_HINT_SELF = 1 << 3,		  /* sender thread group == victim's */
	PT_HINT_VICTIM_BLOCKED = 1 << 4,  /* sig is in the victim's blocked mask */
	PT_HINT_HANDLER_IGN = 1 << 5,	  /* victim's handler is SIG_IGN */
	PT_HINT_HANDLER_SET = 1 << 6,	  /* victim has a handler function */
	PT_HINT_EXITKILL = 1 << 7,	  /* victim is ptraced with PT_EXITKILL */
	PT_HINT_IN_SYSCALL = 1 << 8,	  /* sender was inside a recorded syscall */
	PT_HINT_GROUP_EXITING = 1 << 9,	  /* victim group already exiting */
};

/* Flags of a PT_EV_EXIT record. */
enum pt_exit_flag {
	PT_EXIT_GROUP_DEAD = 1 << 0,   /* last thread of the thread group */
	PT_EXIT_GROUP_EXIT = 1 << 1,   /* SIGNAL_GROUP_EXIT was set */
	PT_EXIT_EXEC_ZAP = 1 << 2,     /* killed by a sibling's execve (de_thread) */
	PT_EXIT_ZAPPED = 1 << 3,       /* took the group-exit SIGKILL (signal_deliver) */
	PT_EXIT_SECCOMP_DEAD = 1 << 4, /* seccomp mode was SECCOMP_MODE_DEAD */
	PT_EXIT_OOM_VICTIM = 1 << 5,   /* task was marked as an OOM victim */
	PT_EXIT_TRACKED = 1 << 6,      /* task was in the pid filter set */
	PT_EXIT_INITIATOR = 1 << 7,    /* this thread started the group exit */
	PT_EXIT_SIBLING_EXIT = 1 << 8, /* killed by a sibling's exit_group() */
};

/*
 * A cgroup's path read in the kernel at event time, leaf first. Cgroups are
 * often removed right after their tasks die, before user space could look
 * an id up, so the names travel with the event.
 */
struct pt_cgpath {
	u32 depth; /* components; more than PT_CG_DEPTH means truncated */
	u32 pad;
	char names[PT_CG_DEPTH][PT_CG_NAME_LEN];
};

/*
 * A user stack frame as the kernel's build-id walker gives it (the layout
 * of struct bpf_stack_build_id): the build id of the mapped ELF file and
 * the offset in that file, so a frame can be symbolized after its process
 * is gone. status: 1 valid, 2 only ip (no build id found), 0 empty.
 */
struct pt_bid_frame {
	s32 status;
	u8 build_id[20];
	u64 offset; /* file offset, or the ip when status is 2 */
};

struct pt_hdr {
	u16 type; /* enum pt_event_type */
	u16 size; /* size of the whole record */
	u32 cpu;
	u64 ts_ns; /* CLOCK_MONOTONIC (bpf_ktime_get_ns) */
};

/* A task as seen at event time. */
struct pt_task {
	u32 pid;  /* thread group id (what users call pid) */
	u32 tid;
	u32 ppid; /* real_parent's tgid */
	u32 uid;  /* real uid */
	u64 cgroup_id; /* cgroup v2 (default hierarchy) id */
	u64 pidns_ino; /* inode of the task's active pid namespace */
	u64 pid_ino;   /* pidfs inode of the thread's struct pid (0 before pidfs) */
	u32 ns_pid;    /* pid as seen in that namespace */
	u32 pad;
	char comm[PT_COMM_LEN];
};

struct pt_signal_event {
	struct pt_hdr hdr;
	struct pt_task victim;
	struct pt_cgpath victim_cgroup; /* cgroup v2 path of the victim */
	struct pt_task sender; /* current at generation */
	s32 sig;
	s32 si_code;	 /* from the siginfo, or SI_USER/SI_KERNEL for NOINFO/PRIV */
	u32 info_pid;	 /* as recorded in the siginfo (0 when none) */
	u32 info_uid;
	s32 result;	 /* TRACE_SIGNAL_* */
	u16 info_kind;	 /* enum pt_info_kind */
	u16 group;	 /* 1 when sent to the whole thread group */
	u32 hints;	 /* enum pt_gen_hint */
	s32 syscall_nr;	 /* sender's recorded syscall, -1 if none */
	s32 orig_ax;	 /* sender's pt_regs->orig_ax: the syscall it is in, or -1 */
	u64 sys_args[3]; /* first arguments of the recorded syscall */
	s32 kstack_sz;	 /* bytes, < 0 when not taken (-errno) */
	/* kill(0, sig) or kill(-N, sig): the process group it signalled (its
	 * number in the root pid namespace) and how many processes were in
	 * it (PT_PGRP_MAX: that many or more); 0 for any other signal. */
	u32 pgrp;
	u32 pgrp_size;
	u32 pad;
	u64 kstack[PT_KSTACK_DEPTH];
};

#define PT_PGRP_MAX 65536

/* The sender's user stack, appended to a signal record when asked for. */
struct pt_ustack {
	s32 ustack_sz; /* bytes of ustack, < 0 when not taken */
	s32 ubid_sz;   /* bytes of ubid, < 0 when not taken */
	/*
	 * The word at the user stack pointer at syscall entry: a C library
	 * syscall wrapper pushes no frame, so this is the return address into
	 * its caller, the frame a frame-pointer walk skips.
	 */
	u64 user_sp_word;
	/* Set by user space once it has unwound the stack (0 from BPF). */
	u32 method; /* enum pt_ustack_method */
	u32 flags;  /* enum pt_ustack_flag */
	u64 fault_addr; /* PT_USTACK_FAULT: the fault's si_addr */
	u64 sp;		/* the user stack pointer (of the fault, or at syscall entry) */
	u64 ustack[PT_USTACK_DEPTH];
	/* The same frames as build id + file offset: they resolve after the
	 * sender is gone (a killer often exits right after its kill). */
	struct pt_bid_frame ubid[PT_USTACK_DEPTH];
};

enum pt_ustack_method {
	PT_USTACK_FP = 0,	 /* the kernel's frame-pointer walk, as taken */
	PT_USTACK_DWARF = 1,	 /* unwound by user space with CFI from the stack copy */
	PT_USTACK_FP_CHECKED = 2, /* the fp walk, cut at its first frame in no executable mapping */
};

enum pt_ustack_flag {
	PT_USTACK_TRUNCATED = 1 << 0, /* frames past the last could not be proven */
	PT_USTACK_FAULT = 1 << 1,     /* the task's own stack at a fault (set by BPF) */
};

/* PT_EV_SIGNAL with hdr.size == sizeof(this): a signal record with stacks. */
struct pt_signal_ustack_event {
	struct pt_signal_event sig;
	struct pt_ustack u;
};

/*
 * What user space needs to unwind the sender's stack with its CFI, the
 * way perf --call-graph dwarf does, taken at generation time.
 */
#define PT_UREGS_NR 17		 /* x86-64 DWARF registers 0-16: rax..r15, rip */
#define PT_UREG_SP 7		 /* DWARF number of rsp */
#define PT_UREG_IP 16		 /* the return address column: rip */
#define PT_UMAPS 32		 /* executable file mappings kept (room for more than today's one) */
#define PT_STACK_BYTES_DEFAULT 8192
#define PT_STACK_BYTES_MAX 32768 /* hdr.size is 16 bits */

/* An executable file mapping of the sender, as it was at the signal. */
struct pt_umap {
	u64 start, end; /* [start, end) */
	u64 pgoff;	/* file offset of start, in bytes */
	u64 ino;
	u32 dev;	/* st_dev of the file (kernel encoding) */
	s32 bid_status; /* 1: build_id holds the file's GNU build id; 0 none */
	u8 build_id[20];
	u32 pad;
};

enum pt_dwarf_flag {
	PT_DW_FAULT = 1 << 1,	/* a fault: fault_addr is its si_addr */
	PT_DW_NO_REGS = 1 << 4, /* the task had no user registers */
};

struct pt_dwarf_stack {
	u32 flags;	/* enum pt_dwarf_flag */
	u32 nr_maps;	/* entries of maps[] filled */
	u32 stack_len;	/* bytes of stack[] copied, from regs[PT_UREG_SP] up */
	s32 stack_err;	/* 0, or the error of the copy (then stack_len is 0) */
	u64 regs[PT_UREGS_NR];
	u64 fault_addr;	    /* si_addr of a fault */
	u64 fault_vm_start; /* reserved: 0 (the VMA walk is refused at signal_generate) */
	u64 fault_vm_end;
	u64 fault_vm_flags;
	u64 stack_vm_end;
	/*
	 * maps[0]: the main executable's text (mm->start_code..end_code, its
	 * build id from its ELF notes); then each library the dynamic linker
	 * loaded (start: its load bias, end 0: unknown), from its link_map
	 * list (see bpf/ustack.bpf.h).
	 */
	struct pt_umap maps[PT_UMAPS];
	u8 stack[];	/* stack_len bytes; the record has room for the configured size */
};

/*
 * PT_EV_SIGNAL with hdr.size == sizeof(this) + the configured stack size
 * (--stack-bytes): a signal record with the data to unwind with CFI.
 */
struct pt_signal_dwarf_event {
	struct pt_signal_ustack_event s;
	struct pt_dwarf_stack d;
};

struct pt_exit_event {
	struct pt_hdr hdr;
	struct pt_task task;
	struct pt_cgpath cgroup; /* cgroup v2 path of the task */
	u32 exit_code;	      /* task->exit_code: wait status layout */
	u32 group_exit_code;  /* signal->group_exit_code */
	u32 flags;	      /* enum pt_exit_flag */
	u32 initiator_tid;    /* thread that started the group exit / exec, 0 if unknown */
	char initiator_comm[PT_COMM_LEN];
	s32 initiator_syscall; /* exit_group, execve... or -1 */
	u32 nr_threads;	      /* signal->nr_threads at exit */
	u64 start_ns;	      /* task->start_time (monotonic) */
	u64 parent_chld_handler; /* real parent's SIGCHLD handler: 0 DFL, 1 IGN, else a function */
	s32 kstack_sz;
	/* The real parent (the thread that forked it) had SIGCHLD blocked:
	 * its handler could not run when this task died. */
	u32 parent_chld_blocked;
	u64 kstack[PT_KSTACK_DEPTH];
};

struct pt_oom_event {
	struct pt_hdr hdr;
	struct pt_task victim;
	struct pt_task killer; /* current: the task that ran out of memory */
	u64 memcg_id;	       /* v1 memory cgroup (kernfs id), 0 if none */
	u64 total_vm_pages;
	u64 anon_rss_pages;
	u64 file_rss_pages;
	u64 shmem_rss_pages;
	s32 oom_score_adj;
	u32 pad;
	struct pt_cgpath memcg; /* the v1 memory cgroup */
};

struct pt_fork_event {
	struct pt_hdr hdr;
	struct pt_task parent; /* current */
	struct pt_task child;
	s32 syscall_nr;
	u32 clone_flags_lo; /* low bits of the recorded clone flags, 0 if unknown */
};

struct pt_pidfd_event {
	struct pt_hdr hdr;
	struct pt_task opener;
	u32 target_pid; /* pid number in the opener's namespace (syscall arg) */
	u32 flags;	/* pidfd_open flags (PIDFD_THREAD...) */
	s32 syscall_nr; /* pidfd_open or clone3/clone */
	s32 ret;	/* the returned fd, or -errno */
};

struct pt_exec_event {
	struct pt_hdr hdr;
	struct pt_task task;
	u32 old_tid; /* thread that called execve (before de_thread) */
	u32 pad;
	char filename[256]; /* the binary as execve() named it */
};

/* A wait4()/waitid() in a tracked task returned a child's status. */
struct pt_reap_event {
	struct pt_hdr hdr;
	struct pt_task reaper; /* current: who waited */
	u32 target_pid;	       /* returned pid, in the reaper's namespace */
	s32 status;	       /* wait status (wait4) or si_status (waitid) */
	s32 syscall_nr;	       /* wait4 or waitid */
	s32 idtype;	       /* waitid idtype (P_PIDFD...), -1 for wait4 */
	u32 options;	       /* WNOHANG, WNOWAIT... */
	u32 pad;
};

/*
 * A marker user space makes the kernel side write (BPF_PROG_TEST_RUN of
 * the program "mark"): once it has read it, it has read every record
 * reserved before it, whichever CPU wrote them (see tracer__sync()).
 */
struct pt_mark_event {
	struct pt_hdr hdr;
	u64 seq; /* the caller's sequence number */
};

/*
 * The death registry (pidtrace watch --pin): a note per process death,
 * keyed by the pidfs inode of the process's struct pid, so that a later
 * `pidtrace dump` can tell who a dead pidfd pointed at and who killed it,
 * long after the fact. Lives in an LRU hash map pinned in bpffs.
 */
struct pt_death_note {
	u64 ts_ns;	   /* death, CLOCK_MONOTONIC */
	u32 pid;	   /* in the root pid namespace */
	u32 ppid;
	u32 ns_pid;	   /* in its own pid namespace */
	u32 exit_code;	   /* wait status */
	u32 uid;
	u32 level;	   /* pid namespace level */
	char comm[PT_COMM_LEN];
	char parent_comm[PT_COMM_LEN];
	/* The fatal signal's generation, when one was seen (sig != 0). */
	s32 sig;
	s32 si_code;
	u32 killer_pid;
	u32 killer_tid;
	u32 killer_uid;
	s32 killer_syscall; /* -1 when unknown */
	u32 info_kind;	    /* enum pt_info_kind */
	u32 hints;	    /* enum pt_gen_hint */
	char killer_comm[PT_COMM_LEN];
	u64 kill_ts_ns;
};

#define PT_REGISTRY_PIN_DIR "/sys/fs/bpf/pidtrace"
#define PT_REGISTRY_PIN_PATH PT_REGISTRY_PIN_DIR "/deaths"

/* Index of the counters in the "stats" per-CPU array. */
enum pt_stat {
	PT_STAT_EVENTS = 0, /* records submitted */
	PT_STAT_DROPS,	    /* ring buffer full: record lost */
	PT_STAT_FILTERED,   /* signals seen but filtered in the kernel */
	PT_STAT_SHED,	    /* records left out to keep room for kills and deaths */
	PT_STAT_MAX,
};

/* Filter configuration, written into .rodata before load. */
struct pt_filter_cfg {
	u64 sig_mask;	     /* bit (sig-1): report generation of sig */
	u8 deaths_only;	     /* report only signals that will likely kill */
	u8 filter_pids;	     /* victim must be in the "tracked" map */
	u8 follow_children;  /* forks of tracked tasks become tracked */
	u8 filter_comm;	     /* victim or sender comm must equal comm */
	u8 filter_cgroup;    /* victim must be under cgroup_id */
	u8 kstacks;	     /* always take kernel stacks */
	u8 ustacks;	     /* take the sender's user stack */
	u8 lineage;	     /* emit fork/exec/pidfd/reap events of tracked tasks */
	u32 wakeup_bytes;    /* wake user space once this much is queued; 0: always */
	u8 registry;	     /* keep a death note of every process (see pt_death_note) */
	u8 pad2[3];
	u32 stack_bytes;     /* stack copied for CFI unwinding, 0: none (fp walk only) */
	u32 pad3;
	u64 cgroup_id;
	s32 cgroup_ssid;     /* -1: cgroup v2; else v1 controller (enum cgroup_subsys_id) */
	u32 pad;
	char comm[PT_COMM_LEN];
};

/*
 * The layout both compilers must agree on (issue 14): sizes and the
 * offsets user space reads at. A change here is a PT_ABI_VERSION bump.
 */
#define PT_ABI_SIZE(t, n) _Static_assert(sizeof(struct t) == (n), "ABI: size of " #t)
#define PT_ABI_OFF(t, f, n) \
	_Static_assert(__builtin_offsetof(struct t, f) == (n), "ABI: offset of " #t "." #f)
PT_ABI_SIZE(pt_hdr, 16);
PT_ABI_SIZE(pt_task, 64);
PT_ABI_SIZE(pt_cgpath, 8 + PT_CG_DEPTH * PT_CG_NAME_LEN);
PT_ABI_SIZE(pt_bid_frame, 32);
PT_ABI_OFF(pt_signal_event, victim, 16);
PT_ABI_OFF(pt_signal_event, sender, 376);
PT_ABI_OFF(pt_signal_event, sig, 440);
PT_ABI_OFF(pt_signal_event, pgrp, 508);
PT_ABI_OFF(pt_signal_event, kstack, 520);
PT_ABI_SIZE(pt_signal_event, 712);
PT_ABI_OFF(pt_ustack, method, 16);
PT_ABI_OFF(pt_ustack, fault_addr, 24);
PT_ABI_OFF(pt_ustack, ustack, 40);
PT_ABI_OFF(pt_ustack, ubid, 232);
PT_ABI_SIZE(pt_ustack, 1000);
PT_ABI_SIZE(pt_signal_ustack_event, 1712);
PT_ABI_SIZE(pt_umap, 64);
PT_ABI_OFF(pt_dwarf_stack, regs, 16);
PT_ABI_OFF(pt_dwarf_stack, fault_addr, 152);
PT_ABI_OFF(pt_dwarf_stack, maps, 192);
PT_ABI_OFF(pt_dwarf_stack, stack, 192 + PT_UMAPS * 64);
PT_ABI_SIZE(pt_signal_dwarf_event, 1712 + 192 + PT_UMAPS * 64);
PT_ABI_SIZE(pt_exit_event, 632);
PT_ABI_SIZE(pt_oom_event, 488);
PT_ABI_SIZE(pt_fork_event, 152);
PT_ABI_SIZE(pt_pidfd_event, 96);
PT_ABI_SIZE(pt_exec_event, 344);
PT_ABI_SIZE(pt_reap_event, 104);
PT_ABI_SIZE(pt_mark_event, 24);
PT_ABI_SIZE(pt_death_note, 120);
PT_ABI_SIZE(pt_filter_cfg, 64);
PT_ABI_OFF(pt_filter_cfg, stack_bytes, 24);
_Static_assert(sizeof(struct pt_signal_dwarf_event) + PT_STACK_BYTES_MAX < 65536,
	       "a signal record's size fits hdr.size");

#endif /* PIDTRACE_H */
